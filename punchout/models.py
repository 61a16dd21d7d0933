"""Buyer systems (the ordering systems that punch out to the hub), their shopping sessions and baskets.

The protocols (cXML now; OCI and Peppol Punch Out 3 later) live side by side in punchout.protocols and
share these models: a session knows its protocol, and a basket line keeps what it was added with.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalogue.models import Agreement, CatalogueItem
from hub.organisations.models import BuyerOrganisation
from search.service import SearchScope

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CENT = Decimal("0.01")


class Protocol(models.TextChoices):
    CXML = "cxml", "cXML 1.2"
    OCI = "oci", "OCI 4.0/5.0"
    PEPPOL = "peppol", "Peppol BIS Punch Out 3"


# A host name or IPv4 address, an optional port: nothing that could break out of a CSP header.
HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(?::\d{1,5})?")


def check_return_url_prefix(value: str) -> None:
    parts = urlsplit(value)
    if (
        parts.scheme not in {"http", "https"}
        or not HOST.fullmatch(parts.netloc)
        or any(ch.isspace() or ord(ch) < 32 for ch in value)
    ):
        raise ValidationError(
            _("%(value)s är inte en http(s)-adress utan användarnamn, t.ex. https://proceedo.example.se/punchout/")
            % {"value": value}
        )


def check_origin(value: str) -> None:
    parts = urlsplit(value)
    if (
        parts.scheme not in {"http", "https"}
        or not HOST.fullmatch(parts.netloc)
        or parts.path not in {"", "/"}
        or parts.query
        or parts.fragment
    ):
        raise ValidationError(
            _("%(value)s är inte ett ursprung (schema och värd, ingen sökväg), t.ex. https://proceedo.example.se")
            % {"value": value}
        )


class BuyerSystem(models.Model):
    """An organisation's ordering system (Proceedo, Unit4, …) allowed to open punchout sessions.

    The shared secret is stored as a Django password hash (punchout.credentials); the clear text is
    given once, to the command or the admin form, and never shown again.
    """

    class ReturnEncoding(models.TextChoices):
        URLENCODED = "urlencoded", _("cxml-urlencoded (cXML som text)")
        BASE64 = "base64", _("cxml-base64 (cXML base64-kodad)")

    organisation = models.ForeignKey(
        BuyerOrganisation, on_delete=models.PROTECT, related_name="buyer_systems", verbose_name=_("organisation")
    )
    name = models.CharField(_("namn"), max_length=100, unique=True)
    protocols = models.JSONField(_("protokoll"), default=list, blank=True)
    active = models.BooleanField(_("aktiv"), default=True)
    # cXML identities. The buyer system's From (and its Sender, when a network sends for it: blank = as From).
    cxml_from_domain = models.CharField(_("cXML From-domän"), max_length=100, blank=True, default="NetworkId")
    cxml_from_identity = models.CharField(_("cXML From-identitet"), max_length=200, blank=True)
    cxml_sender_domain = models.CharField(_("cXML Sender-domän"), max_length=100, blank=True)
    cxml_sender_identity = models.CharField(_("cXML Sender-identitet"), max_length=200, blank=True)
    # The domain the buyer system writes the hub's identity (HUB_CXML_IDENTITY) in; blank accepts any.
    cxml_to_domain = models.CharField(_("cXML To-domän"), max_length=100, blank=True)
    cxml_return_encoding = models.CharField(
        _("cXML-returformat"), max_length=12, choices=ReturnEncoding.choices, default=ReturnEncoding.URLENCODED
    )
    # OCI: the USERNAME the ordering system posts with the shared secret as PASSWORD (see punchout.protocols.oci).
    oci_username = models.CharField(_("OCI-användarnamn (USERNAME)"), max_length=100, blank=True)
    shared_secret_hash = models.CharField(max_length=256, editable=False)
    # The same secret sealed with SECRET_KEY (punchout.credentials): Peppol start tokens are HMACs keyed by it.
    shared_secret_sealed = models.TextField(blank=True, editable=False)
    agreements = models.ManyToManyField(
        Agreement,
        blank=True,
        related_name="buyer_systems",
        verbose_name=_("avtal"),
        help_text=_("Tomt: alla avtal organisationen är avropsberättigad på"),
    )
    return_url_prefixes = models.JSONField(_("tillåtna returadresser"), default=list, blank=True)
    frame_origins = models.JSONField(_("ursprung som får rama in butiken"), default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # Lists, as the migrations write them: Django compares the options, and a tuple would be a change.
        ordering: ClassVar[list[str]] = ["name"]
        verbose_name = _("beställningssystem")
        verbose_name_plural = _("beställningssystem")
        permissions: ClassVar[list[tuple[str, StrOrPromise]]] = [("test_punchout", _("Kan testa punchout mot hubben"))]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            # One buyer system per OCI user name (compared without case, as the login is).
            models.UniqueConstraint(
                Lower("oci_username"),
                condition=~models.Q(oci_username=""),
                name="unique_oci_username",
                violation_error_message=_("Ett annat beställningssystem har redan det OCI-användarnamnet."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        unknown = set(self.protocols or []) - set(Protocol.values)
        if unknown:
            raise ValidationError(
                {"protocols": _("Okänt protokoll: %(names)s") % {"names": ", ".join(sorted(unknown))}}
            )
        for prefix in self.return_url_prefixes or []:
            check_return_url_prefix(prefix)
        for origin in self.frame_origins or []:
            check_origin(origin)
        if Protocol.OCI in (self.protocols or []) and not self.oci_username.strip():
            raise ValidationError({"oci_username": _("OCI behöver ett användarnamn (USERNAME).")})

    def speaks(self, protocol: str) -> bool:
        return self.active and protocol in (self.protocols or [])

    @property
    def cxml_sender(self) -> tuple[str, str]:
        """The Sender credential (domain, identity) that authenticates this system."""
        if self.cxml_sender_identity:
            return self.cxml_sender_domain, self.cxml_sender_identity
        return self.cxml_from_domain, self.cxml_from_identity

    def allows_return_url(self, url: str) -> bool:
        """A return URL must start with a registered prefix; the prefix's host must end where it says."""
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.netloc or parts.username or parts.password:
            return False
        for prefix in self.return_url_prefixes or []:
            if url.startswith(prefix) and (prefix.endswith("/") or url == prefix or url[len(prefix)] in "/?"):
                return True
        return False

    def agreement_ids(self) -> frozenset[int] | None:
        """The scope chosen for this system, or None for everything the organisation is entitled to."""
        ids = frozenset(self.agreements.values_list("pk", flat=True))
        return ids or None


