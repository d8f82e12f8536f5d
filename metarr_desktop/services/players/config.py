"""Configuring players: add, update and remove them (their secret in the secrets store, never in
the database), list them with their health, test the connection, and keep one client per player in
the engine's pool."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from metarr_desktop.core.player_paths import PathMapping
from metarr_desktop.engine.health import ProviderHealth
from metarr_desktop.engine.runtime import ProviderSettings
from metarr_desktop.logsetup import register_secret
from metarr_desktop.players import DISPLAY_NAMES
from metarr_desktop.players import PlayerClient
from metarr_desktop.players import PlayerKind
from metarr_desktop.players import create_client
from metarr_desktop.providers.base import MetadataProvider
from metarr_desktop.providers.base import describe_error
from metarr_desktop.providers.errors import ProviderError
from metarr_desktop.services.players.base import PlayerServiceBase
from metarr_desktop.services.players.models import UNSET
from metarr_desktop.services.players.models import ConnectionCheck
from metarr_desktop.services.players.models import PlayerChange
from metarr_desktop.services.players.models import PlayerConfigError
from metarr_desktop.services.players.models import PlayerView
from metarr_desktop.services.players.models import engine_id
from metarr_desktop.services.players.models import parse_kind
from metarr_desktop.services.players.models import secret_name
from metarr_desktop.store.players import PlayerRecord


def _validate_url(url: str) -> str:
    url = url.strip().rstrip("/")
    split = urlsplit(url)
    if split.scheme not in ("http", "https") or not split.netloc:
        raise PlayerConfigError(f"expected an http:// or https:// address, got {url!r}")
    return url


class PlayerConfiguration(PlayerServiceBase):
    """The players' configuration and their clients."""

    # -- start ---------------------------------------------------------------------------------------

    def start(self) -> None:
        """Build a client for every configured player (call once after opening)."""
        for record in self._repo.all():
            try:
                self._start_client(record)
            except Exception as exc:  # one broken player must not keep the others from starting
                self.start_errors[record.id] = describe_error(exc)

    def _start_client(self, record: PlayerRecord) -> PlayerClient:
        secret = self._secrets.get(secret_name(record.id))
        register_secret(secret)
        client = create_client(
            parse_kind(record.kind),
            player_id=engine_id(record.id),
            name=record.name,
            url=record.url,
            username=record.username,
            secret=secret,
            transport=self._transport,
        )
        # The pool holds any client with an id, a gate and `aclose` (that is all it and
        # `FetchOrchestrator.call` use); players are never part of a metadata `fetch_all`.
        member: Any = client
        provider: MetadataProvider = member
        self.pool.add(provider, ProviderSettings(enabled=record.enabled, priority=record.id))
        self._clients[record.id] = client
        return client

    async def _restart_client(self, player_id: int) -> None:
        old = self._clients.pop(player_id, None)
        pid = engine_id(player_id)
        saved = self.pool.get(pid).to_state() if pid in self.pool else None
        if old is not None:
            await old.aclose()
        record = self._repo.get(player_id)
        if record is None:
            if pid in self.pool:
                self.pool.remove(pid)
            return
        self._start_client(record)
        if saved is not None:
            runtime = self.pool.get(pid)
            runtime.restore({"health": saved["health"]})
            self.pool.notify(runtime)

    # -- configuration -----------------------------------------------------------------------------

    def _view(self, record: PlayerRecord, pending: dict[int, int]) -> PlayerView:
        pid = engine_id(record.id)
        status = self.pool.get(pid).health_snapshot().status.value if pid in self.pool else "unknown"
        return PlayerView(
            id=record.id,
            kind=parse_kind(record.kind),
            name=record.name,
            url=record.url,
            username=record.username,
            enabled=record.enabled,
            path_mappings=record.path_mappings,
            has_secret=self._secrets.has(secret_name(record.id)),
            status=status,
            last_sync_at=record.last_sync_at,
            last_error=record.last_error,
            pending=pending.get(record.id, 0),
        )

    def all(self) -> list[PlayerView]:
        pending = self._repo.pending_counts()
        return [self._view(record, pending) for record in self._repo.all()]

    def get(self, player_id: int) -> PlayerView:
        record = self._repo.get(player_id)
        if record is None:
            raise KeyError(f"there is no player {player_id} (see `metarr players list`)")
        return self._view(record, self._repo.pending_counts())

    def names(self) -> dict[str, str]:
        """engine id -> the player's name (the Health page's card titles)."""
        names: dict[str, str] = {}
        for record in self._repo.all():
            kind = DISPLAY_NAMES[parse_kind(record.kind)]
            names[engine_id(record.id)] = record.name if kind in record.name else f"{record.name} ({kind})"
        return names

    def health(self) -> list[ProviderHealth]:
        return self.pool.health()

    @property
    def secret_storage_warning(self) -> str | None:
        return self._secrets.warning

    async def add(self, kind: str | PlayerKind, change: PlayerChange) -> PlayerView:
        player_kind = parse_kind(kind)
        name = str(change.name).strip() if change.name is not UNSET and change.name else ""
        if not name:
            raise PlayerConfigError("a player needs a name")
        if change.url is UNSET or not change.url:
            raise PlayerConfigError("a player needs a URL")
        url = _validate_url(str(change.url))
        mappings = self._mappings(change.path_mappings) if change.path_mappings is not UNSET else ()
        username = change.username if change.username is not UNSET else None
        record = self._repo.add(
            player_kind.value,
            name,
            url,
            username=username or None,
            enabled=True if change.enabled is UNSET else bool(change.enabled),
            path_mappings=mappings,
        )
        if change.secret is not UNSET and change.secret:
            self._store_secret(record.id, str(change.secret))
        self._start_client(record)
        self._changed()
        return self.get(record.id)

    async def update(self, player_id: int, change: PlayerChange) -> PlayerView:
        self.get(player_id)  # KeyError for an unknown player
        values: dict[str, Any] = {}
        if change.name is not UNSET:
            if not str(change.name).strip():
                raise PlayerConfigError("a player needs a name")
            values["name"] = str(change.name).strip()
        if change.url is not UNSET:
            values["url"] = _validate_url(str(change.url))
        if change.username is not UNSET:
            values["username"] = change.username or None
        if change.path_mappings is not UNSET:
            values["path_mappings"] = self._mappings(change.path_mappings)
        if change.enabled is not UNSET:
            values["enabled"] = bool(change.enabled)
        if values:
            self._repo.update(player_id, **values)
        if change.secret is not UNSET:
            if change.secret:
                self._store_secret(player_id, str(change.secret))
            else:
                self._secrets.delete(secret_name(player_id))
        await self._restart_client(player_id)
        self._changed()
        return self.get(player_id)

    async def remove(self, player_id: int) -> None:
        self.get(player_id)
        self._repo.delete(player_id)
        self._secrets.delete(secret_name(player_id))
        await self._restart_client(player_id)
        self._changed()

    def _store_secret(self, player_id: int, secret: str) -> None:
        register_secret(secret)
        self._secrets.set_secret(secret_name(player_id), secret)

    @staticmethod
    def _mappings(value: Iterable[PathMapping | str]) -> tuple[PathMapping, ...]:
        out: list[PathMapping] = []
        for item in value:
            try:
                out.append(item if isinstance(item, PathMapping) else PathMapping.parse(item))
            except ValueError as exc:
                raise PlayerConfigError(str(exc)) from None
        return tuple(out)

    async def test(self, player_id: int) -> ConnectionCheck:
        """One request or two: reachable and authorised, with the player's name and version."""
        self.get(player_id)
        client = self._client(player_id)
        try:
            info = await self.orchestrator.call(engine_id(player_id), lambda _p: client.info())
        except ProviderError as exc:
            return ConnectionCheck(player_id, False, exc.message)
        return ConnectionCheck(player_id, True, f"{info.name} {info.version} ({info.product})", info)
