"""Reading what an NFO file says about the movie in its folder (the reader; writing is elsewhere).

The dialects real writers use (Kodi, Jellyfin, Emby, Plex add-ons, Radarr, tinyMediaManager,
MediaElch), element names matched case-insensitively and without namespace prefixes:

- ``<uniqueid type="imdb|tmdb|tvdb">`` with any casing of ``type`` (also ``themoviedb``,
  ``thetvdb``); ``<id>`` (an IMDb id, or a TMDB id when it is a number); ``<imdb>``, ``<imdbid>``,
  ``<imdb_id>``, ``<tmdb>``, ``<tmdbid>``/``<tmdbId>``, ``<tmdb_id>``, ``<tvdb>``, ``<tvdbid>``;
  tinyMediaManager's ``<ids><entry><key>tmdb</key><value>603</value></entry></ids>`` and the
  ``<ids><tmdb>603</tmdb></ids>`` form;
- only the movie's own elements count: ids inside ``<actor>``, ``<director>``, ``<set>``,
  ``<credits>``, ``<fileinfo>`` and the like (any element below the root other than ``<ids>``) are
  someone else's;
- an NFO that holds only a link, or XML followed by a link (Kodi's "URL NFO"): IMDb title and TMDB
  movie addresses anywhere in the text;
- ``<title>``, ``<originaltitle>``, ``<year>`` (else the year of ``<premiered>`` or
  ``<releasedate>``), ``<edition>``; a root ``<tvshow>`` or ``<episodedetails>`` marks TV.

Parsed with defusedxml: a DTD, an entity (the "billion laughs") or an external reference is refused
as bad input, never expanded. Every bad value (an id of the wrong form, a 20-digit id, a year such
as "²³") is left out; malformed XML raises `NfoError` and the caller falls back to the names.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from dataclasses import field

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.ids import IdType
from metarr_desktop.core.ids import InvalidIdError
from metarr_desktop.core.names import NameInfo
from metarr_desktop.core.names import parse_name as _parse_name

_IMDB_URL = re.compile(r"imdb\.com/(?:[a-z]{2}/)?title/(tt\d{7,10})(?!\d)", re.IGNORECASE | re.ASCII)
_TMDB_URL = re.compile(r"themoviedb\.org/movie/(\d{1,10})(?!\d)", re.IGNORECASE | re.ASCII)
_ROOT_END = re.compile(r"</\s*(?:\w+:)?(movie|tvshow|episodedetails|video)\s*>", re.IGNORECASE)
_YEAR = re.compile(r"^\s*(1[89]\d\d|2\d\d\d)(?!\d)", re.ASCII)

#: Element name (lower case) -> the id kind it holds.
_ID_ELEMENTS = {
    "imdb": IdType.IMDB,
    "imdbid": IdType.IMDB,
    "imdb_id": IdType.IMDB,
    "tmdb": IdType.TMDB,
    "tmdbid": IdType.TMDB,
    "tmdb_id": IdType.TMDB,
    "themoviedb": IdType.TMDB,
    "tvdb": IdType.TVDB,
    "tvdbid": IdType.TVDB,
    "tvdb_id": IdType.TVDB,
    "thetvdb": IdType.TVDB,
}
#: ``uniqueid``'s ``type`` (lower case) -> kind.
_UNIQUE_TYPES = {**_ID_ELEMENTS, "movieDb".lower(): IdType.TMDB}


class NfoError(ValueError):
    """An NFO file that cannot be read as XML or URL (bad input; the scan warns and goes on)."""


@dataclass(frozen=True, slots=True)
class FolderInfo:
    """What a folder's NFO and names say about its movie.

    Attributes:
        edition: "Director's Cut", ... (None for the plain film).
        tv: True when it is a TV show or episode rather than a movie.
    """

    title: str | None = None
    year: int | None = None
    ids: ExternalIds = field(default_factory=ExternalIds)
    edition: str | None = None
    original_title: str | None = None
    tv: bool = False


def _local(tag: object) -> str:
    """An element's name, lower case, without namespace."""
    name = tag if isinstance(tag, str) else ""
    return name.rpartition("}")[2].rpartition(":")[2].lower()


