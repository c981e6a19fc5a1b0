"""Reading, listing and copying the files of an archive folder without ever following
a link.

Archive folders are not only ours: ``live archive import`` copies folders from
anywhere, indexes a folder already under LIVE_ARCHIVE_DIR where it is, and anyone
with access to the disk may change one afterwards. A file there may be a symbolic
link (``answers.csv -> ../../data/secret_key``), a hard link to a file elsewhere, a
named pipe that blocks whoever opens it, or a device. None of them is ever read,
served, zipped or copied: only regular files with a single link are.

Every file is checked with ``lstat`` (so a device or a pipe is never even opened),
opened once with ``O_NOFOLLOW`` relative to a descriptor of its folder (itself
opened with ``O_NOFOLLOW``), and checked again with ``fstat`` on that descriptor,
which must be the file ``lstat`` saw. It is then read or copied from that
descriptor: a file swapped for a link between a check and the copy fails to open
instead of being followed.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: should a pipe take the place of a checked file, opening it must not wait.
FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY
NEW_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
COPY_CHUNK = 1024 * 1024


class UnsafeFile(OSError):
    """A file that is not a regular file with a single link; ``reason`` says what it is."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


class MissingFile(UnsafeFile):
    """A file or folder that is not there (any more)."""


class TooLarge(UnsafeFile):
    """A file larger than the caller accepts."""


@dataclass(frozen=True)
class Entry:
    """One regular file of a folder, and its size in bytes."""

    name: str
    size: int


@contextmanager
def folder(path: Path | str, parent_fd: int | None = None) -> Iterator[int]:
    """A descriptor of the folder ``path`` (relative to the folder ``parent_fd``, when
    given), which must not be a symbolic link."""
    try:
        descriptor = os.open(path, FOLDER_FLAGS, dir_fd=parent_fd)
    except OSError as error:
        raise _refusal(str(path), error) from None
    try:
        yield descriptor
    finally:
        os.close(descriptor)


@contextmanager
def nested_folder(root: Path | str, *names: str) -> Iterator[int]:
    """A descriptor of ``root/names[0]/names[1]/...``, none of the ``names`` a link."""
    with ExitStack() as stack:
        descriptor = stack.enter_context(folder(root))
        for name in names:
            descriptor = stack.enter_context(folder(name, parent_fd=descriptor))
        yield descriptor


def make_folder(parent_fd: int, name: str) -> None:
    """Create the folder ``name`` in ``parent_fd`` unless something is there already
    (a link or a file there then fails to open as a folder)."""
    try:
        os.mkdir(name, 0o755, dir_fd=parent_fd)
    except FileExistsError:
        pass


def describe(mode: int, links: int = 1) -> str | None:
    """Why a file of ``mode`` (and ``links`` hard links) is refused, or None for a
    regular file with a single link."""
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if not stat.S_ISREG(mode):
        return "a special file (pipe, socket or device)"
    if links != 1:
        return "a hard link to another file"
    return None


def open_regular(folder_fd: int, name: str) -> int:
    """A descriptor of the regular, singly linked file ``name`` of the folder
    ``folder_fd``; UnsafeFile for anything else (a link, a pipe, a device, a
    folder, a hard-linked file) or a file that is not there."""
    if not name or "/" in name or name in (".", ".."):
        raise UnsafeFile(name, "not a plain file name")
    try:
        seen = os.lstat(name, dir_fd=folder_fd)
    except OSError as error:
        raise _refusal(name, error) from None
    refused = describe(seen.st_mode, seen.st_nlink)
    if refused:
        raise UnsafeFile(name, refused)
    try:
        descriptor = os.open(name, FILE_FLAGS, dir_fd=folder_fd)
    except OSError as error:
        raise _refusal(name, error) from None
    opened = os.fstat(descriptor)
    refused = describe(opened.st_mode, opened.st_nlink)
    if refused is None and (opened.st_ino, opened.st_dev) != (seen.st_ino, seen.st_dev):
        refused = "changed while it was being read"
    if refused:
        os.close(descriptor)
        raise UnsafeFile(name, refused)
    return descriptor


def read_bytes(path: Path | str, name: str, limit: int | None = None) -> bytes:
    """The content of the regular file ``name`` in the folder ``path`` (neither may be
    a link); UnsafeFile when it is not such a file, or is larger than ``limit``."""
    with folder(path) as folder_fd:
        descriptor = open_regular(folder_fd, name)
    with os.fdopen(descriptor, "rb") as handle:
        if limit is not None and os.fstat(handle.fileno()).st_size > limit:
            raise TooLarge(name, f"larger than {limit} bytes")
        data = handle.read() if limit is None else handle.read(limit + 1)
    if limit is not None and len(data) > limit:
        raise TooLarge(name, f"larger than {limit} bytes")
    return data


