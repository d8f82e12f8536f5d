"""Enrichment (document 5): one movie, or the whole library, brought up to date from every provider.

Where each part lives:

- `results`: what to do and what came of it (`EnrichOptions`, `EnrichResult`, `EnrichReport`).
- `service`: `EnrichmentService.enrich`: identify if needed, the answers from the cache or the
  providers, one enrichment of a movie at a time (the steps, in its module docstring).
- `commit`: the merge under the field-authority rules and the one transaction that writes it.
- `bulk`: `enrich_many` / `enrich_all`: many movies at once, past failures, with progress.

The public names are re-exported here: callers import from `metarr_desktop.services.enrichment`.
"""

from metarr_desktop.services.enrichment.bulk import DEFAULT_CONCURRENCY
from metarr_desktop.services.enrichment.bulk import RequestMeter
from metarr_desktop.services.enrichment.commit import RETRY_AFTER_FAILURE
from metarr_desktop.services.enrichment.results import EnrichOptions
from metarr_desktop.services.enrichment.results import EnrichReport
from metarr_desktop.services.enrichment.results import EnrichResult
from metarr_desktop.services.enrichment.results import Mode
from metarr_desktop.services.enrichment.results import ProgressCallback
from metarr_desktop.services.enrichment.results import ProgressOf
from metarr_desktop.services.enrichment.results import Status
from metarr_desktop.services.enrichment.service import EnrichmentService

__all__ = [
    "DEFAULT_CONCURRENCY",
    "RETRY_AFTER_FAILURE",
    "EnrichOptions",
    "EnrichReport",
    "EnrichResult",
    "EnrichmentService",
    "Mode",
    "ProgressCallback",
    "ProgressOf",
    "RequestMeter",
    "Status",
]
