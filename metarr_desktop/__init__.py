"""Metarr Desktop: complete, correct metadata and artwork for a movie library."""

__version__ = "0.1.0"
