"""What a module imports, read from its source (for the presenters' "no Qt" tests)."""

from __future__ import annotations

import ast
import inspect


def qt_free_imports(module: object) -> list[str]:
    """The modules `module` imports that are Qt or window code other than presenters."""
    tree = ast.parse(inspect.getsource(module))  # type: ignore[arg-type]
    names = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    names += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    return [
        name
        for name in names
        if name.startswith("PySide6") or (name.startswith("metarr_desktop.ui") and "presenter" not in name)
    ]
