"""Provider, NFO and file-name text in the window is data, never markup.

Qt guesses: a `QLabel` in its default `AutoText` format, and every tooltip, renders a string as rich
text when it looks like HTML (`Qt.mightBeRichText`). A tagline ``<img src="file:///dev/zero">`` then
loads a local file, and crashed the window. So labels that show such text are set to
`Qt.TextFormat.PlainText` (`plain_label`), tooltips that show it go through `plain_tip`, and rich
text that mixes our markup with such text escapes it with `escape`.

Qt also reads an ``&`` in a group box title, a button's, an action's or a tab's text (and a label
with a buddy) as the mark of a mnemonic: "Bedroom & Kodi" would show as "Bedroom _Kodi" with K
underlined. Such text goes through `no_mnemonic`.
"""

from __future__ import annotations

import html
import re
from typing import overload

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

# Control characters other than newline and tab (C0, DEL, C1): shown as a visible replacement.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """`text` with control characters (other than newline and tab) replaced by U+FFFD."""
    return _CONTROL_RE.sub("\ufffd", text)


def escape(text: object) -> str:
    """`text` for a place in our own rich text: HTML special characters escaped, controls visible."""
    return html.escape(visible(str(text)))


@overload
def plain_tip(text: str, *, wrap: bool = False) -> str: ...
@overload
def plain_tip(text: None, *, wrap: bool = False) -> None: ...
def plain_tip(text: str | None, *, wrap: bool = False) -> str | None:
    """A tooltip that shows `text` literally, whatever it holds. Text that could pass for markup
    (any ``<`` or ``&``), or that should wrap (`wrap`), is escaped and marked as rich text so Qt
    never guesses; other text is returned as it is (controls made visible). None and "" pass."""
    if not text:
        return text
    if not wrap and "<" not in text and "&" not in text:
        return visible(text)
    return f"<p style='white-space:pre-wrap'>{escape(text)}</p>"


def no_mnemonic(text: str) -> str:
    """`text` for a place where Qt takes ``&`` as a mnemonic mark (a group box title, a button's,
    an action's or a tab's text): every ``&`` doubled, so it shows as itself, controls visible."""
    return visible(text).replace("&", "&&")


def plain_label(label: QLabel) -> QLabel:
    """`label` set to show its text literally (never rich text); returned for chaining."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label
