"""Framework agreements, supplier catalogues, their versions and items.

Items are never hard-deleted: a new version supersedes the old one, so history and
follow-up stay true. The live catalogue is the one published version per catalogue.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import classproperty
from django.utils.translation import gettext_lazy as _
from modelsearch import index

from catalogue.signals import versions_superseded
from catalogue.storage import catalogue_file_path, catalogue_files_storage
from hub.organisations.models import BuyerOrganisation, Supplier
from swedish_text import search_text_for, title_text_for
from swedish_text.heads import narrowing_terms as terms_for_narrowing

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


class AgreementQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date) -> AgreementQuerySet:
        return self.filter(valid_from__lte=day, valid_to__gte=day)

    def entitled(self, organisation: BuyerOrganisation | None) -> AgreementQuerySet:
        """Agreements the organisation may buy on; None means anonymous (open agreements only)."""
        if organisation is None:
            return self.filter(open_to_all=True)
        return self.filter(Q(open_to_all=True) | Q(buyers=organisation)).distinct()


class Agreement(models.Model):
    """A framework agreement (ramavtal)."""

    reference = models.CharField(_("avtalsnummer"), max_length=60, unique=True)
    title = models.CharField(_("benämning"), max_length=255)
    suppliers = models.ManyToManyField(Supplier, related_name="agreements", verbose_name=_("leverantörer"))
    valid_from = models.DateField(_("giltigt från"))
    valid_to = models.DateField(_("giltigt till"))
    open_to_all = models.BooleanField(
        _("öppet för alla organisationer"),
        default=True,
        help_text=_("Annars bara de avropsberättigade"),
    )
    buyers = models.ManyToManyField(
        BuyerOrganisation, blank=True, related_name="agreements", verbose_name=_("avropsberättigade")
    )
    categories = models.CharField(
        _("kategorier"), max_length=255, blank=True, help_text=_("UNSPSC- eller CPV-koder, kommaseparerade")
    )
    preferred_rank = models.PositiveSmallIntegerField(_("rangordning"), default=1, help_text=_("1 = förstahandsval"))
    documents_url = models.URLField(_("avtalsdokument"), blank=True)
    # Auto-approval thresholds for new catalogue versions.
    auto_approve_max_price_increase_percent = models.DecimalField(
        _("högsta prishöjning utan granskning (%)"), max_digits=6, decimal_places=2, default=Decimal("0")
    )
    auto_approve_max_removals = models.PositiveIntegerField(
        _("högsta antal borttagna artiklar utan granskning"), default=0
    )

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["reference"]
        verbose_name = _("ramavtal")
        verbose_name_plural = _("ramavtal")

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def is_valid_on(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.valid_from <= day <= self.valid_to


class Catalogue(models.Model):
    """One supplier's catalogue on one agreement."""

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="catalogues")
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="catalogues")
    live_version = models.OneToOneField(
        "CatalogueVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Written by the import and publication pipeline, not edited in the admin: Wagtail's reference
    # index ("used by") has nothing to show for it, and each save would queue a task inside the
    # pipeline's transaction.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("katalog")
        verbose_name_plural = _("kataloger")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["supplier", "agreement"], name="one_catalogue_per_agreement")
        ]
        permissions: ClassVar[list[tuple[str, str | StrPromise]]] = [
            ("upload_catalogue", "Kan ladda upp kataloger / Can upload catalogues")
        ]

    def __str__(self) -> str:
        return f"{self.supplier.name} – {self.agreement.reference}"


class IllegalTransition(ValueError):
    """A status change that CatalogueVersion.TRANSITIONS does not allow from the version's current status."""


