"""Issue 18 end to end against the sandbox: a German user's refresh, the language rule, the
certification country and style, and a language switch with a forced refresh (locks hold)."""

from __future__ import annotations

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.sandbox import SandboxServer
from metarr_desktop.services.enrichment import EnrichOptions
from metarr_desktop.services.library_suite import LibrarySuite

MATRIX = ExternalIds(tmdb=603, imdb="tt0133093")


def tmdb_requests(server: SandboxServer) -> int:
    return int(server.stats.snapshot()["requests"].get("tmdb", 0))


def german(suite: LibrarySuite) -> None:
    settings = suite.app.user_settings
    settings.set("metadata.language", "de-DE")
    settings.set("metadata.certification_countries", ["DE", "US"])
    settings.set("metadata.certification_style", "named")


async def test_a_german_refresh_takes_german_text_and_the_german_certification(
    suite: LibrarySuite, server: SandboxServer
) -> None:
    german(suite)
    movie = suite.library.add("The Matrix", year=1999, ids=MATRIX)
    await suite.enrichment.enrich(movie.id)
    stored = suite.app.movies.require(movie.id).fields
    assert stored["title"] == "Matrix"
    assert stored["plot"].startswith("Ein Hacker erfährt")
    assert stored["tagline"] == "Willkommen in der realen Welt."
    assert stored["content_rating"] == "FSK 16"  # DE before US, though OMDb (US "R") comes first
    sources = suite.app.movies.field_sources(movie.id)
    assert (sources["plot"].provider, sources["plot"].language) == ("tmdb", "de-DE")
    assert sources["content_rating"].provider == "tmdb"


async def test_a_missing_translation_falls_back_field_by_field(suite: LibrarySuite) -> None:
    """Toy Story has no Japanese entry: the title is the original, the plot the English one."""
    suite.app.user_settings.set("metadata.language", "ja-JP")
    movie = suite.library.add("Toy Story", year=1995, ids=ExternalIds(tmdb=862, imdb="tt0114709"))
    await suite.enrichment.enrich(movie.id)
    sources = suite.app.movies.field_sources(movie.id)
    stored = suite.app.movies.require(movie.id).fields
    assert stored["title"] == "Toy Story"
    assert sources["plot"].language in ("en", "en-US")


async def test_switching_language_and_forcing_a_refresh_spares_locked_fields(
    suite: LibrarySuite, server: SandboxServer
) -> None:
    movie = suite.library.add(
        "The Shawshank Redemption", year=1994, ids=ExternalIds(tmdb=278, imdb="tt0111161")
    )
    await suite.enrichment.enrich(movie.id)
    english = suite.app.movies.require(movie.id).fields
    assert english["title"] == "The Shawshank Redemption"
    suite.app.movies.lock(movie.id, "plot")
    before = tmdb_requests(server)
    german(suite)
    suite.app.user_settings.set(
        "metadata.fallback_languages", ["fr-CA", "fr", "es", "pt-BR", "original", "en"]
    )
    await suite.enrichment.enrich(movie.id, EnrichOptions(force=True))
    after = suite.app.movies.require(movie.id).fields
    assert after["title"] == "Die Verurteilten"
    assert after["tagline"].startswith("Angst kann dich")
    assert after["plot"] == english["plot"]  # locked
    assert tmdb_requests(server) - before == 1  # one request however long the chain


async def test_a_german_folder_name_is_identified(suite: LibrarySuite) -> None:
    """Searched in the metadata language, "Die Verurteilten (1994)" is The Shawshank Redemption."""
    german(suite)
    movie = suite.library.add("Die Verurteilten", year=1994)
    await suite.enrichment.enrich(movie.id)
    stored = suite.app.movies.require(movie.id)
    assert stored.ids.tmdb == 278
    assert stored.fields["title"] == "Die Verurteilten"
    assert stored.fields["original_title"] == "The Shawshank Redemption"


def requests_of(server: SandboxServer) -> dict[str, int]:
    return {k: int(v) for k, v in server.stats.snapshot()["requests"].items()}


async def test_a_language_switch_is_not_served_from_the_other_languages_cache(
    suite: LibrarySuite, server: SandboxServer
) -> None:
    """The cache is keyed by the request's languages: after a switch the next refresh (not forced)
    asks TMDB again (the film, and its collection's name: two requests however long the chain),
    while OMDb (English only) is served from the cache; German values replace English ones for
    unlocked fields, locked ones stay."""
    movie = suite.library.add("The Matrix", year=1999, ids=MATRIX)
    await suite.enrichment.enrich(movie.id)
    english = suite.app.movies.require(movie.id).fields
    assert english["title"] == "The Matrix"
    suite.app.movies.lock(movie.id, "tagline")
    before = requests_of(server)
    german(suite)
    suite.app.user_settings.set("metadata.fallback_languages", ["fr-CA", "fr", "es", "original", "en"])
    result = await suite.enrichment.enrich(movie.id)
    after = requests_of(server)
    assert after.get("tmdb", 0) - before.get("tmdb", 0) == 2
    assert after.get("omdb", 0) == before.get("omdb", 0)  # its English answer is the same in any language
    assert "tmdb" in result.providers and "omdb" in result.cached
    stored = suite.app.movies.require(movie.id).fields
    assert stored["title"] == "Matrix"
    assert stored["plot"].startswith("Ein Hacker erfährt")
    assert stored["tagline"] == english["tagline"]  # locked
    sources = suite.app.movies.field_sources(movie.id)
    assert (sources["outline"].provider, sources["outline"].language) == ("tmdb", "de-DE")
    assert (stored["collection"], sources["collection"].language) == ("Matrix Filmreihe", "de-DE")
    # And back: the English request is not served the German answer either (and an English chain
    # needs no collection request: the film's answer names it in English).
    suite.app.user_settings.set("metadata.language", "en-US")
    suite.app.user_settings.set("metadata.fallback_languages", ["en"])
    await suite.enrichment.enrich(movie.id)
    assert requests_of(server).get("tmdb", 0) - after.get("tmdb", 0) == 1
    back = suite.app.movies.require(movie.id).fields
    assert (back["title"], back["collection"]) == ("The Matrix", "The Matrix Collection")


async def test_the_collection_name_follows_the_fallback_chain(suite: LibrarySuite) -> None:
    """Toy Story's collection has no Spanish name: the chain's next language (French) names it;
    Dune's collection has no translation at all: its English name stays."""
    settings = suite.app.user_settings
    settings.set("metadata.language", "es-ES")
    settings.set("metadata.fallback_languages", ["fr", "en"])
    toy = suite.library.add("Toy Story", year=1995, ids=ExternalIds(tmdb=862, imdb="tt0114709"))
    await suite.enrichment.enrich(toy.id)
    assert suite.app.movies.require(toy.id).fields["collection"] == "Toy Story - Saga"
    assert suite.app.movies.field_sources(toy.id)["collection"].language == "fr-FR"
    dune = suite.library.add("Dune", year=2021, ids=ExternalIds(tmdb=438631, imdb="tt1160419"))
    await suite.enrichment.enrich(dune.id)
    assert suite.app.movies.require(dune.id).fields["collection"] == "Dune Collection"
