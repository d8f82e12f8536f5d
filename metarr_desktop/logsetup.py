"""Logging for both front ends, with API keys scrubbed from every record.

httpx logs each request's URL at INFO, and TMDB, OMDb and fanart.tv take their key in the query
string; a Bearer token can appear in a repr. Every handler installed here carries `RedactingFilter`,
which masks `api_key=`/`apikey=`/`token=` query values, `Bearer` tokens, and any secret value the
secrets store registered with `register_secret`.
"""

from __future__ import annotations

import logging
import re
import sys
from pathlib import Path

_QUERY_SECRET = re.compile(r"(?i)\b(api_key|apikey|api-key|token|access_token|pin)=([^&\s'\"]+)")
_BEARER = re.compile(r"(?i)\b(bearer)\s+([A-Za-z0-9\-._~+/]+=*)")
_KNOWN: set[str] = set()

MASK = "***"


def register_secret(value: str | None) -> None:
    """Mask this exact value wherever it appears in a log record (keys shorter than 6 are ignored)."""
    if value and len(value) >= 6:
        _KNOWN.add(value)


def redact(text: str) -> str:
    text = _QUERY_SECRET.sub(lambda m: f"{m.group(1)}={MASK}", text)
    text = _BEARER.sub(lambda m: f"{m.group(1)} {MASK}", text)
    for secret in _KNOWN:
        text = text.replace(secret, MASK)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (arguments applied) with secrets masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        return True


def configure_logging(level: str | int = "WARNING", log_file: Path | None = None) -> None:
    """stderr at `level`, plus a file (INFO and up) when given; both redacted."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setLevel(level)
    stderr.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    stderr.addFilter(RedactingFilter())
    root.addHandler(stderr)
    root.setLevel(logging.DEBUG if log_file else level)
    if log_file is not None:
        try:
            log_file.parent.mkdir(parents=True, exist_ok=True)
            file_handler = logging.FileHandler(log_file, encoding="utf-8")
        except OSError as exc:
            root.warning("cannot write the log file %s: %s", log_file, exc.strerror or exc)
        else:
            file_handler.setLevel(logging.INFO)
            file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
            file_handler.addFilter(RedactingFilter())
            root.addHandler(file_handler)
    logging.getLogger("httpx").setLevel(max(logging.getLogger().level, logging.INFO))
