"""Punchout sessions on the server: open, start (single-use token), basket, transfer, cancel, expiry.

Protocol modules (punchout.protocols.*) read and write the messages; this module keeps the state and
the rules that hold for every protocol: the organisation's scope, the allow-listed return URL, the
single-use start token and the session key the shop carries in its URL path (see docs/punchout.md).
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from punchout.credentials import new_token, shared_secret_matches, token_hash
from punchout.models import BasketLine, BuyerSystem, Protocol, PunchoutSession
from punchout.protocols import cxml, oci, peppol
from punchout.protocols.basket import ReturnedLine
from punchout.signals import basket_transferred

CxmlError = cxml.CxmlError
OciError = oci.OciError
MAX_QUANTITY = Decimal("1000000")
CENT = Decimal("0.01")
EXPIRED_KEPT_FOR = datetime.timedelta(days=1)


class SessionUnavailable(Exception):
    """The start token or session key leads nowhere usable; `reason` picks the page the shopper sees."""

    def __init__(self, reason: str, session: PunchoutSession | None = None) -> None:
        super().__init__(reason)
        self.reason = reason  # "unknown", "expired", "used", "closed"
        self.session = session


class BasketRefused(Exception):
    """An add or change the session may not make (outside the scope, read-only, a bad quantity)."""


# ------------------------------------------------------------------------------------------ cXML setup


def _same(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def authenticate_cxml(setup: cxml.SetupRequest) -> BuyerSystem:
    """The buyer system whose Sender credential and shared secret the request carries, or CxmlError 401.

    Every path runs one password-hash check, so an unknown sender and a wrong secret take the same time.
    """
    credentials = [(c, c.shared_secret) for c in setup.sender_credentials if c.shared_secret is not None]
    if not credentials:
        raise CxmlError(401, "The Sender has no Credential with a SharedSecret")
    for credential, secret in credentials:
        identity = credential.identity.strip()
        named = Q(cxml_sender_identity__iexact=identity) | Q(
            cxml_sender_identity="", cxml_from_identity__iexact=identity
        )
        candidates = (
            list(BuyerSystem.objects.filter(named, active=True).select_related("organisation")) if identity else []
        )
        for system in candidates:
            # The secret is checked first, so a wrong domain costs the same time as a wrong secret.
            secret_matches = shared_secret_matches(secret, system.shared_secret_hash)
            domain = system.cxml_sender[0]
            if secret_matches and (not domain or _same(domain, credential.domain)):
                return system
        if not candidates:
            shared_secret_matches(secret, None)
    raise CxmlError(401, "Unknown sender or wrong shared secret")


def _check_cxml_parties(system: BuyerSystem, setup: cxml.SetupRequest) -> None:
    if system.cxml_from_identity and not any(
        _same(c.identity, system.cxml_from_identity)
        and (not system.cxml_from_domain or _same(c.domain, system.cxml_from_domain))
        for c in setup.from_credentials
    ):
        raise CxmlError(401, "The From credential is not the one registered for this sender")
    if not any(
        c.identity == settings.HUB_CXML_IDENTITY
        and (not system.cxml_to_domain or _same(c.domain, system.cxml_to_domain))
        for c in setup.to_credentials
    ):
        raise CxmlError(403, f"The To credential must name this hub ({settings.HUB_CXML_IDENTITY})")
    if not system.speaks(Protocol.CXML):
        raise CxmlError(403, "This buyer system is not registered for cXML")
    if not system.allows_return_url(setup.return_url):
        raise CxmlError(403, "The BrowserFormPost URL is not on this buyer system's list of return addresses")


def open_cxml_session(setup: cxml.SetupRequest) -> tuple[PunchoutSession, str]:
    """Authenticate, check, and open a session; returns it with the clear start token (its hash is stored)."""
    system = authenticate_cxml(setup)
    _check_cxml_parties(system, setup)
    language = "en" if setup.language.lower().startswith("en") else "sv"
    with transaction.atomic():
        session, token = _new_session(
            system,
            protocol=Protocol.CXML,
            operation=setup.operation,
            buyer_cookie=setup.buyer_cookie,
            return_url=setup.return_url,
            user_email=setup.user_email[:254],
            language=language,
            payload_id=setup.payload_id,
        )
        if setup.operation in ("edit", "inspect"):
            _reopen_basket(session, setup.items)
    return session, token


def _new_session(system: BuyerSystem, token: str | None = None, **fields) -> tuple[PunchoutSession, str]:
    now = timezone.now()
    token = token or new_token()
    agreement_ids = system.agreement_ids()
    session = PunchoutSession.objects.create(
        buyer_system=system,
        organisation=system.organisation,
        agreement_ids=sorted(agreement_ids) if agreement_ids is not None else None,
        start_token_hash=token_hash(token),
        start_expires_at=now + datetime.timedelta(seconds=settings.PUNCHOUT_START_TOKEN_SECONDS),
        expires_at=now + datetime.timedelta(seconds=settings.PUNCHOUT_SESSION_SECONDS),
        **fields,
    )
    return session, token


def _reopen_basket(session: PunchoutSession, items: list[cxml.ItemOut]) -> None:
    """Edit and inspect: the lines the hub sent earlier come back as ItemOut; find each in today's scope."""
    scope_items = (
        session.scope().items().select_related("version__catalogue__agreement", "version__catalogue__supplier")
    )
    unmatched = []
    for item_out in items:
        agreement_reference, _, supplier_orgnr = item_out.auxiliary_id.partition(";")
        item = scope_items.filter(
            seller_item_id=item_out.supplier_part_id,
            version__catalogue__agreement__reference=agreement_reference,
            version__catalogue__supplier__orgnr=supplier_orgnr,
        ).first()
        if item is None or BasketLine.objects.filter(session=session, item=item).exists():
            unmatched.append({"supplier_part_id": item_out.supplier_part_id, "quantity": str(item_out.quantity)})
            continue
        BasketLine.from_item(session, item, item_out.quantity).save()
    session.unmatched_lines = unmatched
    session.save(update_fields=["unmatched_lines"])


