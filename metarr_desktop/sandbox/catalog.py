"""What the sandbox knows: the titles it serves, looked up by id or searched by title.

Two catalogs: the bundled demo catalog (`demo_catalog.json`: real, well-known movies with their real
TMDB and IMDb ids and facts, plus the traps identification must survive) and a synthetic catalog of
N generated movies with deterministic ids for benchmarks. Everything a service renders (artwork
paths, person ids, video keys) is derived deterministically from a title, so two runs answer alike.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from importlib import resources
from typing import Any

SERVICES = ("tmdb", "omdb", "tvdb", "fanart")

#: ISO 3166-1 code -> (TMDB's name, OMDb's name, TheTVDB's three-letter code)
COUNTRIES: dict[str, tuple[str, str, str]] = {
    "US": ("United States of America", "United States", "usa"),
    "GB": ("United Kingdom", "United Kingdom", "gbr"),
    "DE": ("Germany", "Germany", "deu"),
    "FR": ("France", "France", "fra"),
    "JP": ("Japan", "Japan", "jpn"),
    "KR": ("South Korea", "South Korea", "kor"),
    "NZ": ("New Zealand", "New Zealand", "nzl"),
    "CA": ("Canada", "Canada", "can"),
    "AU": ("Australia", "Australia", "aus"),
    "MX": ("Mexico", "Mexico", "mex"),
    "TW": ("Taiwan", "Taiwan", "twn"),
    "HK": ("Hong Kong", "Hong Kong", "hkg"),
    "CN": ("China", "China", "chn"),
    "IT": ("Italy", "Italy", "ita"),
    "ES": ("Spain", "Spain", "esp"),
}

#: ISO 639-1 code -> (English name as TMDB and OMDb write it, native name)
LANGUAGE_NAMES: dict[str, tuple[str, str]] = {
    "en": ("English", "English"),
    "fr": ("French", "Français"),
    "de": ("German", "Deutsch"),
    "it": ("Italian", "Italiano"),
    "es": ("Spanish", "Español"),
    "ja": ("Japanese", "日本語"),
    "ko": ("Korean", "한국어/조선말"),
    "zh": ("Mandarin", "普通话"),
    "la": ("Latin", "Latin"),
    "sw": ("Swahili", "Kiswahili"),
    "no": ("Norwegian", "Norsk"),
    "hu": ("Hungarian", "Magyar"),
    "fi": ("Finnish", "suomi"),
    "ru": ("Russian", "Pусский"),
    "so": ("Somali", "Somali"),
    "sv": ("Swedish", "svenska"),
}

#: TMDB's movie genre ids.
GENRE_IDS: dict[str, int] = {
    "Action": 28,
    "Adventure": 12,
    "Animation": 16,
    "Comedy": 35,
    "Crime": 80,
    "Documentary": 99,
    "Drama": 18,
    "Family": 10751,
    "Fantasy": 14,
    "History": 36,
    "Horror": 27,
    "Music": 10402,
    "Mystery": 9648,
    "Romance": 10749,
    "Science Fiction": 878,
    "TV Movie": 10770,
    "Thriller": 53,
    "War": 10752,
    "Western": 37,
}


def digest(*parts: object) -> str:
    """A stable hex digest of the parts (artwork paths, keys and ids derived from a title)."""
    return hashlib.sha1("|".join(str(p) for p in parts).encode()).hexdigest()


def number(*parts: object, modulo: int = 10_000_000) -> int:
    """A stable positive number derived from the parts."""
    return int(digest(*parts)[:12], 16) % modulo + 1


_WORD_RE = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    """Lower-case words without accents or punctuation ("WALL·E" -> ["wall", "e"])."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c if c.isascii() else " " for c in decomposed if not unicodedata.combining(c)).lower()
    return _WORD_RE.findall(plain)


def slugify(text: str) -> str:
    return "-".join(words(text)) or "title"


