"""Catalogue actions (header Update/Delete/Replace, line Delete), racing uploads, and the commands."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import QuerySet

from catalogue.generator import generate_items, write_peppol
from catalogue.intake import create_version, import_file
from catalogue.models import Agreement, CatalogueVersion
from catalogue.tests.fixtures import INTAKE_AGREEMENT, RECEIVER
from hub.organisations.models import Supplier

Status = CatalogueVersion.Status


@pytest.mark.django_db
def test_header_update_merges_with_the_live_version(intake_catalogue, live_version, tmp_path, intake_supplier):
    items = generate_items(2)  # KON-0000001 (in the live version, new price) and one new item
    items[0].seller_item_id = "KON-0000001"
    deleted = generate_items(1, seed=9)[0]
    deleted.seller_item_id = "OLD-1"
    path = write_peppol(
        tmp_path / "update.xml",
        [*items, deleted],
        intake_supplier,
        RECEIVER,
        INTAKE_AGREEMENT,
        action="Update",
        line_actions={"KON-0000001": "Update", "OLD-1": "Delete"},
    )
    version = import_file(path, catalogue=intake_catalogue, background=False)
    assert version.error_count == 0, version.report
    stored = dict(version.items.values_list("seller_item_id", "price"))
    assert set(stored) == {"KON-0000001", items[1].seller_item_id, "OLD-2"}
    assert stored["KON-0000001"] == items[0].price and stored["OLD-2"] == Decimal("30.00")
    # The live version's own items are untouched (they belong to version 1).
    assert set(live_version.items.values_list("seller_item_id", flat=True)) == {"KON-0000001", "OLD-1", "OLD-2"}


@pytest.mark.django_db
def test_line_delete_in_a_replace_catalogue_is_ignored_with_a_warning(intake_catalogue, tmp_path, intake_supplier):
    items = generate_items(3)
    path = write_peppol(
        tmp_path / "r.xml",
        items,
        intake_supplier,
        RECEIVER,
        INTAKE_AGREEMENT,
        line_actions={items[1].seller_item_id: "Delete"},
    )
    version = import_file(path, catalogue=intake_catalogue, background=False)
    assert version.error_count == 0
    assert [i["code"] for i in version.report["issues"]] == ["HUB-DELETE-IGNORED"]
    assert version.items.count() == 2


@pytest.mark.django_db
def test_header_delete_withdraws_everything(intake_catalogue, live_version, tmp_path, intake_supplier):
    path = write_peppol(
        tmp_path / "d.xml", generate_items(2), intake_supplier, RECEIVER, INTAKE_AGREEMENT, action="Delete"
    )
    version = import_file(path, catalogue=intake_catalogue, background=False)
    assert version.error_count == 0 and version.items.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_uploads_at_once_both_get_a_version(intake_catalogue, peppol_file):
    path = peppol_file(3)
    barrier = threading.Barrier(2)
    results: list[object] = []

    def upload() -> None:
        try:
            barrier.wait()
            results.append(create_version(intake_catalogue, path, filename="k.xml"))
        except Exception as exc:  # any failure: the test reports it
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=upload) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(isinstance(r, CatalogueVersion) for r in results), results
    assert sorted(r.number for r in results) == [1, 2]


@pytest.mark.django_db
def test_version_numbers_retry_after_a_collision(intake_catalogue, peppol_file, monkeypatch):
    """A concurrent upload took the number between our read and our insert: the next number is used."""
    first = create_version(intake_catalogue, peppol_file(1), filename="a.xml")
    real = QuerySet.aggregate
    calls = {"n": 0}

    def stale_once(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            return {"top": 0}  # what a racing reader saw before `first` was committed
        return real(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "aggregate", stale_once)
    second = create_version(intake_catalogue, peppol_file(1), filename="b.xml")
    assert (first.number, second.number) == (1, 2) and calls["n"] == 2


@pytest.mark.django_db
def test_create_agreement_is_idempotent_and_creates_the_supplier(buyer_organisation):
    args = [
        "RAM-2026-9",
        "--title",
        "Städ",
        "--supplier-orgnr",
        "556016-0680",
        "--supplier-name",
        "Städ AB",
        "--valid-from",
        "2026-01-01",
        "--valid-to",
        "2027-12-31",
    ]
    call_command("create_agreement", *args)
    call_command("create_agreement", *args, "--buyer-orgnr", buyer_organisation.orgnr)
    agreement = Agreement.objects.get(reference="RAM-2026-9")
    assert Agreement.objects.count() == 1 and Supplier.objects.filter(orgnr="5560160680").count() == 1
    assert not agreement.open_to_all and list(agreement.buyers.all()) == [buyer_organisation]
    assert agreement.valid_to == datetime.date(2027, 12, 31)
    call_command("create_agreement", *args)
    agreement.refresh_from_db()
    assert agreement.open_to_all and agreement.buyers.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--supplier-orgnr": "5560160681"}, "organisationsnummer"),
        ({"--valid-from": "2026-13-01"}, "datum"),
        ({"--valid-to": "2025-01-01"}, "före"),
    ],
)
def test_create_agreement_refuses_bad_input(change, message):
    options = {
        "--title": "T",
        "--supplier-orgnr": "5560160680",
        "--supplier-name": "S",
        "--valid-from": "2026-01-01",
        "--valid-to": "2027-01-01",
        **change,
    }
    with pytest.raises(CommandError, match=message):
        call_command("create_agreement", "R", *[x for pair in options.items() for x in pair])
    assert not Agreement.objects.exists()


@pytest.mark.django_db
def test_import_catalogue_command_exit_codes(intake_catalogue, peppol_file, tmp_path, capsys):
    call_command("import_catalogue", str(peppol_file(5)), "--agreement", INTAKE_AGREEMENT)
    out = capsys.readouterr().out
    assert "Version 1" in out and "0 fel/errors" in out
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<Catalogue xmlns='urn:oasis:names:specification:ubl:schema:xsd:Catalogue-2'><a></b>")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_catalogue", str(bad), "--agreement", INTAKE_AGREEMENT)
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    assert "XML-MALFORMED" in out and "malformed" in out
    with pytest.raises(CommandError, match="finns inte"):
        call_command("import_catalogue", str(bad), "--agreement", "NOPE")


@pytest.mark.django_db
def test_import_catalogue_publish(intake_catalogue, peppol_file, capsys):
    pytest.importorskip("catalogue.review", reason="catalogue.review (review/publication) is not installed")
    call_command("import_catalogue", str(peppol_file(5)), "--agreement", INTAKE_AGREEMENT, "--publish")
    intake_catalogue.refresh_from_db()
    assert intake_catalogue.live_version is not None
    assert intake_catalogue.live_version.status == Status.PUBLISHED
    assert intake_catalogue.live_version.items.count() == 5