def open_file(path: Path | str, name: str):
    """The regular file ``name`` of the folder ``path`` opened for reading (binary),
    for a response to stream; UnsafeFile otherwise."""
    with folder(path) as folder_fd:
        descriptor = open_regular(folder_fd, name)
    return os.fdopen(descriptor, "rb")


def inventory(path: Path | str, wanted=None) -> tuple[list[Entry], list[tuple[str, str]]]:
    """The regular, singly linked files of the folder ``path`` whose name passes
    ``wanted`` (default: every name not starting with a dot), sorted by name, and
    the entries left out with the reason ``[(name, reason)]``. Nothing is followed
    or opened."""
    wanted = wanted or (lambda name: not name.startswith("."))
    accepted, refused = [], []
    with folder(path) as folder_fd:
        with os.scandir(folder_fd) as scan:
            names = sorted(entry.name for entry in scan)
        for name in names:
            if not wanted(name):
                continue
            try:
                seen = os.lstat(name, dir_fd=folder_fd)
            except OSError:
                continue  # removed meanwhile
            reason = describe(seen.st_mode, seen.st_nlink)
            if reason:
                refused.append((name, reason))
            else:
                accepted.append(Entry(name, seen.st_size))
    return accepted, refused


def copy_into(source_fd: int, name: str, target_fd: int, limit: int | None = None) -> int:
    """Copy the regular file ``name`` of the folder ``source_fd`` into the folder
    ``target_fd`` (a new file, mode 0644) from one descriptor opened without
    following links; the number of bytes copied. UnsafeFile when the source is not
    a regular file with a single link (now), or grows past ``limit`` bytes."""
    descriptor = open_regular(source_fd, name)
    copied = 0
    try:
        target = os.open(name, NEW_FILE_FLAGS, 0o644, dir_fd=target_fd)
        try:
            os.fchmod(target, 0o644)
            while chunk := os.read(descriptor, COPY_CHUNK):
                copied += len(chunk)
                if limit is not None and copied > limit:
                    raise TooLarge(name, f"larger than {limit} bytes")
                _write_all(target, chunk)
            os.fsync(target)
        finally:
            os.close(target)
    finally:
        os.close(descriptor)
    return copied


def copy_files(
    source: Path | str, target: Path | str, wanted=None, max_files: int | None = None, max_bytes: int | None = None,
) -> list[tuple[str, str]]:
    """Copy the regular, singly linked files of the folder ``source`` whose names pass
    ``wanted`` (default: not hidden) into the existing folder ``target``; what was
    left out, ``[(name, reason)]``. Each file is opened once without following links
    and copied from that descriptor. UnsafeFile when a listed file was swapped for
    something else meanwhile; TooLarge beyond ``max_files`` or ``max_bytes``."""
    accepted, refused = inventory(source, wanted)
    total = sum(entry.size for entry in accepted)
    if (max_files is not None and len(accepted) > max_files) or (max_bytes is not None and total > max_bytes):
        raise TooLarge(str(source), "too large")
    budget = max_bytes
    with folder(source) as source_fd, folder(target) as target_fd:
        for entry in accepted:
            copied = copy_into(source_fd, entry.name, target_fd, limit=budget)
            budget = None if budget is None else budget - copied
        os.fsync(target_fd)
    return refused


def write_new(folder_fd: int, name: str, data: bytes, mode: int = 0o644) -> None:
    """Write ``data`` to a new file ``name`` in the folder ``folder_fd`` (never over
    an existing file or through a link), flushed to disk."""
    descriptor = os.open(name, NEW_FILE_FLAGS, mode, dir_fd=folder_fd)
    try:
        os.fchmod(descriptor, mode)  # whatever the umask: the archive is meant to be shared
        _write_all(descriptor, data)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def sync_folder(path: Path | str) -> None:
    """Flush a folder's entries (a rename into it) to disk, where the system allows it."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # some file systems cannot sync a folder; the rename itself is still atomic
    finally:
        os.close(descriptor)


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(descriptor, view)
        view = view[written:]


def _refusal(name: str, error: OSError) -> OSError:
    """What an open (or lstat) without following links that failed means: a link,
    not a folder, a special file, nothing there; any other failure (permissions,
    I/O) is passed on as it is."""
    if error.errno == errno.ELOOP:
        return UnsafeFile(name, "a symbolic link")
    if error.errno == errno.ENOTDIR:
        return UnsafeFile(name, "not a folder")
    if error.errno == errno.ENXIO:
        return UnsafeFile(name, "a special file (pipe, socket or device)")
    if error.errno == errno.ENOENT:
        return MissingFile(name, "missing")
    return error
