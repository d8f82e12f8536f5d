"""Folder and file names as Kodi, Jellyfin, Emby, Plex and Radarr users write them."""

from __future__ import annotations

import pytest

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.names import NameInfo
from metarr_desktop.core.names import is_generic_folder
from metarr_desktop.core.names import is_season_folder
from metarr_desktop.core.names import parse_name
from metarr_desktop.core.names import same_film


@pytest.mark.parametrize(
    ("name", "title", "year"),
    [
        # "Title - Subtitle (Year)": ":" is not allowed in file names
        ("Mad Max - Fury Road (2015)", "Mad Max: Fury Road", 2015),
        ("Dune - Part Two (2024)", "Dune: Part Two", 2024),
        ("Spider-Man - No Way Home (2021)", "Spider-Man: No Way Home", 2021),
        ("Star Wars Episode IV - A New Hope (1977)", "Star Wars Episode IV: A New Hope", 1977),
        # titles that are or hold numbers and years
        ("2001 - A Space Odyssey (1968)", "2001: A Space Odyssey", 1968),
        ("2001.A.Space.Odyssey.1968.1080p.BluRay.x264-AMIABLE", "2001 A Space Odyssey", 1968),
        ("1917 (2019)", "1917", 2019),
        ("1917", "1917", None),
        ("2012 (2009)", "2012", 2009),
        ("2012.2009.720p.BluRay.x264", "2012", 2009),
        ("(500) Days of Summer (2009)", "(500) Days of Summer", 2009),
        ("300 (2006)", "300", 2006),
        ("9 (2009)", "9", 2009),
        ("10 Cloverfield Lane (2016)", "10 Cloverfield Lane", 2016),
        ("Blade Runner 2049 (2017)", "Blade Runner 2049", 2017),
        ("Blade Runner 2049", "Blade Runner 2049", None),
        ("Blade.Runner.2049.2017.2160p.UHD.BluRay.x265-TERMiNAL", "Blade Runner 2049", 2017),
        # a leading number that looks like a resolution is part of the title
        ("1080 Degrees (2020)", "1080 Degrees", 2020),
        ("4K Ultra (2015)", "4K Ultra", 2015),
        ("720 Days", "720 Days", None),
        # release and plain forms
        ("The.Matrix.1999.720p.BluRay.x264-GRP", "The Matrix", 1999),
        ("The Matrix [1999]", "The Matrix", 1999),
        ("Inception (2010) [1080p]", "Inception", 2010),
        ("Se7en.1995.REMASTERED.1080p.BluRay", "Se7en", 1995),
        ("Amélie (2001)", "Amélie", 2001),
        ("Heat_1995_DVDRip_XviD", "Heat", 1995),
    ],
)
def test_titles_and_years(name: str, title: str, year: int | None) -> None:
    info = parse_name(name, max_year=2027)
    assert (info.title, info.year) == (title, year)


@pytest.mark.parametrize(
    ("name", "ids"),
    [
        ("Heat (1995) [imdbid-tt0113277]", ExternalIds(imdb="tt0113277")),  # Jellyfin
        ("Heat (1995) [tmdbid-949]", ExternalIds(tmdb=949)),  # Jellyfin
        ("Heat (1995) [tvdbid-1234]", ExternalIds(tvdb=1234)),  # Jellyfin
        ("Heat (1995) {imdb-tt0113277}", ExternalIds(imdb="tt0113277")),  # Plex
        ("Heat (1995) {tmdb-949}", ExternalIds(tmdb=949)),  # Plex, Radarr
        ("Heat (1995) [tmdbid=949]", ExternalIds(tmdb=949)),  # Emby
        ("Heat (1995) [imdbid=tt0113277]", ExternalIds(imdb="tt0113277")),  # Emby
        ("Heat (1995) (tmdbid-949)", ExternalIds(tmdb=949)),
        ("Heat (1995) {tmdb-949} {imdb-tt0113277}", ExternalIds(tmdb=949, imdb="tt0113277")),
        ("Heat.1995.tt0113277.1080p", ExternalIds(imdb="tt0113277")),  # a bare IMDb id
        ("tt0113277", ExternalIds(imdb="tt0113277")),
        ("Heat (1995) [TMDBID-949]", ExternalIds(tmdb=949)),
        ("Heat (1995) {tmdb-99999999999999999999}", ExternalIds()),  # 20 digits: not an id
    ],
)
def test_id_tags_in_every_form(name: str, ids: ExternalIds) -> None:
    info = parse_name(name)
    assert info.ids == ids
    if info.title is not None:
        assert info.title == "Heat" and info.year == 1995


@pytest.mark.parametrize(
    ("name", "title", "edition"),
    [
        ("Blade Runner (1982) {edition-Final Cut}", "Blade Runner", "Final Cut"),
        ("Alien (1979) {edition-Director's Cut}", "Alien", "Director's Cut"),
        ("Aliens (1986) - Extended Edition", "Aliens", "Extended Edition"),
        ("Aliens.1986.Theatrical.Cut.1080p.BluRay", "Aliens", "Theatrical Cut"),
        ("Apocalypse Now (1979) Redux", "Apocalypse Now", None),
        ("Amadeus (1984) - Director's Cut", "Amadeus", "Director's Cut"),
    ],
)
def test_editions(name: str, title: str, edition: str | None) -> None:
    info = parse_name(name)
    assert (info.title, info.edition) == (title, edition)


