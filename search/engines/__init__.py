"""The hub's own modelsearch backends (subclasses of modelsearch's, chosen in search/backends.py)."""
