"""The cache tables: answers and their readability, asset candidates and their selection state."""

from __future__ import annotations

import pytest

from metarr_desktop.core.assets import AssetCandidate
from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import ProviderData
from metarr_desktop.store.cache import AnswerToStore
from metarr_desktop.store.cache import AssetRepository
from metarr_desktop.store.cache import CacheStatus
from metarr_desktop.store.cache import ProviderCacheRepository
from metarr_desktop.store.database import Database
from metarr_desktop.store.models import ProviderCacheEntry

IDS = ExternalIds(tmdb=27205, imdb="tt1375666")


def poster(url: str, votes: int | None = None, provider: str = "tmdb") -> AssetCandidate:
    return AssetCandidate(
        url=url, type=AssetType.POSTER, provider=provider, width=1000, height=1500, votes=votes
    )


@pytest.fixture
def assets(database: Database, clock: VirtualClock) -> AssetRepository:
    return AssetRepository(database, clock)


@pytest.fixture
def cache(database: Database, assets: AssetRepository) -> ProviderCacheRepository:
    return ProviderCacheRepository(database, assets)


def test_answers_round_trip_with_their_ids_coverage_and_time(
    cache: ProviderCacheRepository, clock: VirtualClock
) -> None:
    data = ProviderData(
        "tmdb",
        fields={"title": "Inception", "cast": [{"name": "A"}]},
        ids=IDS,
        assets=[poster("https://x/p.jpg", 3)],
        fetched_at=clock.now(),
    )
    cache.store(
        "movie",
        1,
        IDS,
        [
            AnswerToStore("tmdb", data, clock.now(), frozenset({AssetType.POSTER})),
            AnswerToStore("omdb", None, clock.now(), None),
        ],
    )
    answers, unreadable = cache.answers("movie", 1)
    assert unreadable == []
    assert answers["tmdb"].status is CacheStatus.FOUND
    assert answers["tmdb"].data == data
    assert answers["tmdb"].ids == IDS
    assert answers["tmdb"].asset_types == frozenset({AssetType.POSTER})
    assert answers["tmdb"].fetched_at == clock.now()
    assert answers["omdb"].status is CacheStatus.NOT_FOUND and answers["omdb"].data is None
    assert answers["omdb"].covers(frozenset()) and answers["omdb"].covers(frozenset({AssetType.FANART}))
    assert answers["tmdb"].covers(frozenset({AssetType.POSTER}))
    assert not answers["tmdb"].covers(frozenset({AssetType.POSTER, AssetType.FANART}))
    assert not answers["tmdb"].covers(frozenset())  # "every type" is more than posters


def test_answers_for_a_merge_leave_the_asset_candidates_out(
    cache: ProviderCacheRepository, clock: VirtualClock
) -> None:
    data = ProviderData(
        "tmdb",
        fields={"title": "Inception"},
        ids=IDS,
        assets=[poster("https://x/p.jpg")],
        fetched_at=clock.now(),
    )
    cache.store("movie", 1, IDS, [AnswerToStore("tmdb", data, clock.now(), None)])
    answer = cache.answers("movie", 1, assets=False)[0]["tmdb"]
    assert answer.data is not None
    assert answer.data.fields == {"title": "Inception"} and answer.data.ids == IDS
    assert answer.data.assets == []
    assert cache.answers("movie", 1)[0]["tmdb"].data == data  # still stored in full


def test_ids_must_agree_where_both_know_them(cache: ProviderCacheRepository, clock: VirtualClock) -> None:
    cache.store(
        "movie", 1, ExternalIds(tmdb=27205), [AnswerToStore("tmdb", ProviderData("tmdb"), clock.now(), None)]
    )
    answer = cache.answers("movie", 1)[0]["tmdb"]
    assert answer.matches(ExternalIds(tmdb=27205, imdb="tt1375666"))
    assert answer.matches(ExternalIds(imdb="tt1375666"))
    assert not answer.matches(ExternalIds(tmdb=155))


@pytest.mark.parametrize(
    "change",
    [
        {"payload": "{not json"},
        {"payload": "[1, 2]"},
        {"payload": '{"no provider": true}'},
        {"payload_version": 0},
        {"status": "maybe"},
        {"asset_types": '["poster", "hologram"]'},
    ],
)
def test_an_unreadable_row_is_reported_and_left_out(
    cache: ProviderCacheRepository, clock: VirtualClock, change: dict[str, object]
) -> None:
    data = ProviderData("tmdb", fields={"title": "Inception"})
    cache.store(
        "movie",
        1,
        IDS,
        [AnswerToStore("tmdb", data, clock.now(), None), AnswerToStore("omdb", data, clock.now(), None)],
    )
    ProviderCacheEntry.update(**change).where(ProviderCacheEntry.provider_id == "tmdb").execute()
    answers, unreadable = cache.answers("movie", 1)
    assert unreadable == ["tmdb"]
    assert set(answers) == {"omdb"}


