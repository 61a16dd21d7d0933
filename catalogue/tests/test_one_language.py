"""One language per page: a Swedish page shows no English UI text and an English page no Swedish.

The UI texts are taken from the English catalogue itself (locale/en/LC_MESSAGES/django.po): for every
entry whose English differs from its Swedish msgid, the English must not appear on the Swedish page and
the Swedish must not appear on the English page. The pages carry a stored validation report (new and
old format), review reasons and the auto-approval comment, all worded when shown.
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from catalogue import error_codes
from catalogue.error_codes import issue_texts
from catalogue.models import CatalogueVersion
from catalogue.report import SOURCE_PEPPOL, SOURCE_XSD, Report
from catalogue.tests.review_fixtures import make_version

pytestmark = pytest.mark.django_db
Status = CatalogueVersion.Status
PO_FILE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w+(?:![rs])?\}|%%")
LIBXML2_TEXT = "Element '{urn:x}Okänd': This element is not expected."
RULE_TEXT = "[PEPPOL-T19-R010] Item price must be zero or positive."


def _po_pairs() -> list[tuple[str, str]]:
    """(Swedish msgid, English msgstr) of every entry translated to something else."""
    pairs = []
    for block in PO_FILE.read_text(encoding="utf-8").split("\n\n")[1:]:
        if block.lstrip().startswith("#~"):
            continue
        fields: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                key = match.group(1)
                fields[key] = match.group(2)
            elif line.startswith('"') and key:
                fields[key] += line[1:-1]
        swedish = [fields.get("msgid", ""), fields.get("msgid_plural", "")]
        english = [fields.get("msgstr", ""), fields.get("msgstr[0]", ""), fields.get("msgstr[1]", "")]
        for sv, en in zip(swedish + swedish[1:], english, strict=False):
            if sv and en and sv != en:
                pairs.append((sv.replace('\\"', '"'), en.replace('\\"', '"')))
    return pairs


def _fragments(text: str) -> set[str]:
    """The literal parts of a message around its placeholders, long enough to mean something."""
    return {part.strip(" .,:;()–-") for part in _PLACEHOLDER.split(text) if len(part.strip(" .,:;()–-")) >= 4}


def _ui_words(language: str) -> set[str]:
    """Texts of the other language that must not appear on a page in `language`."""
    pairs = _po_pairs()
    other = [en for _sv, en in pairs] if language == "sv" else [sv for sv, _en in pairs]
    own = [sv for sv, _en in pairs] if language == "sv" else [en for _sv, en in pairs]
    own_text = "\n".join(own)
    # A fragment that is also a word of this language's own UI texts ("Peppol", "GTIN") says nothing.
    return {fragment for text in other for fragment in _fragments(text) if fragment not in own_text}


def _visible_text(html: str, language: str) -> str:
    """The page's text in its own language: without scripts, code, technical details and marked other-language parts."""
    tree = lxml.html.fromstring(html)
    for element in tree.xpath("//script | //style | //code | //*[@translate='no']"):
        element.drop_tree()
    for element in tree.xpath("//*[@lang]"):
        if element.tag != "html" and not element.get("lang").startswith(language):
            element.drop_tree()  # the language switcher names the other language in that language
    return " ".join(" ".join(tree.xpath("//body//text()")).split())


def _other_language_words_on(page: str, language: str) -> list[str]:
    text = _visible_text(page, language)
    return sorted(word for word in _ui_words(language) if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text))


@pytest.fixture
def reported_version(review_pending_version) -> CatalogueVersion:
    """An invalid version with a stored report: worded codes, technical details and one old-format issue."""
    report = Report()
    report.error("HUB-PRICE-MISSING", line=3, column="D")
    report.error("XML-MALFORMED", line=2, at_line=2, at_column=5, reason="tag-mismatch")
    report.error("XML-SCHEMA", source=SOURCE_XSD, line=7, element="/*/cbc:Okänd", detail=LIBXML2_TEXT)
    report.error("PEPPOL-RULE", source=SOURCE_PEPPOL, line=9, rule="PEPPOL-T19-R010", detail=RULE_TEXT)
    report.warning("HUB-UNIT-UNKNOWN", line=4, value="XYZ")
    stored = report.to_dict()
    stored["issues"].append(
        {  # stored before codes and parameters were kept
            "severity": "error",
            "code": "HUB-GTIN-CHECKDIGIT",
            "message_sv": "GTIN 123 är ogiltigt (fel längd eller kontrollsiffra).",
            "message_en": "GTIN 123 is invalid (wrong length or check digit).",
            "line": 5,
        }
    )
    stored["errors"] += 1
    version = make_version(
        review_pending_version.catalogue,
        [],
        status=Status.INVALID,
        report=stored,
        error_count=stored["errors"],
        warning_count=stored["warnings"],
        review_comment_code="AUTO-APPROVED",
    )
    return version


