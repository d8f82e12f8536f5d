"""The movie NFO Metarr writes: one document that Kodi (v19-21) and Jellyfin both read the same way.

Pure: canonical movie fields in, UTF-8 bytes out, and a merge into an existing document (an NFO
written by Kodi, tinyMediaManager, MediaElch, Jellyfin or by hand) that keeps every tag Metarr does
not manage where it was. `core/nfo.py` is the scanner's reader; `read_nfo_movie` here reads back
what this module writes (the round-trip tests and the Files tab's "on disk" side use it).

The rules, from the players' own readers (Kodi's ``CVideoInfoTag::Load``, Jellyfin's
``BaseNfoParser`` / ``MovieNfoParser``):

- ``<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`` and a ``<movie>`` root.
- One ``<uniqueid type="imdb|tmdb|tvdb">`` per known id, exactly one ``default="true"``: IMDb,
  else TMDB, else TVDB (Kodi's default id). ``<id>`` is written only for an IMDb id: Jellyfin's
  movie parser reads ``<id>`` as IMDb only when it starts with ``tt``; Kodi reads it as the default
  id of the default scraper.
- ``<ratings>``: each ``<rating name max default>`` with ``<value>`` (dot decimals, always) and
  ``<votes>``. Kodi uses the one marked ``default``; Jellyfin ignores ``default``, reads each
  rating's value into the community rating (or, for a name holding "tomato", the critic rating) and
  so keeps the *last* one. The preferred 10-point rating is therefore written last and marked
  default; Rotten Tomatoes is also written as ``<criticrating>`` (0-100).
- ``<runtime>`` in minutes; ``<premiered>`` as YYYY-MM-DD and ``<year>``; ``<mpaa>`` for the
  certification (neither player reads ``<certification>``).
- One ``<genre>``, ``<country>``, ``<studio>``, ``<director>``, ``<credits>`` per value;
  ``<set><name/><overview/></set>`` (always with a name); ``<actor>`` with name, role, order, thumb.
- ``<trailer>`` as ``plugin://plugin.video.youtube/play/?video_id=ID``, the only form Jellyfin
  turns into a trailer (Kodi plays it through its YouTube add-on); a trailer elsewhere than YouTube
  is written as its URL (Kodi plays it, Jellyfin ignores it).

Round trip (`merge_nfo`): a managed tag replaces the first element of that tag where it stood (the
others of that tag go); a managed tag the document lacks is inserted after the managed tag that
precedes it in `ELEMENT_ORDER`; a managed tag for which Metarr has no value keeps what the document
had (Metarr never erases what someone else wrote) unless it is in `erase`, the tags the caller knows
Metarr wrote there itself (`erasable_tags`): those go, so a field the user emptied leaves the NFO.
Comments survive; layout is re-indented.
Untrusted XML is parsed with defusedxml: no entity expansion, no external entities, no DTD fetch.
"""

from __future__ import annotations

import hashlib
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Collection
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import defusedxml.ElementTree as SafeET
from defusedxml.common import DefusedXmlException

DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
YOUTUBE_PLUGIN = "plugin://plugin.video.youtube/play/?video_id="

#: Rating names Kodi's scrapers and tinyMediaManager use (Kodi shows them; Jellyfin matches "tomato").
RATING_NAMES: dict[str, str] = {
    "imdb": "imdb",
    "tmdb": "themoviedb",
    "rotten_tomatoes": "tomatometerallcritics",
    "metacritic": "metacritic",
}

#: The managed top-level elements, in the order Metarr writes them (Kodi's own export order).
ELEMENT_ORDER: tuple[str, ...] = (
    "title",
    "originaltitle",
    "sorttitle",
    "ratings",
    "criticrating",
    "outline",
    "plot",
    "tagline",
    "runtime",
    "mpaa",
    "id",
    "uniqueid",
    "genre",
    "country",
    "set",
    "credits",
    "director",
    "premiered",
    "year",
    "studio",
    "trailer",
    "actor",
)
#: Tags Metarr owns in a merged document: a legacy top-level ``<rating>`` would win Jellyfin's
#: last-wins reading against ``<ratings>``, so it is managed (and replaced by nothing) too.
MANAGED_TAGS: frozenset[str] = frozenset({*ELEMENT_ORDER, "rating"})

_YOUTUBE_ID = re.compile(
    r"(?:youtube\.com/(?:watch\?(?:.*&)?v=|embed/|shorts/)|youtu\.be/|video_id=|videoid=)([A-Za-z0-9_-]{6,})"
)
#: Characters XML 1.0 cannot hold (control characters other than tab, newline, carriage return).
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class NfoWriteError(ValueError):
    """An existing document that cannot be merged (not XML, or not a ``<movie>``)."""


