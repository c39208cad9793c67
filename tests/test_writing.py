"""Writing the PDF: atomic, so an interruption never leaves half a file or spoils an old one."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from generator import writing as writing_module
from generator.writing import write_atomically
from generator.errors import UserError


def test_interrupted_write_keeps_the_old_file_and_leaves_no_temporary(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "handout.pdf"
    target.write_bytes(b"%PDF- the old handout")

    def interrupted(source: str, destination: Path) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(writing_module.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, b"%PDF- the new handout")
    assert target.read_bytes() == b"%PDF- the old handout"
    assert [p.name for p in tmp_path.iterdir()] == ["handout.pdf"]


def test_write_creates_folders_and_honours_the_umask(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "handout.pdf"
    old = os.umask(0o022)
    try:
        write_atomically(target, b"%PDF-1.4")
    finally:
        os.umask(old)
    assert target.read_bytes() == b"%PDF-1.4"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_a_file_in_the_way_is_a_user_error(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    with pytest.raises(UserError) as raised:
        write_atomically(tmp_path / "afile" / "out.pdf", b"%PDF-")
    assert "is a file, not a folder" in str(raised.value)


def test_a_chosen_name_never_replaces_a_file(tmp_path: Path) -> None:
    from generator.naming import alternatives
    from generator.writing import write_new

    target = tmp_path / "handout.pdf"
    target.write_bytes(b"%PDF- another patient's")
    written = write_new(target, b"%PDF- new", alternatives(target, "Ann"))
    assert written != target and written.parent == tmp_path
    assert target.read_bytes() == b"%PDF- another patient's"
    again = write_new(target, b"%PDF- newer", alternatives(target, "Ann"))
    assert again not in (target, written)
    assert sorted(p.read_bytes() for p in tmp_path.iterdir()) == [
        b"%PDF- another patient's", b"%PDF- new", b"%PDF- newer"]


def test_the_longest_legal_name_can_be_written(tmp_path: Path) -> None:
    target = tmp_path / ("é" * 125 + ".pdf")  # 254 bytes of UTF-8
    write_atomically(target, b"%PDF-")
    assert target.read_bytes() == b"%PDF-"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_reads_are_counted_not_trusted(tmp_path: Path) -> None:
    from generator.files import read_bytes

    zero = tmp_path / "zero.png"
    zero.symlink_to("/dev/zero")  # st_size says 0; reading it would never end
    with pytest.raises(UserError, match="is not a regular file"):
        read_bytes(zero, 1_000)
    big = tmp_path / "big.yaml"
    big.write_bytes(b"x" * 1_001)
    with pytest.raises(UserError, match="larger than 1,000 bytes"):
        read_bytes(big, 1_000)
    assert read_bytes(big, 1_001) == b"x" * 1_001
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(UserError, match="is not a regular file"):
        read_bytes(fifo, 1_000)  # returns at once: no writer is waited for
