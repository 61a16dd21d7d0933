"""The punchout test harness ("Testa punchout"): plays a buyer system's ordering system against a running hub.

For cXML it sends the PunchOutSetupRequest with the buyer system's registered identities, follows the StartPage
without cookies (as a browser in a third-party iframe would), finds and adds the items through the shop's
own forms, transfers, and receives the returned basket on a small local endpoint (the BrowserFormPost URL),
which it decodes, validates against the cXML DTD and checks. For OCI it posts the catalogue call (USERNAME,
PASSWORD, HOOK_URL, ~OkCode, ~TARGET, ~CALLER) as the shopper's browser would, shops the same way, and checks
the NEW_ITEM fields that come back. For Peppol Punch Out 3 it signs a start token with the shared secret, shops
the same way, receives the UBL basket, fetches it again server to server, and checks it against the UBL 2.1 XSD
and the official T77 rules. manage.py punchout_test and the "Testa punchout" admin page drive it.

The shared secret is stored hashed, so the caller gives it; it goes only into the setup request's body.
"""

from __future__ import annotations

import base64
import http.server
import json
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qs, urljoin, urlsplit

import lxml.html
import requests
from django.conf import settings
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from lxml import etree

from catalogue import safe_xml
from catalogue.validation.standards import StandardsMissing
from hub.money import format_amount
from punchout.models import BuyerSystem, Protocol
from punchout.protocols import cxml, oci, peppol

TIMEOUT_SECONDS = 30
MAX_BROWSE_PAGES = 50  # when the search does not find an item id, look through this many pages of the scope
RETURN_PATH = "punchout-test/retur"
Progress = Callable[[str], None]  # gets one line per step


class HarnessError(Exception):
    """A step failed; the message says which and why (never with the shared secret).

    `document` is the returned basket when it arrived but did not pass the checks (still worth keeping).
    """

    def __init__(self, message: str, document: bytes | None = None) -> None:
        super().__init__(message)
        self.document = document


@dataclass(frozen=True)
class WantedItem:
    seller_item_id: str
    quantity: Decimal


@dataclass
class BasketRow:
    """One returned line, as the "Testa punchout" page shows it."""

    seller_item_id: str
    name: str
    quantity: str
    unit: str
    unit_price: str
    currency: str

    @property
    def unit_price_text(self) -> str:
        """The price as the hub writes amounts (1 234,50 kr); as received when it is not a number."""
        try:
            return format_amount(self.unit_price, self.currency or "SEK")
        except (InvalidOperation, ValueError):
            return " ".join(part for part in (self.unit_price, self.currency) if part)


@dataclass
class Run:
    """What every protocol's round trip is given."""

    system: BuyerSystem
    secret: str
    wanted: list[WantedItem]
    hub_url: str  # without a trailing slash
    receiver_port: int  # 0: a free port
    say: Progress  # gets a line per step


@dataclass
class Outcome:
    document: bytes
    lines: list[tuple[str, Decimal]]
    dtd_checked: bool
    notes: list[str] = field(default_factory=list)
    rows: list[BasketRow] = field(default_factory=list)


def parse_wanted(value: str) -> WantedItem:
    """SELLER_ITEM_ID:QTY, e.g. KP-100:3 (the quantity may have a decimal point)."""
    item_id, separator, amount = value.rpartition(":")
    try:
        quantity = Decimal(amount.strip())
    except InvalidOperation:
        quantity = None
    if not separator or not item_id.strip() or quantity is None or not quantity.is_finite() or quantity <= 0:
        raise HarnessError(
            _("Ange artiklar som ARTIKELNUMMER:ANTAL, t.ex. KP-100:3, inte %(value)r.") % {"value": value}
        )
    return WantedItem(item_id.strip(), quantity)


