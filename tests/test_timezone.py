"""LIVE_TIMEZONE: an evening session in France is shown, searched and shared on the
French day, while stored timestamps, summary.json and folder names stay UTC."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_datetime, get_timezone_gmt
from sqlalchemy import select

from live.archive import writer
from live.config import Settings
from live.domain.session import ENDED
from live.services import archives, planning, summary
from live.store.models import Activity, LiveSession
from tests.conftest import ROOT, make_app, server_env
from tests.test_archive_writer import make_summary
from tests.web import csrf_of, owner_id, sign_in

PARIS = "Europe/Paris"
# 23:30 UTC on 23 November is 00:30 on 24 November in Paris (UTC+1 in winter).
LATE_EVENING = datetime(2026, 11, 23, 23, 30)


@pytest.fixture
def paris_app(tmp_path, database_url):
    """An app showing Paris time."""
    return make_app(tmp_path, database_url, timezone=PARIS)


def archive_late_evening_session(app, code_title="Soirée lecture") -> str:
    """A session of the signed-in facilitator that ran from 23:05 to 23:30 UTC, archived
    as the server archives any ended session (from the database, by this process)."""
    live = app.extensions["live"]
    created = planning.create_session(live.sessions, "test-key", owner_id(app), code_title,
                                      [{"type": "poll", "prompt": "Quel livre ?", "options": ["A", "B"]}])
    with live.sessions.begin() as db:
        row = db.scalar(select(LiveSession).where(LiveSession.code == created.code))
        row.created_at = LATE_EVENING - timedelta(minutes=40)
        row.started_at = LATE_EVENING - timedelta(minutes=25)
        row.ended_at, row.phase = LATE_EVENING, ENDED
        activity = db.scalar(select(Activity).where(Activity.session_id == row.id))
        activity.opened_at = LATE_EVENING - timedelta(minutes=25)
        activity.closed_at = LATE_EVENING - timedelta(minutes=20)
    # As the runtime does when the host ends it: in the server's LIVE_TIMEZONE.
    summary.archive_session(live.sessions, created.code, live.settings.archive_dir, live.runtime.server_filter,
                            timezone_name=live.settings.timezone)
    return created.code


# -- the setting ----------------------------------------------------------------------


def test_live_timezone_is_read_and_a_bad_one_is_refused():
    base = {"LIVE_SECRET_KEY": "k", "LIVE_DATABASE_URL": "sqlite://"}
    assert Settings.from_env({**base, "LIVE_TIMEZONE": " Europe/Paris "}).timezone == PARIS
    assert Settings.from_env({**base, "LIVE_TIMEZONE": "UTC"}).timezone == "UTC"
    for bad in ("Europe/Pariss", "europe/paris", "Mars/Olympus", "../../etc/passwd", "/etc/localtime",
                "localtime", "+01:00", "CET-1CEST"):
        with pytest.raises(SystemExit) as refused:
            Settings.from_env({**base, "LIVE_TIMEZONE": bad})
        assert "LIVE_TIMEZONE" in str(refused.value) and "Europe/Paris" in str(refused.value), bad


def test_without_live_timezone_the_machines_named_zone_is_used_else_utc():
    base = {"LIVE_SECRET_KEY": "k", "LIVE_DATABASE_URL": "sqlite://"}
    assert Settings.from_env({**base, "TZ": ":Europe/Paris"}).timezone == PARIS
    # A POSIX rule is no IANA name: the machine's files decide, and the result is always a zone.
    fallback = Settings.from_env({**base, "TZ": "CET-1CEST"}).timezone
    ZoneInfo(fallback)
    assert Settings(database_url="sqlite://", archive_dir=ROOT, secret_key="k").timezone == "UTC"


def test_live_serve_stops_at_start_on_an_unknown_zone(tmp_path):
    env = server_env(tmp_path, f"sqlite:///{tmp_path / 'live.sqlite3'}", LIVE_TIMEZONE="Europe/Nowhere")
    done = subprocess.run([sys.executable, "-m", "live", "serve", "--port", "1"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "LIVE_TIMEZONE must be a time zone name such as Europe/Paris or UTC, not 'Europe/Nowhere'" in done.stderr


# -- what facilitators see ---------------------------------------------------------------


def test_a_session_ending_at_2330_utc_shows_the_next_day_in_paris_everywhere(paris_app, tmp_path):
    client = paris_app.test_client()
    sign_in(client, paris_app)
    code = archive_late_evening_session(paris_app)

    dashboard = client.get("/dashboard").get_data(as_text=True)
    ended = re.search(rf'<time datetime="([^"]+)" data-testid="ended-{code}">([^<]+)</time>', dashboard)
    assert ended.groups() == ("2026-11-24", "November 24, 2026")

    listing = client.get("/archives").get_data(as_text=True)
    assert '<time datetime="2026-11-24">November 24, 2026</time>' in listing
    assert "November 23" not in listing

    page = client.get(f"/archives/{code}").get_data(as_text=True)
    assert "Nov 24, 2026, 12:30:00\u202fAM" in page  # ended, Paris time
    assert "Open from 12:05\u202fAM to 12:10\u202fAM" in page  # the poll, 23:05-23:10 UTC
    assert "Europe/Paris time zone" in page

    french = client.get("/archives", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "24 novembre 2026" in french

    live = paris_app.extensions["live"]
    with live.sessions() as db:
        folder = archives.archive_folder(db.scalar(select(LiveSession).where(LiveSession.code == code)),
                                         live.settings.archive_dir)
    assert folder.name == f"2026-11-23-{code}"  # folder names keep the UTC day: a public contract
    stored = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert stored["ended_at"] == "2026-11-23T23:30:00Z" and stored["timezone"] == PARIS and stored["schema"] == 1
    offline = (folder / "index.html").read_text(encoding="utf-8")
    assert '<time datetime="2026-11-24">Nov 24, 2026, 12:30:00\u202fAM</time>' in offline
    assert "in the Europe/Paris time zone; summary.json and the CSV files keep them in UTC" in offline


def test_ending_a_session_writes_its_archive_for_the_apps_zone(paris_app):
    live = paris_app.extensions["live"]
    created = planning.create_session(live.sessions, "test-key", owner_id(paris_app), "Club",
                                      [{"type": "poll", "prompt": "Q", "options": ["A", "B"]}])
    ack, _ = live.runtime.end_session(live.runtime.state(created.code))  # no app context needed
    stored = json.loads((Path(ack["archive_path"]) / "summary.json").read_text(encoding="utf-8"))
    assert stored["timezone"] == PARIS and stored["ended_at"].endswith("Z")
    assert "Europe/Paris time zone" in (Path(ack["archive_path"]) / "index.html").read_text(encoding="utf-8")


def test_searching_the_archives_by_date_uses_the_day_shown(paris_app):
    client = paris_app.test_client()
    sign_in(client, paris_app)
    code = archive_late_evening_session(paris_app)

    def found(query: str) -> bool:
        return f'data-testid="archive-{code}"' in client.get(f"/archives?{query}").get_data(as_text=True)

    assert found("q=2026-11-24") and found("from=2026-11-24&to=2026-11-24") and found("q=soiree+2026-11")
    assert not found("q=2026-11-23") and not found("to=2026-11-23")


def test_the_offline_page_follows_the_zone_it_is_written_for(tmp_path):
    late = make_summary(ended_at="2026-11-23T23:30:00Z")
    utc_page = (writer.write_archive(tmp_path / "utc", late, [], timezone_name="UTC") / "index.html").read_text()
    assert "Nov 23, 2026, 11:30:00\u202fPM" in utc_page and "in the UTC time zone" in utc_page
    folder = writer.write_archive(tmp_path / "paris", late, [], locale="fr", timezone_name=PARIS)
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "24 nov. 2026, 00:30:00" in page and "fuseau horaire Europe/Paris" in page
    # A summary naming a zone this machine does not know is shown in UTC, not refused.
    assert "Nov 23, 2026, 11:30:00\u202fPM" in writer.render_summary_page({**late, "timezone": "Nowhere/Land"})


# -- share links ------------------------------------------------------------------------


def test_a_share_link_expires_at_the_end_of_the_chosen_day_in_paris(paris_app):
    client = paris_app.test_client()
    sign_in(client, paris_app)
    code = archive_late_evening_session(paris_app)
    live = paris_app.extensions["live"]

    token, link = archives.create_share_link(live.sessions, owner_id(paris_app), code, date(2026, 11, 24), False,
                                             today=date(2026, 11, 24), timezone_name=PARIS)
    assert link.expires_at == datetime(2026, 11, 24, 23, 0)  # midnight in Paris, in UTC
    assert archives.shared_session(live.sessions, token, now=datetime(2026, 11, 24, 22, 59)) is not None
    assert archives.shared_session(live.sessions, token, now=datetime(2026, 11, 24, 23, 0)) is None
    assert archives.last_day(link, PARIS) == date(2026, 11, 24)
    # Summer time: the day ends at 22:00 UTC.
    assert archives.end_of_local_day(date(2026, 7, 14), ZoneInfo(PARIS)) == datetime(2026, 7, 14, 22, 0)

    today = archives.local_today(PARIS)
    page = client.get(f"/archives/{code}").get_data(as_text=True)
    assert f'min="{today.isoformat()}"' in page and "end of that day (Europe/Paris time)" in page
    created = client.post(f"/archives/{code}/shares", data={"csrf_token": csrf_of(page), "expires_on": today.isoformat()})
    assert created.status_code == 201
    shown = created.get_data(as_text=True)
    day = f"{today.strftime('%b')} {today.day}, {today.year}"
    created_and_expires = re.search(r'<td class="code">/s/[^<]*</td>\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>', shown)
    assert created_and_expires.groups() == (day, day)  # expires: the day chosen, not the next
    too_early = today - timedelta(days=1)
    refused = client.post(f"/archives/{code}/shares", data={"csrf_token": csrf_of(page), "expires_on": too_early.isoformat()})
    assert refused.status_code == 400


def test_the_summary_and_share_pages_say_the_zone_of_every_time_in_french(paris_app):
    client = paris_app.test_client()
    sign_in(client, paris_app)
    client.set_cookie("lang", "fr")
    live = paris_app.extensions["live"]
    created = planning.create_session(live.sessions, "test-key", owner_id(paris_app), "Rentrée", [
        {"type": "date_poll", "prompt": "Quand ?", "options": [
            {"label": "Sam. 12", "start": "2026-12-12T18:00", "end": "2026-12-12T20:00"},
            {"label": "Lun. 14", "start": "2026-12-14T18:30+01:00", "end": "2026-12-14T20:00+01:00"}]}])
    with live.sessions.begin() as db:
        row = db.scalar(select(LiveSession).where(LiveSession.code == created.code))
        row.started_at, row.ended_at, row.phase = LATE_EVENING - timedelta(minutes=25), LATE_EVENING, ENDED
    summary.archive_session(live.sessions, created.code, live.settings.archive_dir, live.runtime.server_filter,
                            timezone_name=live.settings.timezone)

    page = client.get(f"/archives/{created.code}").get_data(as_text=True).replace("\u00a0", " ")
    # The start and end of the session say their zone and offset, as a fact of its own too
    # (written as the installed Babel writes them in French: its data changes between releases).
    paris = ZoneInfo("Europe/Paris")
    ended = LATE_EVENING.replace(tzinfo=ZoneInfo("UTC")).astimezone(paris)
    when = format_datetime(ended, format="medium", tzinfo=paris, locale="fr").replace("\u00a0", " ")
    zone = f"(Europe/Paris, {get_timezone_gmt(ended, width='long', locale='fr')})".replace("\u00a0", " ")
    assert ended.hour == 0 and ended.day == 24  # past midnight in Paris: the day the page must show
    assert f"{when}</time> <span class=\"zone\">{zone}</span>" in page
    assert "<dt>Fuseau horaire</dt><dd data-timezone>Europe/Paris</dd>" in page
    # A slot written without an offset is in the server's zone; one with an offset says it.
    assert "2026-12-12 18:00 – 20:00 (Europe/Paris)" in page and "2026-12-14 18:30 – 20:00 (UTC+01:00)" in page

    form = client.get(f"/archives/{created.code}").get_data(as_text=True)
    shown = client.post(f"/archives/{created.code}/shares", data={"csrf_token": csrf_of(form), "expires_on": ""})
    token = re.search(r"/s/([A-Za-z0-9_-]{20,})", shown.get_data(as_text=True)).group(1)
    shared = client.get(f"/s/{token}").get_data(as_text=True).replace("\u00a0", " ")
    assert zone in shared and "2026-12-12 18:00 – 20:00 (Europe/Paris)" in shared
