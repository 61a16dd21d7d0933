# The guidance fixtures are registered project-wide in the root conftest.py (pytest_plugins),
# because pytest only accepts pytest_plugins there; browser tests use them too.
