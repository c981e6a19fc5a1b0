"""Where Jinja finds the activity kinds' partials: ``kinds/<name>/<file>`` is the file
``<file>`` of the ``templates/`` folder of kind ``<name>``'s package (its editor,
archive and comparison partials: one documented place per kind). Used by the app's
pages and by the archive writer."""

from __future__ import annotations

from jinja2 import FileSystemLoader, PrefixLoader

from live.activities.registry import KINDS


def kind_loader() -> PrefixLoader:
    """A loader of every registered kind's partials, as ``kinds/<name>/<file>``."""
    per_kind = {
        kind.name: FileSystemLoader(str(kind.package_dir / "templates"))
        for kind in KINDS if kind.package_dir is not None
    }
    return PrefixLoader({"kinds": PrefixLoader(per_kind, delimiter="/")}, delimiter="/")
