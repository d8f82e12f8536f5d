"""One bad value from a provider is cleaned or dropped at the boundary; the rest of the answer is used."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import httpx
import keyring.backends.fail
import pytest

from metarr_desktop.cli.main import run
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import MetadataRequest
from metarr_desktop.providers.errors import BadResponseError
from metarr_desktop.providers.omdb import OmdbProvider
from metarr_desktop.providers.sanitize import SQLITE_INT_MAX
from metarr_desktop.providers.sanitize import clean_text
from metarr_desktop.providers.sanitize import sanitize_field
from metarr_desktop.providers.tmdb import TmdbProvider
from metarr_desktop.services.context import AppServices
from tests.helpers.recorder import fixture

TMDB_MOVIE = fixture("tmdb_movie_27205.json")
OMDB_TITLE = fixture("omdb_tt1375666.json")
KEY = "0123456789abcdef0123456789abcdef"


def tmdb_body(**changes: Any) -> bytes:
    body = copy.deepcopy(TMDB_MOVIE)
    body.update(changes)
    return json.dumps(body).encode()  # NaN, Infinity, 10**400 and "\ud800" written as JSON allows


def tmdb_answering(body: bytes) -> TmdbProvider:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    return TmdbProvider(api_key=KEY, transport=httpx.MockTransport(handler))


CASES: dict[str, tuple[dict[str, Any], str, Any]] = {
    # case: (changes to the answer, field to check, expected value: None when dropped)
    "huge vote count": ({"vote_count": 10**400}, "tmdb_votes", None),
    "vote count past SQLite": ({"vote_count": 2**63}, "tmdb_votes", None),
    "NaN rating": ({"vote_average": float("nan")}, "tmdb_rating", None),
    "infinite rating": ({"vote_average": float("inf")}, "tmdb_rating", None),
    "rating above 10": ({"vote_average": 1e6}, "tmdb_rating", None),
    "runtime of 10**30": ({"runtime": 10**30}, "runtime", None),
    "negative runtime": ({"runtime": -5}, "runtime", None),
    "impossible date": ({"release_date": "99999-99-99"}, "release_date", None),
    "date in year 3000": ({"release_date": "3000-01-01"}, "release_date", None),
    "lone surrogate": ({"overview": "A \ud800 dream"}, "plot", "A \ufffd dream"),
    "control characters": (
        {"tagline": "\x1b[2J\x1b]0;pwned\x07Hi\x00\r\nthere\tnow"},
        "tagline",
        "[2J]0;pwnedHi\nthere\tnow",
    ),
    "9 MB overview": ({"overview": "x" * 9_000_000}, "plot", "x" * 20_000),
    "huge title": ({"original_title": "t" * 5000}, "original_title", "t" * 1000),
    "thousands of genres": (
        {"genres": [{"id": i, "name": f"g{i}"} for i in range(5000)]},
        "genres",
        [f"g{i}" for i in range(500)],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_a_bad_tmdb_value_is_dropped_or_cleaned_and_the_rest_is_used(case: str) -> None:
    changes, name, expected = CASES[case]
    client = tmdb_answering(tmdb_body(**changes))
    data = await client.get_metadata(MetadataRequest(ids=ExternalIds(tmdb=27205)))
    await client.aclose()
    assert data.fields.get(name) == expected
    assert data.fields["title"] == "Inception" and data.fields["directors"] == ["Christopher Nolan"]
    json.dumps(data.to_json(), allow_nan=False).encode("utf-8")  # storable: no NaN, valid Unicode


@pytest.mark.parametrize(
    ("changes", "name"),
    [
        ({"Runtime": "1" * 400 + " min"}, "runtime"),
        ({"imdbVotes": "9" * 400}, "imdb_votes"),
        ({"imdbRating": "1" + "0" * 400}, "imdb_rating"),
        ({"Metascore": "9" * 400}, "metacritic_score"),
        ({"Year": "99999"}, "year"),
    ],
)
async def test_a_bad_omdb_number_is_dropped(changes: dict[str, str], name: str) -> None:
    body = {**OMDB_TITLE, **changes, "Ratings": []}  # no second source of the same value
    client = OmdbProvider(
        api_key="omdb-secret", transport=httpx.MockTransport(lambda r: httpx.Response(200, json=body))
    )
    data = await client.get_metadata(MetadataRequest(ids=ExternalIds(imdb="tt1375666")))
    await client.aclose()
    assert name not in data.fields
    assert data.fields["title"] == "Inception"


async def test_deeply_nested_json_is_a_bad_response_not_a_traceback() -> None:
    client = tmdb_answering(b"[" * 200_000 + b"]" * 200_000)
    with pytest.raises(BadResponseError):
        await client.get_metadata(MetadataRequest(ids=ExternalIds(tmdb=27205)))
    await client.aclose()


def test_the_boundary_rules() -> None:
    assert clean_text("ok\ud83d\ude00") == "ok\U0001f600"  # a valid pair is joined, not replaced
    assert clean_text("\x85\x9b31m red") == "31m red"  # C1 controls (NEL, CSI) go too
    assert sanitize_field("tmdb_votes", SQLITE_INT_MAX) == SQLITE_INT_MAX
    assert sanitize_field("tmdb_rating", 7) == 7 and sanitize_field("tmdb_rating", True) is None
    assert sanitize_field("year", 1869) is None and sanitize_field("year", 1870) == 1870
    assert sanitize_field("cast", [{"name": "\x1bA", "order": 10**30, "role": None}]) == [
        {"name": "A", "order": None, "role": None}
    ]


def test_the_movie_still_enriches_and_is_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = tmdb_body(vote_count=10**400, overview="A \ud800 dream " + "y" * 30_000, runtime=10**400)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "api.themoviedb.org":
            return httpx.Response(200, content=hostile, headers={"content-type": "application/json"})
        return httpx.Response(404, json={"error": "not here"})

    original = AppServices.open

    def open_with_transport(data_dir: str | Path | None = None, **kwargs: Any) -> AppServices:
        kwargs.setdefault("transport", httpx.MockTransport(handler))
        return original(data_dir, **kwargs)

    monkeypatch.setattr(AppServices, "open", staticmethod(open_with_transport))
    monkeypatch.setattr("keyring.get_keyring", lambda: keyring.backends.fail.Keyring())
    profile = ["--data-dir", str(tmp_path / "profile")]
    assert run([*profile, "providers", "set", "tmdb", "--api-key", KEY]) == 0
    assert run([*profile, "library", "add", "--title", "Inception", "--tmdb", "27205"]) == 0
    capsys.readouterr()
    assert run([*profile, "enrich", "1", "--json"]) == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    [result] = json.loads(captured.out)["results"]
    assert result["status"] in {"enriched", "partial"}
    assert run([*profile, "show", "1", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    fields = shown.get("fields", shown)
    text = json.dumps(fields)
    assert "Inception" in text and "\\ufffd dream" in text and "y" * 20_001 not in text
