"""Raster pictures (a clinic's logo, an exercise's own picture): checked and made print-ready.

A picture that is missing, not an image, truncated or absurdly large is a clear error
naming the file. A good one is normalised before it reaches the PDF: turned upright as
its EXIF orientation says, 16-bit grey scaled to 8 bits (not clipped to white), palette
and transparency flattened onto white paper, and shrunk to print size.
"""

from __future__ import annotations

import io
import struct
import warnings
from functools import lru_cache
from pathlib import Path

from .errors import UserError
from .files import read_bytes
from .limits import MAX_PICTURE_BYTES

MAX_SOURCE_PIXELS = 50_000_000   # refuse beyond this: decoding it would take gigabytes
# Refuse a picture whose decoded pixels take more memory than this. Pillow holds a pixel
# in 1 byte (grey, palette), 2 (16-bit grey) or 4 (anything in colour, and grey with
# alpha), so 100 MB takes a 24-megapixel camera photo (6000 x 4000 RGB: 96 MB) and refuses
# a 394 KB PNG of 7000 x 7000 16-bit RGBA (196 MB, which took 1 GB to make print-ready).
MAX_DECODED_BYTES = 100_000_000
MAX_PRINT_SIDE = 1_200           # pixels on the long side: 300 dpi at 10 cm, plenty for print
FORMATS = {"PNG", "JPEG"}


@lru_cache(maxsize=32)
def print_ready(source: Path | bytes) -> bytes:
    """The picture as PNG or JPEG bytes, upright, 8-bit grey or RGB on white, no larger
    than print needs (cached per file).

    ``source`` is a file, or an upload's bytes kept in memory (its errors name no file).
    """
    from PIL import Image, UnidentifiedImageError

    path = source if isinstance(source, Path) else None
    if isinstance(source, bytes):
        if len(source) > MAX_PICTURE_BYTES:
            raise UserError(f"picture is larger than {MAX_PICTURE_BYTES:,} bytes")
        data = source
    else:
        data = read_bytes(source, MAX_PICTURE_BYTES, "picture")
    try:
        with warnings.catch_warnings(record=True) as mended:
            # Pillow warns of what it mends or skips (a damaged EXIF tag): kept, not shown
            # (nothing for the user to do, and a warning with its source line reads as a crash).
            warnings.simplefilter("always")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in FORMATS:
                    raise UserError(f"is a {image.format or 'kind of'} picture, which cannot "
                                    "be printed; save it as PNG or JPEG", path=path)
                width, height = image.size
                if width * height > MAX_SOURCE_PIXELS:
                    raise UserError(
                        f"picture is {width} x {height} pixels; the limit is "
                        f"{MAX_SOURCE_PIXELS:,} pixels in all (shrink it first)", path=path)
                decoded = width * height * _bytes_per_pixel(image.mode)
                if decoded > MAX_DECODED_BYTES:
                    raise UserError(
                        f"picture is {width} x {height} pixels in {image.mode}, "
                        f"{decoded / 1e6:,.0f} MB once decoded; the limit is "
                        f"{MAX_DECODED_BYTES / 1e6:,.0f} MB (shrink it first: print needs at "
                        f"most {MAX_PRINT_SIDE:,} pixels on the long side)", path=path)
                image.load()  # decode now: a truncated file fails here, not mid-layout
                return _normalised(image, data, mended)
    except UnidentifiedImageError:
        raise UserError("is not a picture Pillow can read; use PNG or JPEG", path=path) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UserError(f"picture is too large; the limit is {MAX_SOURCE_PIXELS:,} pixels",
                        path=path) from None
    except (OSError, SyntaxError, ValueError, struct.error):
        # Pillow's own message may quote the file's bytes ("broken PNG file (chunk b'...')").
        raise UserError("cannot read picture: it is damaged or truncated; save it again as "
                        "PNG or JPEG", path=path) from None


def _bytes_per_pixel(mode: str) -> int:
    """The bytes Pillow holds a pixel of ``mode`` in, decoded."""
    return 1 if mode in {"1", "L", "P"} else 2 if mode.startswith("I;16") else 4


def _normalised(image: object, original: bytes, mended: list[warnings.WarningMessage]) -> bytes:
    """The decoded picture as print-ready bytes; the original bytes when they already are
    and Pillow mended nothing in reading them (``mended``: its warnings so far)."""
    from PIL import Image, ImageOps

    assert isinstance(image, Image.Image)
    source_format = image.format
    orientation = image.getexif().get(0x0112, 1)
    # Kept as it came only when clean: ReportLab reads the EXIF again, and warned of the
    # damage with a source line that reads as a crash (re-saved, the EXIF is left out).
    damaged = any(issubclass(warning.category, UserWarning) for warning in mended)
    if (not damaged and orientation == 1 and image.mode in {"RGB", "L"}
            and max(image.size) <= MAX_PRINT_SIDE):
        return original
    if max(image.size) > MAX_PRINT_SIDE and image.mode not in {"1", "P"}:
        # Shrink first (in place): the copies below are then print-sized, not source-sized.
        image.thumbnail((MAX_PRINT_SIDE, MAX_PRINT_SIDE))
    picture = ImageOps.exif_transpose(image) if orientation != 1 else image
    if picture.mode in {"I;16", "I;16L", "I;16B", "I;16N", "I"}:
        # 16-bit grey: scale to 8 bits (convert("L") would clip nearly all of it to white).
        picture = picture.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if picture.mode == "P":
        picture = picture.convert("RGBA" if "transparency" in picture.info else "RGB")
    if picture.mode in {"RGBA", "LA", "PA"} or "transparency" in picture.info:
        rgba = picture.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        picture = Image.alpha_composite(paper, rgba).convert("RGB")
    if picture.mode not in {"RGB", "L"}:
        picture = picture.convert("RGB")  # CMYK, 1-bit and the rest
    if max(picture.size) > MAX_PRINT_SIDE:
        picture = picture.copy()
        picture.thumbnail((MAX_PRINT_SIDE, MAX_PRINT_SIDE))
    buffer = io.BytesIO()
    if source_format == "JPEG":
        picture.save(buffer, format="JPEG", quality=88)
    else:
        picture.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()

