"""seed_hub's public follow-up page: under the guidance on follow-up, in Swedish and English, seeded once,
showing live figures computed from the spend (a new purchase shows without an editor)."""

from __future__ import annotations

import pytest
from django.utils import timezone
from lxml import html as lxml_html

from followup.purchases import import_purchases
from followup.tests.fixtures import csv_file
from hub.guidance.followup_page import PAGE_KEY, seed_follow_up_page
from hub.guidance.models import FollowUpPage

pytestmark = pytest.mark.django_db


def bought(organisation, supplier_orgnr: str, amount: str) -> None:
    today = timezone.localdate().isoformat()
    assert import_purchases(csv_file([[supplier_orgnr, amount, today, "", ""]]), "e.csv", organisation).ok


@pytest.fixture
def spend(punchout_catalogue, supplier, other_supplier):
    """1 000 kr on agreement (matched to RA-PO-1), 250 kr off: 80 % avtalstrohet this month."""
    bought(punchout_catalogue.organisation, supplier.orgnr, "1000")
    bought(punchout_catalogue.organisation, other_supplier.orgnr, "250")
    return punchout_catalogue


def section_rows(page: str, caption: str) -> list[tuple[str, str]]:
    tree = lxml_html.fromstring(page)
    (section,) = tree.xpath(f"//section[contains(@class,'live-figures')][h2[normalize-space()='{caption}']]")
    return [(row.xpath("string(th)"), row.xpath("string(td)")) for row in section.xpath(".//tbody/tr")]


def test_the_page_is_seeded_once_per_language_under_the_follow_up_guidance(seeded_guidance):
    assert seed_follow_up_page() == {"created": 2, "existing": 0}
    assert seed_follow_up_page() == {"created": 0, "existing": 2}

    pages = {page.locale.language_code: page for page in FollowUpPage.objects.select_related("locale")}
    assert set(pages) == {"sv", "en"} and all(page.live for page in pages.values())
    assert {page.translation_key for page in pages.values()} == {PAGE_KEY}
    assert pages["sv"].get_parent().title == "Uppföljning och analys"
    assert pages["en"].get_parent().title == "Follow-up and analysis"
    for page in pages.values():
        assert [block.block_type for block in page.body] == ["live_figures"] * 4


def test_an_editors_change_is_kept_when_seeding_again(seeded_guidance):
    seed_follow_up_page()
    page = FollowUpPage.objects.get(locale__language_code="sv")
    page.title = "Vår uppföljning"
    page.save_revision().publish()

    seed_follow_up_page()

    assert FollowUpPage.objects.filter(locale__language_code="sv").get().title == "Vår uppföljning"


def test_the_seeded_page_shows_figures_computed_from_the_spend(client, seeded_guidance, spend, supplier):
    seed_follow_up_page()
    sv = FollowUpPage.objects.get(locale__language_code="sv")
    en = FollowUpPage.objects.get(locale__language_code="en")

    page = client.get(sv.url).content.decode()

    assert section_rows(page, "Avtalstrohet per organisation") == [("Exempelkommun", "80,0 %")]
    assert section_rows(page, "Inköp per avtal") == [
        ("RA-PO-1 Kontorsmaterial", "1 000,00 kr"),
        ("Inget avtal", "250,00 kr"),
    ]
    assert section_rows(page, "Avtalstrohet månad för månad")[-1][1] == "80,0 %"

    bought(spend.organisation, supplier.orgnr, "750")  # a new finance file: no editor touches the page

    page = client.get(sv.url).content.decode()
    assert section_rows(page, "Avtalstrohet per organisation") == [("Exempelkommun", "87,5 %")]
    english = client.get(en.url).content.decode()
    assert section_rows(english, "Contract compliance per organisation") == [("Exempelkommun", "87,5 %")]
    assert "Share on agreement" in english
