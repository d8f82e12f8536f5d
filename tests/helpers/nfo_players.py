"""Test-only NFO readers that apply the players' own rules, to check what Metarr writes.

`kodi_read` follows Kodi's ``CVideoInfoTag::Load`` for movies: the ``<uniqueid>`` marked
``default="true"`` is the default id (else the first); the ``<rating>`` marked ``default`` wins
(else the first), its value normalised to 10 by ``max``; ``<premiered>`` gives the year when present,
``<year>`` otherwise.

`jellyfin_read` follows Jellyfin's ``BaseNfoParser`` / ``MovieNfoParser``: elements read in
document order; ``<uniqueid type>`` matched case-insensitively; every ``<ratings><rating>`` value
overwrites the community rating (a name holding "tomato" and not "audience" sets the critic rating
instead), so the *last* one wins; ``<id>`` is IMDb when it starts with ``tt``; ``<year>`` sets the
production year and ``<premiered>`` only fills it when unset.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from dataclasses import field


@dataclass
class PlayerView:
    ids: dict[str, str] = field(default_factory=dict)
    default_id: str | None = None
    title: str | None = None
    year: int | None = None
    rating: float | None = None
    critic_rating: float | None = None
    plot: str | None = None
    trailer: str | None = None


def _root(data: bytes) -> ET.Element:
    text = data.decode("utf-8")
    end = text.rfind("</movie>")
    return ET.fromstring(text[: end + len("</movie>")])


def kodi_read(data: bytes) -> PlayerView:
    root = _root(data)
    view = PlayerView(
        title=root.findtext("title"), plot=root.findtext("plot"), trailer=root.findtext("trailer")
    )
    uniques = root.findall("uniqueid")
    for unique in uniques:
        kind = unique.get("type") or "unknown"
        view.ids.setdefault(kind, (unique.text or "").strip())
        if unique.get("default") == "true" and view.default_id is None:
            view.default_id = kind
    if view.default_id is None and uniques:
        view.default_id = uniques[0].get("type")
    ratings = root.findall("ratings/rating")
    chosen = next((r for r in ratings if r.get("default") == "true"), ratings[0] if ratings else None)
    if chosen is not None:
        value = float(chosen.findtext("value") or "0")
        scale = float(chosen.get("max") or "10")
        view.rating = round(value / scale * 10.0, 4)
    premiered = root.findtext("premiered")
    if premiered:
        view.year = int(premiered[:4])
    elif root.findtext("year"):
        view.year = int(root.findtext("year") or "0")
    return view


def jellyfin_read(data: bytes) -> PlayerView:
    root = _root(data)
    view = PlayerView()
    valid = {"imdb": "imdb", "tmdb": "tmdb", "tvdb": "tvdb"}
    for element in root:
        tag = element.tag
        text = (element.text or "").strip()
        if tag == "title":
            view.title = text
        elif tag == "plot":
            view.plot = text
        elif tag == "trailer" and text.lower().startswith("plugin://plugin.video.youtube/play/?video_id="):
            view.trailer = text
        elif tag == "id" and text.startswith("tt"):
            view.ids["imdb"] = text
        elif tag == "uniqueid" and text:
            kind = (element.get("type") or "").lower()
            view.ids[valid.get(kind, kind)] = text
        elif tag == "year" and text.isdigit() and int(text) > 1850:
            view.year = int(text)
        elif tag == "premiered" and text and view.year is None:
            view.year = int(text[:4])
        elif tag == "criticrating" and text:
            view.critic_rating = float(text)
        elif tag == "rating" and text:
            view.rating = float(text.replace(",", "."))
        elif tag == "ratings":
            for rating in element.findall("rating"):
                name = rating.get("name") or ""
                value = rating.findtext("value")
                if value is None:
                    continue
                number = float(value)
                if "tomato" in name.lower() and "audience" not in name.lower():
                    if "avg" not in name.lower():
                        view.critic_rating = number
                else:
                    view.rating = number
    return view
