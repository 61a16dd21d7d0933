"""Guidance pages (vägledning) published by editors in Wagtail, in Swedish and English."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, Panel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from hub.guidance.blocks import FollowUpStreamBlock, GuidanceStreamBlock


class GuidanceBase(Page):
    """Shared fields: a lead paragraph and a body of guidance blocks."""

    intro = RichTextField(_("ingress"), blank=True, features=["bold", "italic", "link"])
    body = StreamField(GuidanceStreamBlock(), verbose_name=_("innehåll"), blank=True)

    content_panels: ClassVar[list[Panel]] = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields: ClassVar[list[index.BaseField]] = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["subpages"] = self.get_children().live().public().specific()
        parent = self.get_parent().specific
        if not context["subpages"] and isinstance(parent, GuidancePage):
            # A leaf page lists its section (its siblings), so readers can move on without going up.
            context["section_parent"] = parent
            context["section_pages"] = parent.get_children().live().public()
        # Breadcrumbs start at the site's start page in this page's language.
        context["breadcrumbs"] = [p for p in self.get_ancestors().live().specific() if p.depth > 1]
        return context


class HomePage(GuidanceBase):
    """The start page (startsida): the root of one language's tree."""

    parent_page_types: ClassVar[list[str]] = ["wagtailcore.Page"]
    subpage_types: ClassVar[list[str]] = ["guidance.GuidancePage", "guidance.FollowUpPage"]
    template = "guidance/home_page.html"

    class Meta:
        verbose_name = _("startsida")
        verbose_name_plural = _("startsidor")


class GuidancePage(GuidanceBase):
    """A guidance page (vägledningssida) under the start page or another guidance page."""

    parent_page_types: ClassVar[list[str]] = ["guidance.HomePage", "guidance.GuidancePage"]
    subpage_types: ClassVar[list[str]] = ["guidance.GuidancePage", "guidance.FollowUpPage"]
    template = "guidance/guidance_page.html"

    class Meta:
        verbose_name = _("vägledningssida")
        verbose_name_plural = _("vägledningssidor")


class FollowUpPage(GuidanceBase):
    """Follow-up figures (uppföljning) editors publish, such as contract compliance (avtalstrohet)."""

    body = StreamField(FollowUpStreamBlock(), verbose_name=_("innehåll"), blank=True)
    # Wagtail has no type information, so the stubs cannot see this class as a model and infer the field's types.
    period_note: models.CharField[str, str] = models.CharField(
        _("avser period"), max_length=120, blank=True, help_text=_("Till exempel 2026 kvartal 1–3")
    )

    content_panels: ClassVar[list[Panel]] = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("period_note"),
        FieldPanel("body"),
    ]
    parent_page_types: ClassVar[list[str]] = ["guidance.HomePage", "guidance.GuidancePage"]
    subpage_types: ClassVar[list[str]] = []
    template = "guidance/follow_up_page.html"

    class Meta:
        verbose_name = _("uppföljningssida")
        verbose_name_plural = _("uppföljningssidor")
