"""Generated artwork for the sandbox's image route: a deterministic PNG for any artwork URL.

The simulated providers answer with real-looking artwork URLs (image.tmdb.org, m.media-amazon.com,
assets.fanart.tv, artworks.thetvdb.com) that cannot load offline. The sandbox serves
``/images/<host>/<path>`` instead (`sandbox.images.sandbox_image_transport` rewrites the requests),
with a picture drawn from a hash of the URL: colours, a gradient sky, a sun and a skyline of blocks
for posters and backgrounds; letter-like blocks on a transparent background for logos; a ring for a
disc. The same URL always gives the same bytes.

The kind of artwork (and so its shape) comes from the path where the provider puts it there
(TheTVDB's ``/posters/``, fanart.tv's ``/movieposter/``, TMDB's ``/t/p/w500/`` width), otherwise from
an index of the paths the catalog's titles are given (`ArtworkIndex`). Sizes are kept small (a few
hundred pixels): these are for looking at, not for the pixel counts the APIs announce.

Standard library only: the PNG is written with `zlib` and `struct`.
"""

from __future__ import annotations

import colorsys
import hashlib
import re
import struct
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from metarr_desktop.sandbox.catalog import Catalog
from metarr_desktop.sandbox.catalog import digest
from metarr_desktop.sandbox.fanart_api import KINDS as FANART_KINDS
from metarr_desktop.sandbox.tmdb_api import image_path

#: The artwork hosts the sandbox draws for.
ARTWORK_HOSTS = frozenset(
    {"image.tmdb.org", "m.media-amazon.com", "assets.fanart.tv", "artworks.thetvdb.com"}
)
#: The route prefix: ``/images/<host>/<path>``.
IMAGE_PREFIX = "/images"


@dataclass(frozen=True, slots=True)
class Shape:
    """The default display size of one kind of artwork (width, height) and whether it is cut out."""

    width: int
    height: int
    transparent: bool = False
    max_width: int = 780


SHAPES: dict[str, Shape] = {
    "poster": Shape(400, 600, max_width=500),
    "fanart": Shape(640, 360),
    "thumb": Shape(480, 270),
    "banner": Shape(500, 92),
    "clearlogo": Shape(400, 155, transparent=True),
    "clearart": Shape(500, 281, transparent=True),
    "disc": Shape(400, 400, transparent=True, max_width=500),
    "icon": Shape(256, 256, max_width=500),
}

#: Words in a path (or a provider's kind) -> the kind of artwork.
_KIND_WORDS: dict[str, str] = {
    "poster": "poster",
    "posters": "poster",
    "movieposter": "poster",
    "collection-poster": "poster",
    "backdrop": "fanart",
    "backdrops": "fanart",
    "background": "fanart",
    "backgrounds": "fanart",
    "moviebackground": "fanart",
    "collection-backdrop": "fanart",
    "logo": "clearlogo",
    "logos": "clearlogo",
    "clearlogo": "clearlogo",
    "hdmovielogo": "clearlogo",
    "movielogo": "clearlogo",
    "clearart": "clearart",
    "hdmovieclearart": "clearart",
    "movieart": "clearart",
    "banner": "banner",
    "banners": "banner",
    "moviebanner": "banner",
    "moviethumb": "thumb",
    "thumb": "thumb",
    "moviedisc": "disc",
    "disc": "disc",
    "icons": "icon",
}
_TMDB_SIZE_RE = re.compile(r"^/t/p/(?:(?P<w>w)(?P<width>\d+)|(?P<h>h)(?P<height>\d+)|original)/")
_AMAZON_SIZE_RE = re.compile(r"_S(?P<axis>[XY])(?P<size>\d+)")


