"""The version's progress bar: the fast pass fills the first FAST_SHARE percent, the official rules the rest."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

from catalogue.models import CatalogueVersion

FAST_SHARE = 40  # percent of the progress bar for the fast checks; the official rules get the rest
ProgressCallback = Callable[[int, str], None]


class Progress:
    def __init__(self, version: CatalogueVersion, callback: ProgressCallback | None = None) -> None:
        self.version = version
        self.callback = callback

    def set(self, percent: float, stage: str) -> None:
        percent = max(0, min(100, int(percent)))
        version = self.version
        if percent != version.progress_percent:
            version.progress_percent = percent
            CatalogueVersion.objects.filter(pk=version.pk).update(
                progress_percent=percent, last_activity_at=timezone.now()
            )
        if self.callback:
            self.callback(percent, stage)

    def fast(self, fraction: float) -> None:
        self.set(FAST_SHARE * fraction, "fast")

    def official(self, done: int, total: int) -> None:
        self.set(FAST_SHARE + (100 - FAST_SHARE) * done / total, "official")
