"""OpenSearch analysis settings for Swedish text (filled in by the search work)."""

SWEDISH_INDEX_SETTINGS: dict = {}