class CatalogueVersion(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Mottagen")
        # The file's own checks passed; the official Peppol rules still run. Not decidable yet.
        CHECKING = "checking", _("Kontrolleras mot Peppol-reglerna")
        INVALID = "invalid", _("Ogiltig")
        VALIDATED = "validated", _("Validerad")
        # Valid, but it removes more items than CATALOGUE_CONFIRM_REMOVALS_OVER: the supplier confirms first.
        AWAITING_CONFIRM = "awaiting_confirm", _("Väntar på din bekräftelse")
        PENDING_REVIEW = "pending_review", _("Väntar på granskning")
        PUBLISHED = "published", _("Publicerad")
        REJECTED = "rejected", _("Avvisad")
        SCHEDULED = "scheduled", _("Godkänd, väntar på startdatum")
        SUPERSEDED = "superseded", _("Ersatt")
        WITHDRAWN = "withdrawn", _("Återkallad av leverantören")
        FAILED = "failed", _("Behandlingen misslyckades")

        # Named status sets, the one place that says which statuses belong together. Class properties,
        # not plain attributes: an attribute would become an enum member (and a choice).
        @classproperty
        def IN_PROGRESS(cls) -> frozenset[CatalogueVersion.Status]:
            return frozenset({cls.RECEIVED, cls.CHECKING})

        @classproperty
        def DECIDABLE(cls) -> frozenset[CatalogueVersion.Status]:
            """A reviewer (or auto-approval) may decide: the official rules have finished and nothing is decided yet."""
            return frozenset({cls.VALIDATED, cls.PENDING_REVIEW})

        @classproperty
        def WAITING(cls) -> frozenset[CatalogueVersion.Status]:
            """Waiting for a decision, the reviewer's or the supplier's confirmation: at most one per catalogue
            (catalogue.lifecycle.supersede_waiting)."""
            return cls.DECIDABLE | {cls.AWAITING_CONFIRM}

        @classproperty
        def ACCEPTED(cls) -> frozenset[CatalogueVersion.Status]:
            """Approved: a T58 "accepted" was or will be sent."""
            return frozenset({cls.PUBLISHED, cls.SCHEDULED, cls.SUPERSEDED})

        @classproperty
        def ANSWERED(cls) -> frozenset[CatalogueVersion.Status]:
            """Answered with a T58 (accepted or rejected). A superseded version that never went live has a
            superseded_by and no T58 of its own: see catalogue.catalogue_response."""
            return frozenset({cls.PUBLISHED, cls.SCHEDULED, cls.SUPERSEDED, cls.REJECTED, cls.INVALID})

        @classproperty
        def PUBLISHABLE(cls) -> frozenset[CatalogueVersion.Status]:
            """Publication may start from these."""
            return frozenset({cls.VALIDATED, cls.PENDING_REVIEW, cls.SCHEDULED})

        @classproperty
        def INDEXED(cls) -> frozenset[CatalogueVersion.Status]:
            """Items sent to the search backends: live ones and those on their way to publication."""
            return frozenset({cls.VALIDATED, cls.PENDING_REVIEW, cls.SCHEDULED, cls.PUBLISHED})

        @classproperty
        def WITHDRAWABLE(cls) -> frozenset[CatalogueVersion.Status]:
            """The supplier may take these back."""
            return frozenset({cls.VALIDATED, cls.AWAITING_CONFIRM, cls.PENDING_REVIEW})

    class UploadMode(models.TextChoices):
        # The file is the whole catalogue: items not in it are removed.
        REPLACE = "replace", _("Ersätt hela katalogen")
        # Excel and CSV: the file's rows are added or changed, "Ta bort" rows removed; the rest stays.
        UPDATE = "update", _("Uppdatera")

    class Format(models.TextChoices):
        PEPPOL = "peppol", "Peppol BIS Catalogue 3"
        XLSX = "xlsx", "Excel (.xlsx)"
        CSV = "csv", "CSV"
        CIF = "cif", "cXML CIF 3.0"
        BMECAT = "bmecat", "BMEcat 2005"

    catalogue = models.ForeignKey(Catalogue, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("versionsnummer"))
    # Private storage, random names: see catalogue.storage (never under the public MEDIA_ROOT).
    file = models.FileField(_("fil"), upload_to=catalogue_file_path, storage=catalogue_files_storage, max_length=200)
    original_filename = models.CharField(max_length=255, blank=True)
    format = models.CharField(max_length=10, choices=Format.choices)
    upload_mode = models.CharField(
        _("uppladdningsläge"), max_length=10, choices=UploadMode.choices, default=UploadMode.REPLACE
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    line_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    progress_percent = models.PositiveSmallIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True)
    # A comment nobody wrote (auto-approval): a code worded when shown (catalogue.review.review_comment_text).
    review_comment_code = models.CharField(max_length=40, blank=True, default="")
    published_at = models.DateTimeField(null=True, blank=True)
    # Approved versions whose validity starts later wait (status SCHEDULED) until this day.
    publish_on = models.DateField(_("publiceras"), null=True, blank=True)
    # Counts from catalogue.diff at submission, so lists need not recompute the diff.
    diff_summary = models.JSONField(default=dict, blank=True)
    # Image fetch problems (catalogue.pictures); a broken image never fails the import.
    image_report = models.JSONField(default=dict, blank=True)

    # Written by the import and publication pipeline, not edited in the admin: Wagtail's reference
    # index ("used by") has nothing to show for it, and each save would queue a task inside the
    # pipeline's transaction.
    wagtail_reference_index_ignore = True

    # Set by every status change and every progress step; fail_stalled_imports reads it.
    last_activity_at = models.DateTimeField(null=True, blank=True)
    # The newer version that took this one's place while it waited (status SUPERSEDED, never published).
    superseded_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # When the supplier confirmed the removals of a version that waited in AWAITING_CONFIRM.
    removals_confirmed_at = models.DateTimeField(null=True, blank=True)
    removals_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The background import task (django-tasks result id), so a failed or lost task fails the version.
    import_task_id = models.CharField(max_length=64, blank=True)

    # The lifecycle, declared once: every status write goes through transition(), which refuses other moves.
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.RECEIVED: frozenset({Status.CHECKING, Status.INVALID, Status.FAILED}),
        Status.CHECKING: frozenset({Status.VALIDATED, Status.INVALID, Status.FAILED}),
        Status.VALIDATED: frozenset(
            {
                Status.AWAITING_CONFIRM,
                Status.PENDING_REVIEW,
                Status.SCHEDULED,
                Status.PUBLISHED,
                Status.REJECTED,
                Status.SUPERSEDED,
                Status.WITHDRAWN,
                Status.FAILED,
            }
        ),
        # Confirmed: back to VALIDATED, from where submit_for_review goes on to review or auto-approval.
        Status.AWAITING_CONFIRM: frozenset({Status.VALIDATED, Status.SUPERSEDED, Status.WITHDRAWN}),
        Status.PENDING_REVIEW: frozenset(
            {Status.SCHEDULED, Status.PUBLISHED, Status.REJECTED, Status.SUPERSEDED, Status.WITHDRAWN}
        ),
        Status.SCHEDULED: frozenset({Status.PUBLISHED, Status.REJECTED, Status.SUPERSEDED}),
        Status.PUBLISHED: frozenset({Status.SUPERSEDED}),
        Status.FAILED: frozenset({Status.RECEIVED}),  # a retry
        Status.INVALID: frozenset(),
        Status.REJECTED: frozenset(),
        Status.SUPERSEDED: frozenset(),
        Status.WITHDRAWN: frozenset(),
    }

    class Meta:
        ordering: ClassVar[list[str]] = ["-number"]
        verbose_name = _("katalogversion")
        verbose_name_plural = _("katalogversioner")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["catalogue", "number"], name="unique_version_number")
        ]
        permissions: ClassVar[list[tuple[str, str | StrPromise]]] = [
            ("review_catalogueversion", "Kan granska katalogversioner / Can review catalogue versions")
        ]

    def __str__(self) -> str:
        return f"{self.catalogue} v{self.number} ({self.get_status_display()})"

    def transition(self, new_status: str, **fields) -> CatalogueVersion:
        """Move to `new_status` and write `fields` with it, or raise IllegalTransition.

        Locks the row and reads the status from the database, so a stale instance (an import that
        ran for minutes, a second browser tab) never writes over a decision made meanwhile. Runs
        inside the caller's transaction when there is one, so a decision and its status commit together.
        """
        with transaction.atomic():
            current = type(self).objects.select_for_update().get(pk=self.pk)
            if new_status not in self.TRANSITIONS.get(current.status, frozenset()):
                raise IllegalTransition(
                    _("Version %(number)s kan inte gå från %(old)s till %(new)s")
                    % {
                        "number": current.number,
                        "old": current.get_status_display(),
                        "new": self.Status(new_status).label,
                    }
                )
            fields = {"last_activity_at": timezone.now(), **fields}
            # update(), not save(): no post_save work (Wagtail's reference index task) per status step.
            type(self).objects.filter(pk=self.pk).update(status=new_status, **fields)
            if new_status == self.Status.SUPERSEDED:
                version_id = self.pk
                transaction.on_commit(
                    lambda: versions_superseded.send(sender=CatalogueVersion, version_ids=[version_id])
                )
        # Keep the caller's instance in step with the database.
        self.status = new_status
        for name, value in fields.items():
            setattr(self, name, value)
        return self


