"""What a folder says about the movie in it: Kodi NFO files and "Title (Year)" names.

`parse_nfo` reads the ids from a Kodi movie NFO: `<uniqueid type="imdb|tmdb|tvdb">`, `<id>`,
`<imdbid>`, `<tmdbid>`, `<tvdbid>`, and also a bare IMDb or TMDB URL (Kodi accepts an NFO that holds
only a URL). It also picks up `<title>` and `<year>`. Malformed XML raises `NfoError` with a message;
the caller falls back to the folder name. `parse_name` parses folder and file names with guessit.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from guessit import guessit

from metarr_desktop.core.ids import ExternalIds, IdType, InvalidIdError, parse_id

_IMDB_URL = re.compile(r"imdb\.com/title/(tt\d{7,})", re.IGNORECASE)
_TMDB_URL = re.compile(r"themoviedb\.org/movie/(\d+)", re.IGNORECASE)
_BRACKET_ID = re.compile(r"[\[{](tmdb|imdb|tvdb)(?:id)?[-=]([a-z0-9]+)[\]}]", re.IGNORECASE)


class NfoError(ValueError):
    """An NFO file that cannot be read as XML or URL (bad input; the scan warns and goes on)."""


@dataclass(frozen=True, slots=True)
class FolderInfo:
    title: str | None = None
    year: int | None = None
    ids: ExternalIds = field(default_factory=ExternalIds)


def _with(ids: ExternalIds, kind: IdType, raw: str | None) -> ExternalIds:
    if not raw or not raw.strip():
        return ids
    try:
        return ids if ids.get(kind) is not None else ids.with_id(kind, raw.strip())
    except InvalidIdError:
        return ids


def _ids_from_urls(text: str, ids: ExternalIds) -> ExternalIds:
    if match := _IMDB_URL.search(text):
        ids = _with(ids, IdType.IMDB, match.group(1))
    if match := _TMDB_URL.search(text):
        ids = _with(ids, IdType.TMDB, match.group(1))
    return ids


def parse_nfo(text: str) -> FolderInfo:
    stripped = text.strip()
    if not stripped:
        raise NfoError("the NFO file is empty")
    if not stripped.startswith("<"):
        ids = _ids_from_urls(stripped, ExternalIds())
        if ids.is_empty():
            raise NfoError("the NFO file holds neither XML nor an IMDb/TMDB link")
        return FolderInfo(ids=ids)
    xml_part = stripped
    trailing = ""
    end = stripped.rfind("</movie>")
    if end != -1:  # Kodi allows a URL after the XML
        xml_part, trailing = stripped[: end + len("</movie>")], stripped[end + len("</movie>") :]
    try:
        root = ET.fromstring(xml_part)
    except ET.ParseError as exc:
        raise NfoError(f"the NFO file is not valid XML ({exc})") from exc
    ids = ExternalIds()
    for unique in root.iter("uniqueid"):
        kind = (unique.get("type") or "").strip().lower()
        if kind in {"imdb", "tmdb", "tvdb"}:
            ids = _with(ids, IdType(kind), unique.text)
    for tag, kind in (("imdbid", IdType.IMDB), ("tmdbid", IdType.TMDB), ("tvdbid", IdType.TVDB)):
        element = root.find(tag)
        if element is not None:
            ids = _with(ids, kind, element.text)
    plain = root.find("id")
    if plain is not None and plain.text:
        value = plain.text.strip()
        ids = _with(ids, IdType.IMDB if value.lower().startswith("tt") else IdType.TMDB, value)
    ids = _ids_from_urls(ET.tostring(root, encoding="unicode") + trailing, ids)
    title = (root.findtext("title") or "").strip() or None
    year_text = (root.findtext("year") or "").strip()
    year = int(year_text) if year_text.isdigit() else None
    return FolderInfo(title=title, year=year, ids=ids)


def parse_name(name: str) -> FolderInfo:
    """Title, year and any "[tmdb-123]"-style id from a folder or file name."""
    ids = ExternalIds()
    for kind, value in _BRACKET_ID.findall(name):
        try:
            ids = ids.with_id(kind.lower(), parse_id(kind.lower(), value))
        except InvalidIdError:
            continue
    guess = guessit(_BRACKET_ID.sub(" ", name), {"type": "movie"})
    title = guess.get("title")
    year = guess.get("year")
    return FolderInfo(
        title=str(title) if title else None,
        year=int(year) if isinstance(year, int) else None,
        ids=ids,
    )
