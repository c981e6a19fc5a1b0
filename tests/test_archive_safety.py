"""Archives are atomic and safe (issue 12, item 3): no route, listing, zip, export or
import ever reads a symbolic link, a hard-linked file or a special file, whether the
archive was imported in place or copied; a folder that fails to import, in any way,
is reported and the others go on; a folder cut short is written again by ``export``
and at start; an archive that cannot be written still ends the session.

In-process (Flask's test client, the services); the kill -9 of a real server is in
tests/test_archive_crash.py."""

from __future__ import annotations

import errno
import io
import json
import os
import re
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from live import cli
from live.archive import files
from live.archive.writer import is_complete, write_archive
from live.services import accounts, archives, planning
from live.services.runtime import AnswerInput
from live.store.db import utcnow
from live.store.models import LiveSession
from tests.archive_samples import import_in_place, summary, written
from tests.conftest import make_app
from tests.web import csrf_of, owner_id, sign_in

SECRET = "server-secret-key-do-not-leak"


@pytest.fixture
def app(tmp_path):
    """An app with a secret next to its archives, as ``data/secret_key`` is in a real install."""
    made = make_app(tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "secret_key").write_text(SECRET)
    return made


def secret_path(app) -> Path:
    return app.extensions["live"].settings.data_dir / "data" / "secret_key"


def plant(folder: Path, name: str, kind: str, target: Path) -> None:
    """Replace ``folder/name`` by a symbolic link, a hard link or a named pipe."""
    (folder / name).unlink(missing_ok=True)
    if kind == "symlink":
        (folder / name).symlink_to(target)
    elif kind == "hardlink":
        os.link(target, folder / name)
    else:
        os.mkfifo(folder / name)


def share_path(client, code: str) -> str:
    page = client.get(f"/archives/{code}").get_data(as_text=True)
    response = client.post(f"/archives/{code}/shares", data={"csrf_token": csrf_of(page), "show_names": "y"})
    assert response.status_code == 201
    url = re.search(r'data-testid="new-share-url" value="([^"]+)"', response.get_data(as_text=True)).group(1)
    return "/s/" + url.rsplit("/s/", 1)[1]


