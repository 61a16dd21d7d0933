"""Swedish normalisation: compounds, stems, typos, stop words, å/ä/ö kept distinct."""

from functools import lru_cache

import pytest

import swedish_text as text


@pytest.fixture(autouse=True, params=["system", "shipped"])
def wordlists(request, monkeypatch):
    """Every behaviour holds with Debian's word lists and with the shipped list alone."""
    monkeypatch.setenv("HUB_SEARCH_SYSTEM_WORDLISTS", "1" if request.param == "system" else "0")
    text.clear_caches()
    yield
    text.clear_caches()


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("kopieringspapper", ("kopiering", "papper")),
        ("toalettpapper", ("toalett", "papper")),
        ("kulspetspenna", ("kulspets", "penna")),
        ("kopieringpapper", ("kopiering", "papper")),
        ("köksrulle", ("kök", "rulle")),
    ],
)
def test_compounds_split_into_dictionary_parts(word, parts):
    assert text.split_compound(word) == parts


def test_short_and_simple_words_are_not_split():
    assert text.split_compound("papper") == ()
    assert text.split_compound("a4") == ()


def test_inflections_share_a_stem():
    assert text.stem("pennor") == text.stem("penna")
    assert set(text.expand_word("pennor")) & set(text.expand_word("kulspetspenna"))


def test_normalised_text_carries_parts_and_stems():
    words = text.normalise("Kopieringspapper A4 och Toalettpapper").split()
    assert {"kopieringspapper", "papper", "kopiering", "toalett", text.stem("papper")} <= set(words)
    assert "och" not in words  # stop word


def test_typo_in_a_compound_is_corrected():
    assert text.correct_typo("kulspetspena") == "kulspetspenna"
    assert text.correct_typo("kontorsstol") is None  # known compound: nothing to correct
    assert text.correct_typo("a4") is None


def test_query_syntax_never_reaches_a_backend():
    groups = text.query_groups('" * : ( ) - AND OR NEAR( papper')
    assert groups == [list(text.expand_word("papper"))]
    for forms in text.query_groups("papper' OR 1=1; DROP TABLE x --  MATCH {col}: ^a*"):
        assert all(f.isalnum() for f in forms)


def test_empty_and_huge_queries():
    assert text.query_groups("") == []
    assert text.query_groups("   ") == []
    assert len(text.query_groups("papper " * 5000)) <= text.MAX_QUERY_WORDS


def test_a_with_rings_and_dots_stay_distinct():
    assert text.tokens("Kök Ö") == ["kök", "ö"]
    assert text.prefix_matches("Köksstol", "kö")
    assert not text.prefix_matches("Kontorsstol", "kö")
    assert not text.prefix_matches("Köksstol", "ko")


def test_title_form_keeps_only_the_compound_head():
    heads = text.normalise_heads("Papperskorg 30 l").split()
    assert "korg" in heads and "papper" not in heads
    assert "papper" in text.normalise_heads("Kopieringspapper A4").split()
    assert "papper" in text.normalise("Papperskorg").split()  # still found through the full search text


class CountingWords(frozenset):
    """The dictionary, counting look-ups; past the budget it stops the test instead of letting it run for hours."""

    budget = 20_000

    def __contains__(self, word):
        type(self).lookups += 1
        if type(self).lookups > self.budget:
            raise AssertionError("compound splitting took more than its budget of dictionary look-ups")
        return super().__contains__(word)


@pytest.fixture
def counted_dictionary(monkeypatch):
    words = CountingWords(text.dictionary())
    CountingWords.lookups = 0
    counted = lru_cache(maxsize=1)(lambda: words)  # keeps cache_clear, which the wordlists fixture calls
    monkeypatch.setattr(text, "dictionary", counted)
    text.split_compound.cache_clear()
    text.expand_word.cache_clear()
    yield CountingWords
    text.split_compound.cache_clear()
    text.expand_word.cache_clear()


def test_a_long_run_of_dictionary_words_neither_recurses_nor_explodes(counted_dictionary):
    """ "papper" * 1000 crashed the import with RecursionError; a 1 MB word ran for hours."""
    assert text.split_compound("papper" * 1000) == ()
    assert text.split_compound("k" * 1_000_000) == ()
    assert "papper" * 1000 in text.normalise("papper" * 1000).split()
    assert counted_dictionary.lookups <= 10


def test_splitting_stays_within_a_fixed_budget_up_to_the_length_limit(counted_dictionary):
    word = ("papper" * 10)[: text.MAX_COMPOUND_CHARS]
    text.split_compound(word)
    # At most one look-up per (start, end, linking letter) of a MAX_COMPOUND_CHARS word: quadratic, but bounded.
    assert counted_dictionary.lookups <= text.MAX_COMPOUND_CHARS**2 * (len(text.LINKING) + 1)
    assert text.split_compound("papperspapper") == ("papper", "papper")
