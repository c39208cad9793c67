"""The built wheel carries the templates and the pack, and works from any directory."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(dist), str(ROOT)], check=True)
    (built,) = dist.glob("*.whl")
    return built


def test_wheel_ships_templates_data_and_fonts(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "generator/templates/handout.xml.j2" in names
    assert "generator/templates/styles.yaml" in names
    assert "generator/data/sciatica/pack.yaml" in names
    assert "generator/data/sciatica/presets/full.yaml" in names
    for exercise in ("knee-to-chest", "bird-dog"):
        assert f"generator/data/sciatica/exercises/{exercise}.yaml" in names
    assert "generator/fonts/DejaVuSans.ttf" in names
    assert not any(name.startswith(("tests/", "out/")) for name in names)


def test_installed_wheel_builds_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    # The dependencies come from the environment running the tests (a .pth line puts its
    # site-packages after the new venv's own), never from the base interpreter; the project
    # itself comes only from the wheel.
    ask = "import sysconfig; print(sysconfig.get_path('purelib'))"
    new_site = subprocess.run([str(python), "-c", ask], check=True, capture_output=True,
                              text=True).stdout.strip()
    running = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    Path(new_site, "_running_env.pth").write_text("\n".join(sorted(running)) + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall",
                    str(wheel)], check=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run([str(python), "-c", "import generator; print(generator.__file__)"],
                           cwd=elsewhere, check=True, capture_output=True, text=True).stdout
    assert where.startswith(str(venv)), where
    result = subprocess.run([str(venv / "bin" / "handout"), "build", "--date", "2026-11-24"],
                            cwd=elsewhere, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    output = elsewhere / "out" / "sciatica-handout.pdf"
    assert result.stdout.strip() == str(Path("out") / "sciatica-handout.pdf")
    assert output.read_bytes().startswith(b"%PDF-")
    assert output.stat().st_size > 20_000


def test_wheel_ships_the_web_page(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("page.html.j2", "static/handout.css", "static/handout.js"):
        assert f"generator/serve/{name}" in names