@dataclass(frozen=True, slots=True)
class NfoRating:
    """One rating: `source` is a key of `RATING_NAMES` (or any name), `max` its scale."""

    source: str
    value: float
    max: int = 10
    votes: int | None = None

    @property
    def name(self) -> str:
        return RATING_NAMES.get(self.source, self.source)


@dataclass(frozen=True, slots=True)
class NfoActor:
    name: str
    role: str | None = None
    order: int | None = None
    thumb: str | None = None


@dataclass(frozen=True, slots=True)
class NfoMovie:
    """What Metarr writes into a movie NFO (the canonical fields, in the players' terms).

    Attributes:
        ratings: in any order; `preferred_rating` names the source both players must show.
        trailer: a YouTube URL or id (written in the plug-in form), or any other URL.
        critic_rating: Rotten Tomatoes' 0-100 score.
    """

    title: str | None = None
    original_title: str | None = None
    sort_title: str | None = None
    plot: str | None = None
    outline: str | None = None
    tagline: str | None = None
    runtime: int | None = None
    premiered: str | None = None
    year: int | None = None
    mpaa: str | None = None
    genres: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    studios: tuple[str, ...] = ()
    directors: tuple[str, ...] = ()
    credits: tuple[str, ...] = ()
    set_name: str | None = None
    set_overview: str | None = None
    actors: tuple[NfoActor, ...] = ()
    trailer: str | None = None
    imdb_id: str | None = None
    tmdb_id: int | None = None
    tvdb_id: int | None = None
    ratings: tuple[NfoRating, ...] = ()
    critic_rating: int | None = None
    preferred_rating: str = "imdb"


# --------------------------------------------------------------------------------------------------
# From the canonical fields
# --------------------------------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = _INVALID_XML.sub("", str(value)).strip()
    return text or None


