"""The window's pages: Library, Providers, Health and Activity."""
