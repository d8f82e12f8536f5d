"""What a folder or file name says about the movie in it: title, year, ids, edition, part.

The forms are those Kodi, Jellyfin, Emby, Plex and Radarr document and write:

- "Title (Year)", "Title [Year]", "Title.Year.1080p.BluRay.x264-GROUP" (release style: the text
  before the last plausible year; without a year, the text before the first quality token such as
  ``1080p``, ``BluRay``, ``x264``; a leading number stays part of the title: "1080 Degrees");
- "Title - Subtitle (Year)", the usual form where ":" is not allowed: the title is "Title: Subtitle";
- titles that are or hold numbers: "1917 (2019)", "2012 (2009)", "2001 - A Space Odyssey (1968)",
  "(500) Days of Summer (2009)", "Blade Runner 2049 (2017)" (a year-like number is a year only when a
  title stands before it and it is not in the future);
- id tags anywhere: ``[imdbid-tt…]``, ``[tmdbid-…]``, ``[tvdbid-…]`` (Jellyfin), ``{imdb-tt…}``,
  ``{tmdb-…}``, ``{tvdb-…}`` (Plex, Radarr), ``[tmdbid=…]``/``[imdbid=…]`` (Emby), ``(tmdbid-…)``,
  and a bare IMDb id ``tt0113277``;
- editions: ``{edition-Director's Cut}`` (Plex) and the usual phrases ("Extended Edition",
  "Theatrical Cut", "Director's Cut", "Final Cut", "Unrated", ...);
- parts of one movie split over files: ``cd1``, ``part2``, ``pt1``, ``disc2``, ``dvd1``, also
  ``-cd.a`` style letters (Jellyfin's stacking rule), at the end of the file name;
- TV episodes (``S01E01``, ``1x01``) and season folders ("Season 01", "Specials").

Plain regular expressions on purpose: guessit (used before) took about 10 ms a name, which made a
first scan of 10,000 folders last minutes, and it cut "Mad Max - Fury Road" to "Mad Max", "Dune -
Part Two" to "Dune" and "(500) Days of Summer" to "Days of Summer".
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from dataclasses import field
from datetime import date

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.ids import IdType
from metarr_desktop.core.ids import InvalidIdError
from metarr_desktop.core.matching import titles_match

_TAG = re.compile(
    r"[\[{(]\s*(imdb|tmdb|tvdb)(?:id)?\s*[-=:]\s*(tt\d{7,9}|\d{1,10})\s*[\]})]", re.IGNORECASE | re.ASCII
)
_BARE_IMDB = re.compile(r"(?<![a-z0-9])(tt\d{7,9})(?![0-9])", re.IGNORECASE | re.ASCII)
_EDITION_TAG = re.compile(r"\{\s*edition\s*[-=]\s*([^}]{1,80})\}", re.IGNORECASE)
_EDITION_PHRASE = re.compile(
    r"(?<![a-z])("
    r"(?:director'?s|extended|theatrical|final|ultimate|special|collector'?s|anniversary|criterion|"
    r"uncut|unrated|uncensored|remastered|restored|imax|despecialized|international|producer'?s)"
    r"(?:[ ._-]+(?:cut|edition|version|release))"
    r"|unrated|uncut|remastered|imax"
    r")(?![a-z])",
    re.IGNORECASE,
)
#: Jellyfin's file stacking rule: the part of one movie split over several files.
_STACK = re.compile(
    r"^(?P<name>.*?)(?:(?<=[\])}])|[ _.-]+)[(\[]?(?P<kind>cd|dvd|part|pt|dis[ck])[ _.-]*"
    r"(?P<number>[0-9]{1,2}|[a-d])[)\]]?$",
    re.IGNORECASE,
)
_EPISODE = re.compile(r"(?<![a-z0-9])(s\d{1,2}[ ._-]?e\d{1,3}|\d{1,2}x\d{2,3})(?![0-9])", re.IGNORECASE)
_SEASON_FOLDER = re.compile(
    r"^(season[ ._-]*\d{1,3}|s\d{1,3}|specials|staffel[ ._-]*\d{1,3})$", re.IGNORECASE
)
#: Quality and release tokens (Jellyfin's CleanStrings, abridged): the title ends before them.
_QUALITY = re.compile(
    r"[ _,.()\[\]-](3d|hsbs|htab|hdr|hdr10|dv|uhd|4k|ac3|dts|dd5\.1|aac|divx|dvdrip|dvdscr|screener|cam|"
    r"hdtv|hdrip|webrip|web-dl|webdl|web|internal|limited|multi|subs|ntsc|pal|proper|repack|rerip|"
    r"retail|r5|bd5|bd|bdrip|brrip|bluray|blu-ray|remux|svcd|telesync|telecine|480p|480i|576p|576i|"
    r"720p|720i|1080p|1080i|2160p|hddvd|x264|x265|h264|h265|hevc|avc|xvid|10bit|truehd|atmos)"
    r"(?=[ _,.()\[\]-]|$)",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?<![0-9])(1[89][0-9]{2}|20[0-9]{2})(?![0-9])")
_BRACKETED = re.compile(r"\[[^\]]*\]|\{[^}]*\}")
_SPACES = re.compile(r"\s+")

#: Folder names that hold movies rather than being one (never a title).
GENERIC_FOLDERS = frozenset(
    {
        "movies",
        "movie",
        "films",
        "film",
        "filme",
        "video",
        "videos",
        "downloads",
        "download",
        "media",
        "library",
        "kino",
        "cinema",
        "new",
        "complete",
        "hd",
        "4k",
        "uhd",
        "1080p",
        "720p",
        "2160p",
        "bluray",
        "dvd",
        "unsorted",
        "torrents",
        "incoming",
        "completed",
    }
)


@dataclass(frozen=True, slots=True)
class NameInfo:
    """What one name says.

    Attributes:
        title: the title, with " - " read as ": " (None when the name has none).
        edition: "Director's Cut", "Extended Edition", ... (None for the plain film).
        part: the part number or letter of a movie split over files ("1", "2", "a").
        episode: True when the name is a TV episode's (S01E01, 1x01).
    """

    title: str | None = None
    year: int | None = None
    ids: ExternalIds = field(default_factory=ExternalIds)
    edition: str | None = None
    part: str | None = None
    episode: bool = False


#: Leading articles that sorting skips ("The Matrix" sorts under M), in the languages titles
#: most often come in.
SORT_ARTICLES = (
    "the ", "a ", "an ", "les ", "le ", "la ", "l'", "l’", "der ", "die ", "das ", "el ", "los ",
    "las ", "il ", "lo ", "gli ", "un ", "une ", "una ", "uno ", "ein ", "eine ", "het ",
)  # fmt: skip


#: The leading articles of each metadata language (its language subtag) that sorting skips; the
#: English ones are skipped in every language (English titles are everywhere). An article ending
#: in an apostrophe is elided onto the next word ("l'avventura").
ARTICLES_BY_LANGUAGE: dict[str, tuple[str, ...]] = {
    "en": ("the ", "a ", "an "),
    "de": ("der ", "die ", "das ", "ein ", "eine "),
    "fr": ("les ", "le ", "la ", "l'", "l’", "une ", "un "),
    "es": ("los ", "las ", "el ", "la ", "una ", "un "),
    "it": ("il ", "lo ", "la ", "i ", "gli ", "le ", "l'", "l’", "uno ", "una ", "un'", "un’", "un "),
    "pt": ("os ", "as ", "o ", "a ", "uma ", "um "),
    "nl": ("de ", "het ", "een ", "'t "),
}


@functools.cache
def sort_articles(language: str | None = None) -> tuple[str, ...]:
    """The articles skipped for `language` (a BCP 47 tag): its own (none for a language not listed),
    then the English ones. Without a language, `SORT_ARTICLES`: those of every common language."""
    if language is None:
        return SORT_ARTICLES
    own = ARTICLES_BY_LANGUAGE.get(language.split("-")[0].lower(), ())
    return tuple(dict.fromkeys((*own, *ARTICLES_BY_LANGUAGE["en"])))


def sort_key(title: str, language: str | None = None) -> str:
    """The text a title sorts by: case-folded, accents dropped, a leading article skipped (those
    of the metadata `language` and English, `sort_articles`: for a German user "Die Hard" sorts
    under H, for an English one under D)."""
    folded = title.casefold().strip()
    if not folded.isascii():
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    for article in sort_articles(language):
        if folded.startswith(article) and len(folded) > len(article):
            return folded[len(article) :].lstrip()
    return folded


def is_generic_folder(name: str) -> bool:
    return name.strip().lower() in GENERIC_FOLDERS


def is_season_folder(name: str) -> bool:
    return _SEASON_FOLDER.match(name.strip()) is not None


def is_episode(name: str) -> bool:
    return _EPISODE.search(name) is not None


def _ids_of(name: str) -> tuple[ExternalIds, str]:
    ids = ExternalIds()
    for kind, value in _TAG.findall(name):
        try:
            if ids.get(kind.lower()) is None:
                ids = ids.with_id(IdType(kind.lower()), value)
        except InvalidIdError:
            continue
    name = _TAG.sub(" ", name)
    for value in _BARE_IMDB.findall(name):
        try:
            if ids.imdb is None:
                ids = ids.with_id(IdType.IMDB, value)
        except InvalidIdError:
            continue
    return ids, _BARE_IMDB.sub(" ", name)


def _edition_of(name: str) -> tuple[str | None, str]:
    if match := _EDITION_TAG.search(name):
        return match.group(1).strip() or None, _EDITION_TAG.sub(" ", name)
    match = _EDITION_PHRASE.search(name)
    if match and match.start() > 0:  # a title stands before it ("Unrated" alone is not an edition)
        edition = re.sub(r"[._]+", " ", match.group(1)).strip()
        return _title_case(edition), name[: match.start()] + " " + name[match.end() :]
    return None, name


def _title_case(text: str) -> str:
    return " ".join(word[:1].upper() + word[1:].lower() for word in text.split())


def _clean(text: str, release_style: bool) -> str | None:
    if release_style:
        text = re.sub(r"[._]+", " ", text)
    text = _BRACKETED.sub(" ", text)
    text = _SPACES.sub(" ", text).strip(" -_.,")
    text = re.sub(r"\(\s*\)", "", text).strip(" -_.,")
    text = text.rstrip(" -_.,([{")
    text = re.sub(r"\s+-\s+", ": ", text)  # "Mad Max - Fury Road": ":" is not allowed in names
    text = _SPACES.sub(" ", text).strip()
    return text or None


def parse_name(name: str, *, max_year: int | None = None) -> NameInfo:
    """Title, year, ids, edition and part from a folder name or a file name without its extension.

    `max_year`: a four-digit number above it is part of the title ("Blade Runner 2049"); by default
    three years from today.
    """
    latest = max_year if max_year is not None else date.today().year + 3
    ids, rest = _ids_of(name)
    edition, rest = _edition_of(rest)
    part: str | None = None
    if stacked := _STACK.match(rest.strip()):
        part, rest = stacked.group("number").lower(), stacked.group("name")
        edition_after, rest = _edition_of(rest) if edition is None else (edition, rest)
        edition = edition_after
    episode_match = _EPISODE.search(rest)
    episode = episode_match is not None
    if episode_match is not None and re.search(r"\w", rest[: episode_match.start()]):
        rest = rest[: episode_match.start()]
    release_style = " " not in rest.strip() and bool(re.search(r"[._]", rest))
    year: int | None = None
    title_part = rest
    for match in reversed(list(_YEAR.finditer(rest))):
        value = int(match.group(1))
        before = rest[: match.start()]
        if value > latest or not re.search(r"\w", before):
            continue
        year, title_part = value, before
        break
    if year is None and (quality := _QUALITY.search(rest)) and re.search(r"\w", rest[: quality.start()]):
        title_part = rest[: quality.start()]
    elif (
        year is not None
        and (quality := _QUALITY.search(title_part))
        and re.search(r"\w", title_part[: quality.start()])
    ):
        title_part = title_part[: quality.start()]
    title = _clean(title_part, release_style)
    if title is not None and not re.search(r"\w", title):
        title = None
    return NameInfo(title=title, year=year, ids=ids, edition=edition, part=part, episode=episode)


def same_film(a: NameInfo, b: NameInfo) -> bool:
    """True when two names are of the same film: equal titles (after normalisation, a leading
    article not counting) or the same id, and no year or id that disagrees."""
    if a.year is not None and b.year is not None and abs(a.year - b.year) > 1:
        return False
    for kind in IdType:
        x, y = a.ids.get(kind), b.ids.get(kind)
        if x is not None and y is not None:
            return x == y
    return a.title is not None and b.title is not None and titles_match(a.title, b.title)
