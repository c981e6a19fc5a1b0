"""Is this installation whole? Checked when the server starts, so that a broken
install (a data file left out of the package, an optional dependency the
configuration needs but nobody installed) stops at once with one sentence saying
what is missing and how to fix it, instead of a traceback later.

Nothing here imports gevent, eventlet or the app: it runs before monkey-patching.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from live import paths
from live.config import Settings

REINSTALL = "reinstall live (pip install --force-reinstall . from its folder, or pip install --force-reinstall live)"


def required_files() -> dict[str, Path]:
    """One file standing for each kind of data the server opens at run time."""
    package = paths.PACKAGE
    return {
        "the page templates": paths.TEMPLATES / "base.html",
        "the static files": paths.STATIC / "js" / "common.js",
        "the browser libraries": paths.STATIC / "vendor" / "socket.io.min.js",
        "the French translations": paths.TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.mo",
        "the database migrations": package / "store" / "migrations" / "env.py",
        "the archive page template": package / "archive" / "summary.html",
        "the word lists": paths.WORDLISTS / "profanity" / "fr.txt",
    }


def missing_data() -> list[tuple[str, Path]]:
    """The kinds of data whose file is missing: ``[(what, path), ...]``."""
    return [(what, path) for what, path in required_files().items() if not path.is_file()]


def missing_modules(settings: Settings) -> list[tuple[str, str]]:
    """Optional packages ``settings`` need and that cannot be imported:
    ``[(module, how to install it), ...]``."""
    needed = []
    if settings.async_mode == "gevent":
        needed.append(("gevent", "pip install gevent (a dependency of live: reinstall live)"))
    if settings.async_mode == "eventlet":
        needed.append(("eventlet", "install live with pip install '.[eventlet]', or pip install eventlet"))
    if settings.database_url.startswith(("postgresql", "postgres")):
        needed.append(("psycopg", "pip install 'psycopg[binary]' (a dependency of live: reinstall live)"))
    if settings.redis_url:
        needed.append(("redis", "pip install redis (a dependency of live: reinstall live)"))
    return [(module, how) for module, how in needed if not _importable(module)]


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a broken or half-removed package
        return False


def problem(settings: Settings) -> str | None:
    """One sentence saying what is missing and how to fix it, or None when whole."""
    data = missing_data()
    if data:
        what, path = data[0]
        return f"This installation of live is incomplete: {what} are missing ({path} not found); {REINSTALL}."
    modules = missing_modules(settings)
    if modules:
        module, how = modules[0]
        return f"This configuration needs the Python package {module}, which is not installed: {how}."
    return None


def check(settings: Settings) -> None:
    """Stop with one clear sentence when the installation cannot run ``settings``."""
    found = problem(settings)
    if found:
        raise SystemExit(found)
