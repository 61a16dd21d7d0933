"""Keep CatalogueItem.search_text filled on every save.

bulk_create() sends no signals: importers that bulk-create items must call
search.indexing.fill_search_text(items) first.
"""

from __future__ import annotations

from django.db.models.signals import pre_save
from django.dispatch import receiver

from catalogue.models import CatalogueItem
from search.text import search_text_for


@receiver(pre_save, sender=CatalogueItem, dispatch_uid="search_fill_search_text")
def fill_search_text(sender, instance: CatalogueItem, **kwargs) -> None:
    instance.search_text = search_text_for(instance)
