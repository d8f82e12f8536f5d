"""What every part of `PlayerSyncService` shares: the repositories, the players' clients and their
runtimes in the engine, and the listeners told after every change."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import httpx

from metarr_desktop.core.clock import Clock
from metarr_desktop.engine.fetch import FetchOrchestrator
from metarr_desktop.engine.runtime import ProviderPool
from metarr_desktop.players import PlayerClient
from metarr_desktop.services.players.models import ChangeListener
from metarr_desktop.store.library import MovieRepository
from metarr_desktop.store.players import PlayerRepository
from metarr_desktop.store.secrets import SecretStore

log = logging.getLogger(__name__)


class PlayerServiceBase:
    """The state of the player service (see `PlayerSyncService` for its attributes)."""

    def __init__(
        self,
        *,
        repository: PlayerRepository,
        movies: MovieRepository,
        secrets: SecretStore,
        clock: Clock,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._repo = repository
        self._movies = movies
        self._secrets = secrets
        self._clock = clock
        self._transport = transport
        self.pool = ProviderPool(clock)
        self.orchestrator = FetchOrchestrator(self.pool, clock=clock)
        self._clients: dict[int, PlayerClient] = {}
        self._listeners: list[ChangeListener] = []
        self._run_lock = asyncio.Lock()
        self.auto_retry = False
        self._retry_task: asyncio.Task[None] | None = None
        #: The coalesced sync after published changes (`notify`), and whether more came meanwhile.
        self._notify_task: asyncio.Task[None] | None = None
        self._notify_again = False
        self.start_errors: dict[int, str] = {}

    def subscribe(self, listener: ChangeListener) -> Callable[[], None]:
        """Called after every configuration change and every run (the Players page refreshes)."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _changed(self) -> None:
        for listener in list(self._listeners):
            try:
                listener()
            except Exception:
                log.exception("player listener failed")

    def _client(self, player_id: int) -> PlayerClient:
        client = self._clients.get(player_id)
        if client is None:
            raise KeyError(f"there is no player {player_id} (see `metarr players list`)")
        return client