@dataclass(frozen=True, slots=True)
class Title:
    """One movie or series with every fact the four services render."""

    kind: str
    title: str
    year: int
    released: str
    tmdb: int | None = None
    imdb: str | None = None
    tvdb: int | None = None
    original_title: str | None = None
    lang: str = "en"
    runtime: int | None = None
    genres: tuple[str, ...] = ()
    plot: str | None = None
    tagline: str | None = None
    directors: tuple[str, ...] = ()
    writers: tuple[str, ...] = ()
    cast: tuple[tuple[str, str], ...] = ()
    studios: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    rating: str | None = None
    collection: tuple[str, int] | None = None
    imdb_rating: float | None = None
    imdb_votes: int | None = None
    rt: int | None = None
    mc: int | None = None
    tmdb_rating: float | None = None
    tmdb_votes: int | None = None
    popularity: float = 1.0
    awards: str | None = None
    not_on: frozenset[str] = frozenset()
    last_aired: str | None = None
    network: str | None = None
    seasons: int = 0

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.tmdb or 0}-{self.imdb or ''}-{self.tvdb or 0}"

    @property
    def slug(self) -> str:
        return slugify(self.title)

    @property
    def display_original_title(self) -> str:
        return self.original_title or self.title

    def on(self, service: str) -> bool:
        """Whether this service knows the title (and has the id it is looked up by)."""
        if service in self.not_on:
            return False
        if service in ("tmdb", "fanart"):
            return self.tmdb is not None
        if service == "omdb":
            return self.imdb is not None
        return self.tvdb is not None

    @classmethod
    def from_json(cls, data: dict[str, Any], kind: str) -> Title:
        collection = data.get("collection")
        return cls(
            kind=kind,
            title=str(data["title"]),
            year=int(data["year"]),
            released=str(data.get("released") or data.get("first_aired")),
            tmdb=data.get("tmdb") or None,
            imdb=data.get("imdb") or None,
            tvdb=data.get("tvdb") or None,
            original_title=data.get("original_title"),
            lang=str(data.get("lang", "en")),
            runtime=data.get("runtime"),
            genres=tuple(data.get("genres", ())),
            plot=data.get("plot"),
            tagline=data.get("tagline"),
            directors=tuple(data.get("directors", ())),
            writers=tuple(data.get("writers", ())),
            cast=tuple((str(c[0]), str(c[1])) for c in data.get("cast", ())),
            studios=tuple(data.get("studios", ())),
            countries=tuple(data.get("countries", ())),
            languages=tuple(data.get("languages", ())),
            rating=data.get("rating"),
            collection=(str(collection[0]), int(collection[1])) if collection else None,
            imdb_rating=data.get("imdb_rating"),
            imdb_votes=data.get("imdb_votes"),
            rt=data.get("rt"),
            mc=data.get("mc"),
            tmdb_rating=data.get("tmdb_rating"),
            tmdb_votes=data.get("tmdb_votes"),
            popularity=float(data.get("popularity", 1.0)),
            awards=data.get("awards"),
            not_on=frozenset(data.get("not_on", ())),
            last_aired=data.get("last_aired"),
            network=data.get("network"),
            seasons=int(data.get("seasons", 0)),
        )


