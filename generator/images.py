"""Raster pictures (a clinic's logo, an exercise's own picture): checked, and shrunk to print size.

A picture that is missing, not an image, truncated or absurdly large is a clear error
naming the file; a large but sane one is downscaled so the PDF stays small.
"""

from __future__ import annotations

import io
import warnings
from functools import lru_cache
from pathlib import Path

from .errors import UserError

MAX_SOURCE_PIXELS = 50_000_000   # refuse beyond this: decoding it would take gigabytes
MAX_PRINT_SIDE = 1_200           # pixels on the long side: 300 dpi at 10 cm, plenty for print
FORMATS = {"PNG", "JPEG"}


@lru_cache(maxsize=32)
def print_ready(source: Path | bytes) -> bytes:
    """The picture as PNG or JPEG bytes no larger than print needs (cached per file).

    ``source`` is a file, or an upload's bytes kept in memory (its errors name no file).
    """
    from PIL import Image, UnidentifiedImageError

    path = source if isinstance(source, Path) else None

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(source) if isinstance(source, bytes) else source) as image:
                if image.format not in FORMATS:
                    raise UserError(f"is {image.format or 'not'} an image; use PNG or JPEG",
                                    path=path)
                width, height = image.size
                if width * height > MAX_SOURCE_PIXELS:
                    raise UserError(
                        f"picture is {width} x {height} pixels; the limit is "
                        f"{MAX_SOURCE_PIXELS:,} pixels in all (shrink it first)", path=path)
                image.load()  # decode now: a truncated file fails here, not mid-layout
                if max(width, height) <= MAX_PRINT_SIDE:
                    return source if isinstance(source, bytes) else source.read_bytes()
                source_format = image.format
                image.thumbnail((MAX_PRINT_SIDE, MAX_PRINT_SIDE))
                buffer = io.BytesIO()
                if source_format == "JPEG":
                    image.convert("RGB").save(buffer, format="JPEG", quality=88)
                else:
                    if image.mode not in {"RGB", "RGBA", "L", "LA"}:
                        image = image.convert("RGBA")
                    image.save(buffer, format="PNG", optimize=True)
                return buffer.getvalue()
    except FileNotFoundError:
        raise UserError("picture not found", path=path) from None
    except IsADirectoryError:
        raise UserError("is a folder, not a picture", path=path) from None
    except PermissionError:
        raise UserError("cannot read picture: permission denied", path=path) from None
    except UnidentifiedImageError:
        raise UserError("is not a picture Pillow can read; use PNG or JPEG", path=path) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UserError(f"picture is too large; the limit is {MAX_SOURCE_PIXELS:,} pixels",
                        path=path) from None
    except (OSError, SyntaxError, ValueError) as error:
        raise UserError(f"cannot read picture (damaged or truncated?): {error}",
                        path=path) from None