class ArtworkIndex:
    """File stem -> kind for the artwork paths the catalog's titles are given by TMDB and fanart.tv
    (whose paths do not say what they show). Built on first use, once; thread-safe."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._kinds: dict[str, str] | None = None
        self._lock = threading.Lock()

    def kind(self, stem: str) -> str | None:
        with self._lock:
            if self._kinds is None:
                self._kinds = self._build()
            return self._kinds.get(stem)

    def _build(self) -> dict[str, str]:
        kinds: dict[str, str] = {}
        for title in self.catalog.titles:
            for tmdb_kind in ("poster", "backdrop", "logo", "collection-poster", "collection-backdrop"):
                for index in range(3):
                    stem = image_path(title, tmdb_kind, index).strip("/").rsplit(".", 1)[0]
                    kinds[stem] = _KIND_WORDS[tmdb_kind]
            for fanart_kind, (_w, _h, languages) in FANART_KINDS.items():
                for index in range(len(languages)):
                    stem = f"{title.slug}-{digest('fanart', title.key, fanart_kind, index)[:13]}"
                    kinds[stem] = _KIND_WORDS[fanart_kind]
        return kinds


def artwork_kind(host: str, path: str, lookup: Callable[[str], str | None] | None = None) -> str:
    """The kind of artwork at `host` + `path` (poster when nothing says otherwise)."""
    if host == "m.media-amazon.com":
        return "poster"
    for part in reversed(path.lower().split("/")[:-1]):
        if part in _KIND_WORDS:
            return _KIND_WORDS[part]
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    found = lookup(stem) if lookup is not None else None
    return found or "poster"


def artwork_size(host: str, path: str, kind: str) -> tuple[int, int]:
    """The size to draw: the kind's default, or the width/height the URL asks for (capped)."""
    shape = SHAPES[kind]
    ratio = shape.width / shape.height
    width = height = 0
    if host == "image.tmdb.org" and (match := _TMDB_SIZE_RE.match(path)):
        width = int(match["width"] or 0)
        height = int(match["height"] or 0)
    elif host == "m.media-amazon.com" and (found := _AMAZON_SIZE_RE.search(path)):
        width, height = (int(found["size"]), 0) if found["axis"] == "X" else (0, int(found["size"]))
    if height and not width:
        width = round(height * ratio)
    width = min(width or shape.width, shape.max_width)
    width = max(width, 16)
    return width, max(8, round(width / ratio))


def render_artwork(host: str, path: str, lookup: Callable[[str], str | None] | None = None) -> bytes:
    """The PNG for the artwork at `host` + `path` (memoized)."""
    kind = artwork_kind(host, path, lookup)
    width, height = artwork_size(host, path, kind)
    return _render(f"{host}{path}", kind, width, height)


# ------------------------------------------------------------------------------------------------
# Drawing
# ------------------------------------------------------------------------------------------------

_Colour = tuple[int, ...]


class _Canvas:
    """Rows of pixels painted with horizontal runs (fast in pure Python: one slice per run)."""

    def __init__(self, width: int, height: int, *, alpha: bool) -> None:
        self.width = width
        self.height = height
        self.channels = 4 if alpha else 3
        self.rows = [bytearray(width * self.channels) for _ in range(height)]

    def run(self, y: int, x0: int, x1: int, colour: _Colour) -> None:
        if not 0 <= y < self.height:
            return
        x0, x1 = max(0, x0), min(self.width, x1)
        if x1 > x0:
            c = self.channels
            self.rows[y][x0 * c : x1 * c] = bytes(colour[:c]) * (x1 - x0)

    def rect(self, x0: int, y0: int, x1: int, y1: int, colour: _Colour) -> None:
        for y in range(max(0, y0), min(self.height, y1)):
            self.run(y, x0, x1, colour)

    def disc(self, cx: float, cy: float, radius: float, colour: _Colour, hole: float = 0.0) -> None:
        for y in range(max(0, int(cy - radius)), min(self.height, int(cy + radius) + 1)):
            dy = y + 0.5 - cy
            if dy * dy > radius * radius:
                continue
            half = (radius * radius - dy * dy) ** 0.5
            if hole and dy * dy < hole * hole:
                inner = (hole * hole - dy * dy) ** 0.5
                self.run(y, round(cx - half), round(cx - inner), colour)
                self.run(y, round(cx + inner), round(cx + half), colour)
            else:
                self.run(y, round(cx - half), round(cx + half), colour)

    def png(self) -> bytes:
        raw = b"".join(b"\x00" + bytes(row) for row in self.rows)
        colour_type = 6 if self.channels == 4 else 2
        header = struct.pack(">IIBBBBB", self.width, self.height, 8, colour_type, 0, 0, 0)
        return b"".join(
            (b"\x89PNG\r\n\x1a\n", _chunk(b"IHDR", header), _chunk(b"IDAT", zlib.compress(raw, 6)))
        ) + _chunk(b"IEND", b"")


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)


def _rgb(hue: float, saturation: float, value: float, alpha: int = 255) -> _Colour:
    r, g, b = colorsys.hsv_to_rgb(hue % 1.0, min(1.0, saturation), min(1.0, value))
    return (round(r * 255), round(g * 255), round(b * 255), alpha)


def _mix(a: _Colour, b: _Colour, t: float) -> _Colour:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


