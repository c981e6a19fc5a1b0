"""HTTP inputs that Flask would otherwise let through as a server error or as a
way off the site: JSON nested too deep, and redirect targets after login or a
language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask.json.provider import DefaultJSONProvider


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, where a document nested deeper than the parser goes is invalid
    JSON (a ``ValueError``, so ``request.get_json`` refuses it like any other
    malformed body: a 400) rather than a ``RecursionError`` (a 500)."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def same_site_path(target: str | None) -> str | None:
    """``target`` when it is a path on this site (``/dashboard?x=1``), else None.

    Browsers read more than ``//host`` as another site: they drop tabs and
    newlines (``/\\t/host`` becomes ``//host``) and take a backslash for a slash
    (``/\\host``); a newline would also break the ``Location`` header. So a
    target with any control character or backslash is refused outright."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if any(character < " " or character == "\x7f" or character == "\\" for character in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
