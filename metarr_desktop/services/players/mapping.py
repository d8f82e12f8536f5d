"""Path mapping: a library movie's path as a player sees it (`movie_target`, also what each sync
sends) and the mapping tester, which asks the player whether it knows that path."""

from __future__ import annotations

from pathlib import PurePath

from metarr_desktop.core.player_paths import parent
from metarr_desktop.core.player_paths import to_remote
from metarr_desktop.players import MovieTarget
from metarr_desktop.players import PlayerKind
from metarr_desktop.providers.errors import ProviderError
from metarr_desktop.services.library import VIDEO_EXTENSIONS
from metarr_desktop.services.players.base import PlayerServiceBase
from metarr_desktop.services.players.models import MappingCheck
from metarr_desktop.services.players.models import engine_id
from metarr_desktop.store.players import PlayerRecord


def movie_target(
    record: PlayerRecord, movie_id: int, path: str | None, imdb: str | None, tmdb: int | None
) -> MovieTarget:
    """The movie as the player sees it: its path through the player's mappings, and the folder
    a scan would be asked for (the path itself when it is a folder)."""
    remote = to_remote(path, list(record.path_mappings)) if path else None
    folder = None
    if remote is not None and path is not None:
        is_file = PurePath(path.replace("\\", "/")).suffix.lower() in VIDEO_EXTENSIONS
        folder = parent(remote) if is_file else remote
    return MovieTarget(movie_id, remote, folder, imdb, str(tmdb) if tmdb else None)


class PlayerMapping(PlayerServiceBase):
    """The mapping tester."""

    def target(self, player_id: int, movie_id: int) -> MovieTarget:
        """The movie as this player would see it: its path through the player's mappings."""
        record = self._repo.get(player_id)
        movie = self._movies.get(movie_id)
        if record is None or movie is None:
            raise KeyError(f"there is no movie {movie_id}" if record else f"there is no player {player_id}")
        return movie_target(record, movie.id, movie.path, movie.ids.imdb, movie.ids.tmdb)

    async def check_mapping(self, player_id: int, movie_id: int) -> MappingCheck:
        """The mapping tester: map one library movie's path and ask the player whether it has it."""
        target = self.target(player_id, movie_id)
        movie = self._movies.require(movie_id)
        client = self._client(player_id)
        if target.path is None:
            return MappingCheck(
                player_id,
                movie_id,
                None,
                None,
                None,
                None,
                None,
                "This movie has no file path in the library.",
            )
        try:
            library = await self.orchestrator.call(engine_id(player_id), lambda _p: client.library())
        except ProviderError as exc:
            return MappingCheck(
                player_id, movie_id, movie.path, target.path, None, None, None, f"Cannot ask: {exc.message}"
            )
        if library.sections or client.kind is PlayerKind.PLEX:
            section = library.section_for(target.folder or target.path)
            if section is None:
                message = "No library section of this player holds that folder."
                return MappingCheck(player_id, movie_id, movie.path, target.path, False, None, None, message)
            message = f"Inside the library section {section.title!r}."
            return MappingCheck(
                player_id, movie_id, movie.path, target.path, True, "path", section.title, message
            )
        item = library.find_by_path(target)
        if item is not None:
            message = f"The player knows this path ({item.title})."
            return MappingCheck(
                player_id, movie_id, movie.path, target.path, True, "path", item.title, message
            )
        by_id = library.find(target)
        if by_id is not None:
            how = (
                "imdb" if target.imdb and by_id.imdb and by_id.imdb.lower() == target.imdb.lower() else "tmdb"
            )
            message = (
                f"The path is unknown to the player, but it has this movie by its {how.upper()} id at "
                f"{by_id.path}: check the mappings."
            )
            return MappingCheck(
                player_id, movie_id, movie.path, target.path, False, how, by_id.title, message
            )
        message = "The player does not know this path (a sync would ask it to scan the folder)."
        return MappingCheck(player_id, movie_id, movie.path, target.path, False, None, None, message)
