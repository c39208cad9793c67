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
