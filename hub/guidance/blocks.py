"""StreamField blocks for guidance pages.

Every label a visitor sees is wrapped for translation; the e-handel process steps live
here once, so the SVG drawing and its text alternative can never disagree.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise
from typing import ClassVar, NotRequired, TypedDict
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.urls import NoReverseMatch
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from catalogue.models import Agreement
from followup import public as followup_public

# The e-handel process, in order (avtal → … → uppföljning).
PROCESS_STEPS: tuple[tuple[str, object], ...] = (
    ("avtal", _("Avtal")),
    ("katalog", _("Katalog")),
    ("bestallning", _("Beställning")),
    ("orderbekraftelse", _("Orderbekräftelse")),
    ("leverans", _("Leverans")),
    ("faktura", _("Faktura")),
    ("matchning", _("Matchning")),
    ("betalning", _("Betalning")),
    ("uppfoljning", _("Uppföljning")),
)

# Layout of the drawing: a snake of rows so it stays legible on a phone.
_STEPS_PER_ROW = 3
_BOX_W, _BOX_H, _GAP_X, _GAP_Y, _PAD = 232, 56, 56, 48, 10


class ProcessBox(TypedDict):
    """One step's box in the process SVG; `arrow` leads to the next step (none from the last)."""

    key: str
    label: object
    number: int
    x: int
    y: int
    cx: int
    cy: int
    w: int
    h: int
    arrow: NotRequired[dict[str, int]]


def process_layout() -> list[ProcessBox]:
    """Boxes and connecting arrows for the process SVG, computed from PROCESS_STEPS."""
    boxes: list[ProcessBox] = []
    for index, (key, label) in enumerate(PROCESS_STEPS):
        row, col = divmod(index, _STEPS_PER_ROW)
        if row % 2:  # every other row runs right to left, so arrows stay short
            col = _STEPS_PER_ROW - 1 - col
        x = _PAD + col * (_BOX_W + _GAP_X)
        y = _PAD + row * (_BOX_H + _GAP_Y)
        boxes.append(
            {
                "key": key,
                "label": label,
                "number": index + 1,
                "x": x,
                "y": y,
                "cx": x + _BOX_W // 2,
                "cy": y + _BOX_H // 2,
                "w": _BOX_W,
                "h": _BOX_H,
            }
        )
    for current, following in pairwise(boxes):
        if current["y"] == following["y"]:
            if following["x"] > current["x"]:
                x1, x2 = current["x"] + _BOX_W, following["x"] - 4
            else:
                x1, x2 = current["x"], following["x"] + _BOX_W + 4
            current["arrow"] = {"x1": x1, "y1": current["cy"], "x2": x2, "y2": following["cy"]}
        else:
            current["arrow"] = {
                "x1": current["cx"],
                "y1": current["y"] + _BOX_H,
                "x2": following["cx"],
                "y2": following["y"] - 4,
            }
    return boxes


def process_canvas() -> dict[str, int]:
    rows = -(-len(PROCESS_STEPS) // _STEPS_PER_ROW)
    return {
        "width": 2 * _PAD + _STEPS_PER_ROW * _BOX_W + (_STEPS_PER_ROW - 1) * _GAP_X,
        "height": 2 * _PAD + rows * _BOX_H + (rows - 1) * _GAP_Y,
    }


class FactListBlock(blocks.StructBlock):
    """A short list of facts or benefits."""

    heading = blocks.CharBlock(label=_("Rubrik"), required=False)
    style = blocks.ChoiceBlock(
        label=_("Typ"),
        choices=[("facts", _("Fakta")), ("benefits", _("Fördelar"))],
        default="facts",
    )
    items = blocks.ListBlock(blocks.TextBlock(label=_("Punkt")), label=_("Punkter"), min_num=1)

    class Meta:
        icon = "list-ul"
        label = _("Fakta- eller fördelslista")
        template = "guidance/blocks/fact_list.html"


class CalloutBlock(blocks.StructBlock):
    """A highlighted note: a tip, or a warning."""

    kind = blocks.ChoiceBlock(
        label=_("Typ"),
        choices=[("info", _("Tips")), ("warning", _("Observera"))],
        default="info",
    )
    heading = blocks.CharBlock(label=_("Rubrik"), required=False)
    text = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "link", "ul", "ol"])

    class Meta:
        icon = "help"
        label = _("Faktaruta")
        template = "guidance/blocks/callout.html"


class ProcessIllustrationBlock(blocks.StructBlock):
    """The e-handel process drawn as an accessible inline SVG with an ordered-list alternative."""

    heading = blocks.CharBlock(
        label=_("Rubrik"),
        required=False,
        help_text=_("Visas ovanför bilden"),
    )

    class Meta:
        icon = "image"
        label = _("Illustration av e-handelsprocessen")
        template = "guidance/blocks/process_illustration.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["boxes"] = process_layout()
        context["canvas"] = process_canvas()
        return context


