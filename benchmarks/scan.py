"""Benchmark of a library scan: a synthetic tree of N movie folders in the forms people keep.

Forms (cycled): "Title (Year)", "Title - Subtitle (Year)" with a Kodi NFO, Jellyfin's
``[imdbid-tt…]`` and ``[tmdbid-…]``, Plex's ``{tmdb-…}`` and ``{edition-…}``, Emby's ``[tmdbid=…]``,
a release name, a Jellyfin NFO, a tinyMediaManager NFO with nested ids, a text NFO holding an IMDb
link, multi-part files (cd1/cd2), a DVD (VIDEO_TS) and a Blu-ray (BDMV) folder, extras folders and
``-trailer`` files, and one TV series (Season 01, S01E01) per 500 folders.

Reported: time and peak RSS of the first scan (everything added) and of a rescan with nothing
changed, each in a process of its own, and the longest stall of an asyncio loop ticking every 5 ms
while the scan runs (the window runs the same scan on the same kind of loop, so this is how long the
window could freeze). Targets at N = 10,000: first scan <= 20 s, rescan <= 5 s, peak RSS <= 300 MB.

Run: `.venv/bin/python benchmarks/scan.py --folders 10000`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

KODI = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>\n<movie>\n  <title>{title}</title>\n'
    '  <year>{year}</year>\n  <uniqueid type="imdb" default="true">tt{imdb:07d}</uniqueid>\n'
    '  <uniqueid type="tmdb">{tmdb}</uniqueid>\n  <actor><name>Someone</name><tmdbid>1</tmdbid></actor>\n'
    "</movie>\n"
)
JELLYFIN = (
    "<movie><title>{title}</title><year>{year}</year><imdbid>tt{imdb:07d}</imdbid>"
    "<tmdbid>{tmdb}</tmdbid></movie>"
)
TMM = (
    "<movie><title>{title}</title><ids><entry><key>imdb</key><value>tt{imdb:07d}</value></entry>"
    "<entry><key>tmdb</key><value>{tmdb}</value></entry></ids></movie>"
)


def build_tree(root: Path, folders: int) -> dict[str, int]:
    """The synthetic tree; returns how many folders of each form it made."""
    forms: dict[str, int] = {}

    def put(path: Path, text: str = "") -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    for n in range(folders):
        title, year, imdb, tmdb = f"Film Number {n}", 1950 + n % 75, 1000000 + n, 100000 + n
        form = n % 14
        if n % 500 == 499:
            show = root / f"Series {n}"
            put(show / "Season 01" / f"Series.{n}.S01E01.720p.mkv")
            put(show / "Season 01" / f"Series.{n}.S01E02.720p.mkv")
            forms["tv series"] = forms.get("tv series", 0) + 1
            continue
        values = {"title": title, "year": year, "imdb": imdb, "tmdb": tmdb}
        if form == 0:
            folder = root / f"{title} ({year})"
            put(folder / f"{title} ({year}).mkv")
            name = "Title (Year)"
        elif form == 1:
            folder = root / f"{title} - The Sequel ({year})"
            put(folder / "movie.mkv")
            put(folder / "movie.nfo", KODI.format(**values))
            name = "Title - Subtitle (Year) + Kodi NFO"
        elif form == 2:
            folder = root / f"{title} ({year}) [imdbid-tt{imdb:07d}]"
            put(folder / f"{title}.mkv")
            name = "[imdbid-tt…]"
        elif form == 3:
            folder = root / f"{title} ({year}) [tmdbid-{tmdb}]"
            put(folder / f"{title} - cd1.avi")
            put(folder / f"{title} - cd2.avi")
            name = "[tmdbid-…] + cd1/cd2"
        elif form == 4:
            folder = root / f"{title} ({year}) {{tmdb-{tmdb}}} {{edition-Director's Cut}}"
            put(folder / f"{title} ({year}).mkv")
            name = "{tmdb-…} {edition-…}"
        elif form == 5:
            folder = root / f"{title} ({year}) [tmdbid={tmdb}]"
            put(folder / f"{title}.mp4")
            put(folder / f"{title}-trailer.mp4")
            name = "[tmdbid=…] + -trailer"
        elif form == 6:
            folder = root / f"Film.Number.{n}.{year}.1080p.BluRay.x264-GRP"
            put(folder / f"Film.Number.{n}.{year}.1080p.BluRay.x264-GRP.mkv")
            put(folder / "Sample" / "sample.mkv")
            name = "release name + Sample/"
        elif form == 7:
            folder = root / f"{title} ({year})"
            put(folder / f"{title}.mkv")
            put(folder / f"{title}.nfo", JELLYFIN.format(**values))
            name = "Jellyfin NFO"
        elif form == 8:
            folder = root / f"{title} ({year})"
            put(folder / f"{title}.mkv")
            put(folder / "movie.nfo", TMM.format(**values))
            put(folder / "Extras" / "Making of.mkv")
            name = "tinyMediaManager NFO + Extras/"
        elif form == 9:
            folder = root / f"{title} ({year})"
            put(folder / f"{title}.mkv")
            put(folder / "movie.nfo", f"https://www.imdb.com/title/tt{imdb:07d}/\n")
            name = "text NFO with an IMDb link"
        elif form == 10:
            folder = root / f"{title} ({year})"
            put(folder / "VIDEO_TS" / "VIDEO_TS.IFO")
            put(folder / "VIDEO_TS" / "VTS_01_1.VOB")
            name = "VIDEO_TS"
        elif form == 11:
            folder = root / f"{title} ({year})"
            put(folder / "BDMV" / "index.bdmv")
            put(folder / "BDMV" / "STREAM" / "00000.m2ts")
            name = "BDMV"
        elif form == 12:
            folder = root / "Collection" / f"{title} ({year}) (tmdbid-{tmdb})"
            put(folder / f"{title}.mkv")
            put(folder / "Behind The Scenes" / "interview.mkv")
            name = "(tmdbid-…) in a collection + Behind The Scenes/"
        else:
            folder = root / "Movies"
            put(folder / f"{title} ({year}) tt{imdb:07d}.mkv")
            name = "loose file in a generic folder, bare tt id"
        forms[name] = forms.get(name, 0) + 1
    return forms


async def scan_with_ticker(root: str, profile: str) -> dict[str, object]:
    from metarr_desktop.core.clock import SystemClock
    from metarr_desktop.services.library import LibraryService
    from metarr_desktop.store.database import Database
    from metarr_desktop.store.library import MovieRepository

    database = Database.open(Path(profile) / "metarr.sqlite3")
    library = LibraryService(database, MovieRepository(database, SystemClock()))
    stalls: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            stalls.append(now - last - 0.005)
            last = now

    tick = asyncio.create_task(ticker())
    started = time.perf_counter()
    report = await library.scan(root)
    elapsed = time.perf_counter() - started
    done.set()
    await tick
    database.close()
    return {
        "seconds": round(elapsed, 2),
        "added": len(report.added),
        "existing": len(report.existing),
        "tv_set_aside": len(report.tv),
        "warnings": len(report.warnings),
        "max_loop_stall_ms": round(max(stalls, default=0.0) * 1000, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def phase(root: str, profile: str) -> dict[str, object]:
    """One scan in a process of its own (so that its peak RSS is its own)."""
    output = subprocess.run(
        [sys.executable, __file__, "--phase", root, profile], check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, object] = json.loads(output)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folders", type=int, default=10_000)
    parser.add_argument("--phase", nargs=2, metavar=("ROOT", "PROFILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(asyncio.run(scan_with_ticker(*args.phase))))
        return
    with tempfile.TemporaryDirectory() as temp:
        root, profile = Path(temp, "library"), Path(temp, "profile")
        profile.mkdir()
        started = time.perf_counter()
        forms = build_tree(root, args.folders)
        print(f"tree of {args.folders} folders built in {time.perf_counter() - started:.1f} s; forms:")
        for name, count in forms.items():
            print(f"  {count:6d}  {name}")
        first = phase(str(root), str(profile))
        rescan = phase(str(root), str(profile))
        print(json.dumps({"folders": args.folders, "first_scan": first, "rescan": rescan}, indent=2))


if __name__ == "__main__":
    main()