@dataclass
class Catalog:
    """Titles indexed by id and by title words.

    Attributes:
        titles: every title, movies and series.
        name: "demo" or "synthetic:N".
    """

    titles: list[Title]
    name: str = "custom"
    _by_id: dict[tuple[str, str, object], Title] = field(default_factory=dict, init=False, repr=False)
    _words: dict[str, set[int]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        for index, title in enumerate(self.titles):
            for id_kind, value in (("tmdb", title.tmdb), ("imdb", title.imdb), ("tvdb", title.tvdb)):
                if value is not None:
                    self._by_id.setdefault((title.kind, id_kind, value), title)
            for word in set(words(title.title)) | set(words(title.display_original_title)):
                self._words.setdefault(word, set()).add(index)

    def __len__(self) -> int:
        return len(self.titles)

    def get(self, kind: str, id_kind: str, value: object) -> Title | None:
        """The title of `kind` ("movie" or "series") with this id, or None."""
        if id_kind == "imdb" and isinstance(value, str):
            value = value.strip().lower()
        elif id_kind in ("tmdb", "tvdb"):
            try:
                value = int(str(value))
            except ValueError:
                return None
        return self._by_id.get((kind, id_kind, value))

    def search(self, query: str, *, kind: str = "movie", year: int | None = None) -> list[Title]:
        """Titles of `kind` containing every word of `query`, exact titles and popular ones first."""
        query_words = words(query)
        if not query_words:
            return []
        sets = [self._words.get(word, set()) for word in query_words]
        found = set.intersection(*sets) if sets else set()
        wanted = " ".join(query_words)
        matches = [
            t for t in (self.titles[i] for i in found) if t.kind == kind and (year is None or t.year == year)
        ]
        matches.sort(key=lambda t: (" ".join(words(t.title)) != wanted, -t.popularity, t.year, t.title))
        return matches

    def of_kind(self, kind: str) -> list[Title]:
        return [t for t in self.titles if t.kind == kind]


def load_demo() -> Catalog:
    """The bundled demo catalog."""
    text = resources.files("metarr_desktop.sandbox").joinpath("demo_catalog.json").read_text("utf-8")
    data = json.loads(text)
    titles = [Title.from_json(t, "movie") for t in data["titles"]]
    titles += [Title.from_json(s, "series") for s in data.get("series", [])]
    return Catalog(titles, name="demo")


_ADJECTIVES = (
    "Silent", "Crimson", "Hidden", "Broken", "Golden", "Last", "Distant", "Frozen", "Electric", "Lost",
    "Midnight", "Iron", "Hollow", "Burning", "Wild", "Quiet", "Savage", "Endless", "Paper", "Velvet",
)  # fmt: skip
_NOUNS = (
    "Harbor", "Empire", "Garden", "Signal", "River", "Frontier", "Mirror", "Machine", "Kingdom", "Orchard",
    "Station", "Horizon", "Letter", "Island", "Canyon", "Circuit", "Lantern", "Voyage", "Echo", "Citadel",
)  # fmt: skip
_GENRES = tuple(GENRE_IDS)
_FIRST = (
    "Ada",
    "Ben",
    "Cleo",
    "Dev",
    "Eve",
    "Finn",
    "Gus",
    "Hana",
    "Ivo",
    "Jun",
    "Kai",
    "Lea",
    "Mia",
    "Noor",
)
_LAST = ("Okafor", "Park", "Quinn", "Rossi", "Sato", "Tran", "Ueda", "Varga", "Wolf", "Yilmaz", "Zeller")


def synthetic(count: int, seed: int = 0) -> Catalog:
    """`count` generated movies with deterministic ids (TMDB 5000001.., IMDb tt90000001.., TVDB 8000001..)."""
    if count < 0:
        raise ValueError("a synthetic catalog needs a count of 0 or more")
    rng = random.Random(seed)
    seen: dict[str, int] = {}
    titles: list[Title] = []
    for index in range(1, count + 1):
        base = f"{rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)}"
        seen[base] = seen.get(base, 0) + 1
        name = base if seen[base] == 1 else f"{base} {seen[base]}"
        year = 1950 + rng.randrange(75)
        released = f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        people = [f"{rng.choice(_FIRST)} {rng.choice(_LAST)}" for _ in range(5)]
        titles.append(
            Title(
                kind="movie",
                title=name,
                year=year,
                released=released,
                tmdb=5_000_000 + index,
                imdb=f"tt{90_000_000 + index}",
                tvdb=8_000_000 + index,
                runtime=80 + rng.randrange(80),
                genres=tuple(rng.sample(_GENRES, 2)),
                plot=f"A generated story about the {name.lower()}, number {index} of the synthetic catalog.",
                tagline=None if index % 3 == 0 else f"Every {base.split()[1].lower()} has a secret.",
                directors=(people[0],),
                writers=(people[1], people[0]),
                cast=tuple((p, f"Character {i + 1}") for i, p in enumerate(people[2:])),
                studios=("Sandbox Pictures",),
                countries=("US",),
                languages=("en",),
                rating=rng.choice(("G", "PG", "PG-13", "R")),
                imdb_rating=round(rng.uniform(3.0, 9.0), 1),
                imdb_votes=rng.randrange(100, 2_000_000),
                rt=rng.randrange(0, 101),
                mc=rng.randrange(10, 100),
                tmdb_rating=round(rng.uniform(3.0, 9.0), 3),
                tmdb_votes=rng.randrange(10, 30_000),
                popularity=round(rng.uniform(0.5, 150.0), 3),
            )
        )
    return Catalog(titles, name=f"synthetic:{count}")


def parse_catalog_spec(spec: str) -> Catalog:
    """ "demo" or "synthetic:N" (optionally "synthetic:N:SEED")."""
    text = spec.strip().lower()
    if text == "demo":
        return load_demo()
    if text.startswith("synthetic:"):
        parts = text.split(":")
        try:
            count = int(parts[1])
            seed = int(parts[2]) if len(parts) > 2 else 0
        except (IndexError, ValueError):
            raise ValueError(f"bad catalog {spec!r}: expected synthetic:N with N a whole number") from None
        if count < 0 or len(parts) > 3:
            raise ValueError(f"bad catalog {spec!r}: expected synthetic:N with N >= 0")
        return synthetic(count, seed)
    raise ValueError(f"unknown catalog {spec!r}: expected demo or synthetic:N")


def join(items: Iterable[str]) -> str:
    return ", ".join(items)
