#!/usr/bin/env bash
# Make sure Qt's system libraries are present for PySide6 (offscreen and on screen).
# Installs them with apt-get when running as root; otherwise prints the exact command and fails.
set -euo pipefail
python="${1:-.venv/bin/python}"
probe() {
  QT_QPA_PLATFORM=offscreen "$python" - <<'PY' >/dev/null 2>&1
from PySide6.QtWidgets import QApplication
from PySide6.QtGui import QGuiApplication
app = QApplication([])
PY
}
if probe; then
  exit 0
fi
packages="libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libfreetype6 libdbus-1-3 libglib2.0-0 \
libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 \
libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxrender1 libxi6 fonts-dejavu-core"
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Qt's system libraries with apt-get..." >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $packages >&2
  probe && exit 0
  echo "Qt still cannot start after installing its libraries; run: $python -c 'from PySide6.QtWidgets import QApplication; QApplication([])'" >&2
  exit 1
fi
echo "Qt's system libraries are missing. Install them with:" >&2
echo "  sudo apt-get install -y $packages" >&2
exit 1