@pytest.mark.parametrize(
    ("name", "part"),
    [
        ("The Lord of the Rings - The Fellowship of the Ring (2001) - cd1", "1"),
        ("Lawrence of Arabia (1962) part2", "2"),
        ("Gone with the Wind (1939) - disc2", "2"),
        ("Gone with the Wind (1939)-pt1", "1"),
        ("Ben-Hur (1959) dvd2", "2"),
        ("Ben-Hur (1959) - cd.b", "b"),
        ("Dune - Part Two (2024)", None),  # a title, not a part
        ("Kill Bill Vol. 1 (2003)", None),
    ],
)
def test_parts_of_one_movie(name: str, part: str | None) -> None:
    assert parse_name(name).part == part


def test_tv_names() -> None:
    assert parse_name("Breaking.Bad.S01E01.720p.HDTV").episode
    assert parse_name("Breaking Bad - 1x01 - Pilot").episode
    assert not parse_name("2001 - A Space Odyssey (1968)").episode
    assert is_season_folder("Season 01") and is_season_folder("season.2") and is_season_folder("Specials")
    assert is_season_folder("S03") and not is_season_folder("Se7en")


def test_generic_folders() -> None:
    for name in ("Movies", "films", "Video", "Downloads", "4K"):
        assert is_generic_folder(name)
    assert not is_generic_folder("Alien (1979)")


def test_same_film() -> None:
    alien = NameInfo(title="Alien", year=1979)
    assert same_film(alien, NameInfo(title="alien", year=None))
    assert same_film(alien, NameInfo(title="Alien", year=1980))  # one year off: release years differ
    assert not same_film(NameInfo(title="Bad"), alien)
    assert not same_film(alien, NameInfo(title="Alien", year=2012))
    assert same_film(
        NameInfo(title="X", ids=ExternalIds(tmdb=348)), NameInfo(title="Alien", ids=ExternalIds(tmdb=348))
    )


def test_sort_keys_skip_leading_articles() -> None:
    from metarr_desktop.core.names import sort_key

    assert sort_key("The Matrix") == "matrix"
    assert sort_key("Les Misérables") == "miserables"
    assert sort_key("Der Untergang") == "untergang"
    assert sort_key("L'Avventura") == "avventura"
    assert sort_key("El Laberinto del Fauno") == "laberinto del fauno"
    assert sort_key("A") == "a" and sort_key("The") == "the"  # a title that is only an article
    assert sort_key("Theory of Everything") == "theory of everything"


@pytest.mark.parametrize(
    ("language", "title", "expected"),
    [
        ("de-DE", "Die Hard", "hard"),
        ("en-US", "Die Hard", "die hard"),  # "die" is no English article
        ("en", "Das Boot", "das boot"),
        ("de", "Das Boot", "boot"),
        ("de-AT", "Eine Frage der Ehre", "frage der ehre"),
        ("de-DE", "The Matrix", "matrix"),  # English articles in every language
        ("fr-FR", "Le Fabuleux Destin d'Amélie Poulain", "fabuleux destin d'amelie poulain"),
        ("fr-CA", "L'Arnaque", "arnaque"),
        ("fr", "Une nuit en enfer", "nuit en enfer"),
        ("en", "Les Misérables", "les miserables"),
        ("es-ES", "El laberinto del fauno", "laberinto del fauno"),
        ("es-419", "Los otros", "otros"),
        ("it-IT", "Il buono, il brutto, il cattivo", "buono, il brutto, il cattivo"),
        ("it", "Gli intoccabili", "intoccabili"),
        ("pt-BR", "O Auto da Compadecida", "auto da compadecida"),
        ("pt-PT", "Os Maias", "maias"),
        ("nl-NL", "De Aanslag", "aanslag"),
        ("nl", "Het Meisje met het Rode Haar", "meisje met het rode haar"),
        ("ja-JP", "The Ring", "ring"),  # a language without a list: English only
        ("ja-JP", "Der Untergang", "der untergang"),
        ("de-DE", "Die", "die"),  # a title that is only an article
    ],
)
def test_sort_keys_skip_the_articles_of_the_metadata_language(
    language: str, title: str, expected: str
) -> None:
    from metarr_desktop.core.names import sort_key

    assert sort_key(title, language) == expected


def test_the_article_sets() -> None:
    from metarr_desktop.core.names import ARTICLES_BY_LANGUAGE
    from metarr_desktop.core.names import SORT_ARTICLES
    from metarr_desktop.core.names import sort_articles

    assert sort_articles() == SORT_ARTICLES
    for language, own in ARTICLES_BY_LANGUAGE.items():
        articles = sort_articles(language)
        assert set(own) <= set(articles) and {"the ", "a ", "an "} <= set(articles), language
    assert sort_articles("ja") == ("the ", "a ", "an ")
