"""Pictures are normalised before they reach the PDF: upright, 8-bit, flattened on white."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from generator.images import MAX_PRINT_SIDE, print_ready


def decoded(path: Path) -> Image.Image:
    print_ready.cache_clear()
    image = Image.open(io.BytesIO(print_ready(path)))
    image.load()
    return image


def test_sixteen_bit_grey_keeps_its_tones(tmp_path: Path) -> None:
    # A 16-bit greyscale gradient, dark to mid-grey: clipped to 8 bits it would print white.
    path = tmp_path / "grey16.png"
    Image.frombytes("I;16", (256, 8),
                    b"".join((value * 128).to_bytes(2, "little")
                             for _ in range(8) for value in range(256))).save(path)
    assert Image.open(path).mode.startswith("I")
    image = decoded(path)
    assert image.mode == "L"
    assert [image.getpixel((x, 4)) for x in (0, 64, 128, 192, 255)] == [0, 32, 64, 96, 127]


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    # Stored 60 x 20 with "rotate 90" in its EXIF: the patient must see it 20 x 60.
    picture = Image.new("RGB", (60, 20), "white")
    picture.paste((200, 0, 0), (0, 0, 10, 20))  # red on the stored left edge
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "turned.jpg"
    picture.save(path, exif=exif.tobytes(), quality=95)
    image = decoded(path)
    assert image.size == (20, 60)
    assert image.getpixel((10, 2))[0] > 150 and image.getpixel((10, 2))[1] < 100  # red on top


def test_a_damaged_exif_tag_is_skipped_without_a_warning(tmp_path: Path,
                                                          recwarn: pytest.WarningsRecorder) -> None:
    # An Orientation tag that claims 4 billion values: Pillow skips it, and must not print
    # "UserWarning: Tag data larger than file" with its source line (an outside attacker).
    stream = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(stream, "JPEG")
    tiff = b"MM\x00*" + (8).to_bytes(4, "big") + (1).to_bytes(2, "big") + bytes.fromhex(
        "0112" "0003" "ffffffff" "00000000") + bytes(4)
    segment = b"Exif\x00\x00" + tiff
    jpeg = stream.getvalue()
    path = tmp_path / "bad-exif.jpg"
    path.write_bytes(jpeg[:2] + b"\xff\xe1" + (len(segment) + 2).to_bytes(2, "big") + segment + jpeg[2:])
    assert decoded(path).size == (8, 8)
    assert [str(warning.message) for warning in recwarn] == []


def test_palette_with_transparency_is_flattened_on_white(tmp_path: Path) -> None:
    picture = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    picture.paste((29, 53, 87, 255), (10, 10, 30, 30))
    path = tmp_path / "palette.png"
    picture.convert("P").save(path, transparency=0)
    assert Image.open(path).mode == "P"
    image = decoded(path)
    assert image.mode == "RGB"
    assert image.getpixel((2, 2)) == (255, 255, 255)     # transparent: white paper
    assert image.getpixel((20, 20)) != (255, 255, 255)   # the mark itself


def test_alpha_is_flattened_on_white(tmp_path: Path) -> None:
    picture = Image.new("RGBA", (30, 30), (0, 0, 0, 0))
    picture.paste((0, 0, 0, 128), (0, 0, 30, 15))
    path = tmp_path / "alpha.png"
    picture.save(path)
    image = decoded(path)
    assert image.mode == "RGB"
    assert image.getpixel((5, 25)) == (255, 255, 255)
    assert 120 <= image.getpixel((5, 5))[0] <= 135       # half-transparent black: mid grey


def test_a_ready_picture_is_passed_through_and_a_large_one_shrunk(tmp_path: Path) -> None:
    small = tmp_path / "small.png"
    Image.new("RGB", (50, 40), "navy").save(small)
    print_ready.cache_clear()
    assert print_ready(small) == small.read_bytes()
    large = tmp_path / "large.png"
    Image.new("L", (3000, 1000), 90).save(large)
    assert max(decoded(large).size) == MAX_PRINT_SIDE


def png_header_only(width: int, height: int, bit_depth: int, colour_type: int) -> bytes:
    """A PNG that declares its size and kind but holds almost no pixels (it would take
    a second and gigabytes to decode one that held them all)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


def test_a_picture_too_large_once_decoded_is_refused_before_decoding(tmp_path: Path) -> None:
    import pytest

    from generator.errors import UserError
    from generator.images import MAX_DECODED_BYTES, MAX_SOURCE_PIXELS

    # 7000 x 7000 16-bit RGBA: 49 M pixels, under the pixel limit, 196 MB decoded.
    assert 7000 * 7000 < MAX_SOURCE_PIXELS
    path = tmp_path / "bomb.png"
    path.write_bytes(png_header_only(7000, 7000, 16, 6))
    print_ready.cache_clear()
    with pytest.raises(UserError) as refused:
        print_ready(path)
    assert str(refused.value) == (
        f"{path}: picture is 7000 x 7000 pixels in RGBA, 196 MB once decoded; the limit is "
        f"{MAX_DECODED_BYTES // 1_000_000} MB (shrink it first: print needs at most 1,200 "
        "pixels on the long side)")
    # The same pixels in 8-bit grey take a quarter of that: refused only as damaged here.
    path.write_bytes(png_header_only(7000, 7000, 8, 0))
    with pytest.raises(UserError, match="damaged or truncated"):
        print_ready(path)


def test_a_picture_in_another_format_says_which_in_plain_words(tmp_path: Path) -> None:
    import pytest

    from generator.errors import UserError

    path = tmp_path / "logo.bmp"
    Image.new("RGB", (20, 20), "navy").save(path, format="BMP")
    print_ready.cache_clear()
    with pytest.raises(UserError) as refused:
        print_ready(path)
    assert str(refused.value) == (f"{path}: is a BMP picture, which cannot be printed; "
                                  "save it as PNG or JPEG")


def test_a_large_picture_with_alpha_is_shrunk_before_it_is_flattened(tmp_path: Path) -> None:
    picture = Image.new("RGBA", (2400, 600), (0, 0, 0, 0))
    picture.paste((0, 0, 0, 128), (0, 0, 2400, 300))
    path = tmp_path / "wide.png"
    picture.save(path)
    image = decoded(path)
    assert image.mode == "RGB" and image.size == (MAX_PRINT_SIDE, 300)
    assert image.getpixel((600, 250)) == (255, 255, 255)
    assert 120 <= image.getpixel((600, 50))[0] <= 135
