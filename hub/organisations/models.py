"""Buyer organisations, suppliers and the people who act for them."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hub.organisations.identifiers import format_orgnr, normalise_orgnr, peppol_participant_id


class OrgnrField(models.CharField):
    """A Swedish organisation number, stored as 10 digits after a check-digit test."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("validators", [normalise_orgnr])
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("validators", None)
        return name, path, args, kwargs


class LegalEntity(models.Model):
    name = models.CharField(_("namn"), max_length=200)
    orgnr = OrgnrField(_("organisationsnummer"), unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering: ClassVar[list[str]] = ["name"]

    def clean(self) -> None:
        super().clean()
        if self.orgnr:
            self.orgnr = normalise_orgnr(self.orgnr)

    def save(self, *args, **kwargs):
        self.orgnr = normalise_orgnr(self.orgnr)
        super().save(*args, **kwargs)

    @property
    def peppol_id(self) -> str:
        return peppol_participant_id(self.orgnr)

    @property
    def orgnr_display(self) -> str:
        return format_orgnr(self.orgnr)

    def __str__(self) -> str:
        return f"{self.name} ({self.orgnr_display})"


class BuyerOrganisation(LegalEntity):
    """A municipality, region or agency whose staff buy on framework agreements."""

    public_catalogue = models.BooleanField(
        _("visa avtalskatalogen publikt"),
        default=True,
        help_text=_("Besökare som inte loggat in ser varor på avtal som är öppna för alla"),
    )

    class Meta(LegalEntity.Meta):
        verbose_name = _("beställarorganisation")
        verbose_name_plural = _("beställarorganisationer")


class Supplier(LegalEntity):
    """A supplier (leverantör) holding one or more framework agreements."""

    class Meta(LegalEntity.Meta):
        verbose_name = _("leverantör")
        verbose_name_plural = _("leverantörer")


class Membership(models.Model):
    """Ties a user to the organisation or supplier they act for."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    organisation = models.ForeignKey(
        BuyerOrganisation, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    supplier = models.ForeignKey(Supplier, null=True, blank=True, on_delete=models.PROTECT, related_name="members")

    class Meta:
        verbose_name = _("tillhörighet")
        verbose_name_plural = _("tillhörigheter")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=~(models.Q(organisation__isnull=False) & models.Q(supplier__isnull=False)),
                name="membership_one_side_only",
            )
        ]

    def clean(self) -> None:
        if self.organisation_id and self.supplier_id:
            raise ValidationError(_("En användare hör till en organisation eller en leverantör, inte båda"))

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation or self.supplier}"


class OrganisationApiToken(models.Model):
    """A buyer organisation's key for its staff's API calls (follow-up figures): they see only that organisation.

    Only a SHA-256 hash is stored; see hub.organisations.api_tokens.
    """

    organisation = models.ForeignKey(BuyerOrganisation, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("namn"), max_length=100, blank=True)
    prefix = models.CharField(max_length=12, help_text=_("Början av nyckeln, för att känna igen den"))
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API-nyckel för organisation")
        verbose_name_plural = _("API-nycklar för organisationer")

    def __str__(self) -> str:
        return f"{self.organisation.name} {self.prefix}…"
