"""A movie's artwork candidates and the user's choices among them: the asset browser and
`metarr assets` both go through `AssetService`.

Everything here reads the provider cache only (`ProviderCacheManager.get_cached_assets`): listing,
suggesting and choosing never ask a provider.

- `select` is the user's choice (`choose_artwork`): the candidate is marked selected (the others of
  its type are not) and the movie's field of that type becomes its URL, locked, in one transaction.
- `reject` sets a candidate aside (it is also deselected and never suggested; a field that showed it
  takes the suggestion among the others); `restore` takes the rejection back.
- `suggested` is the candidate the selection rule proposes (`core.artwork.suggested_asset`).
- `record_perceptual_hash` keeps the hash of a thumbnail the browser downloaded (publishing's hash
  of the full image is never replaced), so candidates never published are grouped too.

Each action checks that the asset is one of that movie's candidates: `UnknownAssetError` (a
`KeyError`) when it is gone or belongs to another movie, `UnknownEntityError` for an unknown movie;
nothing is changed then.
"""

from __future__ import annotations

from collections.abc import Callable

from metarr_desktop.core.artwork import FIELD_OF_TYPE
from metarr_desktop.core.artwork import Languages
from metarr_desktop.core.artwork import ordered
from metarr_desktop.core.artwork import suggested_asset
from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.records import CachedAsset
from metarr_desktop.core.records import MovieRecord
from metarr_desktop.services.context import AppServices
from metarr_desktop.services.library import choose_artwork
from metarr_desktop.services.provider_cache import ProviderCacheManager
from metarr_desktop.services.settings import language_policy
from metarr_desktop.store.database import Database
from metarr_desktop.store.library import MovieRepository


class UnknownAssetError(KeyError):
    """The asset is not (or no longer) one of that movie's cached candidates."""


