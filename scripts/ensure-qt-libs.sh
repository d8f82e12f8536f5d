#!/usr/bin/env bash
# Make sure the system libraries of the Qt platform plugins that will really be used are present.
#
#   scripts/ensure-qt-libs.sh PYTHON run    the window: xcb when DISPLAY is set, wayland when only
#                                           WAYLAND_DISPLAY is, plus offscreen (--screenshot)
#   scripts/ensure-qt-libs.sh PYTHON test   the test suite: offscreen, and xcb for the real drag test
#                                           under Xvfb (tests/xvfb)
#
# Checks every plugin's shared libraries with `ldd` (which follows them to Qt's own libraries and
# theirs) and that a font is installed, then starts Qt offscreen once. When something is missing:
# as root, installs the whole package list below with apt-get (apt skips what is already there);
# otherwise prints the exact `apt-get install` line and exits 1.
set -euo pipefail
python="${1:-.venv/bin/python}"
mode="${2:-test}"

# What PySide6's plugins link against, as Debian/Ubuntu packages (Debian 12 names; Ubuntu's are
# the same). Fonts: Qt draws no text without one.
packages="libegl1 libgl1 libopengl0 libglib2.0-0 libdbus-1-3 libfontconfig1 libfreetype6 \
libxkbcommon0 libxkbcommon-x11-0 libx11-6 libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-glx0 libxcb-icccm4 \
libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 \
libxcb-sync1 libxcb-util1 libxcb-xfixes0 libxcb-xinerama0 libxcb-xkb1 libxrender1 libxi6 \
libwayland-client0 libwayland-cursor0 libwayland-egl1 fonts-dejavu-core"

qt_dir="$("$python" -c 'import os, PySide6; print(os.path.join(os.path.dirname(PySide6.__file__), "Qt"))')" || {
  echo "PySide6 is not installed in $python's environment" >&2
  exit 1
}
plugins="$qt_dir/plugins"

# The plugin files to check, for the platforms this mode uses.
files=("$plugins/platforms/libqoffscreen.so")
xcb=("$plugins/platforms/libqxcb.so" "$plugins"/xcbglintegrations/*.so)
case "$mode" in
  run)
    if [ -n "${DISPLAY:-}" ]; then
      files+=("${xcb[@]}")
    elif [ -n "${WAYLAND_DISPLAY:-}" ] && [ -e "$plugins/platforms/libqwayland.so" ]; then
      files+=("$plugins/platforms/libqwayland.so")
    fi
    ;;
  test) files+=("${xcb[@]}") ;;
  *)
    echo "usage: $0 PYTHON run|test" >&2
    exit 2
    ;;
esac
files+=("$plugins"/imageformats/libqsvg.so "$plugins"/iconengines/*.so)

# Shared libraries `ldd` cannot find, one per line ("libxcb-cursor.so.0"), for every file above.
missing_libs() {
  local file
  for file in "${files[@]}"; do
    [ -e "$file" ] || continue
    LC_ALL=C ldd "$file" 2>/dev/null | awk '/not found/ {print $1}'
  done | sort -u
}

has_font() {
  local dir
  for dir in /usr/share/fonts /usr/local/share/fonts "${HOME:-/nonexistent}/.local/share/fonts"; do
    [ -d "$dir" ] && [ -n "$(find "$dir" \( -name '*.ttf' -o -name '*.otf' -o -name '*.pfb' \) -print -quit)" ] &&
      return 0
  done
  return 1
}

probe() {
  QT_QPA_PLATFORM=offscreen "$python" - <<'PY' >/dev/null 2>&1
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
QLabel("Metarr").grab()
PY
}

problems() {
  local libs
  libs="$(missing_libs)"
  [ -z "$libs" ] || echo "missing libraries: $(echo "$libs" | tr '\n' ' ')"
  has_font || echo "no font installed"
}

found="$(problems)"
if [ -z "$found" ] && probe; then
  exit 0
fi
[ -n "$found" ] || found="Qt does not start offscreen"
echo "Qt's system libraries are incomplete ($found)." >&2
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing them with apt-get..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $packages >&2
  found="$(problems)"
  if [ -z "$found" ] && probe; then
    exit 0
  fi
  echo "Qt still cannot start after installing its libraries (${found:-the offscreen probe failed}); see:" >&2
  echo "  QT_QPA_PLATFORM=offscreen $python -c 'from PySide6.QtWidgets import QApplication; QApplication([])'" >&2
  exit 1
fi
echo "Install them with:" >&2
echo "  sudo apt-get install -y --no-install-recommends $packages" >&2
exit 1