def find_buyer_system(name: str, protocol: str) -> BuyerSystem:
    if protocol not in RUNNERS:
        raise HarnessError(
            _("Protokollet %(protocol)s stöds inte av testverktyget ännu; bara %(supported)s.")
            % {"protocol": protocol, "supported": ", ".join(RUNNERS)}
        )
    system = BuyerSystem.objects.filter(name=name).first()
    if system is None:
        raise HarnessError(_("Det finns inget beställningssystem som heter %(name)r.") % {"name": name})
    if not system.speaks(protocol):
        raise HarnessError(
            _("Beställningssystemet %(name)s är inte aktivt eller inte registrerat för %(protocol)s.")
            % {"name": name, "protocol": Protocol(protocol).label}
        )
    return system


def check_return_url(system: BuyerSystem, return_url: str) -> None:
    if not system.allows_return_url(return_url):
        raise HarnessError(
            _(
                "Testverktygets returadress %(url)s finns inte bland beställningssystemets tillåtna returadresser "
                "(%(prefixes)s). Lägg till http://127.0.0.1:PORT/ med create_buyer_system --return-url-prefix "
                "och ange samma --receiver-port."
            )
            % {"url": return_url, "prefixes": ", ".join(system.return_url_prefixes) or "-"}
        )


# ------------------------------------------------------------------------------------------ the request


def _credential(parent: etree._Element, domain: str, identity: str, secret: str | None = None) -> None:
    credential = etree.SubElement(parent, "Credential", domain=domain or "NetworkId")
    etree.SubElement(credential, "Identity").text = identity
    if secret is not None:
        etree.SubElement(credential, "SharedSecret").text = secret


def setup_request(system: BuyerSystem, secret: str, return_url: str, buyer_cookie: str, hub_url: str) -> bytes:
    """A PunchOutSetupRequest (operation create) as the buyer system would write it."""
    root = etree.Element("cXML", payloadID=f"{secrets.token_hex(8)}@punchout-test", timestamp=cxml.timestamp())
    root.set(cxml.XML_LANG, "sv-SE")
    header = etree.SubElement(root, "Header")
    _credential(etree.SubElement(header, "From"), system.cxml_from_domain, system.cxml_from_identity)
    _credential(etree.SubElement(header, "To"), system.cxml_to_domain, settings.HUB_CXML_IDENTITY)
    sender = etree.SubElement(header, "Sender")
    _credential(sender, *system.cxml_sender, secret=secret)
    etree.SubElement(sender, "UserAgent").text = "E-handelshubben punchout_test"
    request = etree.SubElement(etree.SubElement(root, "Request", deploymentMode="test"), "PunchOutSetupRequest")
    request.set("operation", "create")
    etree.SubElement(request, "BuyerCookie").text = buyer_cookie
    etree.SubElement(etree.SubElement(request, "BrowserFormPost"), "URL").text = return_url
    etree.SubElement(etree.SubElement(request, "SupplierSetup"), "URL").text = hub_url + reverse("punchout:cxml-setup")
    body = etree.tostring(root, encoding="UTF-8", xml_declaration=True, doctype=cxml.DOCTYPE)
    return body


# ------------------------------------------------------------------------------------------ HTTP steps


def _http(method: str, url: str, **kwargs) -> requests.Response:
    """One request without cookies and without following redirects (each call is its own connection pool)."""
    try:
        return requests.request(method, url, allow_redirects=False, timeout=TIMEOUT_SECONDS, **kwargs)
    except requests.RequestException as error:
        # The exception names the URL, never a body, so the secret cannot leak through it.
        raise HarnessError(
            _("Kunde inte nå %(url)s: %(error)s") % {"url": url, "error": type(error).__name__}
        ) from None


