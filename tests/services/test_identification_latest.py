"""`IdentificationService.latest`: the last identification committed per movie in this session (its
`why` kept, its answers and candidates not), for the window to show and to tell a new one from one
it has seen; only the most recent movies are kept in memory, the others are read back from the
decision stored with the movie."""

from __future__ import annotations

import pytest

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.services import identification
from metarr_desktop.services.context import AppServices
from metarr_desktop.services.identification import IdentifyResult
from metarr_desktop.services.library_suite import LibrarySuite


async def test_the_latest_identification_of_each_movie_is_remembered(
    services: AppServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    suite = LibrarySuite.create(services)
    ids = [suite.library.add(f"Film {n}", year=2000 + n).id for n in range(3)]
    assert suite.identification.latest(ids[0]) is None
    why = {"rule": "the user's choice", "providers": ["tmdb"]}
    chosen = IdentifyResult(ids[0], "identified", None, ExternalIds(tmdb=1), why=why)
    with services.database.atomic():
        suite.identification.commit(chosen)
    latest = suite.identification.latest(ids[0])
    assert latest is not None and latest.why == why and latest.ids == ExternalIds(tmdb=1)
    assert latest.answers == {} and latest.candidates == []
    assert suite.library.get(ids[0]).ids == ExternalIds(tmdb=1)

    monkeypatch.setattr(identification, "REMEMBERED", 2)
    for movie_id in ids[1:]:
        with services.database.atomic():
            suite.identification.commit(
                IdentifyResult(movie_id, "needs_identification", "ambiguous", ExternalIds())
            )
    back = suite.identification.latest(ids[0])  # dropped from memory, read back from the database
    assert back is not None and back is not latest and back.why == why and back.ids == ExternalIds(tmdb=1)
    assert suite.identification.latest(ids[0]) is back  # kept once read: the window compares by identity
    second = suite.identification.latest(ids[1])
    assert second is not None and second.reason == "ambiguous"
