"""`core.inspect`: the rule named for each field matches what the merge did, and every loser says why."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime

from metarr_desktop.core.authority import DEFAULT_AUTHORITY
from metarr_desktop.core.authority import FieldAuthority
from metarr_desktop.core.authority import FieldAuthorityConfig
from metarr_desktop.core.inspect import RULES
from metarr_desktop.core.inspect import ProviderAnswer
from metarr_desktop.core.inspect import StoredField
from metarr_desktop.core.inspect import explain
from metarr_desktop.core.inspect import explain_field
from metarr_desktop.core.merge import MergeResult
from metarr_desktop.core.merge import aggregate

WHEN = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)


def answers(**fields_by_provider: dict[str, object]) -> dict[str, ProviderAnswer]:
    return {p: ProviderAnswer(p, f, fetched_at=WHEN) for p, f in fields_by_provider.items()}


def merged_of(
    given: dict[str, ProviderAnswer], config: FieldAuthorityConfig = DEFAULT_AUTHORITY
) -> MergeResult:
    return aggregate({p: a.fields for p, a in given.items() if a.excluded is None}, config)


def test_an_authority_rule_names_its_order_and_the_loser_says_it_ranked_below() -> None:
    given = answers(tmdb={"plot": "T"}, omdb={"plot": "O"})
    explained = explain_field("plot", given, merged_of(given), DEFAULT_AUTHORITY, StoredField("T", "tmdb"))
    assert (explained.value, explained.source, explained.rule) == ("T", "tmdb", "authority: tmdb > omdb")
    assert explained.applied
    assert [c.provider for c in explained.candidates] == ["tmdb", "omdb"]
    assert explained.candidate("tmdb").outcome == "chosen"  # type: ignore[union-attr]
    loser = explained.candidate("omdb")
    assert loser is not None and loser.outcome == "lost" and loser.why == "Ranked below tmdb for this field."
    assert loser.fetched_at == WHEN


def test_an_exclusive_field_says_so_and_the_others_were_not_allowed() -> None:
    given = answers(tmdb={"imdb_rating": 7.0}, omdb={"imdb_rating": 8.8})
    explained = explain_field("imdb_rating", given, merged_of(given), DEFAULT_AUTHORITY, StoredField())
    assert (explained.value, explained.source, explained.rule) == (8.8, "omdb", "exclusive: omdb")
    assert not explained.applied and explained.to_json()["would_refresh_to"] == {
        "value": 8.8,
        "source": "omdb",
    }
    loser = explained.candidate("tmdb")
    assert loser is not None and loser.why == "Not allowed: the field is exclusive to omdb."


def test_the_global_priority_decides_a_field_without_an_override() -> None:
    given = answers(tmdb={"runtime": 148}, omdb={"runtime": 150})
    explained = explain_field("runtime", given, merged_of(given), DEFAULT_AUTHORITY, StoredField(150, "omdb"))
    assert (explained.source, explained.rule) == ("omdb", "priority")


def test_a_locked_and_an_edited_field_keep_the_stored_value_and_every_provider_lost() -> None:
    given = answers(tmdb={"plot": "T", "title": "X"}, omdb={"plot": "O"})
    merged = merged_of(given)
    locked = explain_field("plot", given, merged, DEFAULT_AUTHORITY, StoredField("O", "omdb", locked=True))
    assert (locked.value, locked.source, locked.rule) == ("O", "omdb", "locked")
    assert locked.candidate("omdb").outcome == "chosen"  # type: ignore[union-attr]
    assert locked.candidate("tmdb").why == "The field is locked: the stored value is kept."  # type: ignore[union-attr]
    assert locked.merged_source == "tmdb" and not locked.applied
    edited = explain_field(
        "title", given, merged, DEFAULT_AUTHORITY, StoredField("Mine", "user", locked=True, edited=True)
    )
    assert (edited.value, edited.source, edited.rule) == ("Mine", "user", "edited")
    assert [c.outcome for c in edited.candidates] == ["lost", "no_value"]  # tmdb, then omdb


def test_a_stored_value_no_provider_has_is_kept_and_missing_values_are_no_value() -> None:
    given = answers(tmdb={"plot": ""}, omdb={})
    explained = explain_field("plot", given, merged_of(given), DEFAULT_AUTHORITY, StoredField("Old", None))
    assert (explained.value, explained.rule) == ("Old", "kept")
    assert {c.outcome for c in explained.candidates} == {"no_value"}


def test_an_excluded_answer_takes_no_part() -> None:
    given = answers(tmdb={"plot": "T"}, omdb={"plot": "O"})
    given["tmdb"] = ProviderAnswer("tmdb", {"plot": "T"}, excluded="the provider is disabled")
    explained = explain_field("plot", given, merged_of(given), DEFAULT_AUTHORITY, StoredField())
    assert (explained.source, explained.rule) == ("omdb", "authority: tmdb > omdb")
    assert explained.candidate("tmdb").outcome == "excluded"  # type: ignore[union-attr]


def test_a_merge_that_chose_by_language_is_named_by_the_language_rule() -> None:
    """The languages work makes the merge prefer a value in the user's language; whatever merge
    chose it, the explanation names the rule from the winner's language."""
    config = FieldAuthorityConfig(["omdb", "tmdb"], {"plot": FieldAuthority(["omdb", "tmdb"])})
    given = {
        "omdb": ProviderAnswer("omdb", {"plot": "English"}, languages={"plot": "en"}),
        "tmdb": ProviderAnswer("tmdb", {"plot": "Deutsch"}, languages={"plot": "de-DE"}),
    }
    merged = MergeResult({"plot": "Deutsch"}, {"plot": "tmdb"})  # what a language-aware merge gives
    explained = explain_field("plot", given, merged, config, StoredField(), languages=("de-DE", "en"))
    assert (explained.source, explained.language, explained.rule) == ("tmdb", "de-DE", "language: de-DE")
    loser = explained.candidate("omdb")
    assert loser is not None and "en" in (loser.why or "")


