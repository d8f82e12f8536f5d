"""API keys never reach a log line."""

from __future__ import annotations

import logging

import httpx
import pytest

from metarr_desktop.logsetup import RedactingFilter
from metarr_desktop.logsetup import redact
from metarr_desktop.logsetup import register_secret


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("HTTP Request: GET https://api.themoviedb.org/3/movie/550?api_key=abc123def456 200", "abc123def456"),
        ("GET https://www.omdbapi.com/?i=tt0111161&apikey=9f8e7d6c&plot=full", "9f8e7d6c"),
        (
            "headers {'Authorization': 'Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig'}",
            "eyJhbGciOiJIUzI1NiJ9.payload.sig",
        ),
        ("login with pin=998877", "998877"),
    ],
)
def test_secrets_are_masked(text: str, secret: str) -> None:
    assert secret not in redact(text)
    assert "***" in redact(text)


def test_registered_secrets_are_masked_anywhere() -> None:
    register_secret("my-very-secret-key")
    assert redact("the key my-very-secret-key was refused") == "the key *** was refused"


async def test_httpx_request_logs_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    handler_filter = RedactingFilter()
    caplog.handler.addFilter(handler_filter)
    caplog.set_level(logging.INFO, logger="httpx")
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={}))
    async with httpx.AsyncClient(transport=transport) as client:
        await client.get("https://api.themoviedb.org/3/movie/550", params={"api_key": "topsecret42"})
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "api_key=***" in logged
    assert "topsecret42" not in caplog.text
    caplog.handler.removeFilter(handler_filter)


def test_exceptions_in_records_are_redacted() -> None:
    try:
        raise ValueError("https://x.test/?apikey=abcdef123")
    except ValueError:
        record = logging.LogRecord("t", logging.ERROR, __file__, 1, "failed", None, None)
        import sys

        record.exc_info = sys.exc_info()
    RedactingFilter().filter(record)
    assert record.exc_text is not None and "abcdef123" not in record.exc_text
