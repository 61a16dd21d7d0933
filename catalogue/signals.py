"""What happens to a catalogue version, announced to the apps above catalogue (search) and to side work.

Catalogue never imports search: search connects to these in its AppConfig.ready
(search/signal_handlers.py), as Wagtail's search does with model signals. Every signal is sent with
`sender=CatalogueVersion`.

- `version_publishing(version)`: before the switch and outside its transaction. The version is not
  live yet, so whatever a receiver prepares (the search index) is in place the moment it is.
- `version_published(version)`: inside the publication transaction, right after the switch. Side work
  a receiver starts must wait for the commit (`transaction.on_commit`).
- `versions_superseded(version_ids)`: after the commit that replaced these versions.

Receivers own their failures: a receiver that raises breaks the publication that sent the signal.
"""

from django.dispatch import Signal

version_publishing = Signal()
version_published = Signal()
versions_superseded = Signal()
