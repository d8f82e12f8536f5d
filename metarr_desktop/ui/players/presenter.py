"""The Players page without widgets: rows to show, the form read back into a change, and the
actions (save, remove, test, check a mapping, sync now), each returning a sentence for the user.

Qt-free, so it is tested with plain pytest; the view only shows what this returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from metarr_desktop.core.clock import Clock
from metarr_desktop.core.player_paths import PathMapping
from metarr_desktop.players import DISPLAY_NAMES
from metarr_desktop.players import USES_PASSWORD
from metarr_desktop.players import PlayerKind
from metarr_desktop.players import SyncAction
from metarr_desktop.services.formatting import relative_time
from metarr_desktop.services.players.models import UNSET
from metarr_desktop.services.players.models import MappingCheck
from metarr_desktop.services.players.models import PlayerChange
from metarr_desktop.services.players.models import PlayerConfigError
from metarr_desktop.services.players.models import PlayerView
from metarr_desktop.services.players.models import SyncReport
from metarr_desktop.services.players.service import PlayerSyncService

DEFAULT_PORTS = {PlayerKind.KODI: 8080, PlayerKind.JELLYFIN: 8096, PlayerKind.PLEX: 32400}


@dataclass(frozen=True, slots=True)
class PlayerRow:
    """One line of the players table."""

    id: int
    name: str
    kind: str
    url: str
    enabled: bool
    status: str
    pending: int
    last_sync: str
    last_error: str


@dataclass(slots=True)
class PlayerForm:
    """The editor's fields. `secret` empty means "leave the stored one as it is"."""

    kind: PlayerKind = PlayerKind.KODI
    name: str = ""
    url: str = ""
    username: str = ""
    secret: str = ""
    mappings: str = ""
    enabled: bool = True


def format_mappings(mappings: tuple[PathMapping, ...] | list[PathMapping]) -> str:
    return "\n".join(f"{m.local} = {m.remote}" for m in mappings)


def parse_mappings(text: str) -> list[PathMapping]:
    """One ``LOCAL = REMOTE`` per line; blank lines are ignored."""
    out: list[PathMapping] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append(PathMapping.parse(line))
        except ValueError:
            raise PlayerConfigError(
                f"mapping line {number}: expected LOCAL = REMOTE, got {line.strip()!r}"
            ) from None
    return out


def secret_label(kind: PlayerKind) -> str:
    return "Password" if USES_PASSWORD[kind] else ("API key" if kind is PlayerKind.JELLYFIN else "Token")


def url_placeholder(kind: PlayerKind) -> str:
    return f"http://{kind.value}.local:{DEFAULT_PORTS[kind]}"


def form_of(view: PlayerView) -> PlayerForm:
    return PlayerForm(
        kind=view.kind,
        name=view.name,
        url=view.url,
        username=view.username or "",
        secret="",
        mappings=format_mappings(view.path_mappings),
        enabled=view.enabled,
    )


def change_of(form: PlayerForm, *, existing: bool) -> PlayerChange:
    """The form as a change (raises `PlayerConfigError` for a malformed mapping)."""
    return PlayerChange(
        name=form.name.strip(),
        url=form.url.strip(),
        username=form.username.strip() if USES_PASSWORD[form.kind] else None,
        secret=form.secret if form.secret else (UNSET if existing else None),
        path_mappings=parse_mappings(form.mappings),
        enabled=form.enabled,
    )


def describe_report(report: SyncReport) -> str:
    """One sentence about a run: how many movies each way."""
    if not report.results:
        return "Nothing to sync: the players are up to date."
    counts: dict[SyncAction, int] = {}
    for result in report.results:
        counts[result.action] = counts.get(result.action, 0) + 1
    words = {
        SyncAction.REFRESHED: "refreshed",
        SyncAction.SCANNED: "scanned",
        SyncAction.DEFERRED: "deferred (playing)",
        SyncAction.NOT_FOUND: "not found",
        SyncAction.FAILED: "failed",
    }
    parts = [f"{counts[a]} {words[a]}" for a in SyncAction if a in counts]
    text = "Sync: " + ", ".join(parts) + "."
    failures = [r for r in report.results if r.action is SyncAction.FAILED and r.error]
    if failures:
        text += f" {failures[0].player}: {failures[0].error}"
    return text


def describe_check(check: MappingCheck) -> str:
    if check.remote_path is None:
        return check.message
    return f"Player path: {check.remote_path}\n{check.message}"


class PlayersPresenter:
    """What the Players page does, in plain Python."""

    def __init__(self, service: PlayerSyncService, clock: Clock) -> None:
        self.service = service
        self.clock = clock

    def rows(self, now: datetime | None = None) -> list[PlayerRow]:
        now = now or self.clock.now()
        return [
            PlayerRow(
                id=view.id,
                name=view.name,
                kind=DISPLAY_NAMES[view.kind],
                url=view.url,
                enabled=view.enabled,
                status=view.status if view.enabled else "disabled",
                pending=view.pending,
                last_sync=relative_time(view.last_sync_at, now) if view.last_sync_at else "never",
                last_error=view.last_error or "",
            )
            for view in self.service.all()
        ]

    def form(self, player_id: int | None) -> PlayerForm:
        return PlayerForm() if player_id is None else form_of(self.service.get(player_id))

    async def save(self, player_id: int | None, form: PlayerForm) -> tuple[PlayerView | None, str]:
        """Add (no id) or update a player; (the player, a sentence) or (None, what is wrong)."""
        try:
            change = change_of(form, existing=player_id is not None)
            if player_id is None:
                view = await self.service.add(form.kind, change)
                return view, f"Added {view.name}."
            view = await self.service.update(player_id, change)
            return view, f"Saved {view.name}."
        except PlayerConfigError as exc:
            text = str(exc)
            return None, text[:1].upper() + text[1:] + "."
        except ValueError as exc:
            return None, str(exc)

    async def remove(self, player_id: int) -> str:
        name = self.service.get(player_id).name
        await self.service.remove(player_id)
        return f"Removed {name}."

    async def test(self, player_id: int) -> tuple[bool, str]:
        check = await self.service.test(player_id)
        return check.ok, (f"Connected: {check.message}" if check.ok else check.message)

    async def check_mapping(self, player_id: int, movie_id: int) -> tuple[bool | None, str]:
        check = await self.service.check_mapping(player_id, movie_id)
        return check.known, describe_check(check)

    async def sync_pending(self) -> str:
        return describe_report(await self.service.sync_pending())
