"""Peppol Catalogue Response (T58): the hub's answer to a supplier's catalogue version.

An UBL 2.1 ApplicationResponse with ResponseCode AP (accepted: published, scheduled or
later superseded) or RE (rejected by a reviewer, or invalid), with the reasons as
cbc:Note lines — the T58 data model has no other place for them, and elements outside
it are fatal. Built on demand from the version, so the same version always gives the
same document. `check_response` runs the UBL XSD and the official T58 rules.

Who answers: the party the supplier addressed (the catalogue's ReceiverParty) when the
upload was Peppol XML, otherwise settings.HUB_PEPPOL_ID / HUB_ORGANISATION_NAME, otherwise
the agreement's first entitled buyer organisation.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from lxml import etree
from lxml.builder import ElementMaker

from catalogue import safe_xml
from catalogue.error_codes import issue_detail, issue_text
from catalogue.models import CatalogueVersion
from catalogue.review import review_comment_text
from catalogue.validation import official
from catalogue.validation.standards import xsd_path

CUSTOMIZATION_ID = "urn:fdc:peppol.eu:poacc:trns:catalogue_response:3"
PROFILE_ID = "urn:fdc:peppol.eu:poacc:bis:catalogue_only:3"
NS_DOC = "urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2"
NS_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
NS_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
NS_CAT = "urn:oasis:names:specification:ubl:schema:xsd:Catalogue-2"
SVRL_NS = "http://purl.oclc.org/dsdl/svrl"
MAX_REASON_NOTES = 50

Status = CatalogueVersion.Status
ACCEPTED = Status.ACCEPTED
REJECTED = Status.ANSWERED - Status.ACCEPTED

DOC = ElementMaker(namespace=NS_DOC, nsmap={None: NS_DOC, "cac": NS_CAC, "cbc": NS_CBC})
CAC = ElementMaker(namespace=NS_CAC)
CBC = ElementMaker(namespace=NS_CBC)


class ResponseNotReady(ValueError):
    """No decision yet: there is nothing to answer."""


@dataclass(frozen=True)
class Party:
    scheme: str  # EAS for the endpoint; the same code is used as ICD for the identification
    identifier: str
    name: str


@dataclass(frozen=True)
class CatalogueHeader:
    document_id: str | None = None
    version_id: str | None = None
    receiver: Party | None = None


def read_catalogue_header(path: str | Path) -> CatalogueHeader:
    """The Catalogue's ID, VersionID and ReceiverParty, read up to the first line only."""
    document_id = version_id = None
    receiver = None
    try:
        for _event, element in safe_xml.iterparse(str(path), events=("end",)):
            parent = element.getparent()
            at_top = parent is not None and parent.getparent() is None and parent.tag == f"{{{NS_CAT}}}Catalogue"
            if element.tag == f"{{{NS_CAC}}}CatalogueLine":
                break
            if not at_top:
                continue
            if element.tag == f"{{{NS_CBC}}}ID":
                document_id = (element.text or "").strip() or None
            elif element.tag == f"{{{NS_CBC}}}VersionID":
                version_id = (element.text or "").strip() or None
            elif element.tag == f"{{{NS_CAC}}}ReceiverParty":
                endpoint = element.find(f"{{{NS_CBC}}}EndpointID")
                name = element.findtext(f"{{{NS_CAC}}}PartyLegalEntity/{{{NS_CBC}}}RegistrationName")
                if endpoint is not None and endpoint.get("schemeID") and (endpoint.text or "").strip() and name:
                    receiver = Party(endpoint.get("schemeID"), endpoint.text.strip(), name.strip())
    except (etree.XMLSyntaxError, OSError, ValueError):
        pass  # Not XML or unreadable: fall back to the hub's own details.
    return CatalogueHeader(document_id, version_id, receiver)


def _configured_sender() -> Party | None:
    participant = getattr(settings, "HUB_PEPPOL_ID", "") or ""
    scheme, _, identifier = participant.partition(":")
    if scheme and identifier:
        return Party(scheme, identifier, getattr(settings, "HUB_ORGANISATION_NAME", "") or settings.WAGTAIL_SITE_NAME)
    return None


def _sender(version: CatalogueVersion, header: CatalogueHeader) -> Party:
    if header.receiver:
        return header.receiver
    configured = _configured_sender()
    if configured:
        return configured
    buyer = version.catalogue.agreement.buyers.order_by("pk").first()
    if buyer is not None:
        scheme, _, identifier = buyer.peppol_id.partition(":")
        return Party(scheme, identifier, buyer.name)
    raise ResponseNotReady(
        "Hubbens Peppol-id saknas: sätt HUB_PEPPOL_ID (t.ex. 0007:2120000142) / "
        "The hub's Peppol ID is not set: set HUB_PEPPOL_ID (e.g. 0007:2120000142)"
    )


def never_decided(version: CatalogueVersion) -> bool:
    """Superseded by a newer upload while it waited: no decision, so no T58 of its own."""
    return version.status == Status.SUPERSEDED and version.reviewed_at is None and version.published_at is None


def response_code(version: CatalogueVersion) -> str:
    if version.status in ACCEPTED and not never_decided(version):
        return "AP"
    if version.status in REJECTED:
        return "RE"
    raise ResponseNotReady(
        "Versionen är inte beslutad än, svaret kommer efter granskningen / "
        "The version is not decided yet; the response comes after the review"
    )