class AgreementLinkBlock(blocks.StructBlock):
    """A link to a framework agreement, named by its reference (avtalsnummer)."""

    reference = blocks.CharBlock(label=_("Avtalsnummer"), max_length=60)
    label = blocks.CharBlock(label=_("Länktext"), required=False)
    url = blocks.URLBlock(
        label=_("Adress"),
        required=False,
        help_text=_("Tomt = avtalets produkter i sökningen"),
    )

    class Meta:
        icon = "doc-full"
        label = _("Länk till ramavtal")
        template = "guidance/blocks/agreement_link.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        agreement = Agreement.objects.filter(reference=value["reference"]).first()
        context["agreement"] = agreement
        context["href"] = value["url"] or (agreement_search_url(agreement.pk) if agreement else "")
        context["text"] = value["label"] or (str(agreement) if agreement else value["reference"])
        return context


class CategoryLinkBlock(blocks.StructBlock):
    """A link to a catalogue category (UNSPSC code) on the search page."""

    code = blocks.RegexBlock(
        label=_("UNSPSC-kod"),
        regex=r"^\d{2}(\d{2}){0,3}$",
        error_messages={"invalid": _("Ange 2, 4, 6 eller 8 siffror")},
    )
    label = blocks.CharBlock(label=_("Länktext"))

    class Meta:
        icon = "link"
        label = _("Länk till katalogkategori")
        template = "guidance/blocks/category_link.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["href"] = category_search_url(value["code"])
        return context


def category_search_url(code: str, language: str | None = None) -> str:
    """The search page filtered on one catalogue category, in the current language."""
    return _search_url({"category": code}, language)


def agreement_search_url(agreement_id: int, language: str | None = None) -> str:
    """The search page showing the products on one agreement."""
    return _search_url({"agreement": agreement_id}, language)


def _search_url(params: dict, language: str | None) -> str:
    language = "en" if (language or get_language() or "sv").startswith("en") else "sv"
    try:
        # Not at the top: views are not imported while models load (this module is imported by guidance.models).
        from search.views import search_page_url  # noqa: PLC0415 (optional app; views after model loading)

        with translation.override(language):
            base = search_page_url(language)
    except (ImportError, NoReverseMatch):  # the search app is optional for guidance
        base = f"/{language}/sok/"
    return f"{base}?{urlencode(params)}"


class ComplianceRowBlock(blocks.StructBlock):
    period = blocks.CharBlock(label=_("Period"), max_length=40)
    subject = blocks.CharBlock(label=_("Organisation eller kategori"), max_length=120)
    share = blocks.DecimalBlock(
        label=_("Andel på avtal (%)"),
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        icon = "table"
        label = _("Rad")


class ComplianceFiguresBlock(blocks.StructBlock):
    """Contract compliance (avtalstrohet): a table and a bar chart drawn from the same rows."""

    caption = blocks.CharBlock(label=_("Tabellrubrik"))
    rows = blocks.ListBlock(ComplianceRowBlock(), label=_("Rader"), min_num=1)
    source = blocks.CharBlock(label=_("Källa"), required=False)

    class Meta:
        icon = "table"
        label = _("Avtalstrohet i siffror")
        template = "guidance/blocks/compliance_figures.html"

    def clean(self, value):
        value = super().clean(value)
        seen = set()
        for row in value["rows"]:
            key = (row["period"], row["subject"])
            if key in seen:
                raise StructBlockValidationError(
                    block_errors={"rows": ValidationError(_("Samma period och organisation finns två gånger"))}
                )
            seen.add(key)
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        bar_height, gap, label_w, chart_w = 28, 12, 260, 360
        bars = []
        for index, row in enumerate(value["rows"]):
            share = float(row["share"])
            bars.append(
                {
                    "row": row,
                    "y": index * (bar_height + gap),
                    "width": round(chart_w * share / 100, 1),
                    "text_y": index * (bar_height + gap) + bar_height * 0.68,
                }
            )
        context.update(
            bars=bars,
            bar_height=bar_height,
            label_w=label_w,
            chart_w=chart_w,
            chart_height=max(len(bars) * (bar_height + gap) - gap, bar_height),
        )
        return context


class LiveFiguresBlock(blocks.StructBlock):
    """Figures computed from the hub's own data (followup.public) at every view: the editor chooses which."""

    caption = blocks.CharBlock(label=_("Rubrik"))
    figure = blocks.ChoiceBlock(label=_("Siffror"), choices=followup_public.FIGURES, default="compliance_by_month")
    period = blocks.ChoiceBlock(label=_("Period"), choices=followup_public.PERIODS, default="last_12_months")
    organisation = blocks.ChoiceBlock(
        label=_("Organisation"),
        choices=followup_public.organisation_choices,
        required=False,
        help_text=_("Tomt: alla organisationer"),
    )

    class Meta:
        icon = "table"
        label = _("Avtalstrohet och inköp (levande siffror)")
        template = "guidance/blocks/live_figures.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["figures"] = followup_public.live_figures(value["figure"], value["period"], value.get("organisation"))
        return context


class GuidanceStreamBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(
        label=_("Text"),
        features=["h2", "h3", "h4", "bold", "italic", "link", "ol", "ul", "document-link"],
    )
    facts = FactListBlock()
    callout = CalloutBlock()
    process = ProcessIllustrationBlock()
    agreement_link = AgreementLinkBlock()
    category_link = CategoryLinkBlock()

    class Meta:
        block_counts: ClassVar[dict[str, dict[str, int]]] = {"process": {"max_num": 1}}


class FollowUpStreamBlock(GuidanceStreamBlock):
    live_figures = LiveFiguresBlock()
    # Typed figures, kept so pages written before the live block still show theirs.
    compliance = ComplianceFiguresBlock()