def _with(ids: ExternalIds, kind: IdType | None, raw: str | None) -> ExternalIds:
    """`ids` with `raw` as its `kind` id, unless it already has one or `raw` is not such an id."""
    if kind is None or not raw or not raw.strip() or ids.get(kind) is not None:
        return ids
    try:
        return ids.with_id(kind, raw.strip())
    except InvalidIdError:
        return ids


def _ids_from_urls(text: str, ids: ExternalIds) -> ExternalIds:
    if match := _IMDB_URL.search(text):
        ids = _with(ids, IdType.IMDB, match.group(1))
    if match := _TMDB_URL.search(text):
        ids = _with(ids, IdType.TMDB, match.group(1))
    return ids


def _text(element: ET.Element) -> str:
    return (element.text or "").strip()


def _nested_ids(container: ET.Element, ids: ExternalIds) -> ExternalIds:
    """``<ids>``: tinyMediaManager's ``<entry><key>…</key><value>…</value></entry>`` or ``<tmdb>…``."""
    for child in container:
        name = _local(child.tag)
        if name == "entry":
            key = value = ""
            for part in child:
                if _local(part.tag) == "key":
                    key = _text(part).lower()
                elif _local(part.tag) == "value":
                    value = _text(part)
            ids = _with(ids, _UNIQUE_TYPES.get(key), value)
        else:
            ids = _with(ids, _ID_ELEMENTS.get(name), _text(child))
    return ids


def _year(text: str) -> int | None:
    match = _YEAR.match(text)
    return int(match.group(1)) if match else None


def parse_nfo(text: str) -> FolderInfo:
    """The ids, title, year and edition an NFO holds (see the module docstring); `NfoError` when it
    is neither XML nor a text with an IMDb or TMDB address."""
    stripped = text.strip().lstrip("\ufeff")
    if not stripped:
        raise NfoError("the NFO file is empty")
    if not stripped.startswith("<"):
        ids = _ids_from_urls(stripped, ExternalIds())
        if ids.is_empty():
            raise NfoError("the NFO file holds neither XML nor an IMDb/TMDB link")
        return FolderInfo(ids=ids)
    xml_part, trailing = stripped, ""
    ends = list(_ROOT_END.finditer(stripped))
    if ends:  # Kodi allows a URL after the XML
        xml_part, trailing = stripped[: ends[-1].end()], stripped[ends[-1].end() :]
    try:
        root = fromstring(xml_part)
    except DefusedXmlException as exc:
        reason = type(exc).__name__
        raise NfoError(f"the NFO file declares entities or a DTD, which are not read ({reason})") from exc
    except (ET.ParseError, ValueError) as exc:
        raise NfoError(f"the NFO file is not valid XML ({exc})") from exc
    ids = ExternalIds()
    title = original = edition = None
    year: int | None = None
    premiered: int | None = None
    url_text = [trailing]
    for child in root:  # only the movie's own elements: not its actors', director's or set's
        name = _local(child.tag)
        value = _text(child)
        if name == "uniqueid":
            kind = (child.get("type") or "").strip().lower()
            ids = _with(ids, _UNIQUE_TYPES.get(kind), value)
        elif name in _ID_ELEMENTS:
            ids = _with(ids, _ID_ELEMENTS[name], value)
        elif name == "id":
            ids = _with(ids, IdType.IMDB if value.lower().startswith("tt") else IdType.TMDB, value)
        elif name == "ids":
            ids = _nested_ids(child, ids)
        elif name == "title" and value and title is None:
            title = value
        elif name == "originaltitle" and value and original is None:
            original = value
        elif name == "year" and year is None:
            year = _year(value)
        elif name in {"premiered", "releasedate", "aired"} and premiered is None:
            premiered = _year(value)
        elif name == "edition" and value and edition is None:
            edition = value
        elif len(child) == 0 and name not in {"plot", "outline", "tagline"}:
            url_text.append(value)
    ids = _ids_from_urls("\n".join(url_text), ids)
    return FolderInfo(
        title=title,
        year=year if year is not None else premiered,
        ids=ids,
        edition=edition,
        original_title=original,
        tv=_local(root.tag) in {"tvshow", "episodedetails"},
    )


def parse_name(name: str) -> FolderInfo:
    """Title, year, ids and edition from a folder or file name (`core.names.parse_name`)."""
    return folder_info(_parse_name(name))


def folder_info(info: NameInfo) -> FolderInfo:
    return FolderInfo(title=info.title, year=info.year, ids=info.ids, edition=info.edition, tv=info.episode)
