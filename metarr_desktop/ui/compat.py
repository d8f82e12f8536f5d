"""Work-arounds for the Qt binding, applied once at start-up.

PySide6 6.12's wheels are built against the stable ABI of CPython 3.12, where ``None``, ``True`` and
``False`` are immortal and ``Py_RETURN_NONE`` no longer takes a reference. On CPython 3.11 every call
of a void Qt method (``setObjectName``, ``setText``, ``beginResetModel``...) therefore gives back a
reference to ``None`` it never took, and some bool-returning ones do the same to ``True``/``False``.
After enough calls the count reaches zero and the interpreter aborts ("none_dealloc: deallocating
None"), usually at exit. (Measured here: 1,000 calls of ``QObject.setObjectName`` lower
``sys.getrefcount(None)`` by 1,000.)

`protect_singletons` gives those three objects a huge reference count on CPython < 3.12, which is
what 3.12's immortal objects do: they are static in the interpreter and never freed anyway, so the
extra count has no other effect. On 3.12 and later it does nothing.
"""

from __future__ import annotations

import ctypes
import sys

#: Added to each singleton's reference count (about a billion calls of head-room).
HEADROOM = 1 << 30

_protected = False


def protect_singletons() -> bool:
    """Make None, True and False effectively immortal on CPython < 3.12; True when applied."""
    global _protected
    if _protected or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    for singleton in (None, True, False):
        # ob_refcnt is the first field of every CPython object; id() is its address.
        ctypes.c_ssize_t.from_address(id(singleton)).value += HEADROOM
    _protected = True
    return True
