"""Purchases from an organisation's finance system (ekonomisystem), as CSV or Excel (.xlsx).

The whole file is read and checked first; only a file without a single error is imported, in one
transaction. Errors are kept as codes and values and worded when shown, in the reader's language.
A purchase without an agreement reference is matched to the supplier's agreement in force that day.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import TypeVar

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.se import orgnr as se_orgnr

from catalogue.models import Agreement
from followup.models import Purchase, PurchaseImport
from followup.spend import month_of, rebuild_monthly_spend
from hub.organisations.models import BuyerOrganisation, Supplier

T = TypeVar("T")
CENT = Decimal("0.01")
MAX_ROWS = 500_000
MAX_AMOUNT = Decimal("999999999999")
SHOWN_ERRORS = 200

# Column -> the headings accepted for it (compared lower-cased, spaces and underscores alike).
COLUMNS: dict[str, tuple[str, ...]] = {
    "supplier_orgnr": (
        "leverantörens organisationsnummer",
        "leverantör organisationsnummer",
        "organisationsnummer",
        "orgnr",
        "supplier orgnr",
        "supplier organisation number",
    ),
    "amount": ("belopp exkl. moms", "belopp exkl moms", "belopp", "amount", "amount excl. vat", "amount excl vat"),
    "date": ("datum", "fakturadatum", "bokföringsdatum", "date", "invoice date"),
    "agreement_reference": ("avtalsnummer", "avtal", "avtalsreferens", "agreement reference", "agreement"),
    "account": ("konto", "account"),
}
REQUIRED = ("supplier_orgnr", "amount", "date")
COLUMN_NAMES = {
    "supplier_orgnr": gettext_lazy("Leverantörens organisationsnummer"),
    "amount": gettext_lazy("Belopp exkl. moms"),
    "date": gettext_lazy("Datum"),
    "agreement_reference": gettext_lazy("Avtalsnummer"),
    "account": gettext_lazy("Konto"),
}

MESSAGES = {
    "unreadable": gettext_lazy("Filen kan inte läsas som CSV eller Excel (.xlsx): %(detail)s"),
    "empty": gettext_lazy("Filen har inga rader under rubrikraden"),
    "too_many_rows": gettext_lazy("Filen har fler än %(limit)s rader; dela upp den"),
    "missing_column": gettext_lazy("Kolumnen %(column)s saknas (rubriker som fungerar: %(headings)s)"),
    "required": gettext_lazy("%(column)s saknas"),
    "orgnr": gettext_lazy("%(value)s är inte ett giltigt organisationsnummer (10 siffror med rätt kontrollsiffra)"),
    "amount": gettext_lazy("%(value)s är inte ett belopp (t.ex. 1 234,50)"),
    "amount_range": gettext_lazy("Beloppet %(value)s är orimligt stort"),
    "date": gettext_lazy("%(value)s är inte ett datum (ÅÅÅÅ-MM-DD)"),
    "too_long": gettext_lazy("%(column)s är längre än %(limit)s tecken"),
}


@dataclass(frozen=True)
class RowError:
    row: int  # the spreadsheet's row number (the heading is row 1); 0 for the file as a whole
    column: str
    code: str
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        params = {key: str(value) for key, value in self.params.items()}
        if self.column:
            params.setdefault("column", str(COLUMN_NAMES.get(self.column, self.column)))
        return str(MESSAGES[self.code]) % params


@dataclass
class ImportResult:
    batch: PurchaseImport | None = None
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    row_count: int = 0
    matched: int = 0

    @property
    def ok(self) -> bool:
        return self.batch is not None


@dataclass
class _Row:
    number: int
    supplier_orgnr: str
    amount: Decimal
    day: datetime.date
    agreement_reference: str
    account: str


def _key(heading: object) -> str:
    return " ".join(str(heading or "").strip().lower().replace("_", " ").split())


def _read_rows(data: bytes, filename: str) -> list[list[object]]:
    if data[:2] == b"PK" or filename.lower().endswith(".xlsx"):
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            return [list(row) for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2)]
        finally:
            workbook.close()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")  # Excel's "CSV" on a Swedish Windows
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    return [list[object](row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _text(value: object) -> str:
    if value is None:
        return ""
    text = str(value).strip()
    return text[1:] if text.startswith("'") else text  # a neutralised formula, as the hub writes them


def _amount(value: object) -> Decimal:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    text = _text(value).replace("\u00a0", "").replace("\u202f", "").replace(" ", "").removesuffix("kr")
    if "," in text and "." in text:
        text = text.replace(".", "")  # 1.234,50
    text = text.replace(",", ".").replace("\u2212", "-")
    amount = Decimal(text)
    if not amount.is_finite():
        raise InvalidOperation
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _date(value: object) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(_text(value)[:10])


def check_file(data: bytes, filename: str) -> tuple[list[_Row], list[RowError]]:
    """Every row read and checked; the rows are worth importing only when the error list is empty."""
    try:
        table = _read_rows(data, filename)
    except Exception as exc:  # a broken zip, a bad encoding: the file as a whole is refused
        return [], [RowError(0, "", "unreadable", {"detail": exc.__class__.__name__})]
    table = [row for row in table if any(_text(cell) for cell in row)]
    if len(table) < 2:
        return [], [RowError(0, "", "empty")]
    if len(table) - 1 > MAX_ROWS:
        return [], [RowError(0, "", "too_many_rows", {"limit": MAX_ROWS})]
    positions = _column_positions(table[0])
    errors = [
        RowError(1, column, "missing_column", {"headings": ", ".join(COLUMNS[column][:2])})
        for column in REQUIRED
        if column not in positions
    ]
    if errors:
        return [], errors
    rows: list[_Row] = []
    for number, cells in enumerate(table[1:], start=2):
        row, row_errors = _check_row(
            number, {column: cells[i] if i < len(cells) else None for column, i in positions.items()}
        )
        errors.extend(row_errors)
        if row is not None:
            rows.append(row)
    return rows, errors


def _column_positions(heading_row: list) -> dict[str, int]:
    headings = [_key(cell) for cell in heading_row]
    positions: dict[str, int] = {}
    for column, accepted in COLUMNS.items():
        for index, heading in enumerate(headings):
            if heading in accepted:
                positions[column] = index
                break
    return positions


def _supplier_orgnr(value: object) -> str:
    try:
        return se_orgnr.validate(_text(value))
    except StdnumValidationError:
        raise ValueError from None


def _bounded_amount(value: object) -> Decimal:
    amount = _amount(value)
    if abs(amount) > MAX_AMOUNT:
        raise OverflowError
    return amount


TEXT_LIMITS = {"agreement_reference": 60, "account": 20}


def _parsed(
    number: int, cells: dict[str, object], column: str, parse: Callable[[object], T], code: str, errors: list[RowError]
) -> T | None:
    """The cell parsed; None when it is empty or wrong (then the error, coded `code`, is added)."""
    raw = _text(cells.get(column))
    if not raw:
        return None
    try:
        return parse(cells[column])
    except OverflowError:  # the parser's way of saying out of range
        errors.append(RowError(number, column, f"{code}_range", {"value": raw}))
    except (InvalidOperation, TypeError, ValueError):
        errors.append(RowError(number, column, code, {"value": raw}))
    return None


def _check_row(number: int, cells: dict[str, object]) -> tuple[_Row | None, list[RowError]]:
    errors = [RowError(number, column, "required") for column in REQUIRED if not _text(cells.get(column))]
    supplier_orgnr = _parsed(number, cells, "supplier_orgnr", _supplier_orgnr, "orgnr", errors)
    amount = _parsed(number, cells, "amount", _bounded_amount, "amount", errors)
    day = _parsed(number, cells, "date", _date, "date", errors)
    texts = {column: _text(cells.get(column)) for column in TEXT_LIMITS}
    errors += [
        RowError(number, column, "too_long", {"limit": limit})
        for column, limit in TEXT_LIMITS.items()
        if len(texts[column]) > limit
    ]
    if errors or supplier_orgnr is None or amount is None or day is None:
        return None, errors
    row = _Row(number, supplier_orgnr, amount, day, texts["agreement_reference"], texts["account"])
    return row, []


class AgreementMatcher:
    """Which agreement a purchase falls under and whether it was valid, answered from memory."""

    def __init__(self, organisation: BuyerOrganisation) -> None:
        self.by_reference = {a.reference: a for a in Agreement.objects.prefetch_related("suppliers")}
        self.entitled = set(Agreement.objects.entitled(organisation).values_list("pk", flat=True))
        self.suppliers_of = {a.pk: {s.pk for s in a.suppliers.all()} for a in self.by_reference.values()}
        self.of_supplier: dict[int, list[Agreement]] = defaultdict(list)
        for agreement in sorted(self.by_reference.values(), key=lambda a: (a.preferred_rank, a.reference)):
            if agreement.pk in self.entitled:
                for supplier_id in self.suppliers_of[agreement.pk]:
                    self.of_supplier[supplier_id].append(agreement)

    def valid(self, agreement: Agreement | None, supplier_id: int | None, day: datetime.date) -> bool:
        return (
            agreement is not None
            and supplier_id is not None
            and agreement.is_valid_on(day)
            and supplier_id in self.suppliers_of.get(agreement.pk, set())
        )

    def match(self, supplier_id: int | None, day: datetime.date) -> Agreement | None:
        for agreement in self.of_supplier.get(supplier_id, []) if supplier_id else []:
            if agreement.is_valid_on(day):
                return agreement
        return None

    def resolve(self, reference: str, supplier_id: int | None, day: datetime.date) -> tuple[Agreement | None, str]:
        Source = Purchase.AgreementSource
        if reference:
            agreement = self.by_reference.get(reference)
            return (agreement, Source.REFERENCE) if agreement else (None, Source.UNKNOWN_REFERENCE)
        agreement = self.match(supplier_id, day)
        return (agreement, Source.MATCHED) if agreement else (None, Source.NONE)


def import_purchases(data: bytes, filename: str, organisation: BuyerOrganisation, *, user=None) -> ImportResult:
    """Check the file; import it whole when it has no error, else nothing. Returns the batch or the errors."""
    rows, errors = check_file(data, filename)
    if errors:
        return ImportResult(errors=errors[:SHOWN_ERRORS], error_count=len(errors))
    suppliers = {s.orgnr: s.pk for s in Supplier.objects.filter(orgnr__in={row.supplier_orgnr for row in rows})}
    matcher = AgreementMatcher(organisation)
    result = ImportResult(row_count=len(rows))
    with transaction.atomic():
        batch = PurchaseImport.objects.create(
            organisation=organisation,
            original_filename=Path(filename).name[:255],
            imported_by=user if getattr(user, "is_authenticated", False) else None,
            row_count=len(rows),
            total_amount=sum((row.amount for row in rows), Decimal("0")),
        )
        purchases = []
        for row in rows:
            supplier_id = suppliers.get(row.supplier_orgnr)
            agreement, source = matcher.resolve(row.agreement_reference, supplier_id, row.day)
            result.matched += source == Purchase.AgreementSource.MATCHED
            purchases.append(
                Purchase(
                    organisation=organisation,
                    batch=batch,
                    row_number=row.number,
                    supplier_orgnr=row.supplier_orgnr,
                    supplier_id=supplier_id,
                    amount=row.amount,
                    purchased_on=row.day,
                    agreement_reference=row.agreement_reference,
                    account=row.account,
                    agreement=agreement,
                    agreement_source=source,
                    on_agreement=matcher.valid(agreement, supplier_id, row.day),
                )
            )
        Purchase.objects.bulk_create(purchases, batch_size=2000)
        rebuild_monthly_spend(organisation.pk, {month_of(row.day) for row in rows})
    result.batch = batch
    return result


def override_agreement(purchase: Purchase, agreement: Agreement | None) -> Purchase:
    """A person's choice of agreement for one purchase (None: not on any agreement); the sums follow."""
    matcher = AgreementMatcher(purchase.organisation)
    with transaction.atomic():
        purchase.agreement = agreement
        purchase.agreement_source = Purchase.AgreementSource.OVERRIDDEN
        purchase.on_agreement = matcher.valid(agreement, purchase.supplier_id, purchase.purchased_on)
        purchase.save(update_fields=["agreement", "agreement_source", "on_agreement"])
        rebuild_monthly_spend(purchase.organisation_id, [purchase.purchased_on])
    return purchase


def error_lines(errors: list[RowError]) -> list[str]:
    """Errors as lines for a command's output, in the active language."""
    out = []
    for error in errors:
        where = _("Rad %(row)s") % {"row": error.row} if error.row else _("Filen")
        out.append(f"{where}: {error.message}")
    return out
