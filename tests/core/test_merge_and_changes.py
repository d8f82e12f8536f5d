"""Aggregation under field authority, and change detection; examples and properties."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from metarr_desktop.core.authority import FieldAuthority
from metarr_desktop.core.authority import FieldAuthorityConfig
from metarr_desktop.core.authority import default_authority
from metarr_desktop.core.changes import apply_changes
from metarr_desktop.core.changes import detect_changes
from metarr_desktop.core.changes import sync_reason_text
from metarr_desktop.core.fields import PLAYER_SYNC_FIELDS
from metarr_desktop.core.fields import is_missing
from metarr_desktop.core.merge import MergeResult
from metarr_desktop.core.merge import aggregate
from metarr_desktop.core.merge import ratings

PROVIDERS = ["omdb", "tmdb", "tvdb", "fanart"]
FIELDS = ["title", "plot", "imdb_rating", "genres", "cast", "tagline", "poster", "runtime"]


def test_omdb_supplies_the_rating_and_tmdb_the_plot() -> None:
    answers = {
        "omdb": {"title": "Inception", "plot": "OMDb plot", "imdb_rating": 8.8, "imdb_votes": 2_345_678},
        "tmdb": {"title": "Inception", "plot": "TMDB plot", "tmdb_rating": 8.4, "imdb_rating": 8.1},
    }
    merged = aggregate(answers, default_authority())
    assert merged.values["plot"] == "TMDB plot" and merged.sources["plot"] == "tmdb"
    assert merged.values["imdb_rating"] == 8.8 and merged.sources["imdb_rating"] == "omdb"
    assert ratings(merged.values) == [
        {"source": "imdb", "value": 8.8, "votes": 2_345_678},
        {"source": "tmdb", "value": 8.4, "votes": None},
    ]


def test_missing_plot_falls_back_and_na_counts_as_missing() -> None:
    answers = {"tmdb": {"plot": ""}, "omdb": {"plot": "From OMDb", "awards": "N/A"}}
    merged = aggregate(answers, default_authority())
    assert merged.values["plot"] == "From OMDb" and merged.sources["plot"] == "omdb"
    assert "awards" not in merged.values


def test_exclusive_field_without_a_value_stays_empty() -> None:
    answers: dict[str, dict[str, object]] = {"tmdb": {"imdb_rating": 7.9}, "omdb": {"title": "X"}}
    merged = aggregate(answers, default_authority())
    assert "imdb_rating" not in merged.values


def test_list_fields_come_whole_from_one_provider() -> None:
    cast_tmdb = [{"name": "Leonardo DiCaprio", "role": "Cobb", "order": 0, "thumb": None}]
    cast_omdb = [{"name": "Leonardo DiCaprio", "role": None, "order": 0, "thumb": None}]
    merged = aggregate({"tmdb": {"cast": cast_tmdb}, "omdb": {"cast": cast_omdb}}, default_authority())
    assert merged.values["cast"] == cast_tmdb


def test_without_fill_gaps_only_the_first_provider_counts() -> None:
    config = FieldAuthorityConfig(["omdb", "tmdb"], {}, fill_gaps=False)
    merged = aggregate({"omdb": {"title": "A"}, "tmdb": {"title": "B", "tagline": "T"}}, config)
    assert merged.values == {"title": "A"}


def test_changes_trigger_sync_and_no_change_no_sync() -> None:
    old = {"title": "Inception", "plot": "Old plot", "tagline": "x", "genres": ["Action", "Sci-Fi"]}
    merged = MergeResult(
        {"title": "Inception", "plot": "New plot", "tagline": "y", "genres": ("Action", "Sci-Fi")},
        {"title": "tmdb", "plot": "tmdb", "tagline": "tmdb", "genres": "tmdb"},
    )
    changes = detect_changes(old, merged)
    assert changes.names() == ["plot", "tagline"]
    assert changes.requires_player_sync and changes.sync_reason == "Changed: plot"
    assert changes.changed_fields[0].old == "Old plot" and changes.changed_fields[0].source == "tmdb"
    assert detect_changes(apply_changes(old, changes), merged).is_empty
    tagline_only = detect_changes(old, MergeResult({"tagline": "z"}, {"tagline": "tmdb"}))
    assert not tagline_only.requires_player_sync and tagline_only.sync_reason is None


def test_locked_fields_are_never_changed() -> None:
    changes = detect_changes(
        {"title": "My Title"}, MergeResult({"title": "Theirs"}, {"title": "tmdb"}), {"title"}
    )
    assert changes.is_empty


values = st.one_of(
    st.none(),
    st.sampled_from(["", "N/A", "A", "B"]),
    st.integers(0, 3),
    st.lists(st.sampled_from(["x", "y"]), max_size=2),
)
answers_strategy = st.dictionaries(
    st.sampled_from(PROVIDERS),
    st.dictionaries(st.sampled_from(FIELDS), values, max_size=len(FIELDS)),
    max_size=4,
)
configs = st.builds(
    FieldAuthorityConfig,
    st.permutations(PROVIDERS),
    st.dictionaries(
        st.sampled_from(FIELDS),
        st.builds(
            FieldAuthority,
            st.lists(st.sampled_from(PROVIDERS), min_size=1, max_size=3, unique=True),
            st.booleans(),
        ),
        max_size=4,
    ),
    st.booleans(),
)


@settings(max_examples=300)
@given(answers_strategy, configs)
def test_merge_properties(answers: dict[str, dict[str, Any]], config: FieldAuthorityConfig) -> None:
    merged = aggregate(answers, config, FIELDS)
    assert set(merged.values) == set(merged.sources)
    for name in FIELDS:
        order = config.providers_for(name)
        present = [p for p in order if not is_missing(answers.get(p, {}).get(name))]
        if not present:
            assert name not in merged.values
            continue
        assert merged.sources[name] == present[0]  # the first authority with a value wins
        assert merged.values[name] == answers[present[0]][name]  # taken whole, unchanged
        authority = config.field_authorities.get(name)
        if authority is not None and authority.exclusive:
            assert merged.sources[name] in authority.providers


old_values = st.dictionaries(st.sampled_from(FIELDS), values, max_size=len(FIELDS))


@settings(max_examples=300)
@given(old_values, answers_strategy, configs, st.sets(st.sampled_from(FIELDS)))
def test_change_detection_properties(
    old: dict[str, Any], answers: dict[str, dict[str, Any]], config: FieldAuthorityConfig, locked: set[str]
) -> None:
    merged = aggregate(answers, config, FIELDS)
    changes = detect_changes(old, merged, locked)
    names = changes.names()
    assert not set(names) & locked
    assert len(names) == len(set(names))
    assert changes.requires_player_sync == any(n in PLAYER_SYNC_FIELDS for n in names)
    updated = apply_changes(old, changes)
    for name in FIELDS:
        if name in locked or name not in merged.values:
            assert updated.get(name) == old.get(name)
    assert detect_changes(updated, merged, locked).is_empty  # applying twice changes nothing more


def test_the_window_s_sync_reason_names_the_visible_fields_by_their_labels() -> None:
    assert sync_reason_text(["plot", "tagline", "release_date", "imdb_rating"]) == (
        "Changed: Plot, Release date, IMDb rating"
    )
    assert sync_reason_text(["tagline", "outline"]) is None
    assert sync_reason_text([]) is None
