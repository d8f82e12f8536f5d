"""The perceptual hash of downloaded bytes: the same for one picture at any size, different for
another picture, and no hash (never an exception) for bytes that are not a whole, reasonable image."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from metarr_desktop.services.imaging import inspect_image
from metarr_desktop.services.imaging import perceptual_hash
from tests.helpers.pictures import distance
from tests.helpers.pictures import picture


def test_one_picture_at_two_sizes_hashes_alike_and_another_does_not() -> None:
    small = perceptual_hash(picture(100, 150))
    large = perceptual_hash(picture(1000, 1500, kind="JPEG"))
    other = perceptual_hash(picture(100, 150, variant=1))
    assert small is not None and large is not None and other is not None
    assert len(small) == 16 and int(small, 16) >= 0
    assert distance(small, large) <= 4
    assert distance(small, other) > 4


def test_the_thumbnails_hash_agrees_with_publishings() -> None:
    """Publishing hashes the whole decode; the thumbnail's hash may decode a JPEG at a reduced
    scale: both stay within the grouping distance."""
    data = picture(2000, 3000, kind="JPEG")
    thumbnail = perceptual_hash(data)
    assert thumbnail is not None
    assert distance(thumbnail, inspect_image(data).dhash) <= 1


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"<!doctype html><html><body>Rate limited</body></html>",
        b"\x89PNG\r\n\x1a\n<html>",
        b"\xff\xd8\xff\xe0garbage" * 10,
        b"RIFF\x00\x00\x00\x00WEBPVP8 ",
    ],
    ids=["empty", "html", "png-magic-then-html", "jpeg-magic-then-garbage", "webp-header-only"],
)
def test_bytes_that_are_not_an_image_give_no_hash(data: bytes) -> None:
    assert perceptual_hash(data) is None


@pytest.mark.parametrize("kind", ["PNG", "JPEG"])
def test_a_truncated_image_gives_no_hash(kind: str) -> None:
    data = picture(300, 450, kind=kind)
    assert perceptual_hash(data) is not None
    assert perceptual_hash(data[: len(data) // 2]) is None


def test_an_oversized_image_gives_no_hash() -> None:
    data = picture(300, 450)
    assert perceptual_hash(data, max_pixels=300 * 450) is not None
    assert perceptual_hash(data, max_pixels=300 * 450 - 1) is None
    # A bomb: tiny bytes that declare 13000 x 13000 pixels (past the default limit).
    bomb = io.BytesIO()
    Image.new("1", (13000, 13000)).save(bomb, format="PNG")
    assert len(bomb.getvalue()) < 1_000_000
    assert perceptual_hash(bomb.getvalue()) is None
