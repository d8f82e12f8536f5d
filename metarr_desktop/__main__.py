"""`python -m metarr_desktop` opens the window (the same as `metarr-desktop`)."""

from metarr_desktop.app import main

main()
