# The two commands of the README: `make run` and `make test`. Everything they need is set up here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export QT_QPA_PLATFORM ?= offscreen

PREFIX ?= $(HOME)/.local
APP_ID := io.github.metarr.MetarrDesktop
LINUX := packaging/linux
BUNDLE_VENV := .venv-bundle
BUNDLE := dist/metarr

.PHONY: run test bench clean icons validate-desktop install-desktop \
	uninstall-desktop bundle bundle-check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	@bash scripts/ensure-qt-libs.sh $(BIN)/python run
	QT_QPA_PLATFORM= $(BIN)/metarr-desktop --demo

# The tests run on every core, eight workers at most (pytest-xdist; each worker collects the whole
# suite and holds its own Qt application, about 350 MB). Bytecode caches stay on even where the
# environment turns them off (PYTHONDONTWRITEBYTECODE, as in many containers): the suite starts the
# app and the CLI in dozens of subprocesses, and each would compile the whole package again.
test: $(STAMP)
	@bash scripts/ensure-qt-libs.sh $(BIN)/python test
	@bash scripts/ensure-xvfb.sh
	$(BIN)/ruff check metarr_desktop tests benchmarks
	$(BIN)/mypy metarr_desktop tests
	PYTHONDONTWRITEBYTECODE= QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n auto --maxprocesses 8

bench: $(STAMP)
	$(BIN)/python benchmarks/engine.py

# The icon's PNGs, rendered from its SVG with Qt (committed; run after changing the SVG).
icons: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/render_icons.py

# The desktop file and the AppStream metadata against their validators (desktop-file-utils, appstream).
validate-desktop:
	desktop-file-validate $(LINUX)/$(APP_ID).desktop
	appstreamcli validate --no-net $(LINUX)/$(APP_ID).metainfo.xml

# The launcher, the AppStream metadata and the icons under $(PREFIX)/share (default ~/.local), for a
# `metarr-desktop` on the PATH (`pipx install .`, or the bundle's folder).
install-desktop:
	install -Dm644 $(LINUX)/$(APP_ID).desktop $(DESTDIR)$(PREFIX)/share/applications/$(APP_ID).desktop
	install -Dm644 $(LINUX)/$(APP_ID).metainfo.xml $(DESTDIR)$(PREFIX)/share/metainfo/$(APP_ID).metainfo.xml
	cd resources/icons/hicolor && for icon in */apps/$(APP_ID).*; do \
		install -Dm644 "$$icon" "$(DESTDIR)$(PREFIX)/share/icons/hicolor/$$icon"; done
	-gtk-update-icon-cache -q -t "$(DESTDIR)$(PREFIX)/share/icons/hicolor" 2>/dev/null
	-update-desktop-database -q "$(DESTDIR)$(PREFIX)/share/applications" 2>/dev/null

uninstall-desktop:
	rm -f $(DESTDIR)$(PREFIX)/share/applications/$(APP_ID).desktop \
		$(DESTDIR)$(PREFIX)/share/metainfo/$(APP_ID).metainfo.xml \
		$(DESTDIR)$(PREFIX)/share/icons/hicolor/*/apps/$(APP_ID).*

# A one-folder PyInstaller bundle of the window and the command line, in dist/metarr/, built from a
# separate environment with a regular (not editable) install, so it holds what a wheel holds.
$(BUNDLE_VENV)/bin/python:
	$(PYTHON) -m venv $(BUNDLE_VENV)
	$(BUNDLE_VENV)/bin/python -m pip install --quiet --upgrade pip

bundle: | $(BUNDLE_VENV)/bin/python
	$(BUNDLE_VENV)/bin/python -m pip install --quiet '.[bundle]'
	$(BUNDLE_VENV)/bin/python -m pip install --quiet --force-reinstall --no-deps .
	@bash scripts/ensure-qt-libs.sh $(BUNDLE_VENV)/bin/python test
	$(BUNDLE_VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN \
		--distpath dist --workpath build/pyinstaller packaging/pyinstaller/metarr.spec

# Starts the built bundle: `metarr --version`, then an offscreen screenshot of the demo library.
bundle-check:
	$(BUNDLE)/metarr --version
	QT_QPA_PLATFORM=offscreen $(BUNDLE)/metarr-desktop --demo --page library \
		--screenshot build/bundle-check/library.png
	@test -s build/bundle-check/library.png && echo "bundle-check: build/bundle-check/library.png"

clean:
	rm -rf $(VENV) $(BUNDLE_VENV) build dist .mypy_cache .pytest_cache .ruff_cache
