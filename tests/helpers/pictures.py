"""Pictures drawn with Pillow for the perceptual hash's tests: one drawing at any size (the same
picture for the hash), and as many different ones as needed."""

from __future__ import annotations

import io
import random

from PIL import Image
from PIL import ImageDraw


def picture(width: int, height: int, *, kind: str = "PNG", variant: int = 0) -> bytes:
    """A drawing of 9 x 8 coloured blocks scaled to `width` x `height`: the same picture at any size
    (neighbouring blocks differ clearly, so its hash has no near-ties), another one per `variant`.
    PNG or JPEG."""
    chooser = random.Random(variant)
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for row in range(8):
        left = -9
        for col in range(9):
            step = chooser.choice([s for s in range(9) if abs(s - left) >= 2])
            left = step
            shade = 20 + step * 27
            box = (col * width // 9, row * height // 8, (col + 1) * width // 9, (row + 1) * height // 8)
            draw.rectangle(box, fill=(shade, shade // 2 + 60, 255 - shade))  # grey rises with shade
    out = io.BytesIO()
    if kind == "JPEG":
        image.save(out, format=kind, quality=90)
    else:
        image.save(out, format=kind)
    return out.getvalue()


def distance(a: str, b: str) -> int:
    """How many of the 64 bits of two perceptual hashes differ."""
    return bin(int(a, 16) ^ int(b, 16)).count("1")
