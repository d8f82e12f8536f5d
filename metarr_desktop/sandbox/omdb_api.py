"""The simulated OMDb API (``/omdb/``).

``?i=<imdb id>`` (or ``?t=<title>&y=``) with ``plot=short|full``, ``?s=<query>&y=&type=&page=`` for a
search, the key in ``apikey``. Like the real service: "not found" is HTTP 200 with
``{"Response": "False", "Error": ...}``; a bad key and an exhausted daily quota are both HTTP 401,
told apart by the ``Error`` text. Every value is a string; unknown ones are "N/A".
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any

from metarr_desktop.sandbox.catalog import COUNTRIES
from metarr_desktop.sandbox.catalog import LANGUAGE_NAMES
from metarr_desktop.sandbox.catalog import Title
from metarr_desktop.sandbox.catalog import digest
from metarr_desktop.sandbox.catalog import join
from metarr_desktop.sandbox.protocol import Reply
from metarr_desktop.sandbox.protocol import SandboxRequest
from metarr_desktop.sandbox.protocol import ServiceBase
from metarr_desktop.sandbox.protocol import json_reply

PAGE_SIZE = 10
NA = "N/A"
_IMDB_RE = re.compile(r"^tt\d{7,}$")
#: OMDb writes some TMDB genre names differently.
GENRE_NAMES = {"Science Fiction": "Sci-Fi", "TV Movie": "Drama"}


def false_reply(error: str, status: int = 200) -> Reply:
    return json_reply(status, {"Response": "False", "Error": error})


def omdb_date(iso: str | None) -> str:
    if not iso:
        return NA
    return date.fromisoformat(iso).strftime("%d %b %Y")


def _text(value: object) -> str:
    return NA if value is None or value == "" else str(value)


def short_plot(plot: str | None) -> str:
    if not plot:
        return NA
    return re.split(r"(?<=[.!?])\s", plot, maxsplit=1)[0]


class OmdbService(ServiceBase):
    """OMDb as the sandbox serves it."""

    name = "omdb"

    def authenticate(self, request: SandboxRequest) -> Reply | None:
        key = request.query.get("apikey")
        if not key:
            return false_reply("No API key provided.", 401)
        if key in self.keys:
            return None
        return false_reply("Invalid API key!", 401)

    def quota_exhausted(self) -> Reply:
        return false_reply("Request limit reached!", 401)

    def rate_limited(self, retry_after: int, limit: int) -> Reply:
        # OMDb publishes no per-second limit; when one is configured it answers like its quota.
        return self.quota_exhausted()

    def handle(self, request: SandboxRequest) -> Reply:
        if request.path.strip("/") != "":
            return Reply(404, b"<html><body><h1>404 Not Found</h1></body></html>", "text/html")
        query = request.query
        kind = "series" if query.get("type") == "series" else "movie"
        if "s" in query:
            return self._search(query.get("s", ""), query, kind)
        if "i" in query:
            imdb = query["i"].strip().lower()
            if not _IMDB_RE.match(imdb):
                return false_reply("Incorrect IMDb ID.")
            title = self.catalog.get("movie", "imdb", imdb) or self.catalog.get("series", "imdb", imdb)
            if title is None or not title.on(self.name):
                return false_reply("Error getting data.")
            return json_reply(200, self.title(title, full=query.get("plot") == "full"))
        if "t" in query:
            year = query.get("y")
            matches = [
                t
                for t in self.catalog.search(
                    query["t"], kind=kind, year=int(year) if year and year.isdigit() else None
                )
                if t.on(self.name)
            ]
            if not matches:
                return false_reply("Movie not found!")
            return json_reply(200, self.title(matches[0], full=query.get("plot") == "full"))
        return false_reply("Incorrect IMDb ID.")

    def _search(self, text: str, query: Any, kind: str) -> Reply:
        text = text.strip()
        if len(text) < 3:
            return false_reply("Too many results.")
        year = query.get("y")
        page_text = query.get("page") or "1"
        page = int(page_text) if page_text.isdigit() and int(page_text) > 0 else 1
        matches = [
            t
            for t in self.catalog.search(text, kind=kind, year=int(year) if year and year.isdigit() else None)
            if t.on(self.name)
        ]
        if not matches:
            return false_reply("Movie not found!")
        chunk = matches[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        if not chunk or page > math.ceil(len(matches) / PAGE_SIZE):
            return false_reply("Movie not found!")
        return json_reply(
            200,
            {
                "Search": [
                    {
                        "Title": t.title,
                        "Year": self._year(t),
                        "imdbID": t.imdb,
                        "Type": t.kind,
                        "Poster": self.poster(t),
                    }
                    for t in chunk
                ],
                "totalResults": str(len(matches)),
                "Response": "True",
            },
        )

    @staticmethod
    def poster(title: Title) -> str:
        return f"https://m.media-amazon.com/images/M/MV5B{digest('omdb', title.key)[:40]}@._V1_SX300.jpg"

    @staticmethod
    def _year(title: Title) -> str:
        if title.kind == "series":
            end = title.last_aired[:4] if title.last_aired else ""
            return f"{title.year}–{end}"
        return str(title.year)

    def title(self, title: Title, *, full: bool) -> dict[str, Any]:
        """One ``?i=`` answer."""
        ratings = []
        if title.imdb_rating is not None:
            ratings.append({"Source": "Internet Movie Database", "Value": f"{title.imdb_rating:.1f}/10"})
        if title.rt is not None:
            ratings.append({"Source": "Rotten Tomatoes", "Value": f"{title.rt}%"})
        if title.mc is not None:
            ratings.append({"Source": "Metacritic", "Value": f"{title.mc}/100"})
        body: dict[str, Any] = {
            "Title": title.title,
            "Year": self._year(title),
            "Rated": _text(title.rating),
            "Released": omdb_date(title.released),
            "Runtime": f"{title.runtime} min" if title.runtime else NA,
            "Genre": _text(join(GENRE_NAMES.get(g, g) for g in title.genres)),
            "Director": _text(join(title.directors)) if title.kind == "movie" else NA,
            "Writer": _text(join(title.writers)),
            "Actors": _text(join(name for name, _ in title.cast[:3])),
            "Plot": (title.plot or NA) if full else short_plot(title.plot),
            "Language": _text(join(LANGUAGE_NAMES.get(c, (c, c))[0] for c in title.languages)),
            "Country": _text(join(COUNTRIES.get(c, (c, c, c))[1] for c in title.countries)),
            "Awards": _text(title.awards),
            "Poster": self.poster(title),
            "Ratings": ratings,
            "Metascore": _text(title.mc),
            "imdbRating": f"{title.imdb_rating:.1f}" if title.imdb_rating is not None else NA,
            "imdbVotes": f"{title.imdb_votes:,}" if title.imdb_votes is not None else NA,
            "imdbID": title.imdb,
            "Type": title.kind,
        }
        if title.kind == "series":
            body["totalSeasons"] = str(title.seasons or 1)
        else:
            body.update({"DVD": NA, "BoxOffice": NA, "Production": NA, "Website": NA})
        body["Response"] = "True"
        return body
