"""Nothing slow in the event loop (issue 12, item 2): archived summaries are drawn once
per variant (language, names shown or not) and then served from what was kept; every
drawing, zip and archive write goes through the worker pool, which runs it off the
event loop's thread while the loop goes on; share pages are rate limited.

In-process; tests/test_archive_crash.py holds a render in a real server while phones vote."""

from __future__ import annotations

import os
import re
import select
import shutil
import threading
from pathlib import Path

import pytest

from live.archive import files
from live.offload import GeventPool, make_offload, run_here
from live.services import archive_pages, archives, planning
from live.services.runtime import AnswerInput
from tests.archive_samples import import_in_place, summary
from tests.conftest import make_app
from tests.web import csrf_of, owner_id, sign_in

NAMES = ("Zoé Lemaire", "Marc Dubois")


def share_link(client, code: str, show_names: bool) -> str:
    page = client.get(f"/archives/{code}").get_data(as_text=True)
    form = {"csrf_token": csrf_of(page), **({"show_names": "y"} if show_names else {})}
    response = client.post(f"/archives/{code}/shares", data=form)
    assert response.status_code == 201
    url = re.search(r'data-testid="new-share-url" value="([^"]+)"', response.get_data(as_text=True)).group(1)
    return "/s/" + url.rsplit("/s/", 1)[1]


@pytest.fixture
def drawn(monkeypatch):
    """Every summary drawn, as (code, locale, names shown)."""
    seen = []
    real = archive_pages.draw

    def counting(document, variant, timezone_name):
        seen.append((document["code"], variant.locale, variant.names))
        return real(document, variant, timezone_name)

    monkeypatch.setattr(archive_pages, "draw", counting)
    return seen


def test_each_variant_is_drawn_once_then_served_from_what_was_kept_even_after_a_restart(tmp_path, drawn):
    app = make_app(tmp_path)
    import_in_place(app, summary("KEPT0001", names=NAMES))
    owner = app.test_client()
    sign_in(owner, app)
    named, pseudonymised = share_link(owner, "KEPT0001", True), share_link(owner, "KEPT0001", False)

    visitor = app.test_client()
    for _ in range(3):
        assert "Zoé Lemaire" in owner.get("/archives/KEPT0001").get_data(as_text=True)
        assert "Zoé Lemaire" in visitor.get(named).get_data(as_text=True)
        page = visitor.get(pseudonymised).get_data(as_text=True)
        assert "Participant 1" in page and "Zoé" not in page and "Marc" not in page
    french = app.test_client()
    french.set_cookie("lang", "fr")
    assert "Participant 1" in french.get(pseudonymised).get_data(as_text=True)
    assert sorted(drawn) == [("KEPT0001", "en", False), ("KEPT0001", "en", True), ("KEPT0001", "fr", False)]

    restarted = make_app(tmp_path)  # another process sharing LIVE_ARCHIVE_DIR, or after a restart
    assert "Participant 1" in restarted.test_client().get(pseudonymised).get_data(as_text=True)
    assert len(drawn) == 3


def test_a_share_link_without_names_never_gets_the_page_kept_with_names(tmp_path):
    app = make_app(tmp_path)
    import_in_place(app, summary("PRIVACY1", names=NAMES))
    owner = app.test_client()
    sign_in(owner, app)
    assert "Marc Dubois" in owner.get("/archives/PRIVACY1").get_data(as_text=True)  # kept with names
    page = app.test_client().get(share_link(owner, "PRIVACY1", False)).get_data(as_text=True)
    assert "Participant 2" in page and "Marc" not in page and "Zoé" not in page


def test_an_archive_written_again_is_drawn_again(tmp_path, drawn):
    app = make_app(tmp_path)
    folder = import_in_place(app, summary("REWRITE1"))
    owner = app.test_client()
    sign_in(owner, app)
    assert "Atelier lecture" in owner.get("/archives/REWRITE1").get_data(as_text=True)
    live = app.extensions["live"]
    from live.archive.writer import write_archive

    write_archive(live.settings.archive_dir, summary("REWRITE1", title="Soirée poésie"), [])
    page = owner.get("/archives/REWRITE1").get_data(as_text=True)
    assert "Soirée poésie" in page and "Atelier lecture" not in page.split("<main", 1)[-1]
    assert len(drawn) == 2 and folder.exists()


def test_a_page_someone_else_put_among_the_kept_ones_is_never_shown(tmp_path):
    app = make_app(tmp_path)
    folder = import_in_place(app, summary("PLANTED1"))
    live = app.extensions["live"]
    owner = app.test_client()
    sign_in(owner, app)
    owner.get("/archives/PLANTED1")
    kept = live.settings.archive_dir / archive_pages.CACHE_FOLDER / folder.name / "en-names.html"
    header = kept.read_bytes().split(b"\n", 1)[0]
    kept.write_bytes(header + b"\n<form action='https://evil.example'>Sign in again</form>")

    page = owner.get("/archives/PLANTED1").get_data(as_text=True)
    assert "evil.example" not in page and "Germinal" in page
    assert b"evil.example" not in kept.read_bytes()  # drawn again, and kept in its place