def zip_entries(client, code: str) -> dict[str, bytes]:
    response = client.get(f"/archives/{code}/download.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    return {name.split("/", 1)[1]: archive.read(name) for name in archive.namelist()}


# -- nothing is followed: every route, in place and copied ------------------------------


@pytest.mark.parametrize("kind", ["symlink", "hardlink", "fifo"])
def test_a_linked_or_special_file_in_an_archive_imported_in_place_is_never_served(app, tmp_path, kind):
    """The attack of the issue: a folder already under LIVE_ARCHIVE_DIR whose answers.csv
    points at data/secret_key, imported in place, then downloaded by its facilitator."""
    live = app.extensions["live"]
    owner_id(app)
    folder = written(live.settings.archive_dir, summary("INPLACE1"))
    for name in ("answers.csv", "index.html"):
        plant(folder, name, kind, secret_path(app))
    [result] = archives.import_archives(live.sessions, folder, live.settings.archive_dir, "host@example.org")
    assert result.ok

    client = app.test_client()
    sign_in(client, app)
    for name in ("answers.csv", "index.html"):
        response = client.get(f"/archives/INPLACE1/{name}")
        assert response.status_code == 404 and SECRET not in response.get_data(as_text=True)
    page = client.get("/archives/INPLACE1").get_data(as_text=True)
    assert SECRET not in page and "/archives/INPLACE1/answers.csv" not in page
    assert "/archives/INPLACE1/summary.json" in page  # the plain files are still listed
    entries = zip_entries(client, "INPLACE1")
    assert "answers.csv" not in entries and "summary.json" in entries
    assert not any(SECRET.encode() in data for data in entries.values())
    shared = app.test_client().get(share_path(client, "INPLACE1")).get_data(as_text=True)
    assert "Germinal" in shared and SECRET not in shared

    copy = archives.export_archive(live.sessions, "INPLACE1", live.settings.archive_dir, live.runtime.server_filter,
                                   to=tmp_path / "usb")
    assert not os.path.lexists(copy / "answers.csv") and (copy / "summary.json").is_file()
    assert all(SECRET not in path.read_text(errors="replace") for path in copy.iterdir())
    assert "left out: answers.csv" in result.message and "index.html" in result.message  # the import said so


def test_a_summary_json_swapped_for_a_link_is_never_read_even_after_its_page_was_kept(app, tmp_path):
    live = app.extensions["live"]
    folder = import_in_place(app, summary("SWAPPED1"))
    client = app.test_client()
    sign_in(client, app)
    token_path = share_path(client, "SWAPPED1")
    assert client.get("/archives/SWAPPED1").status_code == 200  # its page is drawn and kept

    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text(json.dumps(summary("SWAPPED1", title=SECRET)), encoding="utf-8")
    plant(folder, "summary.json", "symlink", elsewhere)

    for path in ("/archives/SWAPPED1", token_path, "/archives/SWAPPED1/summary.json"):
        response = client.get(path)
        assert response.status_code == 404 and SECRET not in response.get_data(as_text=True), path
    api_token = accounts.create_api_token(live.sessions, "host@example.org")
    response = client.get("/api/sessions/SWAPPED1/summary", headers={"Authorization": f"Bearer {api_token}"})
    assert response.status_code == 404 and SECRET not in response.get_data(as_text=True)


@pytest.mark.parametrize("kind", ["symlink", "hardlink", "fifo"])
def test_an_imported_copy_never_brings_a_linked_or_special_file(app, tmp_path, kind):
    live = app.extensions["live"]
    owner_id(app)
    source = written(tmp_path / "elsewhere", summary("COPIED01"))
    plant(source, "answers.csv", kind, secret_path(app))

    [result] = archives.import_archives(live.sessions, source, live.settings.archive_dir, "host@example.org")
    copied = live.settings.archive_dir / source.name
    assert result.ok and not os.path.lexists(copied / "answers.csv")
    assert all(p.is_file() and not p.is_symlink() and p.stat().st_nlink == 1 for p in copied.iterdir())
    assert oct(copied.stat().st_mode & 0o777) == "0o755"  # readable, as the archives the server writes
    assert "left out: answers.csv" in result.message


def test_a_file_swapped_for_a_link_while_the_import_copies_is_not_copied(app, tmp_path, monkeypatch):
    """The race: answers.csv is a plain file when the folder is listed, a link to the
    secret by the time it is copied. It is opened once, without following links."""
    live = app.extensions["live"]
    owner_id(app)
    source = written(tmp_path / "elsewhere", summary("RACING01"))
    real_copy = files.copy_into

    def swapping_copy(source_fd, name, target_fd, limit=None):
        if name == "answers.csv":
            plant(source, name, "symlink", secret_path(app))
        return real_copy(source_fd, name, target_fd, limit)

    monkeypatch.setattr(files, "copy_into", swapping_copy)
    [result] = archives.import_archives(live.sessions, source, live.settings.archive_dir, "host@example.org")
    assert not result.ok and "answers.csv is a symbolic link" in result.message
    assert list(live.settings.archive_dir.iterdir()) == []  # no half copy, and no secret anywhere
    with live.sessions() as db:
        assert db.scalar(select(LiveSession).where(LiveSession.code == "RACING01")) is None


def test_every_folder_that_fails_to_import_is_reported_and_the_others_are_imported(app, tmp_path, monkeypatch):
    live = app.extensions["live"]
    owner_id(app)
    root = tmp_path / "other-server"
    written(root, summary("GOOD0001"))
    written(root, summary("GOOD0002", ended="2026-11-24T19:40:00Z"))

    def broken(name: str, text: str) -> None:
        (root / name).mkdir()
        (root / name / "summary.json").write_text(text, encoding="utf-8")

    broken("2026-01-01-DEEP", "[" * 100_000 + "]" * 100_000)
    broken("2026-01-02-DIGITS", json.dumps(summary("DIGITS01")).replace('"n_participants": 31',
                                                                          '"n_participants": ' + "9" * 5000))
    unreadable = written(root, summary("NOREAD01", ended="2026-11-25T19:40:00Z"))
    real_read = files.read_bytes

    def refusing_read(path, name, limit=None):
        if Path(path) == unreadable:
            raise PermissionError(errno.EACCES, "Permission denied", str(Path(path) / name))
        return real_read(path, name, limit)

    monkeypatch.setattr(files, "read_bytes", refusing_read)
    fifo = root / "2026-01-03-FIFO"
    fifo.mkdir()
    os.mkfifo(fifo / "summary.json")

    results = archives.import_archives(live.sessions, root, live.settings.archive_dir, "host@example.org")
    outcome = {result.folder.name: (result.ok, result.message) for result in results}
    assert outcome["2026-11-23-GOOD0001"][0] and outcome["2026-11-24-GOOD0002"][0]
    assert outcome["2026-01-01-DEEP"] == (False, "skipped: summary.json is nested too deeply")
    assert not outcome["2026-01-02-DIGITS"][0] and "not valid JSON" in outcome["2026-01-02-DIGITS"][1]
    assert outcome[unreadable.name] == (False, "skipped: summary.json cannot be read (Permission denied)")
    assert not outcome["2026-01-03-FIFO"][0] and "special file" in outcome["2026-01-03-FIFO"][1]
    with live.sessions() as db:
        assert set(db.scalars(select(LiveSession.code))) == {"GOOD0001", "GOOD0002"}


def test_the_import_command_reports_a_bad_folder_and_carries_on(tmp_path, monkeypatch, capsys):
    """`live archive import` itself: one line per folder, status 1, the good ones in."""
    root = tmp_path / "other-server"
    written(root, summary("GOOD0001"))
    (root / "2026-01-01-DEEP").mkdir()
    (root / "2026-01-01-DEEP" / "summary.json").write_text("[" * 100_000, encoding="utf-8")
    written(root, summary("GOOD0002", ended="2026-11-24T19:40:00Z"))
    app = make_app(tmp_path)
    owner_id(app)
    command_environment(app, tmp_path, monkeypatch)

    with pytest.raises(SystemExit) as exit_:
        cli.main(["archive", "import", str(root)])
    output = capsys.readouterr().out
    assert exit_.value.code == 1 and "2 imported, 1 skipped." in output
    assert "SKIP" in output and "2026-01-01-DEEP: skipped: summary.json is nested too deeply" in output


# -- written whole, or written again ------------------------------------------------------


def ended_session(app, title: str = "Soirée") -> str:
    """A session that ran (one answer) and ended in the database, its archive not written:
    what a kill -9 between ending and archiving leaves."""
    live = app.extensions["live"]
    created = planning.create_session(live.sessions, "test-key", owner_id(app), title,
                                      [{"type": "poll", "prompt": "Q", "options": ["A", "B"]}])
    runtime = live.runtime
    state = runtime.connect_host(created.code, created.host_token)
    runtime.open_activity(state, created.activities[0]["id"])
    participant = runtime.join(created.code, None, "Zoé")[1]["participant_id"]
    runtime.submit_answer(created.code, participant, AnswerInput(created.activities[0]["id"], "a1", 1))
    with live.sessions.begin() as db:
        row = db.scalar(select(LiveSession).where(LiveSession.code == created.code))
        row.phase, row.ended_at = "ended", utcnow()
    return created.code


def command_environment(app, tmp_path, monkeypatch) -> None:
    """The LIVE_* variables of ``app``, for ``live`` commands run in this process."""
    for name in [name for name in os.environ if name.startswith("LIVE_")]:
        monkeypatch.delenv(name)
    settings = app.extensions["live"].settings
    monkeypatch.setenv("LIVE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LIVE_ARCHIVE_DIR", str(settings.archive_dir))
    monkeypatch.setenv("LIVE_SECRET_KEY", "test-key")
    monkeypatch.setenv("LIVE_TIMEZONE", "UTC")
    monkeypatch.chdir(tmp_path)  # no stray .env file


def test_export_writes_again_a_folder_cut_short_instead_of_printing_it(app, tmp_path, monkeypatch, capsys):
    """An older writer killed while ending left summary.json, a stray temporary file and
    no index.html; `live archive export` printed that folder with status 0."""
    code = ended_session(app)
    live = app.extensions["live"]
    with live.sessions() as db:
        ended = db.scalar(select(LiveSession).where(LiveSession.code == code)).ended_at
    partial = live.settings.archive_dir / f"{ended.date().isoformat()}-{code}"
    partial.mkdir(parents=True)
    (partial / "summary.json").write_text("{}", encoding="utf-8")
    (partial / ".index.html.x1y2z3.tmp").write_text("<html>half", encoding="utf-8")
    assert not is_complete(partial)
    command_environment(app, tmp_path, monkeypatch)

    cli.main(["archive", "export", code])
    printed = Path(capsys.readouterr().out.strip().splitlines()[-1])
    assert printed == partial and is_complete(partial)
    assert sorted(p.name for p in partial.iterdir()) == ["answers.csv", "index.html", "poll-1.csv", "summary.json"]
    assert "Zoé" in (partial / "answers.csv").read_text(encoding="utf-8-sig")


def test_at_start_an_archive_never_written_or_cut_short_is_written_and_old_staging_removed(app):
    live = app.extensions["live"]
    never_written = ended_session(app, "Never written")
    cut_short = ended_session(app, "Cut short")
    folder = archives.summary.archive_session(live.sessions, cut_short, live.settings.archive_dir,
                                              live.runtime.server_filter)
    (folder / "index.html").unlink()
    old = live.settings.archive_dir / ".2026-11-23-OLDCODE1.k3j2h1.tmp"
    old.mkdir()
    os.utime(old, (1_000_000_000, 1_000_000_000))  # left by a writer killed long ago
    young = live.settings.archive_dir / ".2026-11-23-NEWCODE1.a1b2c3.tmp"
    young.mkdir()  # may be another process's, writing now

    repaired = archives.repair_archives(live.sessions, live.settings.archive_dir, live.runtime.server_filter)
    assert sorted(repaired) == sorted([never_written, cut_short])
    with live.sessions() as db:
        rows = list(db.scalars(select(LiveSession).where(LiveSession.code.in_(repaired))))
    assert all(row.archive_path and is_complete(Path(row.archive_path)) for row in rows)
    assert not old.exists() and young.exists()
    assert archives.repair_archives(live.sessions, live.settings.archive_dir, live.runtime.server_filter) == []


def test_writing_an_archive_again_replaces_the_folder_whole_even_a_link_in_its_place(tmp_path):
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / "keep.txt").write_text("not ours")
    root = tmp_path / "sessions"
    root.mkdir()
    (root / "2026-11-23-LINKED01").symlink_to(target, target_is_directory=True)

    folder = write_archive(root, summary("LINKED01"), [])
    assert not folder.is_symlink() and is_complete(folder)
    assert (target / "keep.txt").read_text() == "not ours" and sorted(p.name for p in target.iterdir()) == ["keep.txt"]
    assert [p.name for p in root.iterdir()] == [folder.name]  # nothing left aside


