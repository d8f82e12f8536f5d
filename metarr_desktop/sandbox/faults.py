"""Injected faults: ``tmdb:500@0.2,fanart:timeout@0.1,omdb:malformed@0.05``.

Each rule names a service (or ``*`` for all), a fault kind and a probability (1.0 when ``@`` is
left out). For every request the rules of its service are tried in order with a seeded random
generator, so a given seed and request order always produce the same faults.

Kinds:
    500, 502, 503: that HTTP status with a JSON error body.
    429: a rate-limit answer in the service's own shape, with ``Retry-After: 1``.
    timeout: no answer until the client gives up (the server holds the request, then closes).
    reset: the connection is closed without an answer.
    malformed: HTTP 200 with the real answer cut in half (truncated JSON).
    html: HTTP 200 with an HTML error page (as a captive portal or a broken proxy sends).
    empty: HTTP 200 with an empty body.
    huge: HTTP 200 with a 200 MB JSON body of unknown length, streamed 1 MB at a time (a client
        must stop at its size cap instead of reading it all into memory).
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass

from metarr_desktop.sandbox.catalog import SERVICES

FAULT_KINDS = ("500", "502", "503", "429", "timeout", "reset", "malformed", "html", "empty", "huge")

#: The size of a "huge" answer (bytes).
HUGE_BODY_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class FaultRule:
    service: str
    kind: str
    probability: float

    def applies_to(self, service: str) -> bool:
        return self.service in ("*", service)


def parse_faults(spec: str | None) -> list[FaultRule]:
    """Parse a fault spec; raise ValueError with a readable message when it is malformed."""
    rules: list[FaultRule] = []
    if not spec or not spec.strip():
        return rules
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        service, sep, rest = part.partition(":")
        if not sep or not rest:
            raise ValueError(f"bad fault {part!r}: expected SERVICE:KIND[@PROBABILITY]")
        service = service.strip().lower()
        if service != "*" and service not in SERVICES:
            raise ValueError(
                f"bad fault {part!r}: unknown service {service!r} (known: {', '.join(SERVICES)}, *)"
            )
        kind, _, probability_text = rest.partition("@")
        kind = kind.strip().lower()
        if kind not in FAULT_KINDS:
            raise ValueError(f"bad fault {part!r}: unknown kind {kind!r} (known: {', '.join(FAULT_KINDS)})")
        try:
            probability = float(probability_text) if probability_text.strip() else 1.0
        except ValueError:
            raise ValueError(f"bad fault {part!r}: the probability must be a number") from None
        if not 0.0 <= probability <= 1.0:
            raise ValueError(f"bad fault {part!r}: the probability must be between 0 and 1")
        rules.append(FaultRule(service, kind, probability))
    return rules


class FaultPlan:
    """Decides, request by request, which fault (if any) to inject; thread-safe."""

    def __init__(self, rules: list[FaultRule] | None = None, seed: int | None = None) -> None:
        self.rules = list(rules or [])
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    def pick(self, service: str) -> str | None:
        rules = [r for r in self.rules if r.applies_to(service)]
        if not rules:
            return None
        with self._lock:
            for rule in rules:
                if self._rng.random() < rule.probability:
                    return rule.kind
        return None

    def set_rules(self, rules: list[FaultRule]) -> None:
        """Replace the rules (tests switch faults on and off on a running server)."""
        with self._lock:
            self.rules = list(rules)
