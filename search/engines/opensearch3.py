"""modelsearch's opensearch3 backend with an index lifecycle: the index exists, right, before any write.

Left to itself, OpenSearch creates a missing index on the first document written to it, by dynamic
mapping: no Swedish analyzers, no alias, and every search then finds nothing. This backend:

- before it writes (`add`, `add_bulk`: publication, seed_hub, saves), makes sure the index exists. A
  missing one is created the way `update_index` creates it: a concrete index `<alias>_<random>` with
  the hub's settings (search.analysis) and every model's mapping, filled from the database
  (`get_indexed_objects`), and only then the alias. So a cluster emptied while the hub runs gets its
  whole live catalogue back at the next write, not only that write's items.
- writes to an alias with `require_alias`, so a write never auto-creates an index. Whether the index
  exists is remembered for INDEX_KNOWN_SECONDS; a "missing index" answer clears that and the index is
  created before one retry.
- `index_problem()` tells whether the live index can answer correctly (exists, with the hub's
  analyzers and mapping); `require_ready()` raises IndexNotReady when not, so the search service falls
  back to the database backend instead of answering with a silent zero. The system check
  (search/checks.py) reports the same problems at start-up.
Two processes that find the index missing at the same moment may both build one; the one that finds
the alias already in place drops its own.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from typing import Any

from modelsearch.backends.opensearch3 import OpenSearch3Index, OpenSearch3SearchBackend
from modelsearch.index import class_is_indexed, get_indexed_models
from opensearchpy import NotFoundError
from opensearchpy.helpers import BulkIndexError

logger = logging.getLogger(__name__)

# How long a process trusts that an index exists before asking again (a 404 always asks again).
INDEX_KNOWN_SECONDS = 30
# How long a search trusts that the index can answer before checking its settings again.
INDEX_READY_SECONDS = 10
FILL_BATCH = 1000
REPAIR_COMMAND = "python manage.py update_index"

# Shared by every backend instance (modelsearch builds a new one on each get_search_backend call),
# keyed by (hosts, index name): monotonic expiry, and whether the name is an alias.
_known_indexes: dict[tuple[str, str], tuple[float, bool]] = {}
_ready_indexes: dict[tuple[str, str], float] = {}
_lock = threading.Lock()


# Creating, mapping, aliasing, refreshing and deleting an index: how long the client (and the server) waits.
ADMIN_TIMEOUT_SECONDS = 120
ADMIN_TIMEOUT = f"{ADMIN_TIMEOUT_SECONDS}s"

# Documents per bulk request when a version's items leave the index.
DELETE_BATCH = 2000


class IndexNotReady(Exception):
    """The live index cannot answer correctly: it is missing, or lacks the hub's analyzers or mapping."""

    def __init__(self, index_name: str, problem: str):
        self.index_name = index_name
        self.problem = problem
        super().__init__(f"OpenSearch index {index_name} {PROBLEM_TEXT[problem]}; repair: {REPAIR_COMMAND}")


PROBLEM_TEXT = {
    "missing": "is missing",
    "analyzers": "lacks the hub's analyzers",
    "mapping": "lacks the hub's field mapping",
}


def forget_indexes() -> None:
    """Forget what this process knows about indexes (tests; after deleting indexes by hand)."""
    with _lock:
        _known_indexes.clear()
        _ready_indexes.clear()


