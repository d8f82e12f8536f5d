"""Choosing a provider's best artwork candidate (what fills the `poster`, `fanart`... fields).

The rule lives in `metarr_desktop.core.artwork` (the asset browser proposes its pick with the same
one); it is re-exported here for the provider clients.
"""

from __future__ import annotations

from metarr_desktop.core.artwork import TEXTLESS_FIRST, best_candidate, best_url, rank_key

__all__ = ["TEXTLESS_FIRST", "best_candidate", "best_url", "rank_key"]
