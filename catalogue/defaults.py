"""Every CATALOGUE_* setting's default, in one place (compare django-oscar's oscar/defaults.py).

hub/settings/base.py reads each from the environment with these defaults, so the code reads
`settings.CATALOGUE_*` and never restates a default. No Django imports: settings import this.
"""

MB = 1024 * 1024

# Intake -----------------------------------------------------------------------------------------
# Uploads larger than this are refused with a clear message (portal, API, command, picture ZIPs).
CATALOGUE_MAX_UPLOAD_BYTES = 200 * MB
# Files above this are imported by the task worker in the background; smaller ones at once.
CATALOGUE_BACKGROUND_BYTES = 5 * MB
# Peppol files from this size are parsed in a reader process beside the importing one.
CATALOGUE_PARALLEL_READ_BYTES = 4 * MB
# The official Peppol rules run on chunks of this many lines, under one header.
CATALOGUE_RULE_CHUNK_LINES = 500
# Files from this size get a pool of rule processes (CATALOGUE_RULE_PROCESSES, default: one per core).
CATALOGUE_RULE_POOL_BYTES = 2 * MB
# A valid upload that removes more live items than this waits for the supplier's confirmation
# (status awaiting_confirm); 0 asks for every removal.
CATALOGUE_CONFIRM_REMOVALS_OVER = 10
# An import with no progress for this long counts as dead: its version is failed and can be retried.
CATALOGUE_STALLED_IMPORT_MINUTES = 30

# Pictures named by URL in a catalogue (catalogue.pictures) ----------------------------------------
CATALOGUE_FETCH_IMAGES = True
CATALOGUE_IMAGE_TIMEOUT = 10  # seconds for the whole fetch, however slowly the server sends
CATALOGUE_IMAGE_MAX_BYTES = 5 * MB
CATALOGUE_IMAGE_MAX_PIXELS = 40_000_000
# Only for tests and closed networks: allow fetching from private and loopback addresses.
CATALOGUE_IMAGE_ALLOW_PRIVATE = False

__all__ = [name for name in list(globals()) if name.startswith("CATALOGUE_")]
