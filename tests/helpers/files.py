"""Files for the tests that scan a library folder."""

from __future__ import annotations

from pathlib import Path


def touch(path: Path, text: str | None = None) -> Path:
    """Create `path` (and its folders): empty, or holding `text`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if text is None:
        path.write_bytes(b"")
    else:
        path.write_text(text, encoding="utf-8")
    return path
