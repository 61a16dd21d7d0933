"""The public follow-up page's live block: the figures the editor chose, computed at each view, with a table."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone, translation
from lxml import html as lxml_html

from followup.purchases import import_purchases
from followup.tests.fixtures import csv_file
from hub.guidance.blocks import ComplianceFiguresBlock, LiveFiguresBlock
from hub.guidance.models import FollowUpPage, HomePage

pytestmark = pytest.mark.django_db


def _live(figure="compliance_by_organisation", organisation=""):
    block = LiveFiguresBlock()
    raw = {"caption": "Avtalstrohet", "figure": figure, "period": "last_12_months", "organisation": organisation}
    return block, block.to_python(block.get_prep_value(block.clean(block.to_python(raw))))


def _import(organisation, supplier_orgnr: str, amount: str) -> None:
    today = timezone.localdate().isoformat()
    assert import_purchases(csv_file([[supplier_orgnr, amount, today, "", ""]]), "e.csv", organisation).ok


def test_the_block_shows_live_figures_and_follows_new_purchases(punchout_catalogue, supplier, other_supplier):
    organisation = punchout_catalogue.organisation
    _import(organisation, supplier.orgnr, "300")  # matched to RA-PO-1: on agreement
    _import(organisation, other_supplier.orgnr, "100")  # no agreement for this organisation
    block, value = _live()

    with translation.override("sv"):
        tree = lxml_html.fromstring(block.render(value))
    cells = [td.text_content() for td in tree.xpath("//table//td")]
    assert cells == ["75,0 %"]
    (svg,) = tree.xpath("//*[local-name()='svg']")
    assert svg.get("role") == "img" and "Exempelkommun: 75,0 %" in svg.xpath("string(./*[local-name()='desc'])")

    _import(organisation, supplier.orgnr, "600")  # a new file: the page shows it without an editor

    with translation.override("en"):
        tree = lxml_html.fromstring(block.render(value))
    assert [td.text_content() for td in tree.xpath("//table//td")] == ["90,0 %"]
    assert tree.xpath("string(//th[@scope='col'][1])") == "Organisation"
    assert "Share on agreement" in tree.xpath("string(//th[@scope='col'][2])")


def test_the_block_can_show_one_organisations_spend_per_agreement(
    punchout_catalogue, supplier, other_buyer_organisation, other_supplier
):
    _import(punchout_catalogue.organisation, supplier.orgnr, "1234.5")
    _import(other_buyer_organisation, other_supplier.orgnr, "99")
    block, value = _live("spend_by_agreement", str(punchout_catalogue.organisation.pk))
    with translation.override("sv"):
        text = lxml_html.fromstring(block.render(value)).text_content()
    assert "RA-PO-1" in text and "1 234,50 kr" in text and "99,00" not in text


def test_a_follow_up_page_shows_the_live_block_beside_an_old_typed_one(
    client, seeded_guidance, punchout_catalogue, supplier
):
    _import(punchout_catalogue.organisation, supplier.orgnr, "500")
    _block, live = _live("compliance_by_month")
    typed_block = ComplianceFiguresBlock()
    typed = typed_block.to_python(
        {"caption": "Förra året", "source": "", "rows": [{"period": "2025", "subject": "Alla", "share": Decimal("70")}]}
    )
    page = FollowUpPage(
        title="Uppföljning", slug="uppfoljning-test", body=[("live_figures", live), ("compliance", typed)]
    )
    HomePage.objects.get(locale__language_code="sv").add_child(instance=page)
    page.save_revision().publish()

    response = client.get(page.url)

    assert response.status_code == 200
    tree = lxml_html.fromstring(response.content)
    assert len(tree.xpath("//*[local-name()='svg'][@role='img']")) == 2
    assert "100,0 %" in tree.xpath("string(//section[contains(@class,'live-figures')]//table)")
    assert "70,0 %" in tree.xpath("string(//section[not(contains(@class,'live-figures'))]//table)")
