"""The search log: what was searched and how it went, for follow-up. No user, no IP address, no session:
the organisation the search was made for is kept (an organisation is not a person), so each organisation
can see its own unmet demand."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from hub.organisations.models import BuyerOrganisation


class SearchLog(models.Model):
    query = models.CharField(_("sökfråga"), max_length=200)
    result_count = models.PositiveIntegerField(_("antal träffar"))
    zero_hit = models.BooleanField(_("noll träffar"), db_index=True)
    backend = models.CharField(_("sökmotor"), max_length=40)
    duration_ms = models.PositiveIntegerField(_("tid (ms)"))
    created_at = models.DateTimeField(_("tidpunkt"), auto_now_add=True, db_index=True)
    # The signed-in searcher's organisation, or the punchout session's; blank for anonymous visitors.
    organisation = models.ForeignKey(
        BuyerOrganisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at"]
        verbose_name = _("sökning")
        verbose_name_plural = _("sökloggen")

    def __str__(self) -> str:
        return f"{self.query!r} ({self.result_count})"
