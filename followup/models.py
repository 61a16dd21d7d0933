"""What follow-up keeps: transferred basket lines, finance-system purchases, and monthly spend kept summed.

Basket lines are copied at transfer (punchout deletes its sessions a day after they expire). Nothing here
holds a person: no user, no e-mail, no IP address; an import batch remembers who uploaded it, as the
catalogue versions do.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalogue.models import Agreement
from hub.organisations.models import BuyerOrganisation, Supplier
from punchout.models import BuyerSystem


class TransferredLine(models.Model):
    """One basket line as it went to the organisation's ordering system."""

    organisation = models.ForeignKey(BuyerOrganisation, on_delete=models.PROTECT, related_name="+")
    buyer_system = models.ForeignKey(BuyerSystem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    buyer_system_name = models.CharField(_("beställningssystem"), max_length=100)
    # The session is gone a day after it expires; its id stays to group the lines of one basket.
    session_id = models.PositiveBigIntegerField(null=True, blank=True)
    supplier = models.ForeignKey(Supplier, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    supplier_orgnr = models.CharField(_("leverantörens organisationsnummer"), max_length=10)
    agreement = models.ForeignKey(Agreement, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    agreement_reference = models.CharField(_("avtalsnummer"), max_length=60)
    unspsc = models.CharField("UNSPSC", max_length=8, blank=True)
    seller_item_id = models.CharField(_("artikelnummer"), max_length=100)
    quantity = models.DecimalField(_("antal"), max_digits=12, decimal_places=3)
    amount = models.DecimalField(_("belopp exkl. moms"), max_digits=18, decimal_places=2)
    on_agreement = models.BooleanField(_("på giltigt avtal"))
    transferred_at = models.DateTimeField(_("överförd"), default=timezone.now)
    transferred_on = models.DateField(_("dag"))

    class Meta:
        verbose_name = _("överförd varukorgsrad")
        verbose_name_plural = _("överförda varukorgsrader")
        indexes = (models.Index(fields=["organisation", "transferred_on"], name="followup_line_org_day"),)

    def __str__(self) -> str:
        return f"{self.transferred_on} {self.seller_item_id} {self.amount}"


class PurchaseImport(models.Model):
    """One finance-system file, imported whole or not at all."""

    organisation = models.ForeignKey(BuyerOrganisation, on_delete=models.PROTECT, related_name="+")
    original_filename = models.CharField(_("fil"), max_length=255)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(_("importerad"), default=timezone.now)
    row_count = models.PositiveIntegerField(_("rader"), default=0)
    total_amount = models.DecimalField(_("summa"), max_digits=20, decimal_places=2, default=0)

    class Meta:
        ordering = ("-imported_at",)
        verbose_name = _("import av inköp")
        verbose_name_plural = _("importer av inköp")
        permissions = (
            ("view_followup", "Kan se uppföljning / Can view follow-up"),
            ("import_purchases", "Kan importera inköp / Can import purchases"),
        )

    def __str__(self) -> str:
        return f"{self.original_filename} ({self.imported_at:%Y-%m-%d})"


class Purchase(models.Model):
    """One row of the organisation's finance system: a purchase, on agreement or not."""

    class AgreementSource(models.TextChoices):
        REFERENCE = "reference", _("Avtalsnummer i filen")
        MATCHED = "matched", _("Matchat på leverantör och datum")
        OVERRIDDEN = "overridden", _("Ändrat för hand")
        UNKNOWN_REFERENCE = "unknown", _("Okänt avtalsnummer")
        NONE = "none", _("Inget avtal")

    organisation = models.ForeignKey(BuyerOrganisation, on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(PurchaseImport, on_delete=models.CASCADE, related_name="purchases")
    row_number = models.PositiveIntegerField(_("rad"))
    supplier_orgnr = models.CharField(_("leverantörens organisationsnummer"), max_length=10)
    supplier = models.ForeignKey(Supplier, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    amount = models.DecimalField(_("belopp exkl. moms"), max_digits=18, decimal_places=2)
    purchased_on = models.DateField(_("datum"))
    agreement_reference = models.CharField(_("avtalsnummer i filen"), max_length=60, blank=True)
    account = models.CharField(_("konto"), max_length=20, blank=True)
    agreement = models.ForeignKey(Agreement, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    agreement_source = models.CharField(
        _("avtal enligt"), max_length=10, choices=AgreementSource.choices, default=AgreementSource.NONE
    )
    on_agreement = models.BooleanField(_("på giltigt avtal"), default=False)

    class Meta:
        ordering = ("purchased_on", "pk")
        verbose_name = _("inköp")
        verbose_name_plural = _("inköp")
        indexes = (models.Index(fields=["organisation", "purchased_on"], name="followup_purchase_org_day"),)

    def __str__(self) -> str:
        return f"{self.purchased_on} {self.supplier_orgnr} {self.amount}"


class MonthlySpend(models.Model):
    """Spend summed per month, organisation and one dimension at a time, kept in step with the lines
    (followup.spend). One dimension per row keeps each dashboard query to the rows it needs: the
    dashboards answer in the same time over a thousand lines or a million."""

    class Source(models.TextChoices):
        BASKET = "basket", _("Punchout")
        PURCHASE = "purchase", _("Ekonomisystem")

    class Dimension(models.TextChoices):
        TOTAL = "total", _("Totalt")
        AGREEMENT = "agreement", _("Avtal")
        SUPPLIER = "supplier", _("Leverantör")
        CATEGORY = "category", _("Kategori")

    month = models.DateField()
    organisation = models.ForeignKey(BuyerOrganisation, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=10, choices=Source.choices)
    dimension = models.CharField(max_length=10, choices=Dimension.choices)
    # The agreement's id, the supplier's orgnr or the UNSPSC segment; blank for none (and for TOTAL).
    key = models.CharField(max_length=20, blank=True)
    on_agreement = models.BooleanField()
    amount = models.DecimalField(max_digits=20, decimal_places=2)
    line_count = models.PositiveIntegerField()

    class Meta:
        indexes = (
            models.Index(fields=["dimension", "month", "organisation"], name="followup_spend_dim_month_org"),
            models.Index(fields=["organisation", "month"], name="followup_spend_org_month"),
        )

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.dimension} {self.key} {self.amount}"


class SearchMonth(models.Model):
    """A closed month of the search log counted once: how often each query (lower-cased) had no result,
    or only a few, per organisation searched for (none: anonymous visitors, and searches logged before the
    log kept the organisation). Search log rows are written with the time of the search, so a month that is
    over does not change; the month in progress is always counted from the log itself (followup.figures)."""

    month = models.DateField()
    # SET_NULL as on the log: a deleted organisation's searches still count hub-wide.
    organisation = models.ForeignKey(
        BuyerOrganisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    zero_hit = models.BooleanField()  # False: a low-hit search (1 to 3 results)
    text = models.CharField(max_length=200)
    count = models.PositiveIntegerField()

    class Meta:
        indexes = (models.Index(fields=["zero_hit", "month"], name="followup_searchmonth_kind"),)

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.text!r} {self.count}"


class SearchMonthCounted(models.Model):
    """Which months SearchMonth holds (a month with no searches at all has a marker and no rows)."""

    month = models.DateField(unique=True)

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"