def send_setup(hub_url: str, body: bytes) -> str:
    """POST the setup request; returns the StartPage URL, or says what the hub's cXML Status answered."""
    response = _http(
        "POST", hub_url + reverse("punchout:cxml-setup"), data=body, headers={"Content-Type": "text/xml; charset=UTF-8"}
    )
    try:
        root = etree.fromstring(response.content, safe_xml.parser())
    except (etree.XMLSyntaxError, ValueError):
        root = None
    if root is None:
        raise HarnessError(_("Hubben svarade inte med cXML (HTTP %(status)s).") % {"status": response.status_code})
    start_url = root.findtext("Response/PunchOutSetupResponse/StartPage/URL")
    if response.status_code != 200 or not start_url:
        status = root.find("Response/Status")
        code = status.get("code") if status is not None else response.status_code
        detail = (status.text or status.get("text", "")).strip() if status is not None else ""
        raise HarnessError(_("Hubben avvisade setup-förfrågan: %(code)s %(detail)s") % {"code": code, "detail": detail})
    return start_url.strip()


def follow_start_page(start_url: str) -> str:
    """Use the single-use StartPage; returns the shop's absolute URL (with its session key)."""
    response = _http("GET", start_url)
    if response.status_code != 303 or "Location" not in response.headers:
        raise HarnessError(
            _("StartPage-adressen ledde inte till butiken (HTTP %(status)s).") % {"status": response.status_code}
        )
    return urljoin(start_url, response.headers["Location"])


def _page(response: requests.Response) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(response.content)


def _item_form(page: lxml.html.HtmlElement, seller_item_id: str) -> lxml.html.FormElement | None:
    for result in page.xpath("//li[@data-seller-item-id]"):
        if result.get("data-seller-item-id") == seller_item_id:
            forms = result.xpath(".//form")
            return forms[0] if forms else None
    return None


def _has_next_page(page: lxml.html.HtmlElement, number: int) -> bool:
    return any(f"page={number + 1}" in (link.get("href") or "") for link in page.xpath("//a[@href]"))


def find_item_form(shop_url: str, seller_item_id: str) -> lxml.html.FormElement:
    """The shop's "add" form for the item: searched for by its id, else looked for page by page in the scope."""
    response = _http("GET", shop_url, params={"q": seller_item_id})
    if response.status_code != 200:
        raise HarnessError(_("Butiken svarade HTTP %(status)s på sökningen.") % {"status": response.status_code})
    form = _item_form(_page(response), seller_item_id)
    number = 1
    while form is None and number <= MAX_BROWSE_PAGES:
        response = _http("GET", shop_url, params={"page": number})
        page = _page(response) if response.status_code == 200 else None
        form = _item_form(page, seller_item_id) if page is not None else None
        if page is None or not _has_next_page(page, number):
            break
        number += 1
    if form is None:
        raise HarnessError(
            _("Artikeln %(item)s finns inte bland de avtalsvaror sessionen får handla (utanför urvalet).")
            % {"item": seller_item_id}
        )
    return form


def add_item(shop_url: str, wanted: WantedItem) -> None:
    form = find_item_form(shop_url, wanted.seller_item_id)
    fields = dict(form.form_values())
    fields["quantity"] = str(wanted.quantity)
    response = _http("POST", urljoin(shop_url, form.get("action")), data=fields)
    if response.status_code != 303:
        notice = " ".join(_page(response).xpath("string(//*[contains(@class, 'notice')])").split())
        raise HarnessError(
            _("Butiken lade inte %(item)s i varukorgen (HTTP %(status)s): %(notice)s")
            % {"item": wanted.seller_item_id, "status": response.status_code, "notice": notice}
        )


def fill_basket(shop_url: str, wanted: list[WantedItem], say: Progress) -> None:
    """Add each wanted item through the shop's own forms, saying so for each."""
    for item in wanted:
        add_item(shop_url, item)
        added = _("Lade %(item)s × %(qty)s i varukorgen.")
        say(added % {"item": item.seller_item_id, "qty": item.quantity})


def transfer(shop_url: str) -> tuple[str, dict[str, str]]:
    """Press "Överför varukorgen"; returns the auto-posting form's action and fields (what the browser posts)."""
    form = transfer_form(shop_url)
    return form.get("action"), dict(form.form_values())


