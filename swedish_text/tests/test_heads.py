"""Compound heads, synonyms, English terms and "did you mean": the language logic, without a database."""

import json
from pathlib import Path

import pytest

from catalogue.generator import iter_items
from search.tests.catalogue_data import parsed_items
from swedish_text import dictionary, normalise
from swedish_text.heads import (
    has_head,
    head_condition,
    head_groups,
    kind_condition,
    mention_condition,
    mentions,
    name_is_kind,
    narrowing_terms,
    query_word,
    query_words,
)
from swedish_text.suggest import Vocabulary, did_you_mean
from swedish_text.terms import english_phrases, singular, swedish_synonyms


def test_a_compound_requires_its_head_and_never_its_modifier_alone():
    word = query_word("kontorsstol")
    assert "stol" in word.required and "kontorsstol" in word.required
    assert "kontor" not in word.required
    assert word.modifiers == ("kontor",)
    # The engines get the modifier as a candidate form, last; query_text drops items that have only it.
    assert head_groups([word])[0][-1] == "kontor"


@pytest.mark.parametrize(
    ("query", "name", "is_kind"),
    [
        ("kontorsstol", "Kontorsstol ergonomisk", True),
        ("kontorsstol", "Stol för kontor", True),
        ("kontorsstol", "Kontorsskåp", False),
        ("kontorsstol", "Köksstol", False),
        ("diskmedel", "Diskmedel 1 l", True),
        ("diskmedel", "Maskindiskmedel 100 tabletter", True),
        ("diskmedel", "Tvättmedel 7,5 kg", False),
        ("kopieringspapper", "Kopieringspapper A4 80 g", True),
        ("kopieringspapper", "Toalettpapper 64 rullar", False),
        ("papper", "Papperskorg 30 l", False),  # a papperskorg is a kind of korg
        ("papper", "Toalettpapper 64 rullar", True),
        ("skrivare", "Skrivbord 140x70", False),
        ("skrivare", "Laserskrivare svartvit", True),
        ("soppåsar", "Avfallspåsar 30 l", True),  # a synonym
        ("soppåsar", "Te svart 100 påsar", False),
        ("pennor", "Kulspetspenna blå", True),
    ],
)
def test_name_is_the_kind_asked_for(query, name, is_kind):
    assert name_is_kind(name, query_words(query)) is is_kind


def test_a_text_that_names_the_word_itself_mentions_it():
    assert mentions("Avfallspåsar för papperskorg", query_words("papperskorg"))
    assert mentions("Skrivbordslampa med dimmer", query_words("skrivbord"))
    # "skriv" is the stem of "skrivare" but only the modifier of "skrivbord": no mention.
    assert not mentions("Skrivbord 140x70 Skrivunderlägg i kartong", query_words("skrivare"))


def test_has_head_tells_a_modifier_alone_from_the_head():
    words = query_words("kontorsstol")
    assert has_head({"konferensstol", "konferens", "stol"}, words)
    assert not has_head({"kontorssax", "kontor", "sax"}, words)


def test_a_catalogue_word_is_no_typo():
    if "rullator" not in dictionary():  # the shipped list alone reads it as a typo of "rullar"
        assert "rullar" in query_word("rullator").required
    assert "rullar" not in query_word("rullator", known=True).required
    assert "rullar" not in query_words("rullator", known_words={"rullator"})[0].required


def test_swedish_synonyms_in_any_inflection():
    assert "headset" in swedish_synonyms("hörlurar")
    assert "sopsäck" in swedish_synonyms("soppåsar")
    assert "headset" in query_words("hörlurar")[0].required


def test_english_terms_find_swedish_words():
    assert singular("pens") == "pen" and singular("batteries") == "battery" and singular("glass") == "glass"
    assert english_phrases(["office", "chairs", "blue"]) == [("office chairs", ("kontorsstol",)), ("blue", ())]
    pens = query_words("pens", english=True)[0]
    assert "penna" in pens.required and "pens" in pens.required
    chair = query_words("office chair", english=True)
    assert len(chair) == 1 and chair[0].head == ("stol",) and "kontorsstol" in chair[0].required
    # Swedish words are not read as English on the Swedish page.
    assert query_words("pens")[0].required == ("pens", "pen")


def test_did_you_mean_uses_the_vocabulary():
    vocabulary = Vocabulary(["kopieringspapper", "kulspetspenna", "papper", "a4"])
    assert did_you_mean("kopierinspapper", vocabulary) == "kopieringspapper"
    assert did_you_mean("kopierinspapper a4", vocabulary) == "kopieringspapper a4"
    assert did_you_mean("kulspetspenna", vocabulary) is None  # nothing to correct
    assert did_you_mean("zebra", vocabulary) is None  # nothing close
    assert did_you_mean("K-1001", vocabulary) is None  # codes stay


def test_svartpeppar_is_pepper_not_anything_black():
    words = query_words("svartpeppar")
    assert words[0].head[0] == "peppar" and "svart" not in words[0].required
    assert name_is_kind("Svartpeppar hel 500 g", words)
    assert not name_is_kind("Kulspetspenna svart", words)


def _queries_and_texts():
    """Every relevance query and the test catalogue's names and descriptions, plus generated demo items."""
    root = Path(__file__).resolve().parents[2]
    queries = [q["q"] for q in json.loads((root / "search/tests/relevance/queries.json").read_text())["queries"]]
    queries += ["kontorsstol", "köksstol", "diskmedel", "papperskorg", "skrivbord", "skrivare", "svartpeppar"]
    texts = [(i["name"], i["description"]) for i in parsed_items()]
    texts += [(g.name, g.description) for g in iter_items(400)]
    return queries, texts


@pytest.mark.parametrize("any_word", [False, True])
def test_the_indexed_terms_give_the_same_answers_as_the_tests_on_the_text(any_word):
    queries, texts = _queries_and_texts()
    item_terms = [
        (name, description, set(narrowing_terms(name, description, normalise(f"{name} {description}"))))
        for name, description in texts
    ]
    checked = {"kind": 0, "mention": 0, "head": 0}
    for q in queries:
        words = query_words(q)
        if not words:
            continue
        sets = [[w] for w in words] if any_word else [words]
        kind, mention, head = (f(words, any_word) for f in (kind_condition, mention_condition, head_condition))
        for name, description, terms in item_terms:
            forms = set(normalise(f"{name} {description}").split())
            expected = (
                any(name_is_kind(name, s) for s in sets),
                any(mentions(f"{name} {description}", s) for s in sets),
                any(has_head(forms, s) for s in sets),
            )
            assert (kind.holds(terms), mention.holds(terms), head.holds(terms)) == expected, (q, name)
            checked["kind"] += expected[0]
            checked["mention"] += expected[1]
            checked["head"] += expected[2]
    # The comparison saw each test answer yes many times, not only no.
    assert min(checked.values()) > 50, checked
