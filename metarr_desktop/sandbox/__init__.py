"""Simulated TMDB, OMDb, TheTVDB and fanart.tv APIs on loopback, for tests, benchmarks and demo mode.

`SandboxServer` is the programmatic API; ``metarr sandbox`` runs it from the command line; `demo`
holds the keys it accepts.
"""

from metarr_desktop.sandbox.catalog import Catalog, Title, load_demo, parse_catalog_spec, synthetic
from metarr_desktop.sandbox.demo import DEMO_KEYS, TMDB_DEMO_BEARER, base_urls, provider_settings
from metarr_desktop.sandbox.faults import FAULT_KINDS, FaultRule, parse_faults
from metarr_desktop.sandbox.limits import SandboxLimits, ServiceLimit
from metarr_desktop.sandbox.server import Latency, SandboxServer, SandboxStats

__all__ = [
    "DEMO_KEYS",
    "FAULT_KINDS",
    "TMDB_DEMO_BEARER",
    "Catalog",
    "FaultRule",
    "Latency",
    "SandboxLimits",
    "SandboxServer",
    "SandboxStats",
    "ServiceLimit",
    "Title",
    "base_urls",
    "load_demo",
    "parse_catalog_spec",
    "parse_faults",
    "provider_settings",
    "synthetic",
]