def transfer_form(shop_url: str) -> lxml.html.FormElement:
    """Press "Överför varukorgen"; returns the auto-posting return form."""
    path = urlsplit(shop_url).path
    try:
        key = resolve(path).kwargs["key"]
    except (Resolver404, KeyError):
        raise HarnessError(_("Butikens adress %(url)s känns inte igen.") % {"url": shop_url}) from None
    response = _http("POST", urljoin(shop_url, reverse("punchout:transfer", args=[key])), data={})
    forms = _page(response).xpath("//form[@id='punchout-return']") if response.status_code == 200 else []
    if not forms:
        raise HarnessError(
            _("Överföringen gav inget returformulär (HTTP %(status)s).") % {"status": response.status_code}
        )
    return forms[0]


# ------------------------------------------------------------------------------------------ the receiver


RECEIVED_PAGE = b'<!doctype html><html lang="sv"><title>Mottaget</title><h1>Varukorgen mottagen</h1></html>'
EMPTY_PAGE = b"<!doctype html><title>ok</title><p>ok</p>"


@dataclass
class Receiver:
    """The ordering system's side on 127.0.0.1: keeps every form posted to it (the returned basket) and every
    path asked for, and serves `pages` by path on GET (an ordering system's own page, e.g. one framing the shop)."""

    port: int
    posts: list[dict[str, list[str]]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    pages: dict[str, bytes] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def return_url(self) -> str:
        return self.url + RETURN_PATH

    def cxml(self, index: int = -1) -> bytes:
        """The cXML document of a posted return form (cxml-urlencoded or cxml-base64)."""
        return decode_returned(self.posts[index])


@contextmanager
def receiving(port: int = 0) -> Iterator[Receiver]:
    """Serve the ordering system's side on 127.0.0.1:port (0: a free port) while the block runs."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            receiver.paths.append(self.path)
            self._answer(receiver.pages.get(self.path, EMPTY_PAGE))

        def do_POST(self) -> None:
            length = min(int(self.headers.get("Content-Length") or 0), settings.PUNCHOUT_MAX_REQUEST_BYTES)
            receiver.paths.append(self.path)
            receiver.posts.append(parse_qs(self.rfile.read(length).decode("utf-8"), keep_blank_values=True))
            self._answer(RECEIVED_PAGE)

        def _answer(self, body: bytes) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    except OSError as error:
        raise HarnessError(
            _("Kunde inte ta emot på 127.0.0.1:%(port)s: %(error)s") % {"port": port, "error": error.strerror}
        ) from None
    receiver = Receiver(port=server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def receiving_for(system: BuyerSystem, port: int = 0) -> Iterator[Receiver]:
    """Receive as `receiving` does, once the system's allow-list is seen to take the receiver's return URL."""
    with receiving(port) as receiver:
        check_return_url(system, receiver.return_url)
        yield receiver


def post_return_form(action: str, fields: dict[str, str], receiver: Receiver) -> bytes:
    """Post the return form as the browser would, and decode the cXML the receiver got."""
    if action != receiver.return_url:
        raise HarnessError(_("Returformuläret gick till %(action)s, inte till testverktyget.") % {"action": action})
    response = _http("POST", action, data=fields)
    if response.status_code != 200 or not receiver.posts:
        raise HarnessError(_("Returadressen tog inte emot varukorgen."))
    return receiver.cxml()


def decode_returned(form: dict[str, list[str]]) -> bytes:
    if "cxml-base64" in form:
        try:
            return base64.b64decode(form["cxml-base64"][0], validate=True)
        except ValueError:
            raise HarnessError(_("Fältet cxml-base64 är inte giltig base64.")) from None
    if "cxml-urlencoded" in form:
        return form["cxml-urlencoded"][0].encode("utf-8")
    raise HarnessError(
        _("Varukorgen saknar fältet cxml-urlencoded eller cxml-base64 (fick: %(names)s).")
        % {"names": ", ".join(form) or "-"}
    )


# ------------------------------------------------------------------------------------------ checking


def check_basket(document: bytes, buyer_cookie: str, wanted: list[WantedItem]) -> Outcome:
    """Validate against the DTD (when there is one) and compare the lines and the BuyerCookie."""
    try:
        root = etree.fromstring(document, safe_xml.parser())
    except (etree.XMLSyntaxError, ValueError):
        raise HarnessError(_("Den returnerade varukorgen är inte välformad XML.")) from None
    dtd_path = settings.HUB_CXML_DTD if settings.HUB_CXML_DTD is not None and settings.HUB_CXML_DTD.is_file() else None
    dtd_checked = dtd_path is not None
    problems = cxml.dtd_errors(document, dtd_path) if dtd_path is not None else []
    message = root.find("Message/PunchOutOrderMessage")
    if message is None:
        raise HarnessError(_("Den returnerade varukorgen är inget PunchOutOrderMessage."))
    if (message.findtext("BuyerCookie") or "").strip() != buyer_cookie:
        problems.append(_("BuyerCookie kom inte tillbaka oförändrad."))
    lines = []
    for line in message.findall("ItemIn"):
        try:
            lines.append((line.findtext("ItemID/SupplierPartID", "").strip(), Decimal(line.get("quantity", ""))))
        except InvalidOperation:
            problems.append(_("En rad har ett ogiltigt antal: %(value)r") % {"value": line.get("quantity")})
    problems += _compare_lines(wanted, lines)
    if problems:
        raise HarnessError("\n".join(problems), document=document)
    rows = [
        BasketRow(
            seller_item_id=line.findtext("ItemID/SupplierPartID", "").strip(),
            name=line.findtext("ItemDetail/Description/ShortName", "").strip(),
            quantity=line.get("quantity", ""),
            unit=line.findtext("ItemDetail/UnitOfMeasure", "").strip(),
            unit_price=line.findtext("ItemDetail/UnitPrice/Money", "").strip(),
            currency=" ".join(line.xpath("ItemDetail/UnitPrice/Money/@currency")),
        )
        for line in message.findall("ItemIn")
    ]
    return Outcome(document=document, lines=lines, dtd_checked=dtd_checked, rows=rows)


def _compare_lines(wanted: list[WantedItem], lines: list[tuple[str, Decimal]]) -> list[str]:
    expected: dict[str, Decimal] = {}
    for item in wanted:
        expected[item.seller_item_id] = expected.get(item.seller_item_id, Decimal(0)) + item.quantity
    received: dict[str, Decimal] = {}
    for item_id, quantity in lines:
        received[item_id] = received.get(item_id, Decimal(0)) + quantity
    if received == expected:
        return []
    return [
        _("Raderna stämmer inte: väntade %(expected)s, fick %(received)s.")
        % {"expected": _describe(expected), "received": _describe(received)}
    ]


def _describe(quantities: dict[str, Decimal]) -> str:
    return ", ".join(f"{item}:{quantity.normalize():f}" for item, quantity in sorted(quantities.items())) or "-"


# ------------------------------------------------------------------------------------------ the whole run


def run_cxml(run: Run) -> Outcome:
    """One whole round trip; raises HarnessError at the first failing step."""
    buyer_cookie = "punchout-test-" + secrets.token_hex(6)
    with receiving_for(run.system, run.receiver_port) as receiver:
        start_url = send_setup(
            run.hub_url, setup_request(run.system, run.secret, receiver.return_url, buyer_cookie, run.hub_url)
        )
        run.say(_("Setup godkänd, StartPage mottagen."))
        shop_url = follow_start_page(start_url)
        run.say(_("Butiken öppnad utan kakor."))
        fill_basket(shop_url, run.wanted, run.say)
        action, fields = transfer(shop_url)
        document = post_return_form(action, fields, receiver)
        run.say(
            _("Varukorgen mottagen på %(url)s (%(field)s).") % {"url": receiver.return_url, "field": ", ".join(fields)}
        )
    return check_basket(document, buyer_cookie, run.wanted)


# ------------------------------------------------------------------------------------------ OCI

OCI_TARGET = "_top"
OCI_ECHOED = {"~OkCode": "ADDI", "~TARGET": OCI_TARGET, "~CALLER": "CTLG"}


def _refusal_text(response: requests.Response) -> str:
    """What the hub's refusal page says, in the harness's language (the page carries Swedish and English)."""
    try:
        page = _page(response)
    except (etree.ParserError, ValueError):
        return ""
    language = "en" if (translation.get_language() or "").startswith("en") else "sv"
    return " ".join(page.xpath(f"string(//section[@lang='{language}']/p[1])").split())


def oci_call(system: BuyerSystem, secret: str, return_url: str) -> dict[str, str]:
    """The catalogue call as SAP SRM posts it: the login in the form body, never in the URL."""
    return {"USERNAME": system.oci_username, "PASSWORD": secret, "HOOK_URL": return_url, **OCI_ECHOED}


def start_oci(hub_url: str, fields: dict[str, str]) -> str:
    """POST the catalogue call; returns the shop's absolute URL, or says why the hub refused."""
    url = hub_url + reverse("punchout:oci-start")
    response = _http("POST", url, data=fields)
    if response.status_code != 303 or "Location" not in response.headers:
        raise HarnessError(
            _("Hubben avvisade OCI-anropet (HTTP %(status)s): %(detail)s")
            % {"status": response.status_code, "detail": _refusal_text(response) or "-"}
        )
    return urljoin(url, response.headers["Location"])


def post_oci_form(form: lxml.html.FormElement, receiver: Receiver) -> dict[str, str]:
    """Post the return form as the browser would; returns the fields the receiver got, in order."""
    action = form.get("action")
    if action != receiver.return_url:
        raise HarnessError(_("Returformuläret gick till %(action)s, inte till testverktyget.") % {"action": action})
    response = _http("POST", action, data=form.form_values())
    if response.status_code != 200 or not receiver.posts:
        raise HarnessError(_("Returadressen tog inte emot varukorgen."))
    return {name: values[0] for name, values in receiver.posts[-1].items()}


def check_oci_basket(received: dict[str, str], target: str | None, wanted: list[WantedItem]) -> Outcome:
    """The fields per the OCI spec (mandatory fields, lengths, unlocalised numbers), the echoed SAP fields,
    the frame the form posted into, and the lines and quantities."""
    document = json.dumps(received, ensure_ascii=False, indent=2).encode("utf-8")
    problems = []
    if target != OCI_TARGET:
        problems.append(
            _("Formuläret postades till ramen %(target)r, inte till ~TARGET %(expected)r.")
            % {"target": target, "expected": OCI_TARGET}
        )
    for name, value in OCI_ECHOED.items():
        if received.get(name) != value:
            problems.append(
                _("%(name)s kom inte tillbaka oförändrat (skickade %(sent)r, fick %(got)r).")
                % {"name": name, "sent": value, "got": received.get(name)}
            )
    basket = oci.read_basket(received)
    lines = []
    for index, line in enumerate(basket, start=1):
        problems += oci.field_problems(line, index)
        with suppress(InvalidOperation):  # a bad quantity is reported by field_problems
            lines.append((line.get("VENDORMAT", ""), Decimal(line.get("QUANTITY", ""))))
    problems += _compare_lines([WantedItem(item.seller_item_id[:40], item.quantity) for item in wanted], lines)
    if problems:
        raise HarnessError("\n".join(problems), document=document)
    rows = [
        BasketRow(
            seller_item_id=line.get("VENDORMAT", ""),
            name=(line.get("LONGTEXT") or line.get("DESCRIPTION", "")).splitlines()[0],
            quantity=line.get("QUANTITY", ""),
            unit=line.get("UNIT", ""),
            unit_price=line.get("PRICE", ""),
            currency=line.get("CURRENCY", ""),
        )
        for line in basket
    ]
    return Outcome(document=document, lines=lines, dtd_checked=False, rows=rows)


def run_oci(run: Run) -> Outcome:
    """One whole OCI round trip; raises HarnessError at the first failing step."""
    with receiving_for(run.system, run.receiver_port) as receiver:
        shop_url = start_oci(run.hub_url, oci_call(run.system, run.secret, receiver.return_url))
        run.say(_("OCI-anropet godkänt (inloggning i formuläret), butiken öppnad utan kakor."))
        fill_basket(shop_url, run.wanted, run.say)
        form = transfer_form(shop_url)
        received = post_oci_form(form, receiver)
        run.say(
            _("Varukorgen mottagen på %(url)s (%(count)s fält).") % {"url": receiver.return_url, "count": len(received)}
        )
    return check_oci_basket(received, form.get("target"), run.wanted)


# ------------------------------------------------------------------------------------------ Peppol Punch Out 3


def open_peppol_shop(hub_url: str, token: str) -> str:
    """Post the signed start token as the shopper's browser would; returns the shop's absolute URL."""
    start_url = hub_url + reverse("punchout:peppol-start")
    response = _http("POST", start_url, data={"token": token})
    if response.status_code != 303 or "Location" not in response.headers:
        reason = " ".join(_page(response).xpath("string(//main//p)").split()) if response.content else ""
        raise HarnessError(
            _("Hubben öppnade inte butiken med startbiljetten (HTTP %(status)s): %(reason)s")
            % {"status": response.status_code, "reason": reason}
        )
    return urljoin(start_url, response.headers["Location"])


def post_peppol_return(action: str, fields: dict[str, str], receiver: Receiver, state: str) -> tuple[bytes, str]:
    """Post the return form as the browser would; the decoded T77 document and the basket ID the receiver got."""
    if action != receiver.return_url:
        raise HarnessError(_("Returformuläret gick till %(action)s, inte till testverktyget.") % {"action": action})
    response = _http("POST", action, data=fields)
    if response.status_code != 200 or not receiver.posts:
        raise HarnessError(_("Returadressen tog inte emot varukorgen."))
    form = {name: values[0] for name, values in receiver.posts[-1].items()}
    if form.get("peppol-status") != "transferred" or "ubl-base64" not in form:
        raise HarnessError(
            _("Varukorgen kom tillbaka utan dokument (peppol-status=%(status)s).")
            % {"status": form.get("peppol-status", "-")}
        )
    if form.get("state", "") != state:
        raise HarnessError(_("state kom inte tillbaka oförändrad."))
    try:
        return base64.b64decode(form["ubl-base64"], validate=True), form.get("basket-id", "")
    except ValueError:
        raise HarnessError(_("Fältet ubl-base64 är inte giltig base64.")) from None


def fetch_peppol_basket(hub_url: str, basket_id: str, secret: str) -> bytes:
    """The server-to-server fetch, with the shared secret in the Authorization header (never in the URL)."""
    response = _http(
        "GET",
        hub_url + reverse("punchout:peppol-basket", args=[basket_id]),
        headers={"Authorization": f"Bearer {secret}"},
    )
    if response.status_code != 200:
        raise HarnessError(
            _("Hämtningen av varukorgen %(id)s med den delade hemligheten gav HTTP %(status)s.")
            % {"id": basket_id, "status": response.status_code}
        )
    return response.content


def check_peppol_basket(document: bytes, wanted: list[WantedItem]) -> Outcome:
    """The UBL 2.1 XSD and the official T77 rules, then the lines against what was added."""
    try:
        root = etree.fromstring(document, safe_xml.parser())
    except (etree.XMLSyntaxError, ValueError):
        raise HarnessError(_("Den returnerade varukorgen är inte välformad XML.")) from None
    try:
        check = peppol.check_document(document, "T77")
    except StandardsMissing as missing:
        raise HarnessError(str(missing), document=document) from None
    problems = [check.describe()] if not check.ok else []
    namespaces = {"cac": peppol.NS_CAC, "cbc": peppol.NS_CBC}
    lines = []
    for line in root.findall("cac:CatalogueLine", namespaces):
        item_id = line.findtext("cac:Item/cac:SellersItemIdentification/cbc:ID", "", namespaces).strip()
        amount = line.findtext("cac:RequiredItemLocationQuantity/cac:DeliveryUnit/cbc:BatchQuantity", "", namespaces)
        try:
            lines.append((item_id, Decimal(amount)))
        except InvalidOperation:
            problems.append(_("En rad har ett ogiltigt antal: %(value)r") % {"value": amount})
    problems += _compare_lines(wanted, lines)
    if problems:
        raise HarnessError("\n".join(problems), document=document)
    notes = [_("Giltig enligt UBL 2.1-XSD:n och de officiella T77-reglerna (Peppol BIS Punch Out 3).")]
    notes += [f"{rule}: {text}" for rule, text in check.warnings]
    rows = [
        BasketRow(
            seller_item_id=line.findtext("cac:Item/cac:SellersItemIdentification/cbc:ID", "", namespaces).strip(),
            name=line.findtext("cac:Item/cbc:Name", "", namespaces).strip(),
            quantity=line.findtext(
                "cac:RequiredItemLocationQuantity/cac:DeliveryUnit/cbc:BatchQuantity", "", namespaces
            ).strip(),
            unit=" ".join(
                line.xpath(
                    "cac:RequiredItemLocationQuantity/cac:DeliveryUnit/cbc:BatchQuantity/@unitCode",
                    namespaces=namespaces,
                )
            ),
            unit_price=line.findtext(
                "cac:RequiredItemLocationQuantity/cac:Price/cbc:PriceAmount", "", namespaces
            ).strip(),
            currency=" ".join(
                line.xpath(
                    "cac:RequiredItemLocationQuantity/cac:Price/cbc:PriceAmount/@currencyID", namespaces=namespaces
                )
            ),
        )
        for line in root.findall("cac:CatalogueLine", namespaces)
    ]
    return Outcome(document=document, lines=lines, dtd_checked=False, notes=notes, rows=rows)


def run_peppol(run: Run) -> Outcome:
    """One whole Peppol Punch Out 3 round trip: sign a start token, shop, transfer, receive, fetch, validate."""
    state = "punchout-test-" + secrets.token_hex(6)
    with receiving_for(run.system, run.receiver_port) as receiver:
        claims = peppol.start_claims(run.system, receiver.return_url, state=state, buyer_reference="punchout_test")
        shop_url = open_peppol_shop(run.hub_url, peppol.sign_start_token(run.secret, claims))
        run.say(_("Startbiljetten godkänd; butiken öppnad utan kakor."))
        fill_basket(shop_url, run.wanted, run.say)
        action, fields = transfer(shop_url)
        document, basket_id = post_peppol_return(action, fields, receiver, state)
        run.say(
            _("Varukorgen mottagen på %(url)s (%(field)s).") % {"url": receiver.return_url, "field": ", ".join(fields)}
        )
    fetched = fetch_peppol_basket(run.hub_url, basket_id, run.secret)
    if fetched != document:
        raise HarnessError(_("Den hämtade varukorgen är inte densamma som den postade."), document=document)
    run.say(_("Samma varukorg hämtad server till server med den delade hemligheten."))
    return check_peppol_basket(document, run.wanted)


# The protocols the harness plays, by name (manage.py punchout_test --protocol, the "Testa punchout" page).
RUNNERS: dict[str, Callable[[Run], Outcome]] = {
    Protocol.CXML.value: run_cxml,
    Protocol.OCI.value: run_oci,
    Protocol.PEPPOL.value: run_peppol,
}


def run(
    protocol: str,
    system: BuyerSystem,
    secret: str,
    wanted: list[WantedItem],
    *,
    hub_url: str,
    receiver_port: int = 0,
    progress: Progress | None = None,
) -> Outcome:
    """One whole round trip in `protocol`; raises HarnessError at the first failing step.

    The basket comes back to 127.0.0.1:receiver_port (0: a free port); `progress` gets a line per step.
    """
    say = progress or (lambda text: None)
    return RUNNERS[protocol](Run(system, secret, wanted, hub_url.rstrip("/"), receiver_port, say))