def test_an_archive_that_cannot_be_written_still_ends_the_session_and_tells_the_host(app, monkeypatch):
    live = app.extensions["live"]
    created = planning.create_session(live.sessions, "test-key", owner_id(app), "Full disk",
                                      [{"type": "poll", "prompt": "Q", "options": ["A", "B"]}])
    runtime = live.runtime
    state = runtime.connect_host(created.code, created.host_token)
    real_write = files.write_new

    def disk_full(folder_fd, name, data, mode=0o644):
        if name == "answers.csv":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(folder_fd, name, data, mode)

    monkeypatch.setattr(files, "write_new", disk_full)
    ack, messages = runtime.end_session(state, "en")

    assert ack["archive_path"] is None
    assert ack["archive_error"]["code"] == "archive_failed" and "No space left on device" in ack["archive_error"]["message"]
    told = [m for m in messages if m.event == "state" and m.room == f"session:{created.code}"]
    assert told and told[0].data["phase"] == "ended"  # the phones hear it
    with live.sessions() as db:
        row = db.scalar(select(LiveSession).where(LiveSession.code == created.code))
    assert row.ended_at is not None and row.archive_path is None
    assert list(live.settings.archive_dir.iterdir()) == []  # no half folder, no staging left

    client = app.test_client()
    sign_in(client, app)
    assert client.get(f"/archives/{created.code}/download.zip").status_code == 404  # never an empty zip
    assert "Full disk" in client.get(f"/archives/{created.code}").get_data(as_text=True)  # from the database

    monkeypatch.setattr(files, "write_new", real_write)  # space was freed
    again, _messages = runtime.end_session(state, "en")  # the host asks again
    assert "archive_error" not in again and is_complete(Path(again["archive_path"]))
