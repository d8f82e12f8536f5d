"""Helpers of `benchmarks/ui_responsiveness.py`: a tick meter, a stall sampler and a sandbox process.

- `TickMeter`: a 5 ms `QTimer` on the loop thread that records every gap between its ticks.
- `StallSampler`: a watchdog thread; while the loop thread has not ticked for a while, it samples
  that thread's Python stack (``sys._current_frames``), so a freeze can be traced to the code that ran.
- `LoopProfiler` (with `ProfiledApplication`): every top-level Qt event the loop thread handles, how
  long it took and what ran in it (the asyncio callback or task step, for qasync's timer events),
  and every run of the garbage collector; `explain` lists what filled one stall.
- `SandboxProcess`: the sandbox (`SandboxServer`) served from a child process, as real providers are
  outside the app's process: its request threads then never compete with the window for the GIL.
"""

from __future__ import annotations

import asyncio
import gc
import math
import multiprocessing
import sys
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass
from dataclasses import field
from multiprocessing.connection import Connection
from typing import Any

from PySide6.QtCore import QEvent
from PySide6.QtCore import QObject
from PySide6.QtCore import Qt
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

TICK_MS = 5


class TickMeter:
    """A 5 ms timer on the loop thread; each gap between two ticks (and from the start to the first
    tick, and from the last tick to the stop) is kept, with the time it began (s since `start`)."""

    def __init__(self, interval_ms: int = TICK_MS) -> None:
        self.interval_ms = interval_ms
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self.started = 0.0
        self.last = 0.0
        self.gaps_ms: list[float] = []
        self.gap_starts: list[float] = []

    def start(self) -> None:
        self.gaps_ms, self.gap_starts = [], []
        self.started = self.last = time.perf_counter()
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps_ms.append((now - self.last) * 1000.0)
        self.gap_starts.append(self.last - self.started)
        self.last = now

    def stop(self) -> None:
        self._tick()
        self.timer.stop()

    @property
    def ticks(self) -> int:
        return len(self.gaps_ms) - 1  # the closing gap is not a tick

    def longest_stall_ms(self) -> float:
        """The longest gap minus the interval: how long the loop thread was held up at worst."""
        return max(0.0, max(self.gaps_ms, default=0.0) - self.interval_ms)

    def percentile_stall_ms(self, percent: float) -> float:
        if not self.gaps_ms:
            return 0.0
        ordered = sorted(self.gaps_ms)
        index = max(0, math.ceil(len(ordered) * percent / 100.0) - 1)
        return max(0.0, ordered[index] - self.interval_ms)

    def worst(self, count: int) -> list[tuple[float, float]]:
        """The `count` longest stalls as (ms, s since start), longest first."""
        pairs = sorted(zip(self.gaps_ms, self.gap_starts, strict=True), reverse=True)[:count]
        return [(gap - self.interval_ms, at) for gap, at in pairs]


@dataclass
class Episode:
    """One stall seen by the sampler: when it began (the last tick before it) and the stacks sampled."""

    began: float
    stacks: Counter[tuple[str, ...]] = field(default_factory=Counter)
    samples: int = 0


class StallSampler:
    """Samples the loop thread's stack every `interval_ms` while it has not ticked for `threshold_ms`.

    Stacks are cut to their innermost `depth` frames (paths shortened to the project or site-packages).
    """

    def __init__(
        self, meter: TickMeter, *, threshold_ms: float = 30.0, interval_ms: float = 2.0, depth: int = 14
    ) -> None:
        self.meter = meter
        self.threshold_s = threshold_ms / 1000.0
        self.interval_s = interval_ms / 1000.0
        self.depth = depth
        self.episodes: dict[float, Episode] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._target = threading.main_thread().ident

    def start(self) -> None:
        self.episodes = {}
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="stall-sampler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            last = self.meter.last
            if time.perf_counter() - last < self.threshold_s:
                continue
            frame = sys._current_frames().get(self._target or 0)
            if frame is None:
                continue
            stack = tuple(_short(entry) for entry in traceback.extract_stack(frame)[-self.depth :])
            episode = self.episodes.setdefault(last, Episode(last - self.meter.started))
            episode.stacks[stack] += 1
            episode.samples += 1

    def stacks_for(self, began: float, limit: int = 2) -> list[str]:
        """The most sampled stacks of the stall that began at `began` (the tick before it)."""
        episode = self.episodes.get(began)
        if episode is None:
            return ["    (no stack sampled)"]
        lines = []
        for stack, hits in episode.stacks.most_common(limit):
            lines.append(f"    {hits} of {episode.samples} samples:")
            lines.extend(f"      {entry}" for entry in stack)
        return lines

    def totals(self, limit: int = 12) -> list[str]:
        """Over every stall: the innermost project frame and the innermost frame, most sampled first."""
        counter: Counter[str] = Counter()
        for episode in self.episodes.values():
            for stack, hits in episode.stacks.items():
                own = [entry for entry in stack if entry.startswith("metarr_desktop/")]
                key = stack[-1] if not own or own[-1] == stack[-1] else f"{own[-1]} -> {stack[-1]}"
                counter[key] += hits
        return [f"      {hits:5d}  {entry}" for entry, hits in counter.most_common(limit)]


