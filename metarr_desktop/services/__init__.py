"""Use cases the window and the `metarr` CLI share: provider data through the cache, configuration."""
