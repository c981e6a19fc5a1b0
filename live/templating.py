"""Where Jinja finds the activity kinds' partials: ``kinds/<name>/<file>`` is the file
``<file>`` of the ``templates/`` folder of kind ``<name>``'s package (its editor,
archive and comparison partials, its parts of the host screen, phone and moderation
pages: one documented place per kind). Used by the app's pages and by the archive
writer; the pages also ask here for the kinds' browser modules and capabilities."""

from __future__ import annotations

from dataclasses import asdict

from flask import url_for
from jinja2 import FileSystemLoader, PrefixLoader

from live.activities.registry import KINDS


def kind_loader() -> PrefixLoader:
    """A loader of every registered kind's partials, as ``kinds/<name>/<file>``."""
    per_kind = {
        kind.name: FileSystemLoader(str(kind.package_dir / "templates"))
        for kind in KINDS if kind.package_dir is not None
    }
    return PrefixLoader({"kinds": PrefixLoader(per_kind, delimiter="/")}, delimiter="/")


def kind_script_url(kind) -> str | None:
    """The address of a kind's browser module: under live's ``static/`` for a built-in
    kind (``script`` is a str), ``/kinds/<name>.js`` for a kind added from outside
    (``script`` is a Path: served by ``pages.kind_script``), None without one."""
    if kind.script is None:
        return None
    if isinstance(kind.script, str):
        return url_for("static", filename=kind.script)
    return url_for("pages.kind_script", name=kind.name)


def kind_capabilities() -> dict[str, dict]:
    """Every registered kind's capabilities, for the pages' scripts (shared code
    asks them, never a kind's name)."""
    return {kind.name: asdict(kind.capabilities) for kind in KINDS}
