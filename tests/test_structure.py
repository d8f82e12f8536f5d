"""The rules of the package's shape, read from the source: imports point down, Qt stays in the
window, the window reaches data only through the services, no file grows past 800 lines, and no test
imports a conftest (shared set-ups live in tests/helpers)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "metarr_desktop"

#: Each lower layer and what it may import besides itself (the README's "How it is built").
#: `logsetup` (logging), `bundled` (resource paths) and the package's `__version__` are leaves every
#: layer may use.
LAYERS: dict[str, set[str]] = {
    "core": set(),
    "providers": {"core"},
    "store": {"core"},
    "engine": {"core", "providers"},
    "players": {"core", "providers"},
    "services": {"core", "providers", "engine", "players", "store"},
}
LEAVES = {"logsetup", "bundled", "__version__"}
QT = {"PySide6", "shiboken6", "qasync"}
MAX_LINES = 800


def imports(path: Path) -> Iterator[str]:
    """Every absolute module name `path` imports (inside functions and TYPE_CHECKING blocks too)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def modules(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def layer_of(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_a_layer_imports_only_the_layers_below_it(layer: str) -> None:
    allowed = {layer} | LAYERS[layer] | LEAVES
    wrong = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in modules(PACKAGE / layer)
        for name in imports(path)
        if name.startswith("metarr_desktop.") and name.split(".")[1] not in allowed
    ]
    assert not wrong, wrong


def test_nothing_below_the_window_imports_qt() -> None:
    wrong = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in modules(PACKAGE)
        if layer_of(path) not in {"ui", "app"}
        for name in imports(path)
        if name.split(".")[0] in QT
    ]
    assert not wrong, wrong


def test_the_window_reaches_data_only_through_the_services() -> None:
    forbidden = ("metarr_desktop.store", "metarr_desktop.providers.errors")
    wrong = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in modules(PACKAGE / "ui")
        for name in imports(path)
        if any(name == f or name.startswith(f"{f}.") for f in forbidden)
    ]
    assert not wrong, wrong


def test_no_file_of_the_package_is_over_800_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for path in modules(PACKAGE)
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, long


def test_no_test_imports_a_conftest() -> None:
    wrong = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in modules(ROOT / "tests")
        for name in imports(path)
        if name.split(".")[-1] == "conftest" or ".conftest." in name
    ]
    assert not wrong, wrong


def test_the_rules_see_a_violation(tmp_path: Path) -> None:
    """The import reader finds what the rules look for (a rule over an empty list proves nothing)."""
    source = tmp_path / "sample.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "import PySide6.QtCore\n"
        "if TYPE_CHECKING:\n"
        "    from metarr_desktop.store import sql\n"
        "def later():\n"
        "    from tests.publish.conftest import movie_folder\n",
        encoding="utf-8",
    )
    found = set(imports(source))
    assert {"PySide6.QtCore", "metarr_desktop.store", "metarr_desktop.store.sql"} <= found
    assert "tests.publish.conftest" in found