def reasons(version: CatalogueVersion) -> list[str]:
    """Notes for the response: the reviewer's comment, then the report's errors (bounded)."""
    notes: list[str] = []
    if version.review_comment.strip() or version.review_comment_code:
        notes.append(_both_languages(lambda: review_comment_text(version).strip()))
    if version.status == Status.INVALID:
        report = version.report or {}
        errors = [issue for issue in report.get("issues", []) if issue.get("severity") == "error"]
        for issue in errors[:MAX_REASON_NOTES]:
            where = []
            if issue.get("line") is not None:
                where.append(f"rad/line {issue['line']}")
            if issue.get("column"):
                where.append(f"kolumn/column {issue['column']}")
            tag = issue.get("rule") or issue.get("code") or ""
            prefix = f"[{tag}] " if tag else ""
            location = f"{', '.join(where)}: " if where else ""
            message = _both_languages(lambda issue=issue: issue_text(issue))
            if issue_detail(issue):
                message = f"{message} ({issue_detail(issue)})"
            notes.append(f"{prefix}{location}{message}".strip())
        total = report.get("errors", len(errors)) or version.error_count
        if total > len(errors[:MAX_REASON_NOTES]):
            notes.append(
                f"Totalt {total} fel, se valideringsrapporten i portalen / "
                f"{total} errors in total, see the validation report in the portal"
            )
        if not notes:
            notes.append("Filen kunde inte valideras / The file could not be validated")
    return [note for note in notes if note]


def _both_languages(word) -> str:
    """A T58 has no page language: a worded text in Swedish and English ("sv / en"), once if they agree."""
    texts = []
    for language in ("sv", "en"):
        with translation.override(language):
            texts.append(word())
    return " / ".join(dict.fromkeys(text for text in texts if text))


def _decision_time(version: CatalogueVersion):
    return version.reviewed_at or version.published_at or version.uploaded_at or timezone.now()


def _party(tag: str, party: Party):
    return getattr(CAC, tag)(
        CBC.EndpointID(party.identifier, schemeID=party.scheme),
        CAC.PartyIdentification(CBC.ID(party.identifier, schemeID=party.scheme)),
        CAC.PartyLegalEntity(CBC.RegistrationName(party.name)),
    )


def build_response(version: CatalogueVersion) -> bytes:
    """The T58 document for a decided version, as UTF-8 bytes."""
    code = response_code(version)
    header = read_catalogue_header(version.file.path) if version.file and version.format == "peppol" else None
    header = header or CatalogueHeader()
    catalogue = version.catalogue
    supplier = catalogue.supplier
    scheme, _, identifier = supplier.peppol_id.partition(":")
    decided = timezone.localtime(_decision_time(version))

    children = [
        CBC.CustomizationID(CUSTOMIZATION_ID),
        CBC.ProfileID(PROFILE_ID),
        CBC.ID(f"CR-{catalogue.agreement.reference}-{supplier.orgnr}-{version.number}"),
        CBC.IssueDate(decided.date().isoformat()),
        CBC.IssueTime(decided.strftime("%H:%M:%S")),
    ]
    children += [CBC.Note(note) for note in reasons(version)]
    children += [
        _party("SenderParty", _sender(version, header)),
        _party("ReceiverParty", Party(scheme, identifier, supplier.name)),
    ]
    reference = [CBC.ID(header.document_id or f"{catalogue.agreement.reference}-v{version.number}")]
    reference.append(CBC.VersionID(header.version_id or str(version.number)))
    children.append(CAC.DocumentResponse(CAC.Response(CBC.ResponseCode(code)), CAC.DocumentReference(*reference)))
    root = DOC.ApplicationResponse(*children)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def response_filename(version: CatalogueVersion) -> str:
    return f"catalogue-response-{version.catalogue.agreement.reference}-v{version.number}.xml"


# --- checking against the official rules ---------------------------------------------------

_saxon_lock = threading.Lock()


@lru_cache(maxsize=1)
def _xsd() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(xsd_path("ApplicationResponse")), safe_xml.parser()))


@dataclass(frozen=True)
class ResponseCheck:
    xsd_errors: list[str]
    fatal: list[tuple[str, str]]  # (rule id, text)
    warnings: list[tuple[str, str]]

    @property
    def ok(self) -> bool:
        return not self.xsd_errors and not self.fatal


def check_response(document: bytes) -> ResponseCheck:
    """UBL ApplicationResponse XSD plus the official T58 rules."""
    tree = etree.fromstring(document, safe_xml.parser())
    schema = _xsd()
    xsd_errors = [] if schema.validate(tree) else [str(error) for error in schema.error_log]
    with _saxon_lock:
        # Compiled once per process, from the installed release, beside the T19 rules (official.compiled).
        processor, executable = official.compiled("T58")
        node = processor.parse_xml(xml_text=document.decode("utf-8"))
        svrl = executable.transform_to_string(xdm_node=node)
    fatal: list[tuple[str, str]] = []
    warnings: list[tuple[str, str]] = []
    for failed in etree.fromstring(svrl.encode("utf-8"), safe_xml.parser()).iter(f"{{{SVRL_NS}}}failed-assert"):
        entry = (failed.get("id", ""), " ".join((failed.findtext(f"{{{SVRL_NS}}}text") or "").split()))
        (warnings if failed.get("flag") == "warning" else fatal).append(entry)
    return ResponseCheck(xsd_errors, fatal, warnings)
