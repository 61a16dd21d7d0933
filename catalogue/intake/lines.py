"""What a line means beside its values, written once for every format.

- the header says Delete: the whole catalogue is withdrawn, its lines do not matter;
- a line says Delete: only in an Update catalogue, where it drops the live item (elsewhere a warning);
- the same item twice: an error on the second line, naming the first;
- an Update catalogue: the live items no line mentions carry over; Delete and Update of an item the
  live version does not have are reported (errors when the supplier chose update mode for a sheet,
  where a typo must not add an item or silently do nothing; warnings for Peppol, CIF and BMEcat).
"""

from __future__ import annotations

from typing import cast

from catalogue.formats.base import RawLine
from catalogue.intake.store import ItemStore
from catalogue.models import CatalogueItem, CatalogueVersion
from catalogue.report import Report
from catalogue.validation import hub_rules
from hub.db import in_pk_batches


def item_id_of(raw: RawLine) -> str:
    return str(raw.values.get("seller_item_id") or raw.values.get("gtin") or "").strip()


class LineSemantics:
    def __init__(self, report: Report, *, strict_update: bool) -> None:
        self.report = report
        self.strict_update = strict_update
        self.seen: dict[str, int] = {}  # item id -> first line
        self.deleted: dict[str, int] = {}
        self.updated: dict[str, int] = {}  # item ids of lines with the explicit action Update

    def item_fields(self, raw: RawLine, header_action: str) -> dict | None:
        """The line's checked item fields to store, or None (withdrawn, Delete, duplicate, or an error)."""
        if header_action == "Delete":
            return None
        item_id = item_id_of(raw)
        if raw.action == "Delete":
            self._delete(raw, item_id, header_action)
            return None
        fields = hub_rules.build_item(raw, self.report)
        if item_id and item_id in self.seen:
            self.report.error(
                "HUB-DUPLICATE-ITEM",
                line=raw.line,
                value=item_id,
                first=self.seen[item_id],
                **({raw.where_kind: raw.where["seller_item_id"]} if "seller_item_id" in raw.where else {}),
            )
            return None
        if item_id:
            self.seen[item_id] = raw.line
            if raw.action == "Update":
                self.updated[item_id] = raw.line
        if fields is None or not self.report.ok:
            return None  # once invalid, nothing more is stored; checking goes on
        return fields

    def _delete(self, raw: RawLine, item_id: str, header_action: str) -> None:
        if header_action != "Update":
            self.report.warning("HUB-DELETE-IGNORED", line=raw.line, element=raw.action_where or None)
        elif not item_id:
            self.report.error("HUB-ITEM-ID-MISSING", line=raw.line)
        else:
            self.deleted[item_id] = raw.line

    def merge_update(self, version: CatalogueVersion, store: ItemStore) -> None:
        """Header action Update: the live items not mentioned carry over; Delete lines drop theirs."""
        store.wait()
        live = version.catalogue.live_version
        live_ids = set(live.items.values_list("seller_item_id", flat=True)) if live else set()
        self._report_unknown(live_ids)
        if not live or not self.report.ok:
            return
        skip = set(self.seen) | set(self.deleted)
        next_line = max(self.seen.values(), default=0) + 1
        # In primary-key (= insertion) batches, not .iterator(): the store's flushes write while we read.
        for row in in_pk_batches(live.items.exclude(seller_item_id__in=skip), 2000):
            item = cast(CatalogueItem, row)
            item.line_number = next_line
            next_line += 1
            store.add_copy(item)

    def _report_unknown(self, live_ids: set[str]) -> None:
        report = self.report
        for item_id, line in self.deleted.items():
            if item_id not in live_ids:
                if self.strict_update:
                    report.error("HUB-REMOVE-UNKNOWN-ITEM", line=line, value=item_id)
                else:
                    report.warning("HUB-DELETE-UNKNOWN-ITEM", line=line, value=item_id)
        if self.strict_update:
            # A row without action (or Ny) adds its item when it is new: only an explicit Ändra must match.
            for item_id, line in self.updated.items():
                if item_id not in live_ids:
                    report.error("HUB-CHANGE-UNKNOWN-ITEM", line=line, value=item_id)
        else:
            for item_id, line in self.seen.items():
                if item_id not in live_ids:
                    report.warning("HUB-UPDATE-UNKNOWN-ITEM", line=line, value=item_id)
