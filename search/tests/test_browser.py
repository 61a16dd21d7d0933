"""The search pages in Chromium as a buyer uses them: type, filter by category, open, compare; axe in both languages."""

from __future__ import annotations

import re

import pytest

from hub.testing.browser import _block_the_internet
from search import service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def focused(page) -> dict:
    """What has keyboard focus: its tag, type, name and accessible label text."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const labels = el.labels ? Array.from(el.labels).map(l => l.textContent.trim()).join(" ") : "";
            return {tag: el.tagName, type: el.type || "", name: el.name || "", text: (el.textContent || "").trim(),
                    label: labels, id: el.id || ""};
        }"""
    )


def tab_until(page, wanted, limit: int = 250) -> dict:
    """Press Tab until `wanted(focused)` holds; fail if it never does (the control is not reachable)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if wanted(now):
            return now
    pytest.fail("control not reachable with the keyboard")


def test_buyer_searches_filters_opens_and_compares(browser_page, axe, test_catalogue):
    page = browser_page
    page.goto("/sv/sok/")
    axe(page)

    # Search as you type: suggestions appear under the box, and the status says how many.
    page.get_by_label("Sökord").fill("kulsp")
    suggestions = page.locator("#search-suggestions a")
    suggestions.first.wait_for()
    assert "Kulspetspenna" in suggestions.first.inner_text()
    assert re.fullmatch(r"\d+ förslag", page.locator("#suggestion-status").inner_text())
    axe(page)  # with the suggestions open
    page.get_by_label("Sökord").press("ArrowDown")
    assert focused(page)["tag"] == "A"
    page.keyboard.press("Escape")
    assert focused(page)["id"] == "search-q" and page.locator("#search-suggestions").is_hidden()

    page.get_by_label("Sökord").fill("papper")
    page.get_by_label("Sökord").press("Enter")
    page.wait_for_url(re.compile(r"q=papper"))
    axe(page)

    # Filter by a category facet, named (not "Familj 14110000"), with the code in small type.
    family = page.get_by_role("checkbox", name=re.compile(r"^Pappersprodukter 14110000 \(\d+\)$"))
    shown_count = int(re.search(r"\((\d+)\)", family.evaluate("el => el.labels[0].textContent")).group(1))
    family.check()
    page.get_by_role("button", name="Använd filter").click()
    page.wait_for_url(re.compile(r"category=14110000"))
    expected = service.search(service.SearchQuery(q="papper", categories=["14110000"], log=False)).total
    assert expected == shown_count > 0
    assert page.locator("#result-count").inner_text().startswith(f"{expected} artikl")
    assert page.get_by_role("checkbox", name=re.compile(r"^Pappersprodukter")).is_checked()
    axe(page)

    # Keyboard: a facet checkbox, a compare checkbox and the compare button are reachable and labelled.
    page.get_by_label("Sökord").focus()
    skip = tab_until(page, lambda f: f["tag"] == "A" and f["text"] == "Hoppa till träffarna")
    assert skip
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "results-heading"
    page.get_by_label("Sökord").focus()
    facet = tab_until(page, lambda f: f["name"] == "category")
    assert facet["type"] == "checkbox" and re.search(r"\d{8}", facet["label"])
    pick = tab_until(page, lambda f: f["name"] == "id")
    assert pick["label"].startswith("Jämför ") and len(pick["label"]) > len("Jämför ")
    page.keyboard.press("Space")
    assert page.locator(f"#{pick['id']}").is_checked()
    page.get_by_label("Sökord").focus()
    button = tab_until(page, lambda f: f["tag"] == "BUTTON" and f["text"].startswith("Jämför markerade"))
    assert button["text"] == "Jämför markerade (högst 4)"

    # Compare two items.
    picks = page.locator('input[name="id"]')
    assert picks.count() >= 2
    picks.nth(1).check()
    page.get_by_role("button", name="Jämför markerade (högst 4)").click()
    page.wait_for_url(re.compile(r"/sv/sok/jamfor/\?id=\d+&id=\d+"))
    assert page.locator('table.compare th[scope="col"]').count() == 2
    assert page.get_by_role("rowheader", name="Kategori").is_visible()
    axe(page)

    # Open a product from the comparison.
    page.locator('table.compare th[scope="col"] a').first.click()
    page.wait_for_url(re.compile(r"/sv/sok/artikel/RA-[A-Z0-9-]+/\d{10}/[^/]+/\?back="))
    assert "Papper och pappersprodukter › Pappersprodukter" in page.locator(".item-facts").inner_text()  # noqa: RUF001 (the breadcrumb separator)
    axe(page)
    # Back to the very results the comparison came from.
    page.get_by_role("link", name="Tillbaka till sökningen").click()
    page.wait_for_url(re.compile(r"/sv/sok/\?(.*&)?q=papper(&|$)"))
    assert "category=14110000" in page.url
    assert page.get_by_label("Sökord").input_value() == "papper"
    assert page.get_by_role("checkbox", name=re.compile(r"^Pappersprodukter")).is_checked()


def test_fifth_item_for_comparison_is_refused_with_a_message(browser_page, test_catalogue):
    page = browser_page
    page.goto("/sv/sok/?q=penna")
    picks = page.locator('input[name="id"]')
    assert picks.count() >= 5
    for i in range(4):
        picks.nth(i).check()
    picks.nth(4).click()
    assert not picks.nth(4).is_checked()
    assert "högst 4 artiklar" in page.locator("#compare-status").inner_text()
    picks.nth(0).uncheck()
    assert page.locator("#compare-status").inner_text() == ""


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_pages_are_accessible_in_both_languages(browser_page, axe, test_catalogue, lang):
    page = browser_page
    search_url, item_url, compare_url = {
        "sv": ("/sv/sok/", "/sv/sok/artikel/RA-KONTOR-1/5560160680/{}/", "/sv/sok/jamfor/"),
        "en": ("/en/search/", "/en/search/item/RA-KONTOR-1/5560160680/{}/", "/en/search/compare/"),
    }[lang]
    page.goto(f"{search_url}?q=kulspetspenna&sort=price")
    assert page.locator("html").get_attribute("lang") == lang
    compare = {"sv": "Jämför markerade (högst 4)", "en": "Compare selected (at most 4)"}[lang]
    assert page.get_by_role("button", name=compare).is_visible()
    axe(page)
    # Paging and a selected filter.
    page.goto(f"{search_url}?q=papper&page_size=3&page=2&eco_label=Svanen")
    assert page.locator('a[rel="prev"]').is_visible()
    axe(page)
    item = test_catalogue.items["K-1006"]
    page.goto(item_url.format(item.seller_item_id))
    assert ("Kontorsmaterial" if lang == "sv" else "Office supplies") in page.locator(".item-facts").inner_text()
    axe(page)
    ids = "&".join(f"id={test_catalogue.items[k].pk}" for k in ("K-1006", "K-1007", "K-1008", "K-1009", "K-1010"))
    page.goto(f"{compare_url}?{ids}")
    limit = {"sv": "Högst 4 artiklar kan jämföras", "en": "At most 4 items can be compared"}[lang]
    assert limit in page.locator("main").inner_text()
    axe(page)


def test_search_works_without_javascript(browser, live_server, test_catalogue):

    context = browser.new_context(base_url=live_server.url, locale="en-GB", java_script_enabled=False)
    context.route("**/*", _block_the_internet)
    page = context.new_page()
    try:
        page.goto("/en/search/")
        page.get_by_label("Search terms").fill("penna")
        page.get_by_role("button", name="Search", exact=True).click()
        page.wait_for_url(re.compile(r"q=penna"))
        total = service.search(service.SearchQuery(q="penna", log=False)).total
        assert page.locator("#result-count").inner_text().startswith(f"{total} item")
        page.get_by_role("checkbox", name=re.compile(r"^Office supplies 44120000")).check()
        page.get_by_role("button", name="Apply filters").click()
        page.wait_for_url(re.compile(r"category=44120000"))
        filtered = service.search(service.SearchQuery(q="penna", categories=["44120000"], log=False)).total
        assert 0 < filtered <= total
        assert page.locator("#result-count").inner_text().startswith(f"{filtered} item")
    finally:
        context.close()
