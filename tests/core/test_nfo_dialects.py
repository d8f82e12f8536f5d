"""NFO files as Kodi, Jellyfin, Emby, Radarr, tinyMediaManager and MediaElch write them."""

from __future__ import annotations

import pytest

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.nfo import NfoError
from metarr_desktop.core.nfo import parse_nfo

MATRIX = ExternalIds(tmdb=603, imdb="tt0133093")

KODI_V19 = """<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>
<movie>
    <title>The Matrix</title>
    <originaltitle>The Matrix</originaltitle>
    <year>1999</year>
    <uniqueid type="imdb" default="true">tt0133093</uniqueid>
    <uniqueid type="tmdb">603</uniqueid>
    <actor>
        <name>Keanu Reeves</name>
        <role>Neo</role>
        <tmdbid>6384</tmdbid>
        <imdbid>nm0000206</imdbid>
    </actor>
    <director tmdbid="9339">Lana Wachowski</director>
    <set>
        <name>The Matrix Collection</name>
        <tmdbcolid>2344</tmdbcolid>
        <tmdbid>2344</tmdbid>
    </set>
</movie>
"""

JELLYFIN = """<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<movie>
  <plot><![CDATA[A computer hacker learns about the true nature of reality.]]></plot>
  <title>The Matrix</title>
  <year>1999</year>
  <premiered>1999-03-30</premiered>
  <imdbid>tt0133093</imdbid>
  <tmdbid>603</tmdbid>
  <uniqueid type="Imdb">tt0133093</uniqueid>
  <uniqueid type="Tmdb">603</uniqueid>
</movie>"""

EMBY = """<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<movie>
  <title>The Matrix</title>
  <IMDB>tt0133093</IMDB>
  <TMDbId>603</TMDbId>
  <tvdbid>169</tvdbid>
</movie>"""

TMM_IDS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<movie xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <title>The Matrix</title>
  <ids>
    <entry>
      <key>imdb</key>
      <value xsi:type="xs:string">tt0133093</value>
    </entry>
    <entry>
      <key>tmdb</key>
      <value xsi:type="xs:int">603</value>
    </entry>
  </ids>
</movie>"""


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        (KODI_V19, MATRIX),
        (JELLYFIN, MATRIX),
        (EMBY, ExternalIds(tmdb=603, imdb="tt0133093", tvdb=169)),
        (TMM_IDS, MATRIX),
        ("<movie><ids><tmdb>603</tmdb><imdb>tt0133093</imdb></ids></movie>", MATRIX),
        (
            '<movie><uniqueid type="IMDB">tt0133093</uniqueid><uniqueid type="TMDB">603</uniqueid></movie>',
            MATRIX,
        ),
        ('<movie><uniqueid type="themoviedb">603</uniqueid></movie>', ExternalIds(tmdb=603)),
        ("<movie><id>tt0133093</id><tmdbId>603</tmdbId></movie>", MATRIX),  # Radarr-style casing
        ("<movie><id>603</id></movie>", ExternalIds(tmdb=603)),  # MediaElch: a number is TMDB's
        ("<Movie><ImdbId>tt0133093</ImdbId><TmdbId>603</TmdbId></Movie>", MATRIX),
        ("<movie><imdb>tt0133093</imdb><tmdb>603</tmdb></movie>", MATRIX),
        ("<movie><imdb_id>tt0133093</imdb_id><tmdb_id>603</tmdb_id></movie>", MATRIX),
        # ids of the actor, director and set are not the movie's
        (
            "<movie><actor><tmdbid>6384</tmdbid></actor><set><tmdbid>2344</tmdbid></set></movie>",
            ExternalIds(),
        ),
        # a link after the XML (Kodi), and links in the XML
        (
            "<movie><title>The Matrix</title></movie>\nhttps://www.imdb.com/title/tt0133093/",
            ExternalIds(imdb="tt0133093"),
        ),
        (
            "<movie><trailer>https://www.themoviedb.org/movie/603-the-matrix</trailer></movie>",
            ExternalIds(tmdb=603),
        ),
        # bad values are left out, the rest is used
        (
            "<movie><tmdbid>12345678901234567890</tmdbid><imdbid>tt0133093</imdbid></movie>",
            ExternalIds(imdb="tt0133093"),
        ),
        ('<movie><uniqueid type="imdb">garbage</uniqueid><tmdbid>²³</tmdbid></movie>', ExternalIds()),
    ],
)
def test_ids_in_every_dialect(text: str, ids: ExternalIds) -> None:
    assert parse_nfo(text).ids == ids


@pytest.mark.parametrize(
    "text",
    [
        "https://www.imdb.com/title/tt0133093/",
        "http://imdb.com/title/tt0133093",
        "Release notes\nIMDb: https://www.imdb.com/de/title/tt0133093/?ref_=fn_al_tt_1\nEnjoy",
        "https://www.themoviedb.org/movie/603-the-matrix\n",
    ],
)
def test_links_in_a_text_nfo(text: str) -> None:
    ids = parse_nfo(text).ids
    assert ids.imdb == "tt0133093" or ids.tmdb == 603


def test_title_year_edition_and_tv() -> None:
    info = parse_nfo(KODI_V19)
    assert (info.title, info.original_title, info.year, info.tv) == ("The Matrix", "The Matrix", 1999, False)
    assert parse_nfo("<movie><premiered>1999-03-30</premiered></movie>").year == 1999
    assert parse_nfo("<movie><year>²³</year></movie>").year is None
    assert parse_nfo("<movie><year>99999</year></movie>").year is None
    assert parse_nfo("<movie><edition>Director's Cut</edition></movie>").edition == "Director's Cut"
    assert parse_nfo("<tvshow><title>Breaking Bad</title></tvshow>").tv


@pytest.mark.parametrize(
    "text",
    [
        "",
        "<movie><title>broken</movie>",
        "just some words",
        # an entity expansion ("billion laughs") is refused, never expanded
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        "<movie><title>&lol2;</title></movie>",
        '<?xml version="1.0"?><!DOCTYPE movie [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        "<movie><title>&xxe;</title></movie>",
    ],
)
def test_bad_nfo_gives_a_clear_error(text: str) -> None:
    with pytest.raises(NfoError):
        parse_nfo(text)
