"""The asset service: a movie's cached candidates listed and ranked, the suggested pick, and the user's
select, reject and restore (checked against the movie, persisted, never a provider request)."""

from __future__ import annotations

import pytest

from metarr_desktop.core.assets import AssetCandidate
from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import ProviderData
from metarr_desktop.core.records import UnknownEntityError
from metarr_desktop.services.assets import AssetService
from metarr_desktop.services.assets import UnknownAssetError
from metarr_desktop.services.library_suite import LibrarySuite
from tests.helpers.fake_services import FakeServices
from tests.helpers.fixtures import Opener

IDS = ExternalIds(tmdb=27205, imdb="tt1375666")
TMDB = "https://image.tmdb.org/t/p/original"


def answers() -> dict[str, ProviderData | None]:
    posters = [
        AssetCandidate(f"{TMDB}/en.jpg", AssetType.POSTER, "tmdb", 2000, 3000, "en", 41, 5.6),
        AssetCandidate(f"{TMDB}/none.jpg", AssetType.POSTER, "tmdb", 1000, 1500, None, 12, 5.4),
        AssetCandidate(f"{TMDB}/fr.jpg", AssetType.POSTER, "tmdb", 680, 1000, "fr", 55, 5.9),
        AssetCandidate(f"{TMDB}/backdrop.jpg", AssetType.BACKDROP, "tmdb", 3840, 2160, None, 20, 5.3),
    ]
    return {"tmdb": ProviderData("tmdb", {"title": "Inception"}, IDS, posters)}


@pytest.fixture
async def suite(open_services: Opener) -> LibrarySuite:
    return LibrarySuite.create(open_services())


@pytest.fixture
def movie_id(suite: LibrarySuite) -> int:
    movie = suite.library.add("Inception", year=2010, ids=IDS)
    assert suite.app.cache.save(EntityType.MOVIE, movie.id, IDS, answers())
    return movie.id


def by_url(service: AssetService, movie_id: int) -> dict[str, int]:
    return {a.url.rsplit("/", 1)[1]: a.id for a in service.candidates(movie_id)}


def test_the_suite_carries_the_service(suite: LibrarySuite) -> None:
    assert isinstance(suite.assets, AssetService)


def test_candidates_are_the_cached_ones_by_type(
    suite: LibrarySuite, movie_id: int, fake_providers: FakeServices
) -> None:
    before = fake_providers.count()
    service = suite.assets
    assert {a.type for a in service.candidates(movie_id)} == {AssetType.POSTER, AssetType.BACKDROP}
    assert len(service.candidates(movie_id, AssetType.POSTER)) == 3
    grouped = service.by_type(movie_id)
    assert list(grouped) == [AssetType.BACKDROP, AssetType.POSTER]
    assert service.movie(movie_id) is not None and service.movie(999) is None
    assert fake_providers.count() == before  # the cache only
    with pytest.raises(UnknownEntityError):
        service.candidates(999)


def test_ranked_and_suggested_follow_the_language_order(suite: LibrarySuite, movie_id: int) -> None:
    service = suite.assets
    # The default order (en-US): English, textless, then the rest.
    assert [a.language for a in service.ranked(movie_id, AssetType.POSTER)] == ["en", None, "fr"]
    assert service.suggested(movie_id, AssetType.POSTER).url == f"{TMDB}/en.jpg"  # type: ignore[union-attr]
    assert service.suggested(movie_id, AssetType.POSTER, "fr").url == f"{TMDB}/fr.jpg"  # type: ignore[union-attr]
    assert service.suggested(movie_id, AssetType.BANNER) is None
    # The user's setting is read at each call.
    suite.app.user_settings.set("artwork.languages", ["none", "en"])
    assert service.suggested(movie_id, AssetType.POSTER).url == f"{TMDB}/none.jpg"  # type: ignore[union-attr]


def test_select_makes_it_the_movies_locked_field(suite: LibrarySuite, movie_id: int) -> None:
    service = suite.assets
    ids = by_url(service, movie_id)
    chosen = service.select(movie_id, ids["none.jpg"])
    assert chosen.is_selected and chosen.selected_by == "user"
    movie = suite.app.movies.require(movie_id)
    assert movie.fields["poster"] == f"{TMDB}/none.jpg"
    assert "poster" in suite.app.movies.locked_fields(movie_id)
    # Another choice drops the first one.
    service.select(movie_id, ids["en.jpg"])
    stored = {a.id: a for a in service.candidates(movie_id)}
    assert stored[ids["en.jpg"]].is_selected and not stored[ids["none.jpg"]].is_selected
    assert suite.app.movies.require(movie_id).fields["poster"] == f"{TMDB}/en.jpg"
    # The suggested pick, by the rule.
    selected = service.select_suggested(movie_id, AssetType.BACKDROP)
    assert selected is not None and selected.is_selected and selected.url == f"{TMDB}/backdrop.jpg"


