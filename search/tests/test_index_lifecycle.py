"""The OpenSearch index lifecycle, met the way a newcomer meets it (issue 10, "Index lifecycle").

An empty cluster, a catalogue published through the CLI, a search over HTTP: the hub creates its index
with the Swedish analyzers, mapping and alias before the first document, searches find the items, and an
index that cannot answer (missing, or built by OpenSearch from a document) is never a silent zero.
Each test gets its own index prefix under the run's, so parallel runs and tests never share an index.
"""

from __future__ import annotations

import datetime
import logging
import os
import time
import uuid
from dataclasses import replace

import pytest
import requests
from django.core import checks
from django.core.management import call_command
from modelsearch.backends import get_search_backend

from catalogue.generator import Party, generate_items, write_peppol
from catalogue.models import CatalogueItem
from conftest import require_service
from hub import demo
from search import service
from search.checks import check_opensearch_index
from search.engines import opensearch3 as engine

pytestmark = pytest.mark.django_db

BUYER = Party("2120000142", "Exempelkommun")


def _opensearch_url() -> str:
    url = os.environ.get("OPENSEARCH_URL", "").strip()
    if not url:
        pytest.skip("needs OpenSearch (set OPENSEARCH_URL): the database backend has no index to create")

    try:
        requests.get(url, timeout=3).raise_for_status()
    except Exception as exc:
        require_service("OpenSearch", f"OPENSEARCH_URL={url} does not answer ({type(exc).__name__})")
    return url


@pytest.fixture
def empty_cluster(settings):
    """The hub's backend on an index prefix no index has used yet: an empty cluster, as far as the hub sees."""
    _opensearch_url()
    prefix = f"{settings.TEST_INDEX_PREFIX}lifecycle_{uuid.uuid4().hex[:8]}_"
    backends = {name: dict(config) for name, config in settings.WAGTAILSEARCH_BACKENDS.items()}
    backends["default"]["INDEX_PREFIX"] = prefix
    settings.WAGTAILSEARCH_BACKENDS = backends
    engine.forget_indexes()
    service.FAILOVER.down_until.clear()
    backend = get_search_backend("default")
    assert not backend.es.indices.get(index=f"{prefix}*", expand_wildcards="all")
    yield backend
    names = list(backend.es.indices.get(index=f"{prefix}*", expand_wildcards="all"))
    if names:
        backend.es.indices.delete(index=",".join(names))
    engine.forget_indexes()
    service.FAILOVER.down_until.clear()


