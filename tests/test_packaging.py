"""What users install must be whole: setup.py finds every Python package under
live/ (static/ and templates/ are mapped into the package at build time), and the
sdist and the wheel must carry every file the code may open at run time."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Where each source folder lands inside the wheel.
WHEEL_HOME = {"live": "live", "static": "live/static", "templates": "live/templates"}


def test_vendored_libraries_record_version_and_licence():
    vendored = (ROOT / "static" / "vendor" / "VENDORED.md").read_text()
    assert "| socket.io.min.js | socket.io-client | 4." in vendored and "MIT" in vendored
    assert (ROOT / "static" / "vendor" / "socket.io.min.js.LICENSE").is_file()
    # Test-only libraries (never served) are recorded the same way, beside them.
    tested = (ROOT / "tests" / "vendor" / "VENDORED.md").read_text()
    assert "| axe.min.js | axe-core | 4." in tested and "MPL-2.0" in tested
    assert (ROOT / "tests" / "vendor" / "axe.min.js.LICENSE").is_file()


def source_files() -> list[str]:
    """The files a fresh clone has (tracked, plus new ones not ignored), as paths
    relative to the checkout."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True,
    )
    if listed.returncode != 0:
        pytest.skip(f"not a git checkout, so what a clone holds is unknown: {listed.stderr.strip()}")
    return [line for line in listed.stdout.splitlines() if (ROOT / line).is_file()]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[set[str], set[str], list[str]]:
    """The names inside the sdist and the wheel built from a copy of the clone (the
    wheel from the sdist, as pip does), and the source files they must hold."""
    files = source_files()
    tree = tmp_path_factory.mktemp("clone")
    for name in files:
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, tree / name)
    dist = tree / "dist"
    result = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(tree)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (sdist,) = dist.glob("*.tar.gz")
    (wheel,) = dist.glob("*.whl")
    with tarfile.open(sdist) as archive:
        # Names inside an sdist start with "live-<version>/".
        sdist_names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    with zipfile.ZipFile(wheel) as archive:
        wheel_names = set(archive.namelist())
    shipped = [name for name in files if name.split("/", 1)[0] in WHEEL_HOME]
    return sdist_names, wheel_names, shipped


@pytest.mark.slow
def test_the_wheel_carries_every_file_of_live_static_and_templates(built):
    _sdist, wheel, shipped = built
    missing = [
        name for name in shipped
        if f"{WHEEL_HOME[name.split('/', 1)[0]]}/{name.split('/', 1)[1]}" not in wheel
    ]
    # A Python package setup.py did not find would be missing here (its __init__.py first).
    assert missing == [], "the wheel lacks these files: see setup.py and [tool.setuptools.package-data]"
    # The word lists the server reads at start (the file a fresh install once lacked).
    assert any(name.endswith("profanity/fr.txt") for name in wheel)
    assert not any(name.endswith((".pyc", ".pyo")) for name in wheel)


@pytest.mark.slow
def test_the_sdist_carries_every_file_of_live_static_and_templates(built):
    sdist, _wheel, shipped = built
    assert [name for name in shipped if name not in sdist] == []