# ------------------------------------------------------------------------------------------ OCI start


def authenticate_oci(request: oci.StartRequest) -> tuple[BuyerSystem, str | None]:
    """The buyer system the login names, and for a start token the value that makes it single-use.

    USERNAME and PASSWORD take one password-hash check whether or not the user exists, so an unknown
    user and a wrong secret take the same time and get the same answer (401).
    """
    if request.token:
        system_id, nonce = oci.read_start_token(request.token, settings.PUNCHOUT_START_TOKEN_SECONDS)
        system = BuyerSystem.objects.select_related("organisation").filter(pk=system_id, active=True).first()
        if system is None:
            raise OciError(401, "login")
        return system, "oci-token:" + nonce
    if not request.username or not request.password:
        raise OciError(401, "login_missing")
    candidates = list(
        BuyerSystem.objects.filter(oci_username__iexact=request.username, active=True).select_related("organisation")
    )
    for system in candidates:
        if shared_secret_matches(request.password, system.shared_secret_hash):
            return system, None
    if not candidates:
        shared_secret_matches(request.password, None)
    raise OciError(401, "login")


def open_oci_session(request: oci.StartRequest) -> tuple[PunchoutSession, str]:
    """Authenticate the catalogue call, check HOOK_URL, open the session and start it at once (the shopper's
    browser is already here). Returns the session and its clear session key. A start token works once."""
    system, single_use = authenticate_oci(request)
    try:
        if not system.speaks(Protocol.OCI):
            raise OciError(403, "not_oci")
        if not system.allows_return_url(request.hook_url):
            raise OciError(403, "hook_url")
    except OciError as error:
        error.frame_origins = list(system.frame_origins)
        raise
    start_token = single_use or new_token()
    if PunchoutSession.objects.filter(start_token_hash=token_hash(start_token)).exists():
        raise OciError(401, "token_used")
    try:
        with transaction.atomic():
            _new_session(
                system,
                token=start_token,
                protocol=Protocol.OCI,
                operation=PunchoutSession.Operation.CREATE,
                return_url=request.hook_url,
                return_target=request.target,
                return_fields=request.echoed_fields,
                language=request.language,
            )
    except IntegrityError:  # the same token used twice at once: the unique start-token hash lets one win
        raise OciError(401, "token_used") from None
    return start(start_token)


# ------------------------------------------------------------------------------------------ start and look-up


def start(token: str) -> tuple[PunchoutSession, str]:
    """Use a start token once: the session opens and gets its session key (returned in clear, stored hashed)."""
    now = timezone.now()
    session = PunchoutSession.objects.filter(start_token_hash=token_hash(token)).first()
    if session is None:
        raise SessionUnavailable("unknown")
    if session.state != PunchoutSession.State.NEW:
        raise SessionUnavailable("used", session)
    if now >= session.start_expires_at or now >= session.expires_at:
        raise SessionUnavailable("expired", session)
    key = new_token()
    # One UPDATE that only a NEW session matches: two requests with the same token cannot both win.
    won = PunchoutSession.objects.filter(pk=session.pk, state=PunchoutSession.State.NEW).update(
        state=PunchoutSession.State.OPEN, started_at=now, session_key_hash=token_hash(key)
    )
    if not won:
        raise SessionUnavailable("used", session)
    session.refresh_from_db()
    return session, key