def _short(entry: traceback.FrameSummary) -> str:
    path = entry.filename
    for marker in ("/metarr_desktop/", "/site-packages/", "/lib/python3"):
        if marker in path:
            path = path[path.index(marker) + 1 :]
            break
    return f"{path}:{entry.lineno} {entry.name}"


# --------------------------------------------------------------------------------------------------
# What the loop thread ran
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """Something that ran on the loop thread: start (perf_counter s), duration (ms), what."""

    start: float
    ms: float
    label: str


class LoopProfiler:
    """Top-level Qt events (with the asyncio callback each qasync timer event ran) and collector runs.

    Only events longer than `min_ms` are kept. Install with `install()` (patches asyncio's
    ``Handle._run`` to name the callback, adds a ``gc.callbacks`` entry); `ProfiledApplication`
    reports the events. Costs a little per event: figures taken with it are not the benchmark's.
    """

    active: LoopProfiler | None = None

    def __init__(self, min_ms: float = 2.0) -> None:
        self.min_ms = min_ms
        self.events: list[Span] = []
        self.collections: list[Span] = []
        self.handle: Any = None
        self.depth = 0
        self._gc_started = 0.0
        self._original_run: Any = None

    def install(self) -> None:
        LoopProfiler.active = self
        original = asyncio.events.Handle._run
        self._original_run = original
        profiler = self

        def run(handle: asyncio.Handle) -> None:
            if profiler.depth <= 1:
                profiler.handle = handle
            original(handle)

        asyncio.events.Handle._run = run  # type: ignore[method-assign, assignment]
        gc.callbacks.append(self._on_gc)

    def uninstall(self) -> None:
        LoopProfiler.active = None
        if self._original_run is not None:
            asyncio.events.Handle._run = self._original_run  # type: ignore[method-assign]
        if self._on_gc in gc.callbacks:
            gc.callbacks.remove(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
            return
        ms = (time.perf_counter() - self._gc_started) * 1000.0
        if ms >= 1.0:
            label = f"gc generation {info['generation']}: {info['collected']} collected"
            thread = threading.current_thread().name
            if thread != "MainThread":
                label += f" (thread {thread})"
            self.collections.append(Span(self._gc_started, ms, label))

    def event_done(self, receiver: QObject, event: QEvent, started: float) -> None:
        ms = (time.perf_counter() - started) * 1000.0
        handle, self.handle = self.handle, None
        if ms < self.min_ms:
            return
        self.events.append(Span(started, ms, describe_event(receiver, event, handle)))

    def explain(self, start: float, end: float, limit: int = 8) -> list[str]:
        """What ran between `start` and `end` (perf_counter s): the longest events, and collections."""
        inside = [e for e in self.events if e.start < end and e.start + e.ms / 1000.0 > start]
        total = sum(e.ms for e in inside)
        lines = [f"    {len(inside)} events over {self.min_ms:.0f} ms, {total:.0f} ms in all:"]
        for span in sorted(inside, key=lambda e: e.ms, reverse=True)[:limit]:
            lines.append(f"      {span.ms:6.1f} ms  {span.label}")
        for span in self.collections:
            if start <= span.start <= end:
                lines.append(f"      {span.ms:6.1f} ms  {span.label}")
        return lines

    def summary(self, start: float, end: float, limit: int = 12) -> list[str]:
        """Time by label over a whole pass: where the loop thread's busy time went."""
        totals: dict[str, float] = {}
        counts: Counter[str] = Counter()
        for span in self.events:
            if start <= span.start <= end:
                totals[span.label] = totals.get(span.label, 0.0) + span.ms
                counts[span.label] += 1
        busiest = sorted(totals.items(), key=lambda pair: pair[1], reverse=True)[:limit]
        lines = [f"      {ms:8.0f} ms {counts[label]:6d}x  {label}" for label, ms in busiest]
        by_generation: dict[str, list[float]] = {}
        for span in self.collections:
            if start <= span.start <= end:
                by_generation.setdefault(span.label.partition(":")[0], []).append(span.ms)
        for generation, times in sorted(by_generation.items()):
            lines.append(
                f"      {sum(times):8.0f} ms {len(times):6d}x  {generation} runs over 1 ms "
                f"(longest {max(times):.0f} ms)"
            )
        return lines


def describe_event(receiver: QObject, event: QEvent, handle: Any) -> str:
    if handle is not None:
        return f"asyncio {describe_handle(handle)}"
    name = type(receiver).__name__
    try:
        if isinstance(receiver, QTimer):
            parent = receiver.parent()
            name = f"QTimer of {type(parent).__name__}" if parent is not None else "QTimer"
        elif receiver.objectName():
            name = f"{name}({receiver.objectName()})"
        return f"{name} {event.type().name}"
    except RuntimeError:  # the event deleted its receiver (DeferredDelete)
        return f"{name} (deleted)"


def describe_handle(handle: Any) -> str:
    callback = getattr(handle, "_callback", None)
    owner = getattr(callback, "__self__", None)
    if isinstance(owner, asyncio.Task):
        coro = owner.get_coro()
        name = getattr(coro, "__qualname__", repr(coro))
        return f"task step {name}"
    return getattr(callback, "__qualname__", repr(callback))


class ProfiledApplication(QApplication):
    """A QApplication that times every top-level event for the active `LoopProfiler`."""

    def notify(self, receiver: QObject, event: QEvent) -> bool:
        profiler = LoopProfiler.active
        if profiler is None:
            return super().notify(receiver, event)
        profiler.depth += 1
        started = time.perf_counter()
        try:
            return super().notify(receiver, event)
        finally:
            profiler.depth -= 1
            if profiler.depth == 0:
                profiler.event_done(receiver, event, started)


# --------------------------------------------------------------------------------------------------
# The sandbox in a child process
# --------------------------------------------------------------------------------------------------


def _serve(conn: Connection, catalog: str, latency: str, scale: float, seed: int) -> None:
    """Child process: serve the sandbox, send its URLs, stop when told (or when the parent is gone)."""
    from metarr_desktop.sandbox import SandboxServer

    server = SandboxServer(catalog, latency=latency, limits=sandbox_limits(scale), seed=seed)
    conn.send(server.start())
    try:
        conn.recv()
    except EOFError:
        pass
    finally:
        server.stop()
        conn.send(server.stats.snapshot())


def sandbox_limits(scale: float) -> Any:
    """Every service's rate limit times `scale`; OMDb's daily quota lifted (as benchmarks/enrich.py)."""
    from metarr_desktop.sandbox import SandboxLimits

    return SandboxLimits().scaled(scale).with_quota("omdb", None)


class SandboxProcess:
    """A `SandboxServer` in a child process. `start()` returns the provider URLs; `stop()` returns
    the sandbox's request statistics (`SandboxStats.snapshot()`)."""

    def __init__(self, catalog: str, *, latency: str, scale: float, seed: int = 7) -> None:
        self._args = (catalog, latency, scale, seed)
        self._conn: Connection | None = None
        self._process: Any = None
        self.urls: dict[str, str] = {}

    def start(self) -> dict[str, str]:
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, *self._args), daemon=True)
        self._process.start()
        child.close()
        if not parent.poll(60):
            self._process.kill()
            raise RuntimeError("the sandbox process did not start within 60 s")
        self._conn = parent
        self.urls = parent.recv()
        return self.urls

    def stop(self) -> dict[str, Any]:
        stats: dict[str, Any] = {}
        if self._conn is not None:
            self._conn.send("stop")
            if self._conn.poll(30):
                stats = self._conn.recv()
            self._conn.close()
            self._conn = None
        if self._process is not None:
            self._process.join(10)
            if self._process.is_alive():
                self._process.kill()
            self._process = None
        return stats
