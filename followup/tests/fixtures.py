"""Follow-up test data: users in each role tied to an organisation, and a finance file writer."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import Workbook

from hub.organisations import roles
from hub.organisations.tests.fixtures import make_user
from search.models import SearchLog

HEADINGS = ["Leverantörens organisationsnummer", "Belopp exkl. moms", "Datum", "Avtalsnummer", "Konto"]


def csv_file(rows: list[list[str]], headings: list[str] = HEADINGS) -> bytes:
    return "\n".join(";".join(row) for row in [headings, *rows]).encode("utf-8")


def xlsx_file(rows: list[list[object]], headings: list[str] = HEADINGS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def own_reviewer(django_user_model, buyer_organisation):
    """A Katalogansvarig of the buyer organisation."""
    return make_user(
        django_user_model, "katalogansvarig-egen", roles.CATALOGUE_REVIEWER, organisation=buyer_organisation
    )


@pytest.fixture
def followup_admin(django_user_model):
    return make_user(django_user_model, "administrator-uppfoljning", roles.ADMINISTRATOR)


def log_searches(query: str, times: int, organisation=None, results: int = 0, days_ago: int = 0) -> None:
    """`times` entries in the search log for `query`, made `days_ago` days ago, as the search service writes them."""
    when = timezone.now() - datetime.timedelta(days=days_ago)
    for _ in range(times):
        entry = SearchLog.objects.create(
            query=query,
            result_count=results,
            zero_hit=results == 0,
            backend="db",
            duration_ms=1,
            organisation=organisation,
        )
        if days_ago:
            SearchLog.objects.filter(pk=entry.pk).update(created_at=when)
