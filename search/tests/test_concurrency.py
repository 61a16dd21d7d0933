"""The search work shares one SQLite file with another process: it must never hold the write lock long."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from django.db import connection

from catalogue.tests.review_fixtures import make_version
from search import indexing
from search.models import SearchLog


def write_from_another_connection(timeout: float = 1.0) -> str:
    """Insert and commit a search-log row as another process would; returns 'ok' or the error."""
    outcome: list[str] = []

    def run() -> None:
        other = sqlite3.connect(connection.settings_dict["NAME"], timeout=timeout)
        try:
            other.execute(
                "INSERT INTO search_searchlog (query, result_count, zero_hit, backend, duration_ms, created_at)"
                " VALUES ('other process', 0, 1, 'db', 0, '2026-12-01 00:00:00')"
            )
            other.commit()
            outcome.append("ok")
        except sqlite3.OperationalError as exc:
            outcome.append(str(exc))
        finally:
            other.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return outcome[0]


@pytest.mark.django_db(transaction=True)
def test_index_version_lets_another_process_write_between_batches(review_catalogue, monkeypatch):
    """An open .iterator() cursor kept each batch's writes uncommitted, so the worker's commits timed out."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's single writer lock only")
    items = [
        {"seller_item_id": f"A-{n}", "name": f"Pärm nummer {n}", "price": "10.00", "unit": "EA"} for n in range(10)
    ]
    version = make_version(review_catalogue, items)
    monkeypatch.setattr(indexing, "BATCH", 3)
    send = indexing._send  # noqa: SLF001 (wrapped: another process writes between two batches)
    others: list[str] = []

    def send_then_let_another_process_write(batch):
        sent = send(batch)
        others.append(write_from_another_connection())
        return sent

    monkeypatch.setattr(indexing, "_send", send_then_let_another_process_write)
    started = time.monotonic()
    assert indexing.index_version(version) == 10
    assert others == ["ok"] * 4
    assert time.monotonic() - started < 20


@pytest.mark.django_db(transaction=True)
def test_text_search_answers_while_another_process_holds_the_write_lock(client, review_live_version, caplog):
    """The search log waited the whole busy timeout (30 s) behind a held write lock, then failed."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's single writer lock only")

    holder = sqlite3.connect(connection.settings_dict["NAME"], timeout=1)
    holder.execute("BEGIN IMMEDIATE")  # the task worker in the middle of a write
    try:
        started = time.monotonic()
        response = client.get("/sv/sok/", {"q": "papper"})
        elapsed = time.monotonic() - started
    finally:
        holder.rollback()
        holder.close()
    assert response.status_code == 200
    assert "Kopieringspapper" in response.content.decode()
    assert elapsed < 5, f"the search waited {elapsed:.1f} s for the lock"
    assert not SearchLog.objects.filter(query="papper").exists()  # dropped, not half-written
    assert "Search log entry dropped" in caplog.text
    # Without a held lock the entry is written.
    client.get("/sv/sok/", {"q": "papper"})
    assert SearchLog.objects.filter(query="papper").count() == 1