def test_storing_again_replaces_the_answer(cache: ProviderCacheRepository, clock: VirtualClock) -> None:
    cache.store(
        "movie",
        1,
        IDS,
        [AnswerToStore("tmdb", ProviderData("tmdb", fields={"title": "A"}), clock.now(), None)],
    )
    clock.advance(60)
    cache.store("movie", 1, IDS, [AnswerToStore("tmdb", None, clock.now(), None)])
    answer = cache.answers("movie", 1)[0]["tmdb"]
    assert answer.status is CacheStatus.NOT_FOUND and answer.fetched_at == clock.now()
    assert cache.count() == 1


def test_refreshing_candidates_keeps_selection_and_drops_what_is_gone(
    cache: ProviderCacheRepository, assets: AssetRepository, clock: VirtualClock
) -> None:
    first = ProviderData(
        "tmdb",
        assets=[poster("https://x/1.jpg", 1), poster("https://x/2.jpg", 2), poster("https://x/3.jpg", 3)],
    )
    cache.store("movie", 1, IDS, [AnswerToStore("tmdb", first, clock.now(), None)])
    by_url = {a.url: a for a in assets.for_entity("movie", 1)}
    assets.select(by_url["https://x/1.jpg"].id, by="user")
    assets.set_analysis(by_url["https://x/2.jpg"].id, content_hash="abc", perceptual_hash=None, score=70)
    clock.advance(3600)
    second = ProviderData("tmdb", assets=[poster("https://x/2.jpg", 20), poster("https://x/4.jpg", 4)])
    cache.store("movie", 1, IDS, [AnswerToStore("tmdb", second, clock.now(), None)])
    now_by_url = {a.url: a for a in assets.for_entity("movie", 1)}
    assert set(now_by_url) == {"https://x/1.jpg", "https://x/2.jpg", "https://x/4.jpg"}  # 3 gone, 1 selected
    assert now_by_url["https://x/1.jpg"].is_selected and now_by_url["https://x/1.jpg"].selected_by == "user"
    kept = now_by_url["https://x/2.jpg"]
    assert (kept.votes, kept.score, kept.analyzed, kept.content_hash) == (20, 70, True, "abc")
    assert kept.fetched_at == clock.now()
    added = now_by_url["https://x/4.jpg"]  # a new row gets the model's defaults
    assert not (added.is_selected or added.is_rejected or added.analyzed) and added.votes == 4


def test_candidates_are_listed_best_first_and_by_type(
    cache: ProviderCacheRepository, assets: AssetRepository, clock: VirtualClock
) -> None:
    fanart = AssetCandidate(url="https://x/f.jpg", type=AssetType.FANART, provider="fanart", language="en")
    cache.store(
        "movie",
        1,
        IDS,
        [
            AnswerToStore(
                "tmdb",
                ProviderData("tmdb", assets=[poster("https://x/a.jpg", 1), poster("https://x/b.jpg", 9)]),
                clock.now(),
                None,
            ),
            AnswerToStore("fanart", ProviderData("fanart", assets=[fanart]), clock.now(), None),
        ],
    )
    listed = assets.for_entity("movie", 1)
    assert [a.url for a in listed] == ["https://x/f.jpg", "https://x/b.jpg", "https://x/a.jpg"]
    assert [a.url for a in assets.for_entity("movie", 1, AssetType.POSTER)] == [
        "https://x/b.jpg",
        "https://x/a.jpg",
    ]
    assert listed[0].to_json()["language"] == "en"
    assert assets.for_entity("movie", 2) == []


def test_selection_is_one_per_type_and_rejection_deselects(
    cache: ProviderCacheRepository, assets: AssetRepository, clock: VirtualClock
) -> None:
    cache.store(
        "movie",
        1,
        IDS,
        [
            AnswerToStore(
                "tmdb",
                ProviderData("tmdb", assets=[poster("https://x/a.jpg"), poster("https://x/b.jpg")]),
                clock.now(),
                None,
            )
        ],
    )
    a, b = sorted(assets.for_entity("movie", 1), key=lambda x: x.url)
    assets.select(a.id, by="auto")
    assets.select(b.id)
    assert [x.is_selected for x in sorted(assets.for_entity("movie", 1), key=lambda x: x.url)] == [
        False,
        True,
    ]
    assets.reject(b.id)
    rejected = assets.get(b.id)
    assert rejected is not None and rejected.is_rejected and not rejected.is_selected
    with pytest.raises(KeyError):
        assets.select(999)


def test_invalidating_an_asset_type_removes_its_candidates_and_coverage(
    cache: ProviderCacheRepository, assets: AssetRepository, clock: VirtualClock
) -> None:
    fanart = AssetCandidate(url="https://x/f.jpg", type=AssetType.FANART, provider="tmdb")
    cache.store(
        "movie",
        1,
        IDS,
        [
            AnswerToStore(
                "tmdb", ProviderData("tmdb", assets=[poster("https://x/a.jpg"), fanart]), clock.now(), None
            )
        ],
    )
    cache.invalidate_asset_type("movie", 1, AssetType.POSTER)
    assert [a.type for a in assets.for_entity("movie", 1)] == [AssetType.FANART]
    answer = cache.answers("movie", 1)[0]["tmdb"]
    assert not answer.covers(frozenset({AssetType.POSTER}))
    assert answer.covers(frozenset({AssetType.FANART}))
    assert cache.invalidate("movie", 1) == 1
    assert cache.answers("movie", 1) == ({}, [])