def test_kept_pages_are_never_written_through_a_link(tmp_path):
    app = make_app(tmp_path)
    folder = import_in_place(app, summary("LINKDIR1"))
    live = app.extensions["live"]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (live.settings.archive_dir / archive_pages.CACHE_FOLDER).symlink_to(elsewhere, target_is_directory=True)
    owner = app.test_client()
    sign_in(owner, app)
    for _ in range(2):
        assert "Germinal" in owner.get("/archives/LINKDIR1").get_data(as_text=True)  # drawn each time
    assert list(elsewhere.iterdir()) == [] and folder.exists()


def test_kept_pages_of_a_folder_removed_by_hand_are_deleted_at_start(tmp_path):
    app = make_app(tmp_path)
    live = app.extensions["live"]
    folder = import_in_place(app, summary("BYHAND01", names=NAMES))
    kept_one = import_in_place(app, summary("STAYS001", ended="2026-11-24T19:40:00Z"))
    owner = app.test_client()
    sign_in(owner, app)
    owner.get("/archives/BYHAND01")
    owner.get("/archives/STAYS001")

    shutil.rmtree(folder)
    archives.repair_archives(live.sessions, live.settings.archive_dir, live.runtime.server_filter)
    pages = live.settings.archive_dir / archive_pages.CACHE_FOLDER
    assert sorted(p.name for p in pages.iterdir()) == [kept_one.name]


def test_deleting_a_session_deletes_its_kept_pages(tmp_path):
    app = make_app(tmp_path)
    folder = import_in_place(app, summary("GONE0001", names=NAMES))
    live = app.extensions["live"]
    owner = app.test_client()
    sign_in(owner, app)
    owner.get("/archives/GONE0001")
    kept = live.settings.archive_dir / archive_pages.CACHE_FOLDER / folder.name
    assert (kept / "en-names.html").is_file()
    page = owner.get("/archives/GONE0001/delete").get_data(as_text=True)
    assert owner.post("/archives/GONE0001/delete", data={"csrf_token": csrf_of(page)}).status_code == 302
    assert not kept.exists() and not folder.exists()


class RecordingPool:
    """An offload that runs the work right here and records what was sent where: the
    thread pool (``name``) or the worker process (``compute:name``)."""

    def __init__(self) -> None:
        self.jobs: list[str] = []

    def __call__(self, function, *args, **kwargs):
        self.jobs.append(getattr(function, "__name__", repr(function)))
        return function(*args, **kwargs)

    def compute(self, function, *args, **kwargs):
        self.jobs.append("compute:" + getattr(function, "__name__", repr(function)))
        return function(*args, **kwargs)


def test_drawing_comparing_and_writing_go_to_the_worker_process_zips_to_the_pool_and_kept_pages_nowhere(tmp_path):
    app = make_app(tmp_path)
    live = app.extensions["live"]
    pool = RecordingPool()
    live.offload = pool
    live.pages = archive_pages.SummaryPages(live.settings.archive_dir, "test-key", "UTC", pool)
    live.runtime._offload = pool
    import_in_place(app, summary("POOLED01"))
    import_in_place(app, summary("POOLED02", ended="2026-11-24T19:40:00Z"))
    owner = app.test_client()
    sign_in(owner, app)

    owner.get("/archives/POOLED01")
    assert pool.jobs == ["compute:_read_and_draw", "_keep_or_say_why"]
    owner.get("/archives/POOLED01")
    assert len(pool.jobs) == 2  # served from what was kept: nothing to compute
    owner.get("/archives/POOLED01/download.zip")
    owner.get("/archives/compare?code=POOLED01&code=POOLED02")
    assert pool.jobs[2:] == ["zip_archive", "compute:render_comparison"]

    created = planning.create_session(live.sessions, "test-key", 1, "Live", [{"type": "poll", "prompt": "Q",
                                                                               "options": ["A", "B"]}])
    state = live.runtime.connect_host(created.code, created.host_token)
    ack, _messages = live.runtime.end_session(state)
    assert ack["archive_path"] and pool.jobs[-1] == "compute:write_archive"
    assert archives.repair_archives(live.sessions, live.settings.archive_dir, live.runtime.server_filter,
                                    offload=pool) == []
    assert pool.jobs[-3:] == ["remove_stale_staging", "forget_orphans", "_incomplete"]