def _publish_through_cli(tmp_path, reference: str, supplier_orgnr: str, supplier_name: str, seed: int) -> list[str]:
    """create_agreement + import_catalogue --publish, as the README says; returns the items' names."""
    today = datetime.date.today()
    call_command(
        "create_agreement",
        reference,
        "--title",
        f"Avtal {reference}",
        "--supplier-orgnr",
        supplier_orgnr,
        "--supplier-name",
        supplier_name,
        "--valid-from",
        str(today - datetime.timedelta(days=30)),
        "--valid-to",
        str(today + datetime.timedelta(days=365)),
        stdout=open(os.devnull, "w"),  # noqa: SIM115
    )
    items = generate_items(8, seed)
    path = write_peppol(tmp_path / f"{reference}.xml", items, Party(supplier_orgnr, supplier_name), BUYER, reference)
    call_command("import_catalogue", str(path), "--agreement", reference, "--publish", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return [item.name for item in items]


def _search_api(client, q: str) -> dict:
    response = client.get("/api/v1/search", {"q": q, "page_size": 100})
    assert response.status_code == 200
    return response.json()


def _first_word(name: str) -> str:
    return name.split()[0]


def test_first_publication_on_an_empty_cluster_creates_the_index_and_is_found_over_http(
    empty_cluster, client, tmp_path
):
    backend = empty_cluster
    assert backend.index_problem(CatalogueItem) == "missing"
    # Nothing published yet: a missing index is what a fresh installation has, nothing to repair.
    assert check_opensearch_index() == []
    names = _publish_through_cli(tmp_path, "RAM-LC-1", "5560160680", "Kontorsleverantören AB", seed=3)

    index = backend.get_index_for_model(CatalogueItem)
    # Built by the hub, not by OpenSearch from the first document: an alias over an index with the analyzers.
    assert index.is_alias()
    assert backend.index_problem(CatalogueItem) is None
    (concrete,) = index.aliased_indices()
    analysis = backend.es.indices.get_settings(index=concrete.name)[concrete.name]["settings"]["index"]["analysis"]
    assert "swedish_decompounder" in analysis["filter"]
    index.refresh()

    word = _first_word(names[0])
    found = _search_api(client, word)
    assert found["backend"] == "opensearch3" and found["fallback"] is False
    assert found["total"] >= 1 and not found["messages"]
    expected = {n for n in names if word.casefold() in n.casefold()}
    assert expected <= {r["name"] for r in found["results"]}
    assert check_opensearch_index() == []


def test_a_cluster_emptied_while_the_hub_runs_gets_its_whole_catalogue_back_at_the_next_publication(
    empty_cluster, client, tmp_path
):
    backend = empty_cluster
    first = _publish_through_cli(tmp_path, "RAM-LC-1", "5560160680", "Kontorsleverantören AB", seed=3)
    backend.get_index_for_model(CatalogueItem).refresh()
    # Someone empties the cluster; this process still believes the index exists (its cache is warm).
    for name in backend.es.indices.get(index=f"{backend.index_prefix}*"):
        backend.es.indices.delete(index=name)
    _publish_through_cli(tmp_path, "RAM-LC-2", "5567654321", "Städgrossisten AB", seed=11)

    index = backend.get_index_for_model(CatalogueItem)
    assert index.is_alias() and backend.index_problem(CatalogueItem) is None
    index.refresh()
    live = CatalogueItem.objects.live().count()
    assert backend.es.count(index=index.name)["count"] == live == 16
    # The first catalogue, published before the cluster was emptied, is found again.
    found = _search_api(client, _first_word(first[0]))
    assert found["fallback"] is False and first[0] in {r["name"] for r in found["results"]}


def test_a_missing_index_is_answered_from_the_database_with_a_message(empty_cluster, client, tmp_path, caplog):
    backend = empty_cluster
    names = _publish_through_cli(tmp_path, "RAM-LC-1", "5560160680", "Kontorsleverantören AB", seed=3)
    for name in backend.es.indices.get(index=f"{backend.index_prefix}*"):
        backend.es.indices.delete(index=name)

    with caplog.at_level(logging.WARNING, logger="search.service"):
        found = _search_api(client, _first_word(names[0]))
    assert found["fallback"] is True and found["backend"].startswith("database")
    assert names[0] in {r["name"] for r in found["results"]}
    assert "Sökindexet är inte uppbyggt; resultaten kommer från databasen" in found["messages"]
    assert any("is missing" in r.getMessage() and "update_index" in r.getMessage() for r in caplog.records)
    # Searching never creates the index: an empty one would answer with a silent zero.
    assert backend.index_problem(CatalogueItem) == "missing"
    (warning,) = check_opensearch_index()
    assert warning.level == checks.WARNING and "saknas" in warning.msg and warning.hint.endswith("update_index")


def test_an_index_opensearch_built_from_a_document_is_not_trusted_and_update_index_repairs_it(
    empty_cluster, client, tmp_path
):
    """The issue as reported: the index came from the first document's dynamic mapping (no analyzers)."""
    backend = empty_cluster
    names = _publish_through_cli(tmp_path, "RAM-LC-1", "5560160680", "Kontorsleverantören AB", seed=3)
    index = backend.get_index_for_model(CatalogueItem)
    for name in backend.es.indices.get(index=f"{backend.index_prefix}*"):
        backend.es.indices.delete(index=name)
    # What modelsearch's own backend did before: write documents, and OpenSearch creates the index itself.
    plain = get_search_backend(
        "modelsearch.backends.opensearch3", URLS=backend_urls(), INDEX_PREFIX=backend.index_prefix
    )
    plain.add_bulk(CatalogueItem, list(CatalogueItem.objects.live()))
    plain.get_index_for_model(CatalogueItem).refresh()
    assert backend.index_problem(CatalogueItem) == "analyzers"
    (warning,) = check_opensearch_index()
    assert "analysatorer" in warning.msg and warning.hint == engine.REPAIR_COMMAND

    found = _search_api(client, _first_word(names[0]))
    assert found["fallback"] is True and found["total"] >= 1 and found["messages"]

    call_command("update_index", backend_name="default", verbosity=0)
    engine.forget_indexes()
    service.FAILOVER.down_until.clear()
    assert index.is_alias() and backend.index_problem(CatalogueItem) is None
    assert check_opensearch_index() == []
    found = _search_api(client, _first_word(names[0]))
    assert found["fallback"] is False and names[0] in {r["name"] for r in found["results"]}


def test_seed_hub_on_an_empty_cluster_creates_the_index_before_its_catalogues(
    empty_cluster, client, tmp_path, settings, monkeypatch
):

    settings.VAR_DIR = tmp_path  # the demo password file
    # The demo agreements with small catalogues: the path is seed_hub's own, the size is not the point.
    monkeypatch.setattr(
        demo, "AGREEMENTS", [replace(a, catalogue_lines=min(a.catalogue_lines, 6)) for a in demo.AGREEMENTS]
    )
    call_command("seed_hub", stdout=open(os.devnull, "w"))  # noqa: SIM115
    backend = empty_cluster
    index = backend.get_index_for_model(CatalogueItem)
    assert index.is_alias() and backend.index_problem(CatalogueItem) is None
    live = list(CatalogueItem.objects.live().filter(version__catalogue__agreement__open_to_all=True))
    assert live and backend.es.count(index=index.name)["count"] == CatalogueItem.objects.live().count()
    found = _search_api(client, _first_word(live[0].name))
    assert found["backend"] == "opensearch3" and found["fallback"] is False
    assert live[0].name in {r["name"] for r in found["results"]}


def test_update_index_on_an_empty_cluster_creates_the_alias_with_the_analyzers(empty_cluster, tmp_path):
    backend = empty_cluster
    _publish_through_cli(tmp_path, "RAM-LC-1", "5560160680", "Kontorsleverantören AB", seed=3)
    for name in backend.es.indices.get(index=f"{backend.index_prefix}*"):
        backend.es.indices.delete(index=name)
    call_command("update_index", backend_name="default", verbosity=0)
    index = backend.get_index_for_model(CatalogueItem)
    assert index.is_alias() and backend.index_problem(CatalogueItem) is None
    assert backend.es.count(index=index.name)["count"] == CatalogueItem.objects.live().count() == 8


def test_the_check_says_when_the_cluster_is_unreachable_without_hanging(settings):
    backends = {name: dict(config) for name, config in settings.WAGTAILSEARCH_BACKENDS.items()}
    backends["default"] = {
        "BACKEND": "search.engines.opensearch3",
        "URLS": ["http://127.0.0.1:9"],  # nothing listens on the discard port
        "INDEX_PREFIX": "hub_down_",
        "AUTO_UPDATE": False,
    }
    settings.WAGTAILSEARCH_BACKENDS = backends
    started = time.monotonic()
    (warning,) = check_opensearch_index()
    assert time.monotonic() - started < 10
    assert warning.id == "search.W001" and "svarar inte" in warning.msg and "127.0.0.1:9" in warning.msg


def test_the_check_is_silent_without_opensearch(settings):
    backends = {name: dict(config) for name, config in settings.WAGTAILSEARCH_BACKENDS.items()}
    backends["default"] = dict(backends["database"])
    settings.WAGTAILSEARCH_BACKENDS = backends
    assert check_opensearch_index() == []


def backend_urls() -> list[str]:
    return [os.environ["OPENSEARCH_URL"].strip()]
