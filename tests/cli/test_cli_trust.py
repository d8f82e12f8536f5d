"""`metarr inspect`, `metarr enrich --preview / --fields / --cache-only` and `metarr undo` against the
sandbox on loopback (the real provider clients, the demo catalog), per CONTRACT.md."""

from __future__ import annotations

from tests.helpers.sandbox import Cli


def requests(cli: Cli) -> int:
    return int(cli.server.stats.snapshot()["total"])  # type: ignore[attr-defined]


def add_inception(cli: Cli) -> int:
    added = cli("library", "add", "--title", "Inception", "--year", "2010", "--tmdb", "27205", "--json")
    return int(added["id"])


def test_inspect_shows_every_provider_and_the_rule_without_a_request(cli: Cli) -> None:
    movie = add_inception(cli)
    cli("enrich", str(movie), "--json")
    before = requests(cli)
    document = cli("inspect", str(movie), "--json")
    assert requests(cli) == before
    shown = cli("show", str(movie), "--json")["fields"]
    for name, explained in document.items():
        chosen = explained["chosen"]
        assert set(chosen) >= {"value", "source", "language", "rule"}
        if shown[name]["source"] is not None:
            assert (chosen["value"], chosen["source"]) == (shown[name]["value"], shown[name]["source"]), name
    assert document["imdb_rating"]["chosen"]["rule"] == "exclusive: omdb"
    assert document["plot"]["chosen"]["rule"] == "authority: tmdb > omdb"
    providers = {c["provider"] for c in document["plot"]["candidates"]}
    assert {"tmdb", "omdb"} <= providers
    one = cli("inspect", str(movie), "plot", "--json")
    assert list(one) == ["plot"]
    text = cli("inspect", str(movie), "plot")
    assert "rule: authority: tmdb > omdb" in text
    cli("inspect", str(movie), "nonsense", code=2)
    cli("inspect", "999", code=2)


def test_preview_writes_nothing_then_enrich_applies_it_from_the_cache(cli: Cli) -> None:
    movie = add_inception(cli)
    preview = cli("enrich", str(movie), "--preview", "--json")
    [result] = preview["results"]
    assert result["preview"] is True and result["status"] == "enriched"
    assert preview["preview"]["fields"]["plot"] == 1
    assert cli("show", str(movie), "--json")["fields"]["plot"]["value"] is None
    assert cli("history", str(movie), "--json") == []
    before = requests(cli)
    applied = cli("enrich", str(movie), "--cache-only", "--fields", "plot,runtime", "--json")
    assert requests(cli) == before
    [done] = applied["results"]
    assert sorted(c["field"] for c in done["changed_fields"]) == ["plot", "runtime"]
    planned = {c["field"]: c["new"] for c in result["changed_fields"]}
    assert {c["field"]: c["new"] for c in done["changed_fields"]} == {
        "plot": planned["plot"],
        "runtime": planned["runtime"],
    }
    rest = cli("enrich", str(movie), "--json")  # the fresh cache: no request either
    assert requests(cli) == before
    assert "cast" in {c["field"] for c in rest["results"][0]["changed_fields"]}
    cli("enrich", str(movie), "--fields", "nonsense", code=2)
    cli("enrich", str(movie), "--cache-only", "--force", code=2)


def test_undo_restores_and_a_second_undo_says_nothing_left(cli: Cli) -> None:
    movie = add_inception(cli)
    cli("enrich", str(movie), "--json")
    undone = cli("undo", str(movie), "--json")
    assert undone["status"] == "undone" and undone["history_entry"] is not None
    assert {c["field"] for c in undone["restored"]} >= {"plot", "runtime"}
    shown = cli("show", str(movie), "--json")["fields"]
    assert shown["plot"]["value"] is None and shown["plot"]["locked"]
    assert shown["title"]["value"] == "Inception"
    history = cli("history", str(movie), "--json")
    assert history[0]["mode"] == "undo"
    again = cli("undo", str(movie), "--json")
    assert again["status"] == "nothing_to_undo"
    assert "Nothing left to undo" in cli("undo", str(movie))
    assert len(cli("history", str(movie), "--json")) == len(history)
    cli("undo", "999", code=2)


def test_undoing_the_refresh_that_identified_the_movie_keeps_its_identity_unlocked(cli: Cli) -> None:
    movie = cli("library", "add", "--title", "Alien", "--year", "1979", "--json")["id"]
    cli("enrich", str(movie), "--json")  # not identified yet: the refresh identifies it on the way
    found = cli("show", str(movie), "--json")
    assert found["ids"]["tmdb"] == 348 and found["status"] == "identified"
    undone = cli("undo", str(movie), "--json")
    assert "plot" in {c["field"] for c in undone["restored"]}
    ids = {"tmdb_id", "imdb_id", "tvdb_id"}
    assert not ids & {c["field"] for c in undone["restored"]} and not ids & set(undone["locked"])
    shown = cli("show", str(movie), "--json")
    assert shown["ids"] == found["ids"] and shown["status"] == "identified"
    assert not any(shown["fields"][name]["locked"] for name in ids)
    assert shown["fields"]["plot"]["value"] is None and shown["fields"]["plot"]["locked"]
    assert cli("undo", str(movie), "--json")["status"] == "nothing_to_undo"


def test_a_locked_empty_id_stays_empty_through_identification(cli: Cli) -> None:
    movie = cli("library", "add", "--title", "Alien", "--year", "1979", "--imdb", "tt0078748", "--json")["id"]
    cli("lock", str(movie), "tmdb_id")
    identified = cli("identify", str(movie), "--json")
    assert identified["status"] == "identified" and identified["ids"]["tmdb"] is None
    assert cli("show", str(movie), "--json")["ids"]["tmdb"] is None
    cli("identify", str(movie), "--select", "tmdb:348", "--json", code=1)  # refused: nothing changed
    assert cli("show", str(movie), "--json")["ids"]["tmdb"] is None