def session_for_key(key: str) -> PunchoutSession:
    session = (
        PunchoutSession.objects.select_related("buyer_system", "organisation")
        .filter(session_key_hash=token_hash(key))
        .first()
    )
    if session is None:
        raise SessionUnavailable("unknown")
    if session.state in (PunchoutSession.State.TRANSFERRED, PunchoutSession.State.CANCELLED):
        raise SessionUnavailable("closed", session)
    if session.is_expired:
        raise SessionUnavailable("expired", session)
    return session


# ------------------------------------------------------------------------------------------ basket


def parse_quantity(value: str) -> Decimal:
    try:
        quantity = Decimal((value or "").strip().replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except InvalidOperation:
        raise BasketRefused("quantity") from None
    if (
        not quantity.is_finite()
        or quantity < 0
        or quantity > MAX_QUANTITY
        or quantity != quantity.quantize(Decimal("0.001"))
    ):
        raise BasketRefused("quantity")
    return quantity


def add_item(session: PunchoutSession, item_id: str, quantity: Decimal) -> BasketLine:
    """Add `quantity` of an item; an id outside the session's scope (a forged form) is refused."""
    if session.read_only:
        raise BasketRefused("read_only")
    if quantity <= 0:
        raise BasketRefused("quantity")
    try:
        pk = int(item_id)
    except (TypeError, ValueError):
        raise BasketRefused("scope") from None
    item = (
        session.scope()
        .items()
        .select_related("version__catalogue__agreement", "version__catalogue__supplier")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise BasketRefused("scope")
    with transaction.atomic():
        line = BasketLine.objects.select_for_update().filter(session=session, item=item).first()
        if line is not None:
            line.quantity = min(line.quantity + quantity, MAX_QUANTITY)
            line.save(update_fields=["quantity"])
            return line
        line = BasketLine.from_item(session, item, quantity)
        try:
            with transaction.atomic():
                line.save()
        except IntegrityError:  # the same item added twice at once
            line = BasketLine.objects.get(session=session, item=item)
            line.quantity = min(line.quantity + quantity, MAX_QUANTITY)
            line.save(update_fields=["quantity"])
        return line


def set_quantities(session: PunchoutSession, quantities: dict[int, Decimal]) -> None:
    """New quantities by line id; 0 removes the line. Lines of other sessions are ignored."""
    if session.read_only:
        raise BasketRefused("read_only")
    for line in session.lines.filter(pk__in=list(quantities)):
        quantity = quantities[line.pk]
        if quantity == 0:
            line.delete()
        else:
            line.quantity = quantity
            line.save(update_fields=["quantity"])


@dataclass
class Totals:
    net: Decimal
    vat: Decimal

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat


def totals(lines: list[BasketLine]) -> Totals:
    """Totals of the lines that will be transferred (an unavailable line counts for nothing)."""
    lines = transferable(lines)
    net = sum((line.total for line in lines), Decimal("0"))
    vat = sum((line.vat for line in lines), Decimal("0"))
    return Totals(net.quantize(CENT, rounding=ROUND_HALF_UP), vat.quantize(CENT, rounding=ROUND_HALF_UP))


def basket(session: PunchoutSession) -> list[BasketLine]:
    return list(session.lines.select_related("item").order_by("pk"))


def refresh_basket(session: PunchoutSession) -> tuple[list[BasketLine], bool]:
    """Bring each line to the live catalogue: a newer version's item and price replace the old ones (the
    old price kept to show the change), an item gone from the scope is marked unavailable.

    Returns the lines and whether anything changed now, so a transfer never carries a price the shopper
    has not seen.
    """
    changed = False
    live_items = session.scope().items().select_related("version__catalogue__agreement", "version__catalogue__supplier")
    with transaction.atomic():
        for line in session.lines.select_for_update().select_related("item__version").order_by("pk"):
            live = live_items.filter(
                version__catalogue_id=line.item.version.catalogue_id, seller_item_id=line.seller_item_id
            ).first()
            if live is None:
                if not line.unavailable:
                    line.unavailable = changed = True
                    line.save(update_fields=["unavailable"])
                continue
            if live.pk == line.item_id and not line.unavailable:
                continue
            changed = True
            twin = session.lines.filter(item=live).exclude(pk=line.pk).first()
            if twin is not None:  # the shopper also added the new version's item: one line
                twin.quantity = min(twin.quantity + line.quantity, MAX_QUANTITY)
                twin.save(update_fields=["quantity"])
                line.delete()
                continue
            fresh = BasketLine.from_item(session, live, line.quantity)
            if fresh.unit_price != line.unit_price:
                line.previous_unit_price = line.unit_price
            for name in ("item", "name", "unit", "unit_price", "currency", "vat_rate"):
                setattr(line, name, getattr(fresh, name))
            line.unavailable = False
            line.save()
    return basket(session), changed


def transferable(lines: list[BasketLine]) -> list[BasketLine]:
    return [line for line in lines if not line.unavailable]


# ------------------------------------------------------------------------------------------ closing


def _close(session: PunchoutSession, state: str, **kept) -> bool:
    """Close an open session once (saving `kept` fields with it); False when another request closed it first."""
    return bool(
        PunchoutSession.objects.filter(pk=session.pk, state=PunchoutSession.State.OPEN).update(
            state=state, closed_at=timezone.now(), **kept
        )
    )


def _returned_lines(lines: list[BasketLine]) -> list[ReturnedLine]:
    return [
        ReturnedLine(
            seller_item_id=line.seller_item_id,
            name=line.name,
            quantity=line.quantity,
            unit=line.unit,
            unit_price=line.unit_price,
            currency=line.currency,
            vat_rate=line.vat_rate,
            agreement_reference=line.agreement_reference,
            supplier_name=line.supplier_name,
            supplier_orgnr=line.supplier_orgnr,
            auxiliary_id=line.auxiliary_id,
            item_key=str(line.item_id),
            unspsc=line.item.unspsc,
            manufacturer=line.item.manufacturer,
            manufacturer_part_number=line.item.manufacturer_part_number,
            lead_time_days=line.item.lead_time_days,
        )
        for line in lines
    ]


def cxml_order_message(session: PunchoutSession, lines: list[BasketLine]) -> bytes:
    system = session.buyer_system
    operation_allowed = "inspect" if session.read_only else "edit"
    return cxml.order_message(
        buyer_cookie=session.buyer_cookie,
        operation_allowed=operation_allowed,
        lines=_returned_lines(lines),
        total=totals(lines).net,
        currency="SEK",
        to_domain=system.cxml_from_domain,
        to_identity=system.cxml_from_identity,
        language="en-US" if session.language == "en" else "sv-SE",
    )


@dataclass
class ReturnForm:
    """What the browser posts to the return URL: the fields in order, and the frame it posts into ('' = its own)."""

    fields: list[tuple[str, str]]
    target: str = ""
    # Peppol: the basket's ID and T77 document, kept on the closed session for the server-to-server fetch.
    basket_id: str | None = None
    basket_document: bytes = b""


def _peppol_return_form(session: PunchoutSession, lines: list[BasketLine]) -> ReturnForm:
    if not lines:
        return ReturnForm(peppol.return_fields(session))
    basket_id = str(uuid.uuid4())
    document = peppol.basket_document(session, lines, basket_id)
    return ReturnForm(peppol.return_fields(session, basket_id, document), basket_id=basket_id, basket_document=document)


def return_form(session: PunchoutSession, lines: list[BasketLine]) -> ReturnForm:
    if session.protocol == Protocol.OCI:
        fields = oci.basket_fields(_returned_lines(lines), session.return_fields, session.language)
        return ReturnForm(fields, session.return_target or oci.DEFAULT_TARGET)
    if session.protocol == Protocol.PEPPOL:
        return _peppol_return_form(session, lines)
    document = cxml_order_message(session, lines)
    return ReturnForm([cxml.return_form_field(document, session.buyer_system.cxml_return_encoding)])


class BasketChanged(Exception):
    """The live catalogue changed since the shopper last saw the basket: show it again before transferring."""


def transfer(session: PunchoutSession, *, cancelled: bool = False) -> ReturnForm:
    """Close the session and return the form the browser posts to the return URL.

    Cancel returns an empty basket. The session key dies with the session. A transfer carries the live
    agreement prices; when they changed since the basket was last shown, BasketChanged is raised instead.
    Peppol has no empty T77 basket, so there an empty transfer is a cancel.
    """
    lines: list[BasketLine] = []
    if not cancelled:
        lines, changed = refresh_basket(session)
        if changed:
            raise BasketChanged
        lines = transferable(lines)
    form = return_form(session, lines)
    cancelled = cancelled or (session.protocol == Protocol.PEPPOL and not lines)
    state = PunchoutSession.State.CANCELLED if cancelled else PunchoutSession.State.TRANSFERRED
    kept = (
        {"basket_id": form.basket_id, "basket_document": form.basket_document.decode("utf-8")} if form.basket_id else {}
    )
    if not _close(session, state, **kept):
        raise SessionUnavailable("closed", session)
    if not cancelled:
        basket_transferred.send(sender=PunchoutSession, session=session, lines=lines)
    return form


def delete_expired(now: datetime.datetime | None = None) -> int:
    """Remove sessions (and their baskets) a day past their expiry, for the periodic jobs.

    The day's grace lets a late click still show "the session has expired" rather than "not found".
    """
    cutoff = (now or timezone.now()) - EXPIRED_KEPT_FOR
    deleted, _ = PunchoutSession.objects.filter(expires_at__lt=cutoff).delete()
    return deleted
