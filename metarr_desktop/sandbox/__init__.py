"""Simulated TMDB, OMDb, TheTVDB and fanart.tv APIs on loopback, for tests, benchmarks and demo mode.

`SandboxServer` is the programmatic API; ``metarr sandbox`` runs it from the command line; `demo`
holds the keys it accepts.
"""

from metarr_desktop.sandbox.catalog import Catalog
from metarr_desktop.sandbox.catalog import Title
from metarr_desktop.sandbox.catalog import load_demo
from metarr_desktop.sandbox.catalog import parse_catalog_spec
from metarr_desktop.sandbox.catalog import synthetic
from metarr_desktop.sandbox.demo import DEMO_KEYS
from metarr_desktop.sandbox.demo import TMDB_DEMO_BEARER
from metarr_desktop.sandbox.demo import base_urls
from metarr_desktop.sandbox.demo import provider_settings
from metarr_desktop.sandbox.faults import FAULT_KINDS
from metarr_desktop.sandbox.faults import FaultRule
from metarr_desktop.sandbox.faults import parse_faults
from metarr_desktop.sandbox.limits import SandboxLimits
from metarr_desktop.sandbox.limits import ServiceLimit
from metarr_desktop.sandbox.server import Latency
from metarr_desktop.sandbox.server import SandboxServer
from metarr_desktop.sandbox.server import SandboxStats

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
