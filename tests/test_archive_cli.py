"""``live archive import|export|purge``: portable folders in and out, and retention by hand.

Most tests call ``live.cli.main`` in this process (fast); one runs the real command."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from live import cli
from live.app import create_app
from live.config import Settings
from live.archive.writer import write_archive
from live.services import accounts, planning
from live.store.db import make_engine, make_sessionmaker, migrate
from live.store.models import LiveSession
from tests.conftest import ROOT, server_env
from tests.test_archive_writer import make_poll, make_quiz, make_summary, make_wordcloud


@pytest.fixture
def env(tmp_path, monkeypatch, database_url):
    """The LIVE_* environment of a server on the parametrised database, for ``live`` commands."""
    variables = server_env(tmp_path, database_url)
    for name in [n for n in list(__import__("os").environ) if n.startswith("LIVE_")]:
        monkeypatch.delenv(name)
    for name, value in variables.items():
        if name.startswith("LIVE_"):
            monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)  # no stray .env file
    return variables


@pytest.fixture
def db(env):
    engine = make_engine(env["LIVE_DATABASE_URL"])
    migrate(engine)
    sessions = make_sessionmaker(engine)
    accounts.add_facilitator(sessions, "host@example.org", "password123")
    yield sessions
    engine.dispose()


def run(capsys, *argv) -> tuple[int, str]:
    """``live *argv`` in this process: (exit status, stdout + stderr)."""
    try:
        cli.main(list(argv))
        status = 0
    except SystemExit as exit_:
        status = exit_.code if isinstance(exit_.code, int) else 1
        if isinstance(exit_.code, str):
            print(exit_.code, file=sys.stderr)
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def copied_archive(root: Path, code: str, **overrides) -> Path:
    """An archive folder as another server wrote it: poll, word cloud and quiz."""
    summary = make_summary([make_poll(0), make_wordcloud(1), make_quiz(2)], code=code, **overrides)
    return write_archive(root, summary, [])


def codes(sessions) -> set[str]:
    with sessions() as session:
        return set(session.scalars(select(LiveSession.code)))


def test_import_indexes_copied_folders_and_skips_bad_ones_without_overwriting(tmp_path, env, db, capsys):
    other = tmp_path / "other-server" / "sessions"
    good = copied_archive(other, "GOOD0001", title="Atelier <lecture>")
    copied_archive(other, "GOOD0002")
    bad_json = other / "2026-01-01-BADJSON1"
    bad_json.mkdir()
    (bad_json / "summary.json").write_text("{not json", encoding="utf-8")
    foreign = other / "holiday-photos"
    foreign.mkdir()
    (foreign / "summary.json").write_text(json.dumps({"photos": 12}), encoding="utf-8")
    future = copied_archive(other, "FUTURE01")
    (future / "summary.json").write_text(json.dumps(dict(make_summary(code="FUTURE01"), schema=2)), encoding="utf-8")
    escaping = other / "2026-01-01-ESCAPE"
    escaping.mkdir()
    (escaping / "summary.json").write_text(json.dumps(make_summary(code="../../etc")), encoding="utf-8")
    (other / "empty").mkdir()
    (good / "notes.txt").symlink_to("/etc/hostname")  # a link is never copied

    status, output = run(capsys, "archive", "import", str(other), "--facilitator", "host@example.org")
    assert status == 1  # some folders were skipped
    assert "2 imported, 5 skipped." in output
    for name in ("BADJSON1", "holiday-photos", "FUTURE01", "ESCAPE", "empty"):
        assert any(name in line and line.startswith("SKIP") for line in output.splitlines()), name
    assert "unsupported summary schema 2" in output and "not a live" in output
    assert codes(db) == {"GOOD0001", "GOOD0002"}
    archive_dir = Path(env["LIVE_ARCHIVE_DIR"])
    copied = archive_dir / good.name
    assert sorted(p.name for p in copied.iterdir()) == sorted(p.name for p in good.iterdir() if p.name != "notes.txt")
    with db() as session:
        row = session.scalar(select(LiveSession).where(LiveSession.code == "GOOD0001"))
    assert row.imported and row.title == "Atelier <lecture>" and row.phase == "ended"
    assert row.archive_meta["types"] == ["poll", "wordcloud", "quiz"] and row.archive_meta["n_participants"] == 31

    # Again: both are there already, nothing is overwritten.
    before = (copied / "summary.json").read_bytes()
    (good / "summary.json").write_text(json.dumps(make_summary(code="GOOD0001", title="Changed")), encoding="utf-8")
    status, output = run(capsys, "archive", "import", str(good), "--facilitator", "host@example.org")
    assert status == 1 and "exists already" in output
    assert (copied / "summary.json").read_bytes() == before
    assert not [p for p in archive_dir.iterdir() if p.name.startswith(".import-")]  # no half copy left


def test_the_api_summary_of_an_imported_session_is_its_archived_document(tmp_path, env, db, capsys):
    other = tmp_path / "other-server" / "sessions"
    folder = copied_archive(other, "IMPORT01", title="Club de lecture 2025")
    status, output = run(capsys, "archive", "import", str(folder), "--facilitator", "host@example.org")
    assert status == 0, output
    token = accounts.create_api_token(db, "host@example.org")
    app = create_app(Settings.from_env())
    response = app.test_client().get("/api/sessions/IMPORT01/summary", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.get_json() == json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    # Another facilitator's token finds nothing there.
    accounts.add_facilitator(db, "other@example.org", "password123")
    stranger = accounts.create_api_token(db, "other@example.org")
    response = app.test_client().get("/api/sessions/IMPORT01/summary", headers={"Authorization": f"Bearer {stranger}"})
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_import_needs_a_known_facilitator_when_there_are_several(tmp_path, env, db, capsys):
    folder = copied_archive(tmp_path / "other", "SOLO0001")
    status, output = run(capsys, "archive", "import", str(folder), "--facilitator", "nobody@example.org")
    assert status == 1 and "no facilitator" in output
    accounts.add_facilitator(db, "second@example.org", "password123")
    status, output = run(capsys, "archive", "import", str(folder))
    assert status == 1 and "--facilitator" in output
    status, output = run(capsys, "archive", "import", str(tmp_path / "missing"), "--facilitator", "host@example.org")
    assert status == 1 and "is not a folder" in output
    assert codes(db) == set()


def test_a_folder_already_under_the_archive_dir_is_indexed_in_place(env, db, capsys):
    """After a lost database: `live archive import sessions/` lists what is there again."""
    archive_dir = Path(env["LIVE_ARCHIVE_DIR"])
    folder = copied_archive(archive_dir, "INPLACE1")
    status, output = run(capsys, "archive", "import", str(archive_dir))
    assert status == 0 and "1 imported, 0 skipped." in output
    assert sorted(p.name for p in archive_dir.iterdir()) == [folder.name]


def test_export_copies_the_folder_and_rebuilds_it_when_missing(tmp_path, env, db, capsys):
    created = planning.create_session(db, "k", 1, "Soirée", [{"type": "poll", "prompt": "Q", "options": ["A", "B"]}])
    status, output = run(capsys, "archive", "export", created.code)
    assert status == 1 and "no ended session" in output  # not ended yet
    with db.begin() as session:
        row = session.scalar(select(LiveSession).where(LiveSession.code == created.code))
        row.phase, row.started_at, row.ended_at = "ended", row.created_at, row.created_at

    status, output = run(capsys, "archive", "export", created.code)  # no folder yet: written from the database
    folder = Path(output.strip().splitlines()[-1])
    assert status == 0 and folder.parent == Path(env["LIVE_ARCHIVE_DIR"]) and (folder / "summary.json").is_file()
    shutil.rmtree(folder)
    status, output = run(capsys, "archive", "export", created.code, "--to", str(tmp_path / "usb"))
    copy = Path(output.strip().splitlines()[-1])
    assert status == 0 and copy == tmp_path / "usb" / folder.name
    assert json.loads((copy / "summary.json").read_text(encoding="utf-8"))["title"] == "Soirée"
    status, output = run(capsys, "archive", "export", created.code, "--to", str(tmp_path / "usb"))
    assert status == 1 and "exists already" in output
    assert run(capsys, "archive", "export", "NOPE0000")[0] == 1


def test_purge_by_hand_follows_live_retention_days(tmp_path, env, db, capsys, monkeypatch):
    copied_archive(tmp_path / "other", "ANCIENT1", ended_at="2019-05-01T10:00:00Z")
    assert run(capsys, "archive", "import", str(tmp_path / "other"), "--facilitator", "host@example.org")[0] == 0
    status, output = run(capsys, "archive", "purge")
    assert status == 1 and "kept forever" in output and codes(db) == {"ANCIENT1"}
    monkeypatch.setenv("LIVE_RETENTION_DAYS", "365")
    status, output = run(capsys, "archive", "purge")
    assert status == 0 and "deleted ANCIENT1" in output and codes(db) == set()
    assert list(Path(env["LIVE_ARCHIVE_DIR"]).iterdir()) == []
    monkeypatch.setenv("LIVE_RETENTION_DAYS", "soon")
    assert run(capsys, "archive", "purge")[0] == 1  # a bad value is an error, not "forever"


@pytest.mark.slow
def test_the_real_command_imports_and_the_server_purges_at_start(tmp_path):
    """`live archive import` as a process; `live serve` with LIVE_RETENTION_DAYS purges at start."""
    from tests.conftest import make_server, wait_until

    server = make_server(tmp_path, LIVE_RETENTION_DAYS="30")
    server.facilitator("host@example.org")
    copied_archive(tmp_path / "other", "OLDSESS1", ended_at="2020-01-01T10:00:00Z")
    done = subprocess.run([sys.executable, "-m", "live", "archive", "import", str(tmp_path / "other")], env=server.env,
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "1 imported, 0 skipped." in done.stdout
    assert len(list((tmp_path / "sessions").iterdir())) == 1
    server.start()
    try:
        wait_until(lambda: list((tmp_path / "sessions").iterdir()) == [], message="the old session was not purged")
        assert "retention" in server.log_path.read_text()
    finally:
        server.stop()
