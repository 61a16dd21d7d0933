"""Stored reports, review reasons and comments worded in the page's language (catalogue.error_codes, review)."""

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from catalogue.error_codes import issue_detail as _issue_detail
from catalogue.error_codes import issue_text
from catalogue.models import CatalogueItem
from catalogue.pictures.files import image_problem_text
from catalogue.review import percent_text, review_comment_text, review_reason_text

register = template.Library()


@register.filter
def issue_message(issue) -> str:
    """{{ issue|issue_message }}: a report issue (code + parameters) in the active language."""
    return issue_text(issue)


@register.filter
def issue_detail(issue) -> str:
    """The raw technical text of an issue (parser, rule engine), shown apart as "Teknisk detalj"."""
    return _issue_detail(issue)


@register.filter
def review_reason(reason) -> str:
    return review_reason_text(reason)


@register.filter
def percent(value) -> str:
    return percent_text(value)


@register.filter
def review_comment(version) -> str:
    return review_comment_text(version)


@register.filter
def item_field_labels(names) -> str:
    """Changed item fields by their names in the page's language ("pris, enhet"), not the code's ("price, unit")."""
    labels = []
    for name in names or []:
        try:
            field = CatalogueItem._meta.get_field(name)
        except FieldDoesNotExist:  # a field no longer on the model is still named
            labels.append(name)
            continue
        labels.append(str(field.verbose_name) if isinstance(field, models.Field) else name)
    return ", ".join(labels)


@register.filter
def image_problem(problem) -> str:
    """A stored image problem (code + parameters) in the active language."""
    return image_problem_text(problem)
