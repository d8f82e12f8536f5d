"""Checking, measuring, hashing and converting downloaded artwork (Pillow).

`inspect_image` accepts only JPEG, PNG and WebP, by their magic bytes (whatever the server's
content type said), decodes the whole image (a truncated or corrupt file fails here, not in the
player), and measures it. `encode_for` re-encodes it when the file name needs another type
(``clearlogo.png`` from a WebP, ``poster.jpg`` from a PNG); otherwise the original bytes are kept.

The perceptual hash is a 64-bit difference hash (dHash) computed with Pillow alone: a 9x8 grey
thumbnail, one bit per horizontal neighbour comparison. ``imagehash`` computes the same dHash, but
pulls in numpy, scipy and PyWavelets (tens of megabytes in every install) for a dozen lines of
code; grouping near-duplicate artwork needs nothing more than this. Publishing hashes the full image
(`inspect_image`); the asset browser hashes the thumbnail it shows (`perceptual_hash`): the hash
reduces the picture to 9 x 8 first, so both agree within a few bits.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image

#: Refuse decompression bombs: more pixels than any artwork has (a 12000 x 12000 image).
MAX_PIXELS = 144_000_000


class ImageRejected(ValueError):
    """Bytes that are not an acceptable image (wrong type, corrupt, too large)."""


@dataclass(frozen=True, slots=True)
class InspectedImage:
    format: str  # "jpeg" | "png" | "webp"
    width: int
    height: int
    sha256: str
    dhash: str


def sniff(data: bytes) -> str | None:
    """The image type from its first bytes: "jpeg", "png", "webp", or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def dhash(image: Image.Image) -> str:
    """The 64-bit difference hash of `image` as 16 hex digits."""
    grey = image.convert("L").resize((9, 8), Image.Resampling.LANCZOS)
    pixels = grey.tobytes()  # mode L: one byte per pixel, row by row
    bits = 0
    for row in range(8):
        for col in range(8):
            left, right = pixels[row * 9 + col], pixels[row * 9 + col + 1]
            bits = (bits << 1) | (1 if left > right else 0)
    return f"{bits:016x}"


def perceptual_hash(data: bytes, max_pixels: int = MAX_PIXELS) -> str | None:
    """The dHash of downloaded image bytes, or None when they are not a JPEG, PNG or WebP that
    decodes completely within `max_pixels` pixels (a web page, a truncated file, a bomb).

    Pure and thread-safe (run it in a worker thread). Never raises for bad bytes: a hash only
    groups copies of one picture, so an image without one is simply not grouped.
    """
    if sniff(data) is None:
        return None
    try:
        return dhash(_open(data, max_pixels, draft=True))
    except ImageRejected:
        return None
    except Exception:  # hostile bytes may trip any decoder error: no hash then
        return None


def _open(data: bytes, max_pixels: int = MAX_PIXELS, *, draft: bool = False) -> Image.Image:
    """The decoded image; `draft` lets JPEG decode at a reduced scale (for hashing only)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > max_pixels:
                raise ImageRejected(f"image of {image.width} x {image.height} pixels is too large")
            if draft:
                image.draft("RGB", (64, 64))  # JPEG: decode at 1/2..1/8 scale, still far above 9 x 8
            image.load()
        except ImageRejected:
            raise
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Warning) as exc:
            raise ImageRejected(f"the image cannot be decoded ({type(exc).__name__})") from exc
    return image


def inspect_image(data: bytes) -> InspectedImage:
    """Check and measure downloaded bytes; raises `ImageRejected`."""
    kind = sniff(data)
    if kind is None:
        start = data[:64].lstrip().lower()
        what = "a web page" if start.startswith((b"<!doctype", b"<html", b"<")) else "not an image"
        raise ImageRejected(f"the download is {what} (neither JPEG, PNG nor WebP)")
    image = _open(data)
    return InspectedImage(kind, image.width, image.height, hashlib.sha256(data).hexdigest(), dhash(image))


def encode_for(data: bytes, kind: str, extension: str) -> bytes:
    """The bytes to write under a name ending in `extension` ("jpg" or "png"): `data` itself when
    it already is of that type, else re-encoded (JPEG quality 92; transparency flattened on white)."""
    wanted = "jpeg" if extension.lower() in ("jpg", "jpeg") else "png"
    if kind == wanted:
        return data
    image = _open(data)
    out = io.BytesIO()
    if wanted == "jpeg":
        if image.mode in ("RGBA", "LA", "P"):
            rgba = image.convert("RGBA")
            flat = Image.new("RGB", rgba.size, (255, 255, 255))
            flat.paste(rgba, mask=rgba.getchannel("A"))
            image = flat
        elif image.mode != "RGB":
            image = image.convert("RGB")
        image.save(out, format="JPEG", quality=92, optimize=True)
    else:
        image.save(out, format="PNG", optimize=True)
    return out.getvalue()
