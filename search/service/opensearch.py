"""OpenSearch only: the ranked ids of a text query in one request."""

from __future__ import annotations

from catalogue.models import CatalogueItem
from search.service.query import MAX_MATCHES


def _opensearch_ids(backend, results) -> list[tuple[int, float]]:
    """(id, score) of the best MAX_MATCHES hits in one OpenSearch request.

    modelsearch pages through more than 100 hits with the scroll API, 100 at a time, and loads every
    hit's full row from the database (20 round trips and 2,000 rows per query); the service needs
    only ids and scores, so it sends modelsearch's own query body once with a larger size.
    """
    params = {
        "index": backend.get_index_for_model(CatalogueItem).name,
        "_source": False,
        results.fields_param_name: "pk",
        "size": MAX_MATCHES,
    }
    page = results._backend_do_search(results._get_es_body(), **params)
    return [(int(hit["fields"]["pk"][0]), float(hit["_score"] or 0.0)) for hit in page["hits"]["hits"]]