def _texts(values: Any) -> tuple[str, ...]:
    if not isinstance(values, list | tuple):
        values = [values] if values is not None else []
    out: list[str] = []
    for value in values:
        text = _text(value if not isinstance(value, Mapping) else value.get("name"))
        if text is not None and text not in out:
            out.append(text)
    return tuple(out)


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return round(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _float(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def youtube_id(trailer: str) -> str | None:
    """The YouTube video id in a watch/embed/short URL or a plug-in URL (or a bare id)."""
    if match := _YOUTUBE_ID.search(trailer):
        return match.group(1)
    if re.fullmatch(r"[A-Za-z0-9_-]{11}", trailer):
        return trailer
    return None


def trailer_value(trailer: str) -> str:
    """What ``<trailer>`` holds: the YouTube plug-in form when the trailer is on YouTube."""
    video = youtube_id(trailer)
    return YOUTUBE_PLUGIN + video if video else trailer


def movie_from_fields(fields: Mapping[str, Any], *, preferred_rating: str = "imdb") -> NfoMovie:
    """The NFO content of a movie from its canonical fields (CONTRACT.md names).

    The fields are the movie's current values, those the user edited or locked included: a locked
    or edited field is written exactly as the user has it. ``collection`` may be a name or a
    ``{"name", "overview"}`` object.
    """
    ratings: list[NfoRating] = []
    for source, value_key, votes_key, scale in (
        ("imdb", "imdb_rating", "imdb_votes", 10),
        ("tmdb", "tmdb_rating", "tmdb_votes", 10),
        ("rotten_tomatoes", "rotten_tomatoes_score", None, 100),
        ("metacritic", "metacritic_score", None, 100),
    ):
        value = _float(fields.get(value_key))
        if value is None:
            continue
        votes = _int(fields.get(votes_key)) if votes_key else None
        ratings.append(NfoRating(source, value, scale, votes))
    collection = fields.get("collection")
    set_name = set_overview = None
    if isinstance(collection, Mapping):
        set_name, set_overview = _text(collection.get("name")), _text(collection.get("overview"))
    else:
        set_name = _text(collection)
    actors: list[NfoActor] = []
    for index, person in enumerate(fields.get("cast") or []):
        if isinstance(person, Mapping) and (name := _text(person.get("name"))):
            order = _int(person.get("order"))
            actors.append(
                NfoActor(
                    name,
                    _text(person.get("role")),
                    order if order is not None else index,
                    _text(person.get("thumb")),
                )
            )
    release = _text(fields.get("release_date"))
    premiered = release[:10] if release and _DATE.match(release[:10]) else None
    year = _int(fields.get("year"))
    if year is None and premiered:
        year = int(premiered[:4])
    trailer = _text(fields.get("trailer"))
    return NfoMovie(
        title=_text(fields.get("title")),
        original_title=_text(fields.get("original_title")),
        sort_title=_text(fields.get("sort_title")),
        plot=_text(fields.get("plot")),
        outline=_text(fields.get("outline")),
        tagline=_text(fields.get("tagline")),
        runtime=_int(fields.get("runtime")),
        premiered=premiered,
        year=year,
        mpaa=_text(fields.get("content_rating")),
        genres=_texts(fields.get("genres")),
        countries=_texts(fields.get("countries")),
        studios=_texts(fields.get("studios")),
        directors=_texts(fields.get("directors")),
        credits=_texts(fields.get("writers")),
        set_name=set_name,
        set_overview=set_overview if set_name else None,
        actors=tuple(actors),
        trailer=trailer_value(trailer) if trailer else None,
        imdb_id=_text(fields.get("imdb_id")),
        tmdb_id=_int(fields.get("tmdb_id")),
        tvdb_id=_int(fields.get("tvdb_id")),
        ratings=tuple(ratings),
        critic_rating=_int(fields.get("rotten_tomatoes_score")),
        preferred_rating=preferred_rating,
    )


# --------------------------------------------------------------------------------------------------
# To elements
# --------------------------------------------------------------------------------------------------


def format_number(value: float) -> str:
    """A rating as text with a dot decimal whatever the locale: 8.8, 7, 6.25."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def ordered_ratings(movie: NfoMovie) -> list[tuple[NfoRating, bool]]:
    """The ratings in writing order with their `default` flag: the 100-point scores first, other
    10-point ratings next, the preferred one last and default (see the module's rules)."""
    if not movie.ratings:
        return []
    ten_point = [r for r in movie.ratings if r.max == 10]
    preferred = next((r for r in ten_point if r.source == movie.preferred_rating), None)
    if preferred is None:
        preferred = ten_point[0] if ten_point else movie.ratings[-1]
    rest = [r for r in movie.ratings if r is not preferred]
    rest.sort(key=lambda r: 0 if r.max != 10 else 1)
    return [(r, False) for r in rest] + [(preferred, True)]


def default_id(movie: NfoMovie) -> str | None:
    """Which uniqueid is the default: IMDb, else TMDB, else TVDB."""
    if movie.imdb_id:
        return "imdb"
    if movie.tmdb_id is not None:
        return "tmdb"
    if movie.tvdb_id is not None:
        return "tvdb"
    return None


def _element(tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.Element(tag, attributes)
    if text is not None:
        element.text = text
    return element


def _sub(parent: ET.Element, tag: str, text: str | None) -> None:
    if text is not None:
        ET.SubElement(parent, tag).text = text


def managed_elements(movie: NfoMovie) -> dict[str, list[ET.Element]]:
    """Every managed tag Metarr has a value for, with its elements (in `ELEMENT_ORDER`)."""
    out: dict[str, list[ET.Element]] = {}

    def put(tag: str, *elements: ET.Element) -> None:
        if elements:
            out[tag] = list(elements)

    def simple(tag: str, value: str | int | None) -> None:
        if value is not None and str(value) != "":
            put(tag, _element(tag, str(value)))

    def each(tag: str, values: tuple[str, ...]) -> None:
        put(tag, *(_element(tag, value) for value in values))

    simple("title", movie.title)
    simple("originaltitle", movie.original_title)
    simple("sorttitle", movie.sort_title)
    ratings = ordered_ratings(movie)
    if ratings:
        container = ET.Element("ratings")
        for rating, is_default in ratings:
            item = ET.SubElement(
                container,
                "rating",
                {"name": rating.name, "max": str(rating.max), "default": "true" if is_default else "false"},
            )
            _sub(item, "value", format_number(rating.value))
            _sub(item, "votes", str(rating.votes) if rating.votes is not None else None)
        put("ratings", container)
    simple("criticrating", movie.critic_rating)
    simple("outline", movie.outline)
    simple("plot", movie.plot)
    simple("tagline", movie.tagline)
    simple("runtime", movie.runtime)
    simple("mpaa", movie.mpaa)
    simple("id", movie.imdb_id)
    chosen = default_id(movie)
    uniques = []
    for kind, value in (("imdb", movie.imdb_id), ("tmdb", movie.tmdb_id), ("tvdb", movie.tvdb_id)):
        if value is not None and str(value) != "":
            attributes = {"type": kind}
            if kind == chosen:
                attributes["default"] = "true"
            uniques.append(_element("uniqueid", str(value), **attributes))
    put("uniqueid", *uniques)
    each("genre", movie.genres)
    each("country", movie.countries)
    if movie.set_name:
        container = ET.Element("set")
        _sub(container, "name", movie.set_name)
        _sub(container, "overview", movie.set_overview)
        put("set", container)
    each("credits", movie.credits)
    each("director", movie.directors)
    simple("premiered", movie.premiered)
    simple("year", movie.year)
    each("studio", movie.studios)
    simple("trailer", movie.trailer)
    actors = []
    for actor in movie.actors:
        element = ET.Element("actor")
        _sub(element, "name", actor.name)
        _sub(element, "role", actor.role)
        _sub(element, "order", str(actor.order) if actor.order is not None else None)
        _sub(element, "thumb", actor.thumb)
        actors.append(element)
    put("actor", *actors)
    return out


def _serialise(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return (DECLARATION + "\n" + body + "\n").encode("utf-8")


def render_nfo(movie: NfoMovie) -> bytes:
    """A fresh NFO document for `movie` (UTF-8 bytes)."""
    root = ET.Element("movie")
    for elements in managed_elements(movie).values():
        root.extend(elements)
    return _serialise(root)


# --------------------------------------------------------------------------------------------------
# Reading (untrusted) and merging
# --------------------------------------------------------------------------------------------------


def parse_document(data: bytes | str) -> ET.Element:
    """The root of an NFO document, parsed safely; comments are kept.

    A URL after the closing ``</movie>`` (Kodi allows one) is ignored here. Raises `NfoWriteError`
    when the text is not XML, forbids safe parsing (entities, DTDs) or has no ``<movie>`` root.
    """
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    text = text.lstrip("\ufeff").strip()
    end = text.rfind("</movie>")
    if end != -1:
        text = text[: end + len("</movie>")]
    parser = SafeET.DefusedXMLParser(target=ET.TreeBuilder(insert_comments=True))
    try:
        parser.feed(text)
        root: ET.Element = parser.close()
    except DefusedXmlException as exc:
        raise NfoWriteError(
            f"the NFO file uses XML features that are not allowed ({type(exc).__name__})"
        ) from exc
    except ET.ParseError as exc:
        raise NfoWriteError(f"the NFO file is not valid XML ({exc})") from exc
    if root.tag != "movie":
        raise NfoWriteError(f"the NFO file's root is <{root.tag}>, not <movie>")
    return root


def merge_nfo(existing: bytes | str, movie: NfoMovie, erase: Collection[str] = ()) -> bytes:
    """`existing` with Metarr's managed tags replaced in place (see the module's rules); a managed
    tag in `erase` for which Metarr has no value is dropped, every element of it."""
    root = parse_document(existing)
    new = managed_elements(movie)
    children = list(root)
    placed: set[str] = set()
    out: list[ET.Element] = []
    for child in children:
        tag = child.tag if isinstance(child.tag, str) else None
        if tag is None or tag not in MANAGED_TAGS:
            out.append(child)
            continue
        kept = tag not in new and tag != "rating" and tag not in erase
        if tag in placed:
            if kept:
                out.append(child)  # nothing of ours: every element of that tag stays
            continue
        placed.add(tag)
        if tag in new:
            out.extend(new[tag])
        elif kept:
            out.append(child)
    for position, tag in enumerate(ELEMENT_ORDER):
        if tag in placed or tag not in new:
            continue
        anchor = -1
        for earlier in reversed(ELEMENT_ORDER[:position]):
            indexes = [i for i, e in enumerate(out) if e.tag == earlier]
            if indexes:
                anchor = indexes[-1]
                break
        if anchor == -1:
            later = [i for i, e in enumerate(out) if e.tag in ELEMENT_ORDER[position + 1 :]]
            at = later[0] if later else len(out)
        else:
            at = anchor + 1
        out[at:at] = new[tag]
        placed.add(tag)
    fresh = ET.Element("movie", dict(root.attrib))
    fresh.text = root.text
    fresh.extend(out)
    return _serialise(fresh)


#: The version of what `write_nfo` makes of a movie. Bump it whenever the same movie and the same
#: document would give other bytes (a new tag, another layout): `source_hash` changes with it, so
#: a publish renders every NFO again instead of trusting one it wrote before.
#: 2: a managed tag Metarr wrote and no longer has a value for is dropped (`erase`), no longer kept.
NFO_FORMAT = 2


def source_hash(movie: NfoMovie) -> str:
    """A hash of everything `write_nfo` builds from besides the document itself: the same hash over
    a document Metarr wrote from it gives the same bytes again (the writer is idempotent)."""
    return hashlib.sha256(f"{NFO_FORMAT}:{movie!r}".encode()).hexdigest()


def write_nfo(movie: NfoMovie, existing: bytes | None = None, erase: Collection[str] = ()) -> bytes:
    """The bytes to write: a merge into `existing` when there is one (dropping the tags of `erase`
    Metarr has no value for), else a fresh document."""
    return render_nfo(movie) if existing is None else merge_nfo(existing, movie, erase)


def _canonical(element: ET.Element) -> tuple[Any, ...]:
    """An element as a value, whatever its layout: tag, attributes, stripped text, children."""
    return (
        str(element.tag),
        tuple(sorted(element.attrib.items())),
        (element.text or "").strip(),
        tuple(_canonical(child) for child in element),
    )


def erasable_tags(existing: bytes | str, backup: bytes | str | None) -> frozenset[str]:
    """The managed tags Metarr wrote in `existing`, an NFO it has written before: all of them when
    it created the file (no `backup`), else those whose elements are not the backup's own (the
    original, another program's, that Metarr adopted). Nothing when either cannot be read."""
    if backup is None:
        return MANAGED_TAGS
    try:
        current, original = parse_document(existing), parse_document(backup)
    except NfoWriteError:
        return frozenset()
    theirs = {_canonical(e) for e in original if isinstance(e.tag, str) and e.tag in MANAGED_TAGS}
    return frozenset(
        e.tag
        for e in current
        if isinstance(e.tag, str) and e.tag in MANAGED_TAGS and _canonical(e) not in theirs
    )


def _all_text(root: ET.Element, tag: str) -> tuple[str, ...]:
    return tuple(t for e in root.findall(tag) if (t := (e.text or "").strip()))


def read_nfo_movie(data: bytes | str) -> NfoMovie:
    """Read back the managed content of an NFO (the inverse of `render_nfo` for what it writes)."""
    root = parse_document(data)

    def one(tag: str) -> str | None:
        element = root.find(tag)
        return (element.text or "").strip() or None if element is not None else None

    ids: dict[str, str] = {}
    for unique in root.findall("uniqueid"):
        kind = (unique.get("type") or "").strip().lower()
        if kind and (unique.text or "").strip():
            ids.setdefault(kind, (unique.text or "").strip())
    ratings: list[NfoRating] = []
    preferred = "imdb"
    sources = {name: source for source, name in RATING_NAMES.items()}
    for item in root.findall("ratings/rating"):
        value = _float((item.findtext("value") or "").replace(",", "."))
        if value is None:
            continue
        source = sources.get(item.get("name") or "", item.get("name") or "")
        rating = NfoRating(source, value, _int(item.get("max")) or 10, _int(item.findtext("votes")))
        ratings.append(rating)
        if (item.get("default") or "").lower() == "true":
            preferred = source
    set_element = root.find("set")
    set_name = set_overview = None
    if set_element is not None:
        set_name = (set_element.findtext("name") or set_element.text or "").strip() or None
        set_overview = (set_element.findtext("overview") or "").strip() or None
    actors = tuple(
        NfoActor(
            (a.findtext("name") or "").strip(),
            (a.findtext("role") or "").strip() or None,
            _int(a.findtext("order")),
            (a.findtext("thumb") or "").strip() or None,
        )
        for a in root.findall("actor")
        if (a.findtext("name") or "").strip()
    )
    return NfoMovie(
        title=one("title"),
        original_title=one("originaltitle"),
        sort_title=one("sorttitle"),
        plot=one("plot"),
        outline=one("outline"),
        tagline=one("tagline"),
        runtime=_int(one("runtime")),
        premiered=one("premiered"),
        year=_int(one("year")),
        mpaa=one("mpaa"),
        genres=_all_text(root, "genre"),
        countries=_all_text(root, "country"),
        studios=_all_text(root, "studio"),
        directors=_all_text(root, "director"),
        credits=_all_text(root, "credits"),
        set_name=set_name,
        set_overview=set_overview,
        actors=actors,
        trailer=one("trailer"),
        imdb_id=ids.get("imdb"),
        tmdb_id=_int(ids.get("tmdb")),
        tvdb_id=_int(ids.get("tvdb")),
        ratings=tuple(ratings),
        critic_rating=_int(one("criticrating")),
        preferred_rating=preferred,
    )


def unmanaged_tags(data: bytes | str) -> list[str]:
    """The top-level tags of a document that Metarr does not manage, in document order."""
    return [c.tag for c in parse_document(data) if isinstance(c.tag, str) and c.tag not in MANAGED_TAGS]
