"""A wheel must carry every package: pyproject lists them by hand because
static/ and templates/ are mapped into the package at build time."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_python_package_is_listed_in_pyproject():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "live").rglob("__init__.py")
        if "__pycache__" not in path.parts
    }
    assert found - listed == set(), "add these to [tool.setuptools] packages"
    assert {"live.static", "live.templates"} <= listed


def test_vendored_libraries_record_version_and_licence():
    vendored = (ROOT / "static" / "vendor" / "VENDORED.md").read_text()
    assert "| socket.io.min.js | socket.io-client | 4." in vendored and "MIT" in vendored
    assert (ROOT / "static" / "vendor" / "socket.io.min.js.LICENSE").is_file()
