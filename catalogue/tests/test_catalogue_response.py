import re

import pytest
from django.core.files.base import ContentFile
from lxml import etree

from catalogue.catalogue_response import (
    CUSTOMIZATION_ID,
    NS_CAC,
    NS_CBC,
    ResponseNotReady,
    build_response,
    check_response,
)
from catalogue.models import CatalogueVersion
from catalogue.review import approve, reject
from catalogue.tests.review_fixtures import BASE_ITEMS, make_version

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hub_peppol_id")]
Status = CatalogueVersion.Status
CBC = f"{{{NS_CBC}}}"
CAC = f"{{{NS_CAC}}}"


def parse(document: bytes):
    return etree.fromstring(document, etree.XMLParser(resolve_entities=False, no_network=True))


def test_accepted_response_passes_xsd_and_t58(review_pending_version, reviewer_user):
    version = approve(review_pending_version, reviewer_user, "Godkänd efter kontroll")
    document = build_response(version)
    check = check_response(document)
    assert check.xsd_errors == []
    assert check.fatal == []
    root = parse(document)
    assert root.findtext(f"{CBC}CustomizationID") == CUSTOMIZATION_ID
    assert root.findtext(f"{CAC}DocumentResponse/{CAC}Response/{CBC}ResponseCode") == "AP"
    assert root.findtext(f"{CBC}Note") == "Godkänd efter kontroll"
    receiver = root.find(f"{CAC}ReceiverParty/{CBC}EndpointID")
    assert (receiver.get("schemeID"), receiver.text) == ("0007", version.catalogue.supplier.orgnr)
    assert root.find(f"{CAC}SenderParty/{CBC}EndpointID").text == "2120000142"


def test_rejected_response_carries_the_reason(review_pending_version, reviewer_user):
    version = reject(review_pending_version, reviewer_user, "Prishöjningen på KP-100 är inte avtalad")
    document = build_response(version)
    check = check_response(document)
    assert check.ok, (check.xsd_errors, check.fatal)
    root = parse(document)
    assert root.findtext(f"{CAC}DocumentResponse/{CAC}Response/{CBC}ResponseCode") == "RE"
    assert "KP-100" in root.findtext(f"{CBC}Note")


def test_invalid_version_lists_report_errors(review_catalogue):
    report = {
        "errors": 2,
        "warnings": 0,
        "issues": [
            {
                "severity": "error",
                "code": "price_missing",
                "message_sv": "Raden saknar pris",
                "message_en": "The line has no price",
                "line": 12,
                "column": "Pris (F)",
                "rule": None,
            },
            {
                "severity": "error",
                "code": "peppol",
                "message_sv": "Artikel saknar id",
                "message_en": "Item has no ID",
                "line": 40,
                "rule": "PEPPOL-T19-R012",
            },
            {"severity": "warning", "code": "w", "message_sv": "varning", "message_en": "warning"},
        ],
    }
    version = make_version(review_catalogue, [], status=Status.INVALID, report=report, error_count=2)
    document = build_response(version)
    assert check_response(document).ok
    notes = parse(document).findall(f"{CBC}Note")
    texts = [note.text for note in notes]
    assert "[price_missing] rad/line 12, kolumn/column Pris (F): Raden saknar pris / The line has no price" in texts
    assert any(text.startswith("[PEPPOL-T19-R012] rad/line 40") for text in texts)
    assert not any("varning" in text for text in texts)


def test_undecided_version_has_no_response(review_catalogue):
    with pytest.raises(ResponseNotReady):
        build_response(make_version(review_catalogue, BASE_ITEMS, status=Status.PENDING_REVIEW))


def test_sender_and_reference_come_from_the_peppol_catalogue(review_catalogue, reviewer_user, settings):
    settings.HUB_PEPPOL_ID = ""
    catalogue_xml = b"""<?xml version="1.0" encoding="UTF-8"?>
<Catalogue xmlns="urn:oasis:names:specification:ubl:schema:xsd:Catalogue-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
 <cbc:ID>KAT-2026-07</cbc:ID><cbc:VersionID>3</cbc:VersionID>
 <cac:ProviderParty><cbc:EndpointID schemeID="0007">5560160680</cbc:EndpointID></cac:ProviderParty>
 <cac:ReceiverParty><cbc:EndpointID schemeID="0007">2120001124</cbc:EndpointID>
  <cac:PartyLegalEntity><cbc:RegistrationName>Annan region</cbc:RegistrationName></cac:PartyLegalEntity>
 </cac:ReceiverParty>
 <cac:CatalogueLine><cbc:ID>1</cbc:ID></cac:CatalogueLine>
</Catalogue>"""
    version = make_version(review_catalogue, BASE_ITEMS)
    version.file.save("kat.xml", ContentFile(catalogue_xml))
    version.status = Status.PENDING_REVIEW
    version.save()
    document = build_response(approve(version, reviewer_user))
    assert check_response(document).ok
    root = parse(document)
    assert root.findtext(f"{CAC}SenderParty/{CBC}EndpointID") == "2120001124"
    assert root.findtext(f"{CAC}SenderParty/{CAC}PartyLegalEntity/{CBC}RegistrationName") == "Annan region"
    assert root.findtext(f"{CAC}DocumentResponse/{CAC}DocumentReference/{CBC}ID") == "KAT-2026-07"
    assert root.findtext(f"{CAC}DocumentResponse/{CAC}DocumentReference/{CBC}VersionID") == "3"


def test_checker_catches_a_broken_response(review_pending_version, reviewer_user):
    """The check is real: removing the mandatory ResponseCode fails the official rules."""
    document = build_response(approve(review_pending_version, reviewer_user))
    root = parse(document)
    code = root.find(f"{CAC}DocumentResponse/{CAC}Response/{CBC}ResponseCode")
    code.text = "XX"
    check = check_response(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    assert not check.ok
    assert any("UNCL4343" in text for _rule, text in check.fatal)


def test_matches_the_official_example_structure(shared_standards, review_pending_version, reviewer_user):
    """Same element paths as the official CatalogueResponse example (order and names)."""
    example = etree.parse(str(shared_standards / "peppol/catalogue/examples/CatalogueResponse_Example.xml"))
    ours = parse(build_response(approve(review_pending_version, reviewer_user, "ok")))

    def paths(root):
        tree = root.getroottree()
        return sorted({tree.getpath(el).replace("[1]", "") for el in root.iter() if isinstance(el.tag, str)})

    def normalise(paths_):
        return sorted({re.sub(r"\[\d+\]", "", p) for p in paths_})

    assert normalise(paths(ours)) == normalise(paths(example.getroot()))
    assert check_response(etree.tostring(example)).ok