def _same(expected, actual) -> bool:
    """Settings as OpenSearch returns them: numbers and booleans as strings, lists as lists."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(_same(v, actual.get(k)) for k, v in expected.items())
    if isinstance(expected, list | tuple):
        return isinstance(actual, list) and len(actual) == len(expected) and all(map(_same, expected, actual))
    if isinstance(expected, bool):
        return str(actual).lower() == str(expected).lower()
    return actual is not None and str(actual) == str(expected)


def missing_analysis(expected: dict, index_settings: dict) -> list[str]:
    """The analyzers, filters and tokenizers of `expected` (analysis settings) the index lacks or defines otherwise."""
    actual = index_settings.get("index", {}).get("analysis", {})
    return [
        name
        for kind in ("analyzer", "filter", "tokenizer")
        for name, definition in expected.get(kind, {}).items()
        if not _same(definition, actual.get(kind, {}).get(name))
    ]


def missing_mapping(expected: dict, index_mapping: dict) -> list[str]:
    """Fields of `expected` (a modelsearch mapping) that the index maps with another type or analyzer, or not at all."""
    actual = index_mapping.get("properties", {})
    problems = []
    for field, spec in expected.get("properties", {}).items():
        have = actual.get(field) or {}
        if any(str(have.get(key)) != str(spec[key]) for key in ("type", "analyzer") if key in spec):
            problems.append(field)
    return problems


class HubOpenSearchIndex(OpenSearch3Index):
    # Set by HubOpenSearchBackend.ensure_index when the name is the hub's alias.
    require_alias = False

    # Index administration (create, mapping, alias, refresh, delete) waits for the cluster: creating an index
    # returns once its primary shards have started, which on a busy cluster with replicas took longer than the
    # searches' TIMEOUT (5 s). Those calls get ADMIN_TIMEOUT_SECONDS instead (client and server side).

    def put(self):
        answer = self.es.indices.create(
            index=self.name, body=self.backend.settings, timeout=ADMIN_TIMEOUT, request_timeout=ADMIN_TIMEOUT_SECONDS
        )
        if not answer.get("shards_acknowledged", True):
            # Created, but the primaries had not started within the timeout: writes need them.
            self.es.cluster.health(
                index=self.name, wait_for_status="yellow", timeout=ADMIN_TIMEOUT, request_timeout=ADMIN_TIMEOUT_SECONDS
            )

    def delete(self):
        with contextlib.suppress(NotFoundError):
            self.es.indices.delete(index=self.name, timeout=ADMIN_TIMEOUT, request_timeout=ADMIN_TIMEOUT_SECONDS)

    def refresh(self):
        self.es.indices.refresh(index=self.name, request_timeout=ADMIN_TIMEOUT_SECONDS)

    def put_alias(self, name):
        self.es.indices.put_alias(
            name=name, index=self.name, timeout=ADMIN_TIMEOUT, request_timeout=ADMIN_TIMEOUT_SECONDS
        )

    def add_model(self, model):
        self.es.indices.put_mapping(
            index=self.name,
            body=self.mapping_class(model).get_mapping(),
            timeout=ADMIN_TIMEOUT,
            request_timeout=ADMIN_TIMEOUT_SECONDS,
        )

    def add_item(self, item):
        if not class_is_indexed(item.__class__):
            return
        mapping = self.mapping_class(item.__class__)
        extra = {"require_alias": True} if self.require_alias else {}
        self.es.index(index=self.name, body=mapping.get_document(item), id=mapping.get_document_id(item), **extra)

    def add_items(self, model, items):
        if not class_is_indexed(model):
            return
        mapping = self.mapping_class(model)
        actions = [{"_id": mapping.get_document_id(item), **mapping.get_document(item)} for item in items]
        if actions:
            extra = {"require_alias": True} if self.require_alias else {}
            self.backend.bulk(self.es, actions, index=self.name, **extra)

    def delete_items(self, model, pks) -> int:
        """Remove the documents of these primary keys in bulk requests (a superseded version's items).

        A document already gone is no error. Returns how many delete actions were sent.
        """
        if not class_is_indexed(model):
            return 0
        actions = ({"_op_type": "delete", "_id": str(pk)} for pk in pks)
        sent, _errors = self.backend.bulk(
            self.es, actions, index=self.name, chunk_size=DELETE_BATCH, raise_on_error=False, stats_only=True
        )
        return sent


def _item_status(error: dict[str, Any]) -> object:
    """The status of one failed bulk item ({"index": {"status": 404, ...}})."""
    action: dict[str, Any] = next(iter(error.values()), {})
    return action.get("status")


def _is_missing_index(exc: Exception) -> bool:
    """OpenSearch said the index (or alias) does not exist; a bare 404 from something else is not that."""
    if isinstance(exc, NotFoundError):
        return exc.error == "index_not_found_exception"
    if isinstance(exc, BulkIndexError):
        return bool(exc.errors) and all(_item_status(error) == 404 for error in exc.errors if isinstance(error, dict))
    return False


class HubOpenSearchBackend(OpenSearch3SearchBackend):
    index_class = HubOpenSearchIndex

    # --- writes -------------------------------------------------------------------------------------

    def add(self, obj):
        self._write(type(obj), lambda index: index.add_item(obj))

    def add_bulk(self, model, obj_list):
        self._write(model, lambda index: index.add_items(model, obj_list))

    def _write(self, model, write) -> None:
        index = self.get_index_for_model(model)
        self.ensure_index(index)
        try:
            write(index)
        except Exception as exc:
            if not _is_missing_index(exc):
                raise
            # The index went away since we last looked (a cluster emptied or reset): build it, retry once.
            logger.warning("OpenSearch index %s disappeared; creating it before writing again", index.name)
            self._forget(index)
            self.ensure_index(index)
            write(index)

    # --- the index lifecycle ------------------------------------------------------------------------

    def _key(self, index) -> tuple[str, str]:
        return (repr(self.hosts), index.name)

    def _forget(self, index) -> None:
        with _lock:
            _known_indexes.pop(self._key(index), None)
            _ready_indexes.pop(self._key(index), None)

    def ensure_index(self, index) -> None:
        """Make sure `index` (the live name) exists; create and fill it first when it does not."""
        key = self._key(index)
        known = _known_indexes.get(key)
        if known is None or known[0] <= time.monotonic():
            if not index.exists():
                self.create_index(index)
            known = (time.monotonic() + INDEX_KNOWN_SECONDS, bool(index.is_alias()))
            with _lock:
                _known_indexes[key] = known
        index.require_alias = known[1]

    def create_index(self, alias) -> int:
        """Create the index behind `alias` with the hub's settings and mappings, fill it, then add the alias.

        Returns how many objects were put in it. Searches see the alias only once the index is full.
        """
        models = [m for m in get_indexed_models() if self.get_index_for_model(m).name == alias.name]
        rebuilder = self.atomic_rebuilder_class(alias)
        index = rebuilder.start()  # a new concrete index, created with self.settings (the hub's analyzers)
        for model in models:
            index.add_model(model)
        filled = 0
        for model in models:
            batch = []
            for obj in model.get_indexed_objects().order_by("pk").iterator(chunk_size=FILL_BATCH):
                batch.append(obj)
                if len(batch) >= FILL_BATCH:
                    index.add_items(model, batch)
                    filled += len(batch)
                    batch = []
            if batch:
                index.add_items(model, batch)
                filled += len(batch)
        if alias.exists():
            # Another process built it meanwhile: keep theirs.
            index.delete()
            return 0
        rebuilder.finish()  # refresh, then point the alias at the new index
        logger.warning(
            "OpenSearch index %s was missing: created %s with the hub's analyzers and mapping and %s objects",
            alias.name,
            index.name,
            filled,
        )
        return filled

    def index_problem(self, model, timeout: float | None = None) -> str | None:
        """None when the live index for `model` can answer, else "missing", "analyzers" or "mapping".

        Connection errors propagate (the caller decides: fall back, or report the cluster unreachable).
        """
        index = self.get_index_for_model(model)
        extra = {"request_timeout": timeout} if timeout else {}
        try:
            found = self.es.indices.get(index=index.name, **extra)
        except NotFoundError as exc:
            if _is_missing_index(exc):
                return "missing"
            raise
        expected_analysis = self.settings.get("settings", {}).get("analysis", {})
        expected_mapping = self.mapping_class(model).get_mapping()
        for body in found.values():
            if missing_analysis(expected_analysis, body.get("settings", {})):
                return "analyzers"
            if missing_mapping(expected_mapping, body.get("mappings", {})):
                return "mapping"
        return None

    def require_ready(self, model) -> None:
        """Raise IndexNotReady unless the live index for `model` can answer (checked every few seconds)."""
        index = self.get_index_for_model(model)
        key = self._key(index)
        if _ready_indexes.get(key, 0) > time.monotonic():
            return
        problem = self.index_problem(model)
        if problem is not None:
            self._forget(index)
            raise IndexNotReady(index.name, problem)
        with _lock:
            _ready_indexes[key] = time.monotonic() + INDEX_READY_SECONDS

    # --- one request for a page, its total and its facets (search.service.opensearch) -----------------

    def query_clause(self, query, queryset) -> dict:
        """The query JSON modelsearch compiles for `query` (PlainText, And, Or, MATCH_ALL) restricted to
        `queryset`'s filters, to embed in a larger request (aggregations, post_filter, sorting)."""
        return self.query_compiler_class(queryset, query).get_query()

    def search_request(self, model, body: dict, timeout: float | None = None) -> dict:
        """Send one _search request with `body` to `model`'s live index; the answer as OpenSearch gives it."""
        extra = {"request_timeout": timeout} if timeout else {}
        return self.es.search(index=self.get_index_for_model(model).name, body=body, **extra)

    def autocomplete_ids(self, queryset, typed: str, size: int) -> list[int]:
        """The ids of the best `size` items of `queryset` whose name has a word starting with `typed`: the same
        edge-n-gram query as modelsearch's autocomplete, answered as ids (no rows loaded to read their pk)."""
        query = self.autocomplete_query_compiler_class(queryset, typed).get_query()
        body = {"query": query, "size": size, "_source": False, "stored_fields": ["pk"]}
        answer = self.search_request(queryset.model, body)
        return [int(hit["fields"]["pk"][0]) for hit in answer["hits"]["hits"]]

    def search_failed(self, model, exc: Exception) -> bool:
        """After a failed search: forget what we knew; True when the cause is the index, not the cluster."""
        self._forget(self.get_index_for_model(model))
        return isinstance(exc, IndexNotReady) or _is_missing_index(exc)


SearchBackend = HubOpenSearchBackend