class PunchoutSession(models.Model):
    """One shopping session, from the setup request to the transfer (or cancel, or expiry).

    Two random values, only their SHA-256 hashes stored: the start token in the StartPage URL (single use,
    short-lived), and the session key the shop carries in its URL path once the start token is used.
    """

    class Operation(models.TextChoices):
        CREATE = "create", _("Ny varukorg")
        EDIT = "edit", _("Ändra varukorg")
        INSPECT = "inspect", _("Visa varukorg")

    class State(models.TextChoices):
        NEW = "new", _("Väntar på start")
        OPEN = "open", _("Pågår")
        TRANSFERRED = "transferred", _("Överförd")
        CANCELLED = "cancelled", _("Avbruten")

    buyer_system = models.ForeignKey(BuyerSystem, on_delete=models.CASCADE, related_name="sessions")
    organisation = models.ForeignKey(BuyerOrganisation, on_delete=models.CASCADE, related_name="+")
    protocol = models.CharField(max_length=10, choices=Protocol.choices)
    operation = models.CharField(max_length=10, choices=Operation.choices, default=Operation.CREATE)
    state = models.CharField(max_length=12, choices=State.choices, default=State.NEW)
    buyer_cookie = models.TextField(blank=True)
    return_url = models.TextField()
    user_email = models.CharField(max_length=254, blank=True)
    language = models.CharField(max_length=8, default="sv")
    payload_id = models.CharField(max_length=255, blank=True)
    # The agreement scope when the session opened (None: all the organisation is entitled to).
    agreement_ids = models.JSONField(null=True, blank=True)
    start_token_hash = models.CharField(max_length=64, unique=True)
    start_expires_at = models.DateTimeField()
    session_key_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    # Peppol: the buyer's reference from the start token (ReceiverParty/Contact/ID), and after transfer the
    # basket's ID and its UBL document, for the ordering system's server-to-server fetch.
    buyer_reference = models.CharField(max_length=200, blank=True)
    basket_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    basket_document = models.TextField(blank=True)
    # OCI: the frame the basket is posted into (~TARGET), and the fields echoed back unchanged (~OkCode, ~CALLER).
    return_target = models.CharField(max_length=100, blank=True)
    return_fields = models.JSONField(default=dict, blank=True)
    # Lines of an edit/inspect request that could not be matched to a buyable item (shown, not transferred).
    unmatched_lines = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("punchout-session")
        verbose_name_plural = _("punchout-sessioner")
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["expires_at"], name="punchout_session_expiry")]

    def __str__(self) -> str:
        return f"{self.buyer_system} {self.get_operation_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def read_only(self) -> bool:
        return self.operation == self.Operation.INSPECT

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN and not self.is_expired

    def scope(self) -> SearchScope:
        ids = None if self.agreement_ids is None else frozenset(self.agreement_ids)
        return SearchScope(self.organisation, ids)


class BasketLine(models.Model):
    """A basket line keeps what it was added with: item, version, price, unit, name and agreement."""

    session = models.ForeignKey(PunchoutSession, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(CatalogueItem, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=12, decimal_places=3)
    seller_item_id = models.CharField(max_length=100)
    name = models.CharField(max_length=255)
    unit = models.CharField(max_length=3)
    unit_price = models.DecimalField(max_digits=18, decimal_places=4)
    currency = models.CharField(max_length=3, default="SEK")
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2)
    agreement_reference = models.CharField(max_length=60)
    supplier_orgnr = models.CharField(max_length=10)
    supplier_name = models.CharField(max_length=200)
    added_at = models.DateTimeField(default=timezone.now)
    # A newer catalogue version was published during the session: the price the line had before it
    # (shown to the shopper), and whether the item is gone from the live catalogue (not transferred).
    previous_unit_price = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    unavailable = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar[list[str]] = ["pk"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["session", "item"], name="one_basket_line_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} \N{MULTIPLICATION SIGN} {self.seller_item_id}"

    @classmethod
    def from_item(cls, session: PunchoutSession, item: CatalogueItem, quantity: Decimal) -> BasketLine:
        catalogue = item.version.catalogue
        return cls(
            session=session,
            item=item,
            quantity=quantity,
            seller_item_id=item.seller_item_id,
            name=item.name,
            unit=item.unit,
            unit_price=item.unit_price.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP),
            currency=item.currency,
            vat_rate=item.vat_rate,
            agreement_reference=catalogue.agreement.reference,
            supplier_orgnr=catalogue.supplier.orgnr,
            supplier_name=catalogue.supplier.name,
        )

    @property
    def total(self) -> Decimal:
        return (self.unit_price * self.quantity).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def vat(self) -> Decimal:
        return (self.total * self.vat_rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def auxiliary_id(self) -> str:
        """SupplierPartAuxiliaryID: agreement and supplier, so an edit session finds the item again."""
        return f"{self.agreement_reference};{self.supplier_orgnr}"