def _pages(client, language, supplier_user, reviewer_user, reported_version, pending) -> dict[str, str]:
    with translation.override(language):
        portal_urls = {
            "portal report": reverse("catalogue:version", args=[reported_version.pk]),
            "portal pending": reverse("catalogue:version", args=[pending.pk]),
            "portal home": reverse("catalogue:portal"),
            "portal catalogue": reverse("catalogue:catalogue", args=[pending.catalogue_id]),
            "portal images": reverse("catalogue:catalogue-images", args=[pending.catalogue_id]),
        }
        review_urls = {
            "review detail": reverse("catalogue:review-detail", args=[pending.pk]),
            "review list": reverse("catalogue:review-list"),
        }
    search_url = "/sv/sok/" if language == "sv" else "/en/search/"
    pages = {}
    sign_in = client.get("/sv/logga-in/" if language == "sv" else "/en/sign-in/")
    assert sign_in.status_code == 200
    pages["sign in"] = sign_in.content.decode()
    client.force_login(supplier_user)
    for name, url in portal_urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
        pages[name] = response.content.decode()
    client.force_login(reviewer_user)
    for name, url in review_urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
        pages[name] = response.content.decode()
    response = client.get(search_url, {"q": "penna"})
    assert response.status_code == 200
    pages["search"] = response.content.decode()
    return pages


@pytest.mark.parametrize("language", ["sv", "en"])
def test_pages_show_only_their_own_language(
    client, supplier_user, reviewer_user, reported_version, review_pending_version, language
):
    pages = _pages(client, language, supplier_user, reviewer_user, reported_version, review_pending_version)
    mixed = {name: words for name, page in pages.items() if (words := _other_language_words_on(page, language))}
    assert mixed == {}


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_stored_report_is_worded_in_the_page_language_with_technical_details_apart(
    client, supplier_user, reported_version, language
):
    client.force_login(supplier_user)
    with translation.override(language):
        page = client.get(reverse("catalogue:version", args=[reported_version.pk])).content.decode()
    other = "en" if language == "sv" else "sv"
    for issue in reported_version.report["issues"]:
        texts = issue_texts(issue)
        assert escape(texts[language]) in page
        assert escape(texts[other]) not in page
    tree = lxml.html.fromstring(page)
    details = [" ".join(code.text_content().split()) for code in tree.xpath("//code[@class='technical-detail']")]
    assert details == [LIBXML2_TEXT, RULE_TEXT]
    label = {"sv": "Teknisk detalj", "en": "Technical detail"}[language]
    assert page.count(f"{label}: ") == 2
    # The raw English parser text never sits inside the worded message.
    message_cells = [" ".join(td.text_content().split()) for td in tree.xpath("//tr[contains(@class,'issue')]/td[5]")]
    assert all(LIBXML2_TEXT.split(":")[0] not in cell.split(label)[0] for cell in message_cells)
    comment = {"sv": "Godkänd automatiskt inom avtalets gränser", "en": "Approved automatically"}[language]
    assert comment in page


def test_an_improved_wording_reaches_reports_stored_before(reported_version, monkeypatch):
    """The report stores the code and its parameters, so today's wording is what the page shows."""
    issue = next(i for i in reported_version.report["issues"] if i["code"] == "HUB-PRICE-MISSING")
    assert set(issue) >= {"code", "params", "line", "column", "severity"} and "message_sv" not in issue
    improved = error_codes.ErrorCode("HUB-PRICE-MISSING", "Raden saknar pris (kolumnen Pris är tom).")
    monkeypatch.setitem(error_codes.CODES, "HUB-PRICE-MISSING", improved)
    assert error_codes.issue_text(issue) == "Raden saknar pris (kolumnen Pris är tom)."


@pytest.mark.parametrize(
    ("language", "other", "name"),
    [("sv", "en", "English"), ("en", "sv", "Svenska")],
)
def test_the_language_switch_names_the_other_language_and_keeps_the_page(
    client, supplier_user, reported_version, language, other, name
):
    client.force_login(supplier_user)
    with translation.override(language):
        url = reverse("catalogue:version", args=[reported_version.pk])
    with translation.override(other):
        equivalent = reverse("catalogue:version", args=[reported_version.pk])
    tree = lxml.html.fromstring(client.get(url).content)
    (link,) = tree.xpath("//nav[contains(@class,'language-switcher')]//a")
    assert (link.text_content().strip(), link.get("lang"), link.get("href")) == (name, other, equivalent)
    assert equivalent != f"/{other}/"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/sv/logga-in/?next=/sv/leverantor/", "/en/sign-in/?next=%2Fsv%2Fleverantor%2F"),
        ("/en/sign-in/", "/sv/logga-in/"),
    ],
)
def test_the_language_switch_follows_pages_with_their_own_address_per_language(client, url, expected):
    tree = lxml.html.fromstring(client.get(url).content)
    (link,) = tree.xpath("//nav[contains(@class,'language-switcher')]//a")
    assert link.get("href") == expected
