"""Guidance pages render in both languages, with accessible structure and working blocks."""

from __future__ import annotations

import datetime
from decimal import Decimal
from itertools import pairwise

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import server_error
from lxml import html as lxml_html
from wagtail.models import Locale

from catalogue.models import Agreement
from hub.guidance.blocks import (
    PROCESS_STEPS,
    ComplianceFiguresBlock,
    agreement_search_url,
    category_search_url,
    process_layout,
)
from hub.guidance.models import FollowUpPage, GuidancePage, HomePage


def _tree(response):
    return lxml_html.fromstring(response.content)


def _process_page(language: str):
    return next(
        p
        for p in GuidancePage.objects.filter(locale__language_code=language)
        if any(b.block_type == "process" for b in p.body)
    )


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_guidance_page_renders_with_breadcrumbs_and_language(client, guidance_pages, language):
    for page in guidance_pages[language]:
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        tree = _tree(response)
        assert tree.get("lang") == language
        assert [h.text_content() for h in tree.xpath("//h1")] == [page.title]
        crumbs = [a.text_content() for a in tree.xpath("//nav[contains(@class,'breadcrumbs')]//a")]
        if isinstance(page, HomePage):
            assert crumbs == []
        else:
            expected = [a.title for a in page.get_ancestors().filter(depth__gt=1)] + [page.title]
            assert crumbs == expected
        children = [c.title for c in page.get_children().live()]
        nav_links = "//nav[contains(@class,'subpages')]//li/a[not(ancestor::ul[contains(@class,'card-sublist')])]"
        listed = [a.text_content() for a in tree.xpath(nav_links)]
        if children or isinstance(page.get_parent().specific, HomePage):
            assert listed == children
        else:  # a leaf in a section lists its section, marking itself as current
            assert listed == [s.title for s in page.get_siblings().live()]
            assert tree.xpath(nav_links + "[@aria-current='page']")[0].text_content() == page.title


@pytest.mark.parametrize(("language", "other"), [("sv", "en"), ("en", "sv")])
def test_language_switcher_links_to_the_translation(client, guidance_pages, language, other):
    for page in guidance_pages[language]:
        translation_page = page.get_translation(Locale.objects.get(language_code=other))
        tree = _tree(client.get(page.url))
        links = tree.xpath("//nav[contains(@class,'language-switcher')]//a")
        assert [(a.get("href"), a.get("hreflang")) for a in links] == [(translation_page.url, other)]
        # Named in its own language ("English" on Swedish pages, "Svenska" on English ones), not "Engelska".
        assert [(a.text_content().strip(), a.get("lang")) for a in links] == [
            ({"sv": "Svenska", "en": "English"}[other], other)
        ]


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_process_svg_has_an_accessible_name_and_a_text_alternative(client, seeded_guidance, language):
    page = _process_page(language)
    tree = _tree(client.get(page.url))
    (svg,) = tree.xpath("//*[local-name()='svg'][@role='img']")
    ids = svg.get("aria-labelledby").split()
    named = [tree.get_element_by_id(i) for i in ids]
    assert [el.tag.split("}")[-1] for el in named] == ["title", "desc"]
    assert all(el.text_content().strip() for el in named)
    with translation.override(language):
        expected = [str(label) for _key, label in PROCESS_STEPS]
    alternative = [li.text_content().strip() for li in tree.xpath("//ol[contains(@class,'process-steps')]/li")]
    assert alternative == expected
    drawn = [t.text_content() for t in svg.xpath(".//*[local-name()='text']")]
    assert drawn == [f"{n}. {label}" for n, label in enumerate(expected, start=1)]
    for label in expected:
        assert label in named[1].text_content()


def test_process_labels_are_translated(client, seeded_guidance):
    def labels(language):
        tree = _tree(client.get(_process_page(language).url))
        return [li.text_content().strip() for li in tree.xpath("//ol[contains(@class,'process-steps')]/li")]

    sv, en = labels("sv"), labels("en")
    assert sv[0] == "Avtal" and len(sv) == len(en) == 9
    assert sv != en, "English labels missing: run `manage.py compilemessages`"


def test_process_layout_connects_each_step_to_the_next():
    boxes = process_layout()
    assert [b["key"] for b in boxes] == [key for key, _ in PROCESS_STEPS]
    for box, following in pairwise(boxes):
        arrow = box["arrow"]
        # The arrow starts on this box's edge and ends just outside the next box.
        assert box["x"] <= arrow["x1"] <= box["x"] + box["w"] and box["y"] <= arrow["y1"] <= box["y"] + box["h"]
        assert following["x"] - 5 <= arrow["x2"] <= following["x"] + following["w"] + 5
        assert following["y"] - 5 <= arrow["y2"] <= following["y"] + following["h"]
    assert "arrow" not in boxes[-1]
    # No two boxes overlap.
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a["x"] + a["w"] <= b["x"] or b["x"] + b["w"] <= a["x"] or a["y"] != b["y"]


