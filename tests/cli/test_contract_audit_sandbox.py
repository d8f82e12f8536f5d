"""CONTRACT.md items found wrong in an audit of `metarr` against the sandbox, kept fixed:

- `identify --json` and `search --json` print one JSON document even when the operation failed
  (exit 1): the movie as it stands with the providers that failed, or an empty candidate list; its
  status is one identify prints (`identified` or `needs_identification`, never `unidentified`);
- `identify --select PROVIDER:PROVIDER_ID` takes the providers' names as well as the id kinds
  (``omdb:tt...`` is an IMDb id, ``fanart:N`` a TMDB id);
- the provider lists of an `enrich --json` result are in the providers' priority order.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from keyring.backends import null

from metarr_desktop.cli import suite as cli_suite
from metarr_desktop.cli.main import run
from metarr_desktop.sandbox import SandboxServer
from metarr_desktop.sandbox.demo import configure_profile
from tests.helpers.sandbox import sandbox_factory  # noqa: F401 - a fixture

IDENTIFY_KEYS = {"movie_id", "status", "reason", "ids", "candidates"}
IDENTIFY_STATUSES = {"identified", "needs_identification"}


@dataclass
class Outcome:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@dataclass
class Metarr:
    """`metarr --data-dir PROFILE ...` in-process, on a profile pointed at a sandbox."""

    profile: Path
    server: SandboxServer
    capsys: pytest.CaptureFixture[str]

    def __call__(self, *argv: str) -> Outcome:
        self.capsys.readouterr()
        code = run(["--data-dir", str(self.profile), *argv])
        captured = self.capsys.readouterr()
        return Outcome(code, captured.out, captured.err)


@pytest.fixture
def metarr(
    tmp_path: Path,
    sandbox_factory: Callable[..., SandboxServer],  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Metarr:
    server = sandbox_factory("demo")
    profile = tmp_path / "profile"
    asyncio.run(configure_profile(profile, server))
    monkeypatch.setitem(cli_suite.OPEN_OPTIONS, "keyring_backend", null.Keyring())  # type: ignore[no-untyped-call]
    return Metarr(profile, server, capsys)


def test_identify_json_prints_a_document_when_no_provider_can_answer(metarr: Metarr) -> None:
    assert metarr("library", "add", "--title", "The Thing").code == 0
    metarr.server.set_faults("*:html")
    outcome = metarr("identify", "1", "--json")
    assert outcome.code == 1
    assert outcome.err.count("\n") == 1 and "nothing was changed" in outcome.err
    document = outcome.json()
    assert set(document) >= IDENTIFY_KEYS | {"failed", "error"}
    # identify's own statuses (CONTRACT.md), never the library's "unidentified"; "failed": no answer
    assert document["movie_id"] == 1 and document["status"] in IDENTIFY_STATUSES
    assert (document["status"], document["reason"]) == ("needs_identification", "failed")
    assert document["ids"] == {"tmdb": None, "imdb": None, "tvdb": None} and document["candidates"] == []
    assert {f["provider"] for f in document["failed"]} >= {"tmdb", "omdb"}
    assert set(document["failed"][0]) == {"provider", "error", "retryable"}
    metarr.server.set_faults("")
    [row] = metarr("library", "list", "--json").json()
    assert row["status"] == "unidentified"  # nothing was changed


def test_a_failed_identify_of_an_identified_movie_says_it_stays_identified(metarr: Metarr) -> None:
    assert metarr("library", "add", "--title", "Heat", "--tmdb", "949").code == 0
    assert metarr("identify", "1", "--json").json()["status"] == "identified"
    metarr.server.set_faults("*:html")
    outcome = metarr("identify", "1", "--select", "tmdb:1091", "--json")
    assert outcome.code == 1
    document = outcome.json()
    assert (document["status"], document["reason"]) == ("identified", "failed")
    assert document["ids"]["tmdb"] == 949 and document["error"]


def test_identify_select_of_an_unknown_id_prints_a_not_found_document(metarr: Metarr) -> None:
    assert metarr("library", "add", "--title", "Heat", "--tmdb", "949").code == 0
    outcome = metarr("identify", "1", "--select", "imdb:tt9999999", "--json")
    assert outcome.code == 1 and outcome.err.count("\n") == 1
    document = outcome.json()
    assert (document["status"], document["reason"]) == ("needs_identification", "not_found")
    assert document["ids"]["tmdb"] == 949  # the movie as it stands


def test_search_json_prints_an_empty_list_when_no_provider_can_search(metarr: Metarr) -> None:
    metarr.server.set_faults("*:html")
    outcome = metarr("search", "Heat", "--json")
    assert outcome.code == 1 and outcome.err.count("\n") == 1
    assert outcome.json() == []


@pytest.mark.parametrize(
    ("choice", "ids"),
    [
        ("omdb:tt0084787", {"tmdb": 1091, "imdb": "tt0084787"}),
        ("fanart:1091", {"tmdb": 1091, "imdb": "tt0084787"}),
        ("fanart:tt0084787", {"tmdb": 1091, "imdb": "tt0084787"}),
        ("TMDB:1091", {"tmdb": 1091, "imdb": "tt0084787"}),
    ],
)
def test_select_takes_a_provider_and_its_id(metarr: Metarr, choice: str, ids: dict[str, Any]) -> None:
    assert metarr("library", "add", "--title", "The Thing").code == 0
    outcome = metarr("identify", "1", "--select", choice, "--json")
    assert outcome.code == 0, outcome.err
    document = outcome.json()
    assert document["status"] == "identified"
    assert {k: document["ids"][k] for k in ids} == ids


def test_enrich_lists_providers_in_priority_order(metarr: Metarr) -> None:
    assert metarr("providers", "set", "fanart", "--priority", "1").code == 0
    for title, imdb in (("Heat", "tt0113277"), ("Alien", "tt0078748"), ("Inception", "tt1375666")):
        assert metarr("library", "add", "--title", title, "--imdb", imdb).code == 0
    order = [row["id"] for row in metarr("providers", "list", "--json").json()]
    assert order[0] == "fanart"
    fresh = metarr("enrich", "1", "2", "3", "--json")
    cached = metarr("enrich", "1", "2", "3", "--json")
    assert fresh.code == 0 and cached.code == 0
    for document in (fresh.json(), cached.json()):
        for result in document["results"]:
            for key in ("providers", "cached", "rate_limited", "timed_out"):
                assert result[key] == [p for p in order if p in result[key]], (key, result[key])
    assert fresh.json()["results"][0]["providers"] == order
    assert cached.json()["results"][0]["cached"] == order