def test_every_field_with_a_value_is_explained_in_canonical_order_and_the_rules_are_one_table() -> None:
    given = answers(tmdb={"title": "A", "plot": "P"}, omdb={"imdb_rating": 8.0})
    stored = {"year": StoredField(2010)}
    explained = explain(given, merged_of(given), DEFAULT_AUTHORITY, stored)
    assert list(explained) == ["title", "plot", "year", "imdb_rating"]
    assert [r.name for r in RULES] == [
        "edited",
        "locked",
        "exclusive",
        "language",
        "authority",
        "priority",
        "kept",
    ]


def test_the_outline_names_the_rule_that_kept_the_german_one() -> None:
    """By default the outline is TMDB's (authority), no longer OMDb's alone; with OMDb put first
    the language rule keeps the German outline, and the inspector says so."""
    given = {
        "tmdb": ProviderAnswer("tmdb", {"outline": "Ein Hacker."}, WHEN, {"outline": "de-DE"}),
        "omdb": ProviderAnswer("omdb", {"outline": "A hacker."}, WHEN, {"outline": "en"}),
    }
    fields = {p: a.fields for p, a in given.items()}
    tags = {p: dict(a.languages) for p, a in given.items()}
    chain = ["de-DE", "en"]
    merged = aggregate(fields, DEFAULT_AUTHORITY, languages=tags, chain=chain)
    explained = explain_field("outline", given, merged, DEFAULT_AUTHORITY, StoredField(), languages=chain)
    assert (explained.value, explained.rule) == ("Ein Hacker.", "authority: tmdb > omdb")
    omdb_first = FieldAuthorityConfig(
        ["omdb", "tmdb"], {"outline": FieldAuthority(["omdb", "tmdb"])}, prefer_language=True
    )
    merged = aggregate(fields, omdb_first, languages=tags, chain=chain)
    explained = explain_field("outline", given, merged, omdb_first, StoredField(), languages=chain)
    assert (explained.value, explained.source, explained.rule) == ("Ein Hacker.", "tmdb", "language: de-DE")
    assert explained.candidate("omdb").why.startswith("Its value is in en")  # type: ignore[union-attr]