class AssetService:
    """A movie's cached artwork candidates: list, suggest, select, reject, restore.

    Attributes:
        languages: the artwork language order of the selection rule when a call names none (the
            user's `artwork.languages` setting, read at each call).
    """

    def __init__(
        self,
        database: Database,
        movies: MovieRepository,
        cache: ProviderCacheManager,
        languages: Callable[[], Languages],
    ) -> None:
        self._database = database
        self._movies = movies
        self._cache = cache
        self.languages = languages

    @classmethod
    def for_app(cls, app: AppServices) -> AssetService:
        """Over the opened services, with the user's artwork languages."""
        return cls(
            app.database, app.movies, app.cache, lambda: language_policy(app.user_settings).artwork_order()
        )

    # -- reading -------------------------------------------------------------------------------------

    def movie(self, movie_id: int) -> MovieRecord | None:
        """The movie whose artwork this is (None for an unknown id)."""
        return self._movies.get(movie_id)

    def candidates(self, movie_id: int, asset_type: AssetType | None = None) -> list[CachedAsset]:
        """The movie's cached candidates (of one type), by type, then best score and most votes
        first; [] when there are none or the cache cannot be read. `UnknownEntityError` for an
        unknown movie."""
        self._movies.require(movie_id)
        return self._cache.get_cached_assets(EntityType.MOVIE, movie_id, asset_type)

    def by_type(self, movie_id: int) -> dict[AssetType, list[CachedAsset]]:
        """The movie's candidates grouped by type (in the store's order within a type)."""
        grouped: dict[AssetType, list[CachedAsset]] = {}
        for asset in self.candidates(movie_id):
            grouped.setdefault(asset.type, []).append(asset)
        return grouped

    def ranked(
        self, movie_id: int, asset_type: AssetType, language: Languages | None = None
    ) -> list[CachedAsset]:
        """The candidates of one type, best first under the selection rule."""
        chosen = self.languages() if language is None else language
        return ordered(self.candidates(movie_id, asset_type), chosen)

    def suggested(
        self, movie_id: int, asset_type: AssetType, language: Languages | None = None
    ) -> CachedAsset | None:
        """The candidate the rule proposes for that type (None when every one is rejected)."""
        chosen = self.languages() if language is None else language
        return suggested_asset(self.candidates(movie_id, asset_type), asset_type, chosen)

    def get(self, movie_id: int, asset_id: int) -> CachedAsset:
        """One of the movie's candidates (`UnknownAssetError` when it is not one)."""
        self._movies.require(movie_id)
        asset = self._cache.assets.get(asset_id)
        if asset is None or asset.entity_type != EntityType.MOVIE.value or asset.entity_id != movie_id:
            raise UnknownAssetError(f"movie {movie_id} has no asset {asset_id}")
        return asset

    # -- the user's choices --------------------------------------------------------------------------

    def select(self, movie_id: int, asset_id: int) -> CachedAsset:
        """Choose this candidate for its type; the movie's field of that type shows it from now on,
        locked so that refreshes keep it. Returns the candidate as stored afterwards."""
        self.get(movie_id, asset_id)
        try:
            choose_artwork(self._database, self._movies, self._cache.assets, movie_id, asset_id)
        except UnknownAssetError:
            raise
        except KeyError as exc:  # removed meanwhile
            raise UnknownAssetError(f"movie {movie_id} has no asset {asset_id}") from exc
        return self.get(movie_id, asset_id)

    def reject(self, movie_id: int, asset_id: int) -> CachedAsset:
        """Set this candidate aside: deselected, never suggested nor chosen automatically.

        When it is the picture the movie's field shows (the user's choice, or a provider's pick),
        the field must not go on showing it: the rule's suggestion among the other candidates
        becomes the choice (selected and locked, so that no refresh brings the rejected one back),
        or, when every candidate is rejected, the field is emptied and unlocked."""
        asset = self.get(movie_id, asset_id)
        field_name = FIELD_OF_TYPE.get(asset.type)
        shown = field_name is not None and self._movies.require(movie_id).fields.get(field_name) == asset.url
        with self._database.atomic():
            self._change(movie_id, asset_id, self._cache.assets.reject)
            if shown and field_name is not None:
                replacement = self.suggested(movie_id, asset.type)
                if replacement is not None:
                    choose_artwork(self._database, self._movies, self._cache.assets, movie_id, replacement.id)
                else:
                    self._movies.set_fields(movie_id, {field_name: None})
                    self._movies.unlock(movie_id, field_name)
        return self.get(movie_id, asset_id)

    def restore(self, movie_id: int, asset_id: int) -> CachedAsset:
        """Take a rejection back: the candidate may be suggested and chosen again (not selected)."""
        self.get(movie_id, asset_id)
        self._change(movie_id, asset_id, self._cache.assets.unreject)
        return self.get(movie_id, asset_id)

    def select_suggested(
        self, movie_id: int, asset_type: AssetType, language: Languages | None = None
    ) -> CachedAsset | None:
        """Select the suggested candidate of that type (None when there is none)."""
        suggested = self.suggested(movie_id, asset_type, language)
        return None if suggested is None else self.select(movie_id, suggested.id)

    # -- what the browser learns -------------------------------------------------------------------

    def record_perceptual_hash(self, asset_id: int, perceptual_hash: str) -> bool:
        """Keep the perceptual hash of a candidate's thumbnail (16 hex digits) so that copies of one
        picture are grouped; only when it has none yet: the hash of the full image, computed at
        publishing, wins. True when it was stored; False for an asset that already has one or is
        gone. `ValueError` for a value that is not 16 hex digits."""
        value = perceptual_hash.strip().lower()
        if len(value) != 16 or any(c not in "0123456789abcdef" for c in value):
            raise ValueError(f"not a 64-bit perceptual hash: {perceptual_hash!r}")
        return self._cache.assets.fill_perceptual_hash(asset_id, value)

    @staticmethod
    def _change(movie_id: int, asset_id: int, action: Callable[[int], None]) -> None:
        try:
            action(asset_id)
        except KeyError as exc:
            raise UnknownAssetError(f"movie {movie_id} has no asset {asset_id}") from exc


__all__ = ["AssetService", "UnknownAssetError"]
