"""`metarr`, the command-line front end over the same services as the window (CONTRACT.md)."""