class CatalogueItemQuerySet(models.QuerySet):
    def live(self) -> CatalogueItemQuerySet:
        """Items in the published version of each catalogue."""
        return self.filter(version__status=CatalogueVersion.Status.PUBLISHED)

    def once_live(self) -> CatalogueItemQuerySet:
        """Items of versions that are or were published (never those of a version that was not approved)."""
        Status = CatalogueVersion.Status
        return self.filter(
            Q(version__status=Status.PUBLISHED)
            | Q(version__published_at__isnull=False)
            # A published version that was replaced; a waiting one replaced unpublished has superseded_by set.
            | Q(version__status=Status.SUPERSEDED, version__superseded_by__isnull=True)
        )

    def buyable(self, organisation: BuyerOrganisation | None, day: datetime.date | None = None):
        """What the organisation (None: an anonymous visitor) may buy on the given day."""
        day = day or timezone.localdate()
        agreements = Agreement.objects.valid_on(day).entitled(organisation)
        return (
            self.live()
            .filter(version__catalogue__agreement__in=agreements)
            .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        )


class CatalogueItem(index.Indexed, models.Model):
    """One line of one catalogue version."""

    version = models.ForeignKey(CatalogueVersion, on_delete=models.PROTECT, related_name="items")
    line_number = models.PositiveIntegerField()
    seller_item_id = models.CharField(_("artikelnummer"), max_length=100, db_index=True)
    gtin = models.CharField("GTIN", max_length=14, blank=True)
    name = models.CharField(_("benämning"), max_length=255)
    description = models.TextField(_("beskrivning"), blank=True)
    manufacturer = models.CharField(_("tillverkare"), max_length=200, blank=True)
    manufacturer_part_number = models.CharField(_("tillverkarens artikelnummer"), max_length=100, blank=True)
    unspsc = models.CharField("UNSPSC", max_length=8, blank=True, db_index=True)
    cpv = models.CharField("CPV", max_length=10, blank=True)
    unit = models.CharField(_("enhet"), max_length=3, help_text=_("UN/ECE Rec 20"))
    price = models.DecimalField(_("pris"), max_digits=14, decimal_places=4)
    currency = models.CharField(_("valuta"), max_length=3, default="SEK")
    base_quantity = models.DecimalField(_("basmängd"), max_digits=12, decimal_places=3, default=Decimal("1"))
    vat_category = models.CharField(_("momskategori"), max_length=2, default="S")
    vat_rate = models.DecimalField(_("momssats"), max_digits=5, decimal_places=2, default=Decimal("25"))
    min_order_quantity = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    max_order_quantity = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    pack_size = models.DecimalField(_("förpackningsstorlek"), max_digits=12, decimal_places=3, null=True, blank=True)
    lead_time_days = models.PositiveIntegerField(_("leveranstid (dagar)"), null=True, blank=True)
    eco_labels = models.JSONField(_("miljömärkningar"), default=list, blank=True)
    keywords = models.JSONField(_("sökord"), default=list, blank=True)
    image_urls = models.JSONField(default=list, blank=True)
    image = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    # Swedish-normalised text (compound parts, stems) computed at import; see swedish_text.
    search_text = models.TextField(blank=True)
    # What search narrows a text's matches by (the kind of goods asked for): space-separated terms from
    # swedish_text.heads.narrowing_terms, filled with search_text; indexed per engine (search/service/filters.py,
    # catalogue migration 0008: FTS5 on SQLite, GIN on PostgreSQL; a keyword field on OpenSearch).
    narrowing_terms = models.TextField(blank=True)

    objects = CatalogueItemQuerySet.as_manager()

    search_fields: ClassVar[list[index.BaseField]] = [
        # "title" is the normalised name (swedish_text); SQLite FTS ranks only a field of that name higher.
        index.SearchField("title", boost=4),
        index.SearchField("name", boost=3),
        index.AutocompleteField("name"),
        index.SearchField("search_text"),
        index.SearchField("description"),
        index.SearchField("seller_item_id"),
        index.SearchField("manufacturer"),
        index.FilterField("version_id"),
        index.FilterField("unspsc"),
        index.FilterField("price"),
        # What search.service.opensearch filters, counts and sorts on (facets, validity, order).
        index.FilterField("id"),
        index.FilterField("name"),
        index.FilterField("catalogue_supplier_id", type="IntegerField"),
        index.FilterField("catalogue_agreement_id", type="IntegerField"),
        index.FilterField("eco_labels"),
        index.FilterField("valid_from"),
        index.FilterField("valid_to"),
        index.FilterField("unit_price", type="FloatField"),
        index.FilterField("narrowing_term_list"),
    ]

    class Meta:
        ordering: ClassVar[list[str]] = ["version", "line_number"]
        verbose_name = _("artikel")
        verbose_name_plural = _("artiklar")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["version", "seller_item_id"], name="unique_item_per_version")
        ]
        permissions: ClassVar[list[tuple[str, str | StrPromise]]] = [
            ("view_entitled_items", "Kan se avtalsvaror / Can view agreement items")
        ]

    def __str__(self) -> str:
        return f"{self.seller_item_id} {self.name}"

    # Versions whose items a full index rebuild sends to the search backends: live ones and those on
    # their way to publication (publish.py indexes a version before its switch). History stays out.
    INDEXED_VERSION_STATUSES = tuple(sorted(CatalogueVersion.Status.INDEXED))

    @classmethod
    def get_indexed_objects(cls) -> models.QuerySet:
        return (
            super()
            .get_indexed_objects()
            .filter(version__status__in=cls.INDEXED_VERSION_STATUSES)
            .select_related("version__catalogue")
        )

    def save(self, *args, **kwargs) -> None:
        # Every save keeps search_text in step with the fields it reads; bulk loaders call fill_search_text.
        fill_search_text([self])
        super().save(*args, **kwargs)

    def title(self) -> str:
        """The Swedish-normalised name (compound parts and stems), indexed for search only."""
        return title_text_for(self)

    def narrowing_term_list(self) -> list[str]:
        """The narrowing terms as a list (OpenSearch's keyword field)."""
        return self.narrowing_terms.split()

    @property
    def catalogue_supplier_id(self) -> int:
        return self.version.catalogue.supplier_id

    @property
    def catalogue_agreement_id(self) -> int:
        return self.version.catalogue.agreement_id

    @property
    def unit_price(self) -> Decimal:
        """Price per order unit (price is for base_quantity units)."""
        return self.price / (self.base_quantity or Decimal("1"))


