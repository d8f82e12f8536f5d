"""The error hierarchy and the one place that maps HTTP answers and httpx errors onto it."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import httpx
import pytest

from metarr_desktop.providers.base import decode_json
from metarr_desktop.providers.base import map_response
from metarr_desktop.providers.base import map_transport_error
from metarr_desktop.providers.base import parse_retry_after
from metarr_desktop.providers.errors import AuthenticationError
from metarr_desktop.providers.errors import BadResponseError
from metarr_desktop.providers.errors import DeadlineExceededError
from metarr_desktop.providers.errors import NetworkError
from metarr_desktop.providers.errors import NotFoundError
from metarr_desktop.providers.errors import ProviderError
from metarr_desktop.providers.errors import ProviderTimeoutError
from metarr_desktop.providers.errors import ProviderUnavailableError
from metarr_desktop.providers.errors import RateLimitedError
from metarr_desktop.providers.errors import ServerError

NOW = datetime(2026, 11, 21, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("error", "retryable", "health_failure"),
    [
        (RateLimitedError("p", retry_after=2), True, False),
        (RateLimitedError("p", quota_exhausted=True), False, False),
        (ServerError("p", "boom", status_code=502), True, True),
        (NetworkError("p", "refused"), True, True),
        (ProviderTimeoutError("p", "slow"), True, True),
        (DeadlineExceededError("p", "slow"), True, True),
        (NotFoundError("p", "nothing"), False, False),
        (AuthenticationError("p", "bad key", status_code=401), False, True),
        (BadResponseError("p", "garbage", status_code=200), False, True),
        (BadResponseError("p", "garbage", status_code=503), True, True),
        (ProviderUnavailableError("p", "circuit open"), False, False),
    ],
)
def test_each_error_knows_whether_to_retry(
    error: ProviderError, retryable: bool, health_failure: bool
) -> None:
    assert error.retryable is retryable
    assert error.health_failure is health_failure
    assert error.provider == "p"
    assert str(error).startswith("p: ")


def _response(status: int, *, headers: dict[str, str] | None = None, json: object = None) -> httpx.Response:
    request = httpx.Request("GET", "https://api.example.test/x")
    if json is None:
        return httpx.Response(status, headers=headers, request=request)
    return httpx.Response(status, headers=headers, json=json, request=request)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (401, AuthenticationError),
        (403, AuthenticationError),
        (404, NotFoundError),
        (408, ServerError),
        (409, ServerError),
        (429, RateLimitedError),
        (500, ServerError),
        (502, ServerError),
        (503, ServerError),
        (400, BadResponseError),
    ],
)
def test_http_statuses_map_onto_the_hierarchy(status: int, expected: type[ProviderError]) -> None:
    with pytest.raises(expected) as info:
        map_response("tmdb", _response(status), NOW)
    assert info.value.status_code == status


def test_success_maps_to_nothing() -> None:
    map_response("tmdb", _response(200, json={"ok": True}), NOW)


def test_error_bodies_give_a_readable_message() -> None:
    body = {"status_code": 7, "status_message": "Invalid API key: You must be granted a valid key."}
    with pytest.raises(AuthenticationError, match="Invalid API key"):
        map_response("tmdb", _response(401, json=body), NOW)


def test_429_carries_retry_after_in_seconds() -> None:
    with pytest.raises(RateLimitedError) as info:
        map_response("tmdb", _response(429, headers={"Retry-After": "7"}), NOW)
    assert info.value.retry_after == 7
    assert info.value.retryable


def test_429_carries_retry_after_as_http_date() -> None:
    when = NOW + timedelta(seconds=120)
    header = when.strftime("%a, %d %b %Y %H:%M:%S GMT")
    with pytest.raises(RateLimitedError) as info:
        map_response("tmdb", _response(429, headers={"Retry-After": header}), NOW)
    assert info.value.retry_after == pytest.approx(120)


def test_503_with_retry_after_is_a_rate_limit() -> None:
    with pytest.raises(RateLimitedError) as info:
        map_response("fanart", _response(503, headers={"Retry-After": "30"}), NOW)
    assert info.value.retry_after == 30


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "12"}, 12.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"retry-after-ms": "250"}, 0.25),
        ({"Retry-After": "Sat, 21 Nov 2026 12:00:30 GMT"}, 30.0),
        ({"Retry-After": "Sat, 21 Nov 2026 11:00:00 GMT"}, 0.0),
        ({"Retry-After": "-4"}, None),  # garbage: read as absent
        ({"Retry-After": "soon"}, None),
        ({}, None),
    ],
)
def test_parse_retry_after(headers: dict[str, str], expected: float | None) -> None:
    assert parse_retry_after(headers, NOW) == expected


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (httpx.ConnectError("refused"), NetworkError),
        (httpx.ReadError("reset"), NetworkError),
        (httpx.RemoteProtocolError("bad"), NetworkError),
        (httpx.ReadTimeout("slow"), ProviderTimeoutError),
        (httpx.ConnectTimeout("slow"), ProviderTimeoutError),
        (httpx.PoolTimeout("slow"), ProviderTimeoutError),
    ],
)
def test_transport_errors_map_onto_the_hierarchy(exc: httpx.HTTPError, expected: type[ProviderError]) -> None:
    error = map_transport_error("omdb", exc)
    assert isinstance(error, expected)
    assert error.retryable


@pytest.mark.parametrize(
    ("body", "content_type", "status", "message", "retryable"),
    [
        (b"<html><body>Bad gateway</body></html>", "text/html", 200, "web page", False),
        (b"<html>oops</html>", "text/html", 502, "web page", True),
        (b'{"title": "Incep', "application/json", 200, "malformed", False),
        (b'{"title": "x"}', "image/png", 200, "content type", False),
        (b"x" * (10 * 1024 * 1024 + 1), "application/json", 200, "too large", False),
    ],
)
def test_bad_bodies_are_bad_responses(
    body: bytes, content_type: str, status: int, message: str, retryable: bool
) -> None:
    response = httpx.Response(status, content=body, headers={"content-type": content_type})
    with pytest.raises(BadResponseError, match=message) as info:
        decode_json("tmdb", response)
    assert info.value.retryable is retryable


def test_good_json_decodes() -> None:
    response = httpx.Response(200, json={"title": "Inception"})
    assert decode_json("tmdb", response) == {"title": "Inception"}
