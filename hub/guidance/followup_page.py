"""Seed the public follow-up page: a FollowUpPage in Swedish and English under the guidance page on
follow-up and analysis, with live figures (followup.public) as an editor would choose them.

Here, not in followup: followup sits below the project in the layers (hub/tests/test_architecture.py) and
may not import hub.guidance. Like the guidance seeding, it only creates what is missing: a second run
adds nothing and never overwrites what editors have changed since.
"""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils.text import slugify
from wagtail.models import Locale, Page

from hub.guidance.models import FollowUpPage, GuidancePage, HomePage
from hub.guidance.seeding import KEY_NAMESPACE, free_slug, load_guidance, translation_key

# The guidance section the page goes under (its Swedish heading); the start page if the text has none.
PARENT_HEADING = "Uppföljning och analys"
PAGE_KEY = uuid.uuid5(KEY_NAMESPACE, "followup/live-figures")
PAGE_TEXT = {
    "sv": {
        "title": "Avtalstrohet och inköp i siffror",
        "intro": "<p>Hur stor del av inköpen som görs på giltiga avtal, och vad som köps. Siffrorna räknas "
        "fram ur hubbens varukorgar och organisationernas ekonomisystem varje gång sidan visas.</p>",
    },
    "en": {
        "title": "Contract compliance and spend in figures",
        "intro": "<p>How much of the spend is on valid agreements, and what is bought. The figures are computed "
        "from the hub's baskets and the organisations' finance systems every time the page is shown.</p>",
    },
}
# (figure, period, caption in sv, caption in en): followup.public.FIGURES and PERIODS.
LIVE_FIGURES = (
    ("compliance_by_month", "last_12_months", "Avtalstrohet månad för månad", "Contract compliance month by month"),
    (
        "compliance_by_organisation",
        "last_12_months",
        "Avtalstrohet per organisation",
        "Contract compliance per organisation",
    ),
    ("spend_by_agreement", "last_12_months", "Inköp per avtal", "Spend per agreement"),
    ("spend_by_category", "last_12_months", "Inköp per kategori", "Spend per category"),
)


def follow_up_body(language: str) -> list[dict]:
    """The page's blocks in one language: every figure for all organisations (no organisation chosen)."""
    return [
        {
            "type": "live_figures",
            "value": {
                "caption": caption_sv if language == "sv" else caption_en,
                "figure": figure,
                "period": period,
                "organisation": "",
            },
        }
        for figure, period, caption_sv, caption_en in LIVE_FIGURES
    ]


def _parent(locale: Locale) -> Page | None:
    sv_path = next((path for path, _section in load_guidance("sv").walk() if path[-1] == PARENT_HEADING), None)
    if sv_path is not None:
        parent = GuidancePage.objects.filter(translation_key=translation_key(sv_path), locale=locale).first()
        if parent is not None:
            return parent
    return HomePage.objects.filter(locale=locale).first()


def seed_follow_up_page() -> dict[str, int]:
    """Create the follow-up page in each language that lacks it (the guidance tree must be seeded first)."""
    result = {"created": 0, "existing": 0}
    with transaction.atomic():
        for language, text in PAGE_TEXT.items():
            locale = Locale.objects.filter(language_code=language).first()
            if locale is None:
                continue
            if Page.objects.filter(translation_key=PAGE_KEY, locale=locale).exists():
                result["existing"] += 1
                continue
            parent = _parent(locale)
            if parent is None:
                continue
            page = FollowUpPage(
                title=text["title"],
                slug=free_slug(parent, slugify(text["title"])),
                locale=locale,
                translation_key=PAGE_KEY,
                intro=text["intro"],
                body=follow_up_body(language),
            )
            parent.add_child(instance=page)
            page.save_revision().publish()
            result["created"] += 1
    return result
