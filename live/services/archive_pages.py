"""The summary of an archived session as the app's pages show it (the facilitator's
session page, share pages), drawn once and kept.

Drawing a summary lays out its word clouds: a second or more for a large session.
Done on every view, in the event loop, two visitors reloading a share page froze
every live session of the process. So each variant of the summary (its language,
and whether players' names are shown, as on the owner's page and on share links that
show them, or replaced by "Participant n") is drawn once, in a worker process
(live/offload.py), and kept in ``LIVE_ARCHIVE_DIR/.pages/<folder>/<variant>.html``;
later views read that file. The archive folder itself is left as written: the
portable record holds no cache, and a zip or a copy of it carries none.

A kept page is used only when it was drawn from this very summary.json (device,
inode, size, modification time: rewriting the folder draws it again), in the
server's time zone, by this version of the templates, code and translations. Each
carries an HMAC made with the server key, so a file that someone else put there
(an archive folder's disk may be shared) is never shown; and nothing there is read
or written through a link. Deleting a session deletes its kept pages (``forget``).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import os
import re
import secrets
import shutil
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from live import __version__, paths
from live.archive import files
from live.archive.document import read_summary
from live.archive.writer import render_summary_fragment
from live.offload import Offload, run_here
from live.pause_points import pause_point

log = logging.getLogger(__name__)

CACHE_FOLDER = ".pages"
HEADER = re.compile(rb"<!-- live summary ([0-9a-f]{64}) ([0-9a-f]{64}) -->\n")
MAX_KEPT_BYTES = 64 * 1024 * 1024
LOCALE = re.compile(r"[A-Za-z]{2,3}(_[A-Za-z]{2,4})?")
# Views of a page that arrive while it is being drawn wait for it rather than draw
# it again; a few locks shared by every page are enough for that.
N_LOCKS = 16


@dataclass(frozen=True)
class Variant:
    """One way of showing a summary: in ``locale``, with the players' names or not."""

    locale: str
    names: bool

    @property
    def file_name(self) -> str:
        """``en-names.html``, ``fr-pseudonyms.html``..."""
        if not LOCALE.fullmatch(self.locale):
            raise ValueError(f"not a locale: {self.locale!r}")
        return f"{self.locale}-{'names' if self.names else 'pseudonyms'}.html"


def draw(document: dict, variant: Variant, timezone_name: str | None) -> str:
    """The summary fragment of ``document`` as ``variant``, times in ``timezone_name``
    (CPU-heavy: run it with ``offload.compute``)."""
    return render_summary_fragment(document, variant.locale, pseudonymise=not variant.names,
                                   timezone_name=timezone_name)


