"""The bundle's `metarr` executable (PyInstaller starts scripts, not entry points)."""

from metarr_desktop.cli.main import main

main()