def test_the_gevent_pool_runs_work_on_another_thread_while_the_event_loop_goes_on():
    """What a render in the pool must not do: hold up the event loop. The work here
    blocks its thread until a greenlet of the loop writes to a pipe; run inline, it
    would wait for nothing and give up after its (generous) timeout."""
    gevent = pytest.importorskip("gevent")
    pool = GeventPool()
    reader, writer = os.pipe()
    try:
        def blocking_work():
            ready, _w, _x = select.select([reader], [], [], 30)
            return threading.get_ident(), os.read(reader, 1) if ready else b""

        gevent.spawn(os.write, writer, b"!")  # runs only if the loop goes on meanwhile
        thread, heard = pool(blocking_work)
    finally:
        os.close(reader)
        os.close(writer)
    assert heard == b"!" and thread != threading.get_ident()
    with pytest.raises(ZeroDivisionError):  # a failure reaches the caller, as if run here
        pool(lambda: 1 / 0)


def test_each_async_mode_gets_its_pool():
    assert isinstance(make_offload("gevent"), GeventPool)
    assert make_offload("threading") is run_here  # a thread per request already


def test_share_pages_are_rate_limited_per_address(tmp_path):
    app = make_app(tmp_path, rate_share="3/minute")
    import_in_place(app, summary("LIMITED1"))
    owner = app.test_client()
    sign_in(owner, app)
    link = share_link(owner, "LIMITED1", False)
    visitor = app.test_client()
    here = {"environ_base": {"REMOTE_ADDR": "10.9.8.7"}}
    assert [visitor.get(link, **here).status_code for _ in range(3)] == [200, 200, 200]
    refused = visitor.get(link, **here)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert "Germinal" not in refused.get_data(as_text=True)
    assert visitor.get(link, environ_base={"REMOTE_ADDR": "10.9.8.6"}).status_code == 200  # another network
    wrong = visitor.get("/s/" + "x" * 43, environ_base={"REMOTE_ADDR": "10.9.8.5"})
    assert wrong.status_code == 404


def test_an_archive_kept_pages_folder_is_not_part_of_the_archive(tmp_path):
    """The portable record stays as written: the zip and a copy carry no kept page."""
    app = make_app(tmp_path)
    folder = import_in_place(app, summary("PORTABL1"))
    owner = app.test_client()
    sign_in(owner, app)
    owner.get("/archives/PORTABL1")
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["answers.csv", "index.html", "poll-1.csv", "quiz-3.csv", "quiz-leaderboard.csv", "quiz-questions.csv",
         "summary.json", "wordcloud-2.csv"])
    assert Path(folder.parent / archive_pages.CACHE_FOLDER / folder.name / "en-names.html").is_file()


def test_other_sessions_results_are_pushed_while_an_archive_is_being_written(tmp_path, monkeypatch):
    """The loop that pushes every session's results takes each session's lock: ending a
    large session must not hold that lock while its archive is written."""
    app = make_app(tmp_path)
    live = app.extensions["live"]
    runtime = live.runtime
    poll = [{"type": "poll", "prompt": "Q", "options": ["A", "B"]}]
    ending = planning.create_session(live.sessions, "test-key", owner_id(app), "Ending", poll)
    other = planning.create_session(live.sessions, "test-key", owner_id(app), "Still running", poll)
    ending_state = runtime.connect_host(ending.code, ending.host_token)
    other_state = runtime.connect_host(other.code, other.host_token)
    runtime.open_activity(ending_state, ending.activities[0]["id"])
    runtime.open_activity(other_state, other.activities[0]["id"])
    phone = runtime.join(other.code, None, "Zoé")[1]["participant_id"]
    runtime.pending_pushes()

    writing, go_on = threading.Event(), threading.Event()
    real_write = files.write_new

    def slow_write(folder_fd, name, data, mode=0o644):
        if name == "summary.json":
            writing.set()
            go_on.wait(60)
        return real_write(folder_fd, name, data, mode)

    monkeypatch.setattr(files, "write_new", slow_write)
    ended = []
    ender = threading.Thread(target=lambda: ended.append(runtime.end_session(ending_state)))
    ender.start()
    pushed = []
    try:
        assert writing.wait(30)
        runtime.submit_answer(other.code, phone, AnswerInput(other.activities[0]["id"], "a1", 1))
        pusher = threading.Thread(target=lambda: pushed.extend(runtime.pending_pushes()))
        pusher.start()
        pusher.join(30)
        pushed_while_writing = not pusher.is_alive()
    finally:
        go_on.set()
        ender.join(60)
    assert pushed_while_writing
    assert any(m.event == "results" and m.room == f"hosts:{other.code}" and m.data["n_answers"] == 1 for m in pushed)
    assert ended and ended[0][0]["archive_path"]