class SummaryPages:
    """The kept summary pages of one server: where they are, the key that signs them,
    the zone they show, and where they are drawn (``offload``)."""

    def __init__(self, archive_dir: Path, secret_key: str, timezone_name: str | None, offload: Offload = run_here):
        self._archive_dir = Path(archive_dir)
        self._secret = hashlib.sha256(b"live summary pages\n" + secret_key.encode()).digest()
        self._timezone = timezone_name
        self._offload = offload
        self._locks = [threading.Lock() for _ in range(N_LOCKS)]

    def fragment(self, folder: Path, variant: Variant) -> str:
        """The summary of the archive ``folder`` as ``variant``: the kept page, or
        drawn now in the worker process and kept. BadSummary when summary.json cannot be shown."""
        key = self._key(folder, variant)
        if key is None:  # not a plain summary.json: reading it says why (BadSummary)
            return self._offload.compute(_read_and_draw, folder, variant, self._timezone)
        kept = self._kept(folder.name, variant, key)
        if kept is not None:
            return kept
        with self._locks[int(key[:8], 16) % N_LOCKS]:
            kept = self._kept(folder.name, variant, key)
            if kept is not None:
                return kept
            page = self._offload.compute(_read_and_draw, folder, variant, self._timezone)
            failure = self._offload(self._keep_or_say_why, folder.name, variant, key, page)
        if failure:
            log.warning("the summary page %s could not be kept (it is drawn again next time): %s", variant.file_name,
                        failure)
        return page

    def draw(self, document: dict, variant: Variant) -> str:
        """The summary of ``document`` (no folder to keep it with), drawn in the worker process."""
        return self._offload.compute(draw, document, variant, self._timezone)

    # -- the kept files -------------------------------------------------------------

    def _key(self, folder: Path, variant: Variant) -> str | None:
        """What a kept page must have been drawn from; None when summary.json is not a
        regular file with a single link."""
        try:
            with files.folder(folder) as folder_fd:
                seen = os.stat("summary.json", dir_fd=folder_fd, follow_symlinks=False)
        except OSError:
            return None
        if files.describe(seen.st_mode, seen.st_nlink):
            return None
        material = "\n".join(str(part) for part in (
            renderer_version(), self._timezone or "UTC", variant.file_name,
            seen.st_dev, seen.st_ino, seen.st_size, seen.st_mtime_ns,
        ))
        return hashlib.sha256(material.encode()).hexdigest()

    def _mac(self, key: str, page: bytes) -> str:
        return hmac.new(self._secret, key.encode() + b"\n" + page, hashlib.sha256).hexdigest()

    def _kept(self, folder_name: str, variant: Variant, key: str) -> str | None:
        """The page kept for ``key``, if there is one and this server wrote it."""
        try:
            with files.nested_folder(self._archive_dir, CACHE_FOLDER, folder_name) as pages_fd:
                descriptor = files.open_regular(pages_fd, variant.file_name)
            with os.fdopen(descriptor, "rb") as kept:
                data = kept.read(MAX_KEPT_BYTES)
        except OSError:
            return None
        header = HEADER.match(data)
        if header is None or header.group(1).decode() != key:
            return None
        page = data[header.end():]
        if not hmac.compare_digest(header.group(2).decode(), self._mac(key, page)):
            return None
        return page.decode("utf-8")

    def _keep_or_say_why(self, folder_name: str, variant: Variant, key: str, page: str) -> str | None:
        """In the pool: keep the drawn page; why it could not be kept (None when it was):
        the caller logs it, in its own thread."""
        try:
            self._keep(folder_name, variant, key, page.encode("utf-8"))
        except OSError as error:
            return f"{folder_name}: {error}"
        return None

    def _keep(self, folder_name: str, variant: Variant, key: str, page: bytes) -> None:
        """Write the page atomically as .pages/<folder>/<variant>.html, never through a link."""
        header = f"<!-- live summary {key} {self._mac(key, page)} -->\n".encode()
        with files.folder(self._archive_dir) as root_fd:
            files.make_folder(root_fd, CACHE_FOLDER)
        with files.nested_folder(self._archive_dir, CACHE_FOLDER) as cache_fd:
            files.make_folder(cache_fd, folder_name)
        with files.nested_folder(self._archive_dir, CACHE_FOLDER, folder_name) as pages_fd:
            temporary = f".{variant.file_name}.{secrets.token_hex(8)}.tmp"
            files.write_new(pages_fd, temporary, header + page)
            os.replace(temporary, variant.file_name, src_dir_fd=pages_fd, dst_dir_fd=pages_fd)


def _read_and_draw(folder: Path, variant: Variant, timezone_name: str | None) -> str:
    """In the worker process: the summary of the archive ``folder``, drawn (BadSummary when it cannot be)."""
    document = read_summary(folder)
    pause_point("page-render")  # tests: hold a render and watch the event loop go on
    return draw(document, variant, timezone_name)


def forget(archive_dir: Path, folder_name: str) -> None:
    """Delete the kept pages of the archive folder ``folder_name`` (its session was deleted)."""
    kept = Path(archive_dir) / CACHE_FOLDER / folder_name
    with contextlib.suppress(OSError):
        if kept.is_dir() and not kept.is_symlink():
            shutil.rmtree(kept)


def forget_orphans(archive_dir: Path) -> list[str]:
    """Delete the kept pages whose archive folder is no longer under ``archive_dir``
    (removed by hand): they hold what the folder held, names included. A page still
    needed is only drawn again."""
    try:
        kept = [path for path in (Path(archive_dir) / CACHE_FOLDER).iterdir() if path.is_dir() and not path.is_symlink()]
    except OSError:
        return []
    orphans = [path for path in kept if not (Path(archive_dir) / path.name).is_dir()]
    for path in orphans:
        shutil.rmtree(path, ignore_errors=True)
    return [path.name for path in orphans]


@lru_cache(maxsize=1)
def renderer_version() -> str:
    """A digest of everything a summary page is drawn with: the live version, the
    archive's templates and code, the translations. A new release draws pages again."""
    digest = hashlib.sha256(__version__.encode())
    archive = Path(files.__file__).parent
    sources = sorted([*archive.glob("*.html"), *archive.glob("*.py"), *Path(paths.TRANSLATIONS).rglob("*.mo")])
    for path in sources:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
