#!/usr/bin/env bash
# Make sure Xvfb (a virtual X server) and xdotool (drives its real pointer) are present, for the test
# that reorders providers by a real drag and drop (tests/xvfb/). Installs them with apt-get when
# running as root; otherwise prints the apt-get line and exits 0: that test then skips, nothing fails.
set -euo pipefail
missing=""
command -v Xvfb >/dev/null 2>&1 || missing="$missing xvfb"
command -v xdotool >/dev/null 2>&1 || missing="$missing xdotool"
if [ -z "$missing" ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing$missing with apt-get (for the real drag-and-drop test)..." >&2
  if DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2; then
    exit 0
  fi
  echo "Could not install$missing; the real drag-and-drop test will be skipped." >&2
  exit 0
fi
echo "The real drag-and-drop test needs$missing and will be skipped. Install with:" >&2
echo "  sudo apt-get install -y$missing" >&2
exit 0
