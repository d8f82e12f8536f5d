"""`identify --select` finishes the job (enriched from the look-up's answers, no second request),
locked ids hold, and every answer says why."""

from __future__ import annotations

from tests.helpers.sandbox import Cli
from tests.helpers.sandbox import sandbox_factory  # noqa: F401 - a fixture


def test_choosing_a_candidate_enriches_from_the_answers_already_fetched(cli: Cli) -> None:
    cli("library", "add", "--title", "The Thing")
    ambiguous = cli("identify", "1", "--json")
    assert ambiguous["why"]["outcome"] == "ambiguous"
    assert ambiguous["why"]["query"]["normalised"] == "the thing"
    assert "one year off" in ambiguous["why"]["year_rule"]
    assert "lost_because" in ambiguous["why"]["runner_up"]
    before = cli.server.stats.snapshot()["total"]  # type: ignore[attr-defined]
    chosen = cli("identify", "1", "--select", "tmdb:1091", "--json")
    during = cli.server.stats.snapshot()["total"] - before  # type: ignore[attr-defined]
    assert chosen["status"] == "identified" and chosen["why"]["rule"] == "the user's choice"
    enrichment = chosen["enrichment"]
    assert enrichment["status"] == "enriched"
    # The look-up's answers (TMDB, then TheTVDB completing the ids) are used as they are: the
    # enrichment asks over the network only a provider the look-up did not need (OMDb).
    assert set(enrichment["cached"]) >= {"tmdb", "tvdb"}
    assert set(enrichment["providers"]) <= {"omdb"}
    # An enrichment asked anew sends nothing either: every answer is fresh in the cache.
    again = cli("enrich", "1", "--json")
    assert again["summary"]["network_requests"] == 0
    shown = cli("show", "1", "--json")
    assert shown["last_enriched_at"] is not None
    assert during == cli.server.stats.snapshot()["total"] - before  # type: ignore[attr-defined]
    assert cli.server.stats.snapshot()["requests"].get("tmdb", 0) <= 4  # type: ignore[attr-defined]


def test_a_locked_id_holds_against_the_users_choice(cli: Cli) -> None:
    cli("library", "add", "--title", "The Thing", "--tmdb", "1091")
    cli("lock", "1", "tmdb_id")
    refused = cli("identify", "1", "--select", "tmdb:60935", "--json", code=1)
    assert refused["reason"] == "locked" and refused["ids"]["tmdb"] == 1091
    assert "metarr unlock 1 tmdb_id" in cli.err  # type: ignore[attr-defined]
    assert cli("show", "1", "--json")["ids"]["tmdb"] == 1091
    cli("unlock", "1", "tmdb_id")
    assert cli("identify", "1", "--select", "tmdb:60935", "--json")["ids"]["tmdb"] == 60935


def test_show_has_the_latest_identification_decision_with_its_why(cli: Cli) -> None:
    cli("library", "add", "--title", "The Thing")
    assert cli("show", "1", "--json")["identification"] is None
    ambiguous = cli("identify", "1", "--json")
    stored = cli("show", "1", "--json")["identification"]
    assert (stored["status"], stored["reason"]) == ("needs_identification", "ambiguous")
    assert stored["why"] == ambiguous["why"] and stored["decided_at"]
    cli("identify", "1", "--select", "tmdb:1091", "--json")
    shown = cli("show", "1", "--json")
    assert shown["identification"]["status"] == "identified"
    assert shown["identification"]["why"]["rule"] == "the user's choice"
    assert shown["identification"]["ids"] == shown["ids"]
    assert "identification: identified at " in cli("show", "1")
