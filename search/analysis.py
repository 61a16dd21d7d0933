"""OpenSearch analysis settings for Swedish text, fed through modelsearch's INDEX_SETTINGS.

- The index's default analyzer (used by every text field modelsearch maps without one)
  lowercases, drops Swedish stop words, splits compounds with a dictionary
  (config/analysis/sv_compound_words.txt, placed by scripts/opensearch.sh from
  search/data) and stems with the light_swedish stemmer.
- modelsearch's autocomplete analyzer folds å/ä/ö to a/a/o with asciifolding when
  indexing but searches with the standard analyzer, which does not fold: "kö" then
  misses "kök" while "ko" finds it. We drop asciifolding so both sides keep å, ä, ö.
The query is also normalised in Python (swedish_text), so the database backends and
OpenSearch receive the same compound parts and stems.
"""

from __future__ import annotations

WORD_LIST_PATH = "analysis/sv_compound_words.txt"

SWEDISH_INDEX_SETTINGS: dict = {
    "settings": {
        "analysis": {
            "analyzer": {
                "default": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": ["lowercase", "swedish_stop", "swedish_decompounder", "swedish_light_stemmer"],
                },
                # Queries are not decompounded here: swedish_text already sends a compound's head (and never
                # its modifier alone, search/query_text.py); splitting "kontorsstol" again would match "kontor".
                "default_search": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": ["lowercase", "swedish_stop", "swedish_light_stemmer"],
                },
                "edgengram_analyzer": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": ["lowercase", "edgengram"],
                },
                "ngram_analyzer": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": ["lowercase", "ngram"],
                },
            },
            "filter": {
                "swedish_stop": {"type": "stop", "stopwords": "_swedish_"},
                "swedish_decompounder": {
                    "type": "dictionary_decompounder",
                    "word_list_path": WORD_LIST_PATH,
                    "min_subword_size": 3,
                    "only_longest_match": True,
                },
                "swedish_light_stemmer": {"type": "stemmer", "language": "light_swedish"},
            },
        }
    }
}
