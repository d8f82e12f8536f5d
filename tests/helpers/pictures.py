"""Pictures drawn with Pillow for the perceptual hash's tests: one drawing at any size (the same
picture for the hash), and a different one."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw


def picture(width: int, height: int, *, kind: str = "PNG", other: bool = False) -> bytes:
    """A drawing of 9 x 8 coloured blocks scaled to `width` x `height` (the same picture at any
    size: neighbouring blocks differ clearly, so the hash has no near-ties); `other` draws a
    different one. PNG or JPEG."""
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for row in range(8):
        for col in range(9):
            step = (col * 5 + row * (3 if other else 7)) % 9
            shade = 20 + step * 27
            box = (col * width // 9, row * height // 8, (col + 1) * width // 9, (row + 1) * height // 8)
            draw.rectangle(box, fill=(shade, (shade * 3) % 256, 255 - shade))
    draw.ellipse((width // 3, height // 3, width * 2 // 3, height * 2 // 3), outline=(255, 255, 255))
    out = io.BytesIO()
    if kind == "JPEG":
        image.save(out, format=kind, quality=90)
    else:
        image.save(out, format=kind)
    return out.getvalue()


def distance(a: str, b: str) -> int:
    """How many of the 64 bits of two perceptual hashes differ."""
    return bin(int(a, 16) ^ int(b, 16)).count("1")