class UploadedImage(models.Model):
    """A picture a supplier uploaded for one item ID of a catalogue; every version's item with that ID shows it."""

    catalogue = models.ForeignKey(Catalogue, on_delete=models.CASCADE, related_name="uploaded_images")
    seller_item_id = models.CharField(_("artikelnummer"), max_length=100)
    image = models.ForeignKey("wagtailimages.Image", on_delete=models.CASCADE, related_name="+")
    original_filename = models.CharField(max_length=255, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("uppladdad bild")
        verbose_name_plural = _("uppladdade bilder")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["catalogue", "seller_item_id"], name="one_uploaded_image_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.catalogue} {self.seller_item_id}"


class SupplierApiToken(models.Model):
    """A supplier's key for the upload API. Only a SHA-256 hash is stored; see catalogue.api."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("namn"), max_length=100, blank=True)
    prefix = models.CharField(max_length=12, help_text=_("Början av nyckeln, för att känna igen den"))
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    # Written by the import and publication pipeline, not edited in the admin: Wagtail's reference
    # index ("used by") has nothing to show for it, and each save would queue a task inside the
    # pipeline's transaction.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("API-nyckel för leverantör")
        verbose_name_plural = _("API-nycklar för leverantörer")

    def __str__(self) -> str:
        return f"{self.supplier.name} {self.prefix}…"


def fill_search_text(items: Iterable[CatalogueItem]) -> list[CatalogueItem]:
    """Compute search_text and narrowing_terms for each item in memory (bulk_create sends no save(): loaders
    call this first)."""
    out = []
    for item in items:
        item.search_text = search_text_for(item)
        item.narrowing_terms = narrowing_terms_for(item)
        out.append(item)
    return out


def narrowing_terms_for(item) -> str:
    """The stored narrowing terms of an item whose search_text is filled (see swedish_text.heads)."""
    return " ".join(terms_for_narrowing(item.name, item.description, item.search_text, item.unspsc))
