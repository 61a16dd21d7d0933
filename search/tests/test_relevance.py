"""Relevance over the fixed test catalogue: recall@10 and nDCG@10, printed per backend, with floors.

Floors come from measurements on each backend (see docs/benchmarks.md, Search); a change that
loses compounds, stems or typo handling drops below them.
"""

import json
import math
from pathlib import Path

import pytest

from search.service import SearchQuery, search

QUERIES = json.loads((Path(__file__).parent / "relevance" / "queries.json").read_text(encoding="utf-8"))["queries"]
K = 10
RECALL_FLOOR = 0.80
NDCG_FLOOR = 0.82


def dcg(grades: list[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades))


def measure(ranked: list[str], judgements: dict[str, int]) -> tuple[float, float]:
    top = ranked[:K]
    relevant = [k for k, g in judgements.items() if g > 0]
    recall = len([k for k in top if k in judgements]) / min(len(relevant), K)
    ideal = dcg(sorted(judgements.values(), reverse=True)[:K])
    return recall, dcg([judgements.get(k, 0) for k in top]) / ideal


def test_the_set_is_big_enough():
    assert len(QUERIES) >= 40
    assert all(q["judgements"] for q in QUERIES)


@pytest.mark.django_db
def test_relevance_floors(test_catalogue, search_backend_name, capsys):
    recalls, ndcgs, worst = [], [], []
    for entry in QUERIES:
        result = search(SearchQuery(q=entry["q"], page_size=K, log=False))
        ranked = [i.seller_item_id for i in result.items]
        recall, ndcg = measure(ranked, entry["judgements"])
        recalls.append(recall)
        ndcgs.append(ndcg)
        worst.append((ndcg, recall, entry["q"], ranked[:5]))
    mean_recall = sum(recalls) / len(recalls)
    mean_ndcg = sum(ndcgs) / len(ndcgs)
    backend = result.backend
    with capsys.disabled():
        print(f"\nrelevance [{backend}] queries={len(QUERIES)} recall@10={mean_recall:.3f} nDCG@10={mean_ndcg:.3f}")
        for ndcg, recall, q, top in sorted(worst)[:5]:
            print(f"  weakest: {q!r} nDCG={ndcg:.2f} recall={recall:.2f} top={top}")
    assert mean_recall >= RECALL_FLOOR, f"recall@10 {mean_recall:.3f} below {RECALL_FLOOR} on {backend}"
    assert mean_ndcg >= NDCG_FLOOR, f"nDCG@10 {mean_ndcg:.3f} below {NDCG_FLOOR} on {backend}"
