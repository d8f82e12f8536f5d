"""The bundle's `metarr-desktop` executable (PyInstaller starts scripts, not entry points)."""

from metarr_desktop.app import main

main()
