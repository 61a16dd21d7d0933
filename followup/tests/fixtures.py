"""Follow-up test data: users in each role tied to an organisation, and a finance file writer."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from hub.organisations import roles
from hub.organisations.tests.fixtures import make_user

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