def _add_page(parent, page_class, **fields):
    page = page_class(**fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_agreement_and_category_links(client, seeded_guidance):
    agreement = Agreement.objects.create(
        reference="RA-2026-01",
        title="Kontorsmaterial",
        valid_from=datetime.date(2026, 1, 1),
        valid_to=datetime.date(2099, 12, 31),
        documents_url="https://avtal.example.se/ra-2026-01",
    )
    home = HomePage.objects.get(locale__language_code="sv")
    page = _add_page(
        home,
        GuidancePage,
        title="Länkar",
        slug="lankar",
        body=[
            {"type": "agreement_link", "value": {"reference": agreement.reference, "label": "", "url": ""}},
            {"type": "agreement_link", "value": {"reference": "OKÄNT-1", "label": "", "url": ""}},
            {"type": "category_link", "value": {"code": "44120000", "label": "Kontorsmaterial"}},
        ],
    )
    tree = _tree(client.get(page.url))
    hrefs = [a.get("href") for a in tree.xpath("//main//p[contains(@class,'agreement-link')]//a")]
    # The agreement's products in the hub's search, then its documents; an unknown reference is text.
    assert hrefs == [agreement_search_url(agreement.pk), agreement.documents_url]
    assert client.get(hrefs[0]).status_code == 200
    assert "OKÄNT-1" in tree.text_content()
    (category,) = tree.xpath("//p[contains(@class,'category-link')]/a")
    assert category.get("href") == "/sv/sok/?category=44120000"
    assert client.get(category.get("href")).status_code == 200
    english = category_search_url("44120000", "en")
    assert english.startswith("/en/") and client.get(english).status_code == 200


def test_category_codes_are_validated():
    block = GuidancePage.body.field.stream_block.child_blocks["category_link"]
    with pytest.raises(ValidationError):
        block.clean({"code": "12a", "label": "x"})
    assert block.clean({"code": "4412", "label": "x"})["code"] == "4412"


def _figures(*rows):
    return {
        "caption": "Avtalstrohet per kvartal",
        "source": "E-handelssystemet",
        "rows": [{"period": p, "subject": s, "share": Decimal(v)} for p, s, v in rows],
    }


def test_follow_up_figures_render_as_table_and_chart(client, seeded_guidance):
    rows = [("2026 K1", "Exempelkommun", "82.5"), ("2026 K2", "Exempelkommun", "91.0"), ("2026 K3", "Region", "40")]
    block = ComplianceFiguresBlock()
    value = block.to_python(block.get_prep_value(block.clean(block.to_python(_figures(*rows)))))
    home = HomePage.objects.get(locale__language_code="sv")
    page = _add_page(
        home,
        FollowUpPage,
        title="Avtalstrohet",
        slug="avtalstrohet",
        period_note="2026",
        body=[("compliance", value)],
    )
    tree = _tree(client.get(page.url))
    (table,) = tree.xpath("//table[contains(@class,'compliance-table')]")
    assert table.xpath("./caption")
    assert [th.get("scope") for th in table.xpath("./thead//th")] == ["col", "col", "col"]
    body_rows = table.xpath("./tbody/tr")
    assert [r.xpath("./th[@scope='row']")[0].text_content() for r in body_rows] == [r[0] for r in rows]
    shares = [r.xpath("./td")[-1].text_content() for r in body_rows]
    assert shares == [f"{Decimal(v):.1f}".replace(".", ",") + " %" for _p, _s, v in rows]
    (svg,) = tree.xpath("//*[local-name()='svg'][contains(@class,'compliance-chart')]")
    assert svg.get("role") == "img" and len(svg.get("aria-labelledby").split()) == 2
    widths = [float(r.get("width")) for r in svg.xpath(".//*[local-name()='rect'][@class='chart-bar']")]
    track = float(svg.xpath(".//*[local-name()='rect'][@class='chart-track']")[0].get("width"))
    assert widths == [pytest.approx(track * float(v) / 100, abs=0.1) for _p, _s, v in rows]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("2026 K1", "A", "100.5")], None),
        ([("2026 K1", "A", "-1")], None),
        ([("2026 K1", "A", "50"), ("2026 K1", "A", "60")], "Samma period och organisation"),
    ],
)
def test_follow_up_figures_refuse_bad_rows(rows, message):
    block = ComplianceFiguresBlock()
    with pytest.raises(ValidationError) as error:
        block.clean(block.to_python(_figures(*rows)))
    if message:
        assert message in str(error.value.as_json_data())


@pytest.mark.parametrize(
    ("language", "first", "other"),
    [("sv", "Sidan finns inte", "Page not found"), ("en", "Page not found", "Sidan finns inte")],
)
def test_404_is_in_the_pages_language(client, seeded_guidance, language, first, other):
    response = client.get(f"/{language}/finns-inte-alls/")
    assert response.status_code == 404
    tree = _tree(response)
    assert tree.xpath("//h1")[0].text_content() == first
    assert other not in tree.text_content()
    assert tree.xpath("/html/@lang") == [language]


def test_500_is_bilingual_and_needs_no_database():
    response = server_error(RequestFactory().get("/sv/"))
    assert response.status_code == 500
    text = response.content.decode()
    assert "Ett fel uppstod" in text and "An error occurred" in text
    assert 'class="skip-link"' in text