def test_reject_and_restore(suite: LibrarySuite, movie_id: int) -> None:
    service = suite.assets
    ids = by_url(service, movie_id)
    service.select(movie_id, ids["en.jpg"])
    rejected = service.reject(movie_id, ids["en.jpg"])
    assert rejected.is_rejected and not rejected.is_selected
    assert service.suggested(movie_id, AssetType.POSTER).url == f"{TMDB}/none.jpg"  # type: ignore[union-attr]
    restored = service.restore(movie_id, ids["en.jpg"])
    assert not restored.is_rejected and not restored.is_selected
    assert service.suggested(movie_id, AssetType.POSTER).url == f"{TMDB}/en.jpg"  # type: ignore[union-attr]


def test_rejecting_the_picture_the_movie_shows_replaces_it(suite: LibrarySuite, movie_id: int) -> None:
    service = suite.assets
    movies = suite.app.movies
    ids = by_url(service, movie_id)
    service.select(movie_id, ids["en.jpg"])
    service.reject(movie_id, ids["en.jpg"])
    # The rule's next pick becomes the choice, locked: no refresh brings the rejected one back.
    assert movies.require(movie_id).fields["poster"] == f"{TMDB}/none.jpg"
    assert "poster" in movies.locked_fields(movie_id)
    assert {a.id for a in service.candidates(movie_id) if a.is_selected} == {ids["none.jpg"]}
    # Rejecting a picture the field does not show leaves the field alone.
    service.reject(movie_id, ids["fr.jpg"])
    assert movies.require(movie_id).fields["poster"] == f"{TMDB}/none.jpg"
    # With every candidate rejected, the field is emptied and unlocked.
    service.reject(movie_id, ids["none.jpg"])
    assert "poster" not in movies.require(movie_id).fields
    assert "poster" not in movies.locked_fields(movie_id)


def test_an_asset_of_another_movie_or_gone_is_refused(suite: LibrarySuite, movie_id: int) -> None:
    service = suite.assets
    ids = by_url(service, movie_id)
    other = suite.library.add("Heat", year=1995)
    for action in (service.select, service.reject, service.restore):
        with pytest.raises(UnknownAssetError):
            action(other.id, ids["en.jpg"])
        with pytest.raises(UnknownAssetError):
            action(movie_id, 999_999)
        with pytest.raises(UnknownEntityError):
            action(999, ids["en.jpg"])
    assert not any(a.is_selected or a.is_rejected for a in service.candidates(movie_id))
    assert "poster" not in suite.app.movies.require(movie_id).fields
    suite.app.cache.invalidate(EntityType.MOVIE, movie_id, asset_type=AssetType.POSTER)
    with pytest.raises(KeyError):  # UnknownAssetError is a KeyError
        service.select(movie_id, ids["en.jpg"])


def test_a_thumbnails_perceptual_hash_is_kept_once(suite: LibrarySuite, movie_id: int) -> None:
    service = suite.assets
    ids = by_url(service, movie_id)
    assert service.get(movie_id, ids["en.jpg"]).perceptual_hash is None
    assert service.record_perceptual_hash(ids["en.jpg"], "F0E1D2C3B4A59687")
    assert service.get(movie_id, ids["en.jpg"]).perceptual_hash == "f0e1d2c3b4a59687"
    # Already known: a second thumbnail's hash does not replace it.
    assert not service.record_perceptual_hash(ids["en.jpg"], "0000000000000000")
    assert service.get(movie_id, ids["en.jpg"]).perceptual_hash == "f0e1d2c3b4a59687"
    # Other candidates are untouched; a gone asset is no error, only not stored.
    assert service.get(movie_id, ids["fr.jpg"]).perceptual_hash is None
    assert not service.record_perceptual_hash(999_999, "f0e1d2c3b4a59687")


def test_the_full_images_hash_from_publishing_wins(suite: LibrarySuite, movie_id: int) -> None:
    service = suite.assets
    ids = by_url(service, movie_id)
    suite.app.cache.assets.set_analysis(
        ids["fr.jpg"], content_hash="a" * 64, perceptual_hash="123456789abcdef0", score=80
    )
    assert not service.record_perceptual_hash(ids["fr.jpg"], "fedcba9876543210")
    assert service.get(movie_id, ids["fr.jpg"]).perceptual_hash == "123456789abcdef0"
    # Publishing after the thumbnail was hashed replaces the thumbnail's hash.
    assert service.record_perceptual_hash(ids["none.jpg"], "fedcba9876543210")
    suite.app.cache.assets.set_analysis(
        ids["none.jpg"], content_hash="b" * 64, perceptual_hash="fedcba9876543211", score=70
    )
    assert service.get(movie_id, ids["none.jpg"]).perceptual_hash == "fedcba9876543211"


@pytest.mark.parametrize(
    "value", ["", "f0e1d2c3b4a5968", "f0e1d2c3b4a596870", "g0e1d2c3b4a59687", "<b>x</b>"]
)
def test_a_malformed_perceptual_hash_is_refused(suite: LibrarySuite, movie_id: int, value: str) -> None:
    service = suite.assets
    ids = by_url(service, movie_id)
    with pytest.raises(ValueError):
        service.record_perceptual_hash(ids["en.jpg"], value)
    assert service.get(movie_id, ids["en.jpg"]).perceptual_hash is None