@lru_cache(maxsize=256)
def _render(seed_text: str, kind: str, width: int, height: int) -> bytes:
    seed = hashlib.sha1(seed_text.encode("utf-8")).digest()

    def unit(i: int) -> float:
        return seed[i % len(seed)] / 255.0

    hue = unit(0)
    accent = hue + 0.35 + 0.3 * unit(1)
    top = _rgb(hue, 0.35 + 0.3 * unit(2), 0.95)
    bottom = _rgb(hue + 0.08, 0.55 + 0.3 * unit(3), 0.30)
    light = _rgb(accent, 0.25, 1.0)
    canvas = _Canvas(width, height, alpha=SHAPES[kind].transparent)
    if kind in ("clearlogo", "clearart"):
        _draw_logo(canvas, unit, hue, accent, clear_art=kind == "clearart")
    elif kind == "disc":
        _draw_disc(canvas, top, bottom, light, unit)
    else:
        _draw_scene(canvas, top, bottom, light, unit, hue, poster=kind == "poster")
    return canvas.png()


def _draw_scene(
    canvas: _Canvas,
    top: _Colour,
    bottom: _Colour,
    light: _Colour,
    unit: Callable[[int], float],
    hue: float,
    *,
    poster: bool,
) -> None:
    """A gradient sky, a sun, a skyline of blocks and (posters) a title bar."""
    width, height = canvas.width, canvas.height
    for y in range(height):
        canvas.run(y, 0, width, _mix(top, bottom, y / max(1, height - 1)))
    canvas.disc(
        width * (0.2 + 0.6 * unit(4)), height * (0.25 + 0.15 * unit(5)), min(width, height) * 0.16, light
    )
    x = 0
    i = 6
    base = height * (0.55 if poster else 0.5)
    while x < width:
        block = max(4, round(width * (0.06 + 0.12 * unit(i))))
        rise = round(base + height * 0.3 * unit(i + 1))
        shade = _rgb(hue + 0.05, 0.5, 0.12 + 0.18 * unit(i + 2))
        canvas.rect(x, rise, x + block, height, shade)
        x += block
        i += 3
    if poster:
        bar = _rgb(hue, 0.1, 0.97)
        canvas.rect(round(width * 0.12), round(height * 0.83), round(width * 0.88), round(height * 0.87), bar)
        canvas.rect(round(width * 0.3), round(height * 0.9), round(width * 0.7), round(height * 0.915), bar)


def _draw_logo(
    canvas: _Canvas, unit: Callable[[int], float], hue: float, accent: float, *, clear_art: bool
) -> None:
    """Letter-like blocks on transparency, over a figure for clear art."""
    width, height = canvas.width, canvas.height
    if clear_art:
        figure = _rgb(accent, 0.45, 0.85)
        canvas.disc(width * 0.5, height * 0.28, height * 0.16, figure)
        canvas.rect(
            round(width * 0.38), round(height * 0.42), round(width * 0.62), round(height * 0.7), figure
        )
        top, low = round(height * 0.66), round(height * 0.94)
    else:
        top, low = round(height * 0.18), round(height * 0.72)
    letters = 5 + int(unit(7) * 4)
    gap = max(2, width // 60)
    span = width * 0.84
    x = width * 0.08
    face = _rgb(hue, 0.7, 0.95)
    edge = _rgb(hue + 0.05, 0.8, 0.55)
    unit_width = (span - gap * (letters - 1)) / sum(0.6 + unit(10 + n) for n in range(letters))
    for n in range(letters):
        letter = unit_width * (0.6 + unit(10 + n))
        for y in range(top, low):
            colour = _mix(face, edge, (y - top) / max(1, low - top))
            canvas.run(y, round(x), round(x + letter), colour)
        x += letter + gap
    underline = _rgb(accent, 0.6, 0.9)
    line_top = low + max(2, (height - low) // 4)
    canvas.rect(round(width * 0.2), line_top, round(width * 0.8), line_top + max(2, height // 30), underline)


def _draw_disc(
    canvas: _Canvas, top: _Colour, bottom: _Colour, light: _Colour, unit: Callable[[int], float]
) -> None:
    """A disc: an outer ring, a printed face, a label ring and the hole, on transparency."""
    size = min(canvas.width, canvas.height)
    cx, cy, radius = canvas.width / 2, canvas.height / 2, size * 0.49
    canvas.disc(cx, cy, radius, _mix(top, light, 0.5), hole=radius * 0.96)
    for step in range(12):
        inner = radius * (0.96 - step * 0.05)
        canvas.disc(cx, cy, inner, _mix(top, bottom, step / 11), hole=inner - radius * 0.05)
    canvas.disc(cx, cy, radius * 0.35, light, hole=radius * 0.12)
    canvas.disc(cx, cy, radius * 0.22 + radius * 0.05 * unit(9), _mix(bottom, light, 0.3), hole=radius * 0.12)
