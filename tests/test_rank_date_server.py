"""Rankings and date polls on a real ``live serve`` (one per database, shared by the
module) with a room of phones: results exact on the host and on phones, every bad
value refused with its code and nothing changed, a date poll's answers changed while
it is open, the facilitator's downloads (calendar event and grid) through the API,
and the archive's files."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
import requests
from icalendar import Calendar

from tests.conftest import WAIT
from tests.sockets import host, participant

OPTIONS = ["Germinal", "Nana", "L'Assommoir", "Au Bonheur des Dames"]
BALLOTS = [[1, 0, 2, 3], [1, 2, 0, 3], [0, 1, 3, 2], [3, 1, 0, 2], [1, 0, 3, 2], [2, 1, 0, 3], [1, 3, 2, 0]]
SLOTS = [
    {"label": "Sam. 12 déc.", "start": "2026-12-12T18:00", "end": "2026-12-12T20:00"},
    "Dimanche après-midi",
    {"label": "Lun. 14 déc.", "start": "2026-12-14T18:30+01:00", "end": "2026-12-14T20:00+01:00"},
]
# What phone i answers first (cycled), and what some of them change it to.
FIRST = [["yes", "no", "maybe"], ["maybe", "yes", "no"], ["no", "no", "yes"], ["yes", "maybe", "yes"], ["no", "yes", "maybe"]]
CHANGED = ["no", "yes", "yes"]


def _get(server, path: str, email: str = "host@example.org", **params):
    token = server.facilitator(email)
    return requests.get(server.url + path, params=params, headers={"Authorization": f"Bearer {token}"}, timeout=WAIT)


def _expected_ranking(ballots):
    n = len(OPTIONS)
    places = [0] * n
    for ballot in ballots:
        for place, index in enumerate(ballot, start=1):
            places[index] += place
    borda = [n * len(ballots) - total for total in places]
    return {
        "average_rank": [round(total / len(ballots), 2) for total in places],
        "borda": borda, "order": sorted(range(n), key=lambda i: (-borda[i], i)),
    }


def _folder(ended) -> Path:
    return Path(ended["archive_path"])


def _csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


@pytest.mark.slow
def test_twenty_four_phones_rank_options_and_bad_rankings_change_nothing(shared_server):
    created = shared_server.create_session({"title": "Club", "activities": [
        {"type": "ranking", "prompt": "Quel livre lire ?", "options": OPTIONS},
        {"type": "poll", "prompt": "Encore ?", "options": ["Oui", "Non"]},
    ]})
    code, ranking, poll = created["code"], created["activities"][0]["id"], created["activities"][1]["id"]
    n = 24
    ballots = [BALLOTS[i % len(BALLOTS)] for i in range(n)]
    expected = _expected_ranking(ballots)

    async def scenario():
        screen = await host(shared_server.url, code, created["host_token"])
        phones = await asyncio.gather(*(participant(shared_server.url, code, f"P{i}") for i in range(n)))
        assert await screen.call("open", {"activity_id": ranking}) == {"ok": True}
        view = (await phones[0].wait_for("state", lambda s: s["phase"] == "activity"))["activity"]
        assert view == {"id": ranking, "position": 0, "type": "ranking", "prompt": "Quel livre lire ?",
                        "options": OPTIONS, "status": "open"}

        # Every wrong ranking is refused with its own code, before and after a good one.
        bad = {
            "invalid_value": ["0,1,2,3", [0, 1, 2, "3"], [0, True, 2, 3], {"order": [0, 1, 2, 3]}, None],
            "wrong_length": [[0, 1, 2], [0, 1, 2, 3, 0], []],
            "out_of_range": [[0, 1, 2, 4], [-1, 0, 1, 2]],
            "duplicate_option": [[0, 1, 1, 2]],
        }
        for code_word, values in bad.items():
            for value in values:
                refused = await phones[0].answer(ranking, value)
                assert refused["ok"] is False and refused["error"]["code"] == code_word, (value, refused)
        change = await phones[0].call("change", {"activity_id": ranking, "value": [0, 1, 2, 3]})
        assert change["error"]["code"] == "not_date_poll"
        assert (await phones[0].answer("nope", [0, 1, 2, 3]))["error"]["code"] == "unknown_activity"
        assert (await phones[0].answer(poll, 0))["error"]["code"] == "not_open"

        acks = await asyncio.gather(*(phone.answer(ranking, ballot, f"r{i}") for i, (phone, ballot) in enumerate(zip(phones, ballots))))
        assert all(ack == {"ok": True, "remaining": 0} for ack in acks), acks
        # The same answer_id again is acknowledged again and counted once; another ranking is refused.
        assert await phones[1].answer(ranking, [3, 2, 1, 0], "r1") == {"ok": True, "remaining": 0}
        assert (await phones[2].answer(ranking, [3, 2, 1, 0]))["error"]["code"] == "already_answered"
        for value in ([0, 1, 2], [0, 0, 1, 2]):
            assert (await phones[3].answer(ranking, value))["ok"] is False

        results = await screen.wait_for("results", lambda r: r["activity_id"] == ranking and r["n_answers"] == n)
        assert {key: results[key] for key in ("average_rank", "borda", "order")} == expected
        assert results["n_participants"] == n and results["type"] == "ranking"

        assert await screen.call("close", {"activity_id": ranking}) == {"ok": True}
        shown = await phones[5].wait_for("results", lambda r: r["activity_id"] == ranking)
        assert {key: shown[key] for key in ("average_rank", "borda", "order")} == expected and shown["n_answers"] == n
        assert (await phones[6].answer(ranking, [0, 1, 2, 3]))["error"]["code"] == "closed"
        ended = await screen.call("end", {})
        for recorder in (screen, *phones):
            await recorder.disconnect()
        return ended

    ended = asyncio.run(scenario())
    summary = json.loads((_folder(ended) / "summary.json").read_text(encoding="utf-8"))
    archived = summary["activities"][0]
    assert archived["n_answers"] == n and archived["average_rank"] == expected["average_rank"]
    assert archived["borda"] == expected["borda"]
    rows = _csv(_folder(ended) / "ranking-1.csv")
    assert rows[0] == ["option", "average_rank", "borda", "place"]
    assert [row[0] for row in rows[1:]] == [OPTIONS[i] for i in expected["order"]]
    assert [int(row[2]) for row in rows[1:]] == sorted(expected["borda"], reverse=True)
    answers = [row for row in csv.DictReader(io.StringIO((_folder(ended) / "answers.csv").read_text(encoding="utf-8-sig")))
               if row["activity_type"] == "ranking"]
    assert len(answers) == n
    assert "1. Nana | 2. Germinal | 3. L'Assommoir | 4. Au Bonheur des Dames" in {row["answer_text"] for row in answers}


@pytest.mark.slow
def test_twenty_two_phones_answer_a_date_poll_change_their_minds_and_the_facilitator_exports_the_best_slot(shared_server):
    created = shared_server.create_session({"title": "Club lecture", "activities": [
        {"type": "poll", "prompt": "Café ?", "options": ["Oui", "Non"]},
        {"type": "date_poll", "prompt": "Prochaine réunion ?", "options": SLOTS},
    ]})
    code, poll, dates = created["code"], created["activities"][0]["id"], created["activities"][1]["id"]
    n = 22
    named = {i: f"Nom {i:02d}" for i in range(0, n, 3)}
    changers = set(range(1, n, 4))
    final = {i: (CHANGED if i in changers else FIRST[i % len(FIRST)]) for i in range(n)}
    counts = [{word: sum(1 for c in final.values() if c[k] == word) for word in ("yes", "maybe", "no")} for k in range(3)]
    keys = [(c["yes"], c["maybe"]) for c in counts]
    best = keys.index(max(keys))

    async def scenario():
        screen = await host(shared_server.url, code, created["host_token"])
        phones = await asyncio.gather(*(participant(shared_server.url, code, f"P{i}") for i in range(n)))
        assert await screen.call("open", {"activity_id": dates}) == {"ok": True}
        view = (await phones[0].wait_for("state", lambda s: s["phase"] == "activity"))["activity"]
        assert view["type"] == "date_poll" and view["options"] == SLOTS

        bad = {
            "invalid_value": ["yes", ["yes", "no", 3], {"choices": ["yes", "no", "no"], "extra": 1}, {"name": "x"}],
            "wrong_length": [["yes", "no"], ["yes", "no", "no", "no"]],
            "unknown_choice": [["oui", "no", "no"], ["YES", "no", "no"]],
            "too_long": [{"choices": ["yes", "no", "no"], "name": "x" * 41}],
        }
        for code_word, values in bad.items():
            for value in values:
                refused = await phones[0].answer(dates, value)
                assert refused["ok"] is False and refused["error"]["code"] == code_word, (value, refused)
        early = await phones[1].call("change", {"activity_id": dates, "value": CHANGED, "answer_id": "early"})
        assert early["error"]["code"] == "not_answered"
        assert (await screen.call("change", {"activity_id": dates, "value": CHANGED}))["error"]["code"] == "forbidden"

        def first_value(i):
            choices = FIRST[i % len(FIRST)]
            return {"choices": choices, "name": named[i]} if i in named else choices

        acks = await asyncio.gather(*(phone.answer(dates, first_value(i)) for i, phone in enumerate(phones)))
        assert all(ack == {"ok": True, "remaining": 0} for ack in acks), acks
        assert (await phones[0].answer(dates, CHANGED))["error"]["code"] == "already_answered"

        async def change(i):
            phone = phones[i]
            value = {"choices": CHANGED, "name": named[i]} if i in named else CHANGED
            sent = await phone.call("change", {"activity_id": dates, "value": value, "answer_id": f"c{i}"})
            # The same change sent again is acknowledged again and stored once.
            resent = await phone.call("change", {"activity_id": dates, "value": value, "answer_id": f"c{i}"})
            return sent, resent

        changes = await asyncio.gather(*(change(i) for i in sorted(changers)))
        assert all(sent == {"ok": True, "revision": 1} and resent["ok"] is True for sent, resent in changes), changes
        for value, code_word in ((["yes"], "wrong_length"), (["peut-être", "no", "no"], "unknown_choice"), (None, "invalid_value")):
            refused = await phones[1].call("change", {"activity_id": dates, "value": value})
            assert refused["error"]["code"] == code_word
        assert (await phones[1].call("change", {"activity_id": dates}))["error"]["code"] == "invalid_payload"
        assert (await phones[1].call("change", {"activity_id": poll, "value": CHANGED}))["error"]["code"] == "not_open"

        results = await screen.wait_for("results", lambda r: r["activity_id"] == dates and r["n_answers"] == n
                                        and r["counts"] == counts)
        assert results["best"] == best and best in results["tied"]
        grid = {row["name"]: row["choices"] for row in results["participants"]}
        assert grid == {name: final[i] for i, name in named.items()} and results["n_named"] == len(named)

        # While it runs, the facilitator downloads the best slot and the grid; others cannot.
        ics = _get(shared_server, f"/api/sessions/{code}/activities/{dates}/calendar.ics")
        grid_csv = _get(shared_server, f"/api/sessions/{code}/activities/{dates}/grid.csv")
        stranger = _get(shared_server, f"/api/sessions/{code}/activities/{dates}/calendar.ics", "other@example.org")
        text_slot = _get(shared_server, f"/api/sessions/{code}/activities/{dates}/calendar.ics", option="1")

        assert await screen.call("close", {"activity_id": dates}) == {"ok": True}
        shown = await phones[4].wait_for("results", lambda r: r["activity_id"] == dates)
        assert shown["counts"] == counts and shown["best"] == best and "participants" not in shown
        late = await phones[1].call("change", {"activity_id": dates, "value": FIRST[0]})
        assert late["error"]["code"] == "closed"
        ended = await screen.call("end", {})
        for recorder in (screen, *phones):
            await recorder.disconnect()
        return ended, ics, grid_csv, stranger, text_slot

    ended, ics, grid_csv, stranger, text_slot = asyncio.run(scenario())
    assert ics.status_code == 200 and ics.headers["Content-Type"].startswith("text/calendar")
    assert ics.headers["Content-Disposition"] == f'attachment; filename="{code}-date-poll-2.ics"'
    event = Calendar.from_ical(ics.content).walk("VEVENT")[0]
    slot = SLOTS[best]
    expected_start = datetime.fromisoformat(slot["start"])
    expected_start = expected_start.replace(tzinfo=expected_start.tzinfo or timezone.utc)  # LIVE_TIMEZONE=UTC
    assert event.decoded("dtstart") == expected_start.astimezone(timezone.utc) and str(event["summary"]) == "Club lecture"
    assert grid_csv.status_code == 200 and grid_csv.headers["Content-Type"].startswith("text/csv")
    assert stranger.status_code == 404 and stranger.json()["error"]["code"] == "not_found"
    assert text_slot.status_code == 400 and text_slot.json()["error"]["code"] == "no_times"

    folder = _folder(ended)
    rows = _csv(folder / "date-poll-2.csv")
    assert rows[0] == ["participant", "Sam. 12 déc.", "Dimanche après-midi", "Lun. 14 déc."]
    people = rows[3:3 + n]
    assert sorted(tuple(row[1:]) for row in people) == sorted(tuple(c) for c in final.values())
    assert {row[0]: row[1:] for row in people if row[0]} == {name: final[i] for i, name in named.items()}
    assert rows[3 + n:3 + n + 3] == [[f"total {w}", *(str(c[w]) for c in counts)] for w in ("yes", "maybe", "no")]
    assert grid_csv.content == (folder / "date-poll-2.csv").read_bytes()
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    archived = summary["activities"][1]
    assert archived["counts"] == counts and archived["best"] == best and len(archived["grid"]) == n
    answers = [row for row in csv.DictReader(io.StringIO((folder / "answers.csv").read_text(encoding="utf-8-sig")))
               if row["activity_type"] == "date_poll"]
    assert len(answers) == n + len(changers)  # every first answer and every change, once each
    assert sum(1 for row in answers if row["answer_text"].endswith("(change 1)")) == len(changers)
    # After the end the export still works, from the database.
    again = _get(shared_server, f"/api/sessions/{code}/activities/{dates}/calendar.ics", option=str(best))
    assert again.status_code == 200 and again.content == ics.content.replace(
        _dtstamp(ics.content), _dtstamp(again.content))


def _signed_in(server, email: str = "host@example.org") -> requests.Session:
    """A browser-like session of the facilitator ``email`` (password "correct horse")."""
    from tests.web import csrf_of

    server.facilitator(email)
    browser = requests.Session()
    page = browser.get(server.url + "/login", timeout=WAIT).text
    signed = browser.post(server.url + "/login", data={"email": email, "password": "correct horse", "csrf_token": csrf_of(page)},
                          timeout=WAIT, allow_redirects=False)
    assert signed.status_code == 302, signed.text
    return browser


def test_the_archive_page_offers_the_date_polls_exports_and_the_kinds_csv_files(shared_server):
    created = shared_server.create_session({"title": "Archive", "activities": [
        {"type": "ranking", "prompt": "Quel livre ?", "options": ["A", "B"]},
        {"type": "date_poll", "prompt": "Quand ?", "options": SLOTS}]})
    code, ranking, dates = created["code"], created["activities"][0]["id"], created["activities"][1]["id"]

    async def scenario():
        screen = await host(shared_server.url, code, created["host_token"])
        phone = await participant(shared_server.url, code, "Zoé")
        for activity_id, value in ((ranking, [1, 0]), (dates, {"choices": ["maybe", "no", "yes"], "name": "Zoé"})):
            await screen.call("open", {"activity_id": activity_id})
            await phone.wait_for("state", lambda s, a=activity_id: s["activity"] and s["activity"]["id"] == a)
            assert (await phone.answer(activity_id, value))["ok"] is True
        ended = await screen.call("end", {})
        await phone.disconnect()
        await screen.disconnect()
        return ended

    asyncio.run(scenario())
    browser = _signed_in(shared_server)
    page = browser.get(f"{shared_server.url}/archives/{code}", timeout=WAIT)
    assert page.status_code == 200 and 'data-testid="activity-exports"' in page.text
    ics_link = f"/sessions/{code}/activities/{dates}/calendar.ics"
    assert f'href="{ics_link}"' in page.text and "Who said what" in page.text and "Zoé" in page.text
    event = Calendar.from_ical(browser.get(shared_server.url + ics_link, timeout=WAIT).content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == datetime(2026, 12, 14, 17, 30, tzinfo=timezone.utc)  # the best slot: option 2
    for name, first_line in (("ranking-1.csv", "option,average_rank,borda,place"), ("date-poll-2.csv", "participant,")):
        assert f'href="/archives/{code}/{name}"' in page.text
        served = browser.get(f"{shared_server.url}/archives/{code}/{name}", timeout=WAIT)
        assert served.status_code == 200 and served.content.decode("utf-8-sig").startswith(first_line)
    assert requests.get(shared_server.url + ics_link, timeout=WAIT, allow_redirects=False).status_code == 302


def _dtstamp(text: bytes) -> bytes:
    return next(line for line in text.split(b"\r\n") if line.startswith(b"DTSTAMP:"))


def test_a_phone_changing_its_answer_three_times_counts_its_latest_and_gets_it_back(shared_server):
    """Each change is acknowledged with its revision; the host counts the latest only,
    the summary (read back from the database) too, and a phone coming back finds it."""
    created = shared_server.create_session({"title": "x", "activities": [
        {"type": "date_poll", "prompt": "Quand ?", "options": ["A", "B"]}]})
    dates = created["activities"][0]["id"]

    async def scenario():
        screen = await host(shared_server.url, created["code"], created["host_token"])
        phone = await participant(shared_server.url, created["code"], "Zoé")
        await screen.call("open", {"activity_id": dates})
        await phone.wait_for("state", lambda s: s["phase"] == "activity")
        assert (await phone.answer(dates, ["yes", "no"]))["ok"] is True
        for revision, value in enumerate((["no", "yes"], ["maybe", "maybe"], ["no", "maybe"]), start=1):
            sent = await phone.call("change", {"activity_id": dates, "value": value, "answer_id": uuid.uuid4().hex})
            assert sent == {"ok": True, "revision": revision}
        latest = [{"yes": 0, "maybe": 0, "no": 1}, {"yes": 0, "maybe": 1, "no": 0}]
        results = await screen.wait_for("results", lambda r: r["activity_id"] == dates and r["counts"] == latest)
        assert results["n_answers"] == 1 and results["best"] == 1
        # A phone coming back hears every value it sent; the latest revision is its answer.
        token = phone.last("welcome")["token"]
        await phone.disconnect()
        back = await participant(shared_server.url, created["code"], token=token)
        mine = back.last("welcome")["answers"][dates]
        assert max(mine, key=lambda v: v.get("revision", 0))["choices"] == ["no", "maybe"]
        await back.disconnect()
        await screen.disconnect()

    asyncio.run(scenario())
    summary = shared_server.summary(created["code"])
    assert summary["activities"][0]["counts"] == [{"yes": 0, "maybe": 0, "no": 1}, {"yes": 0, "maybe": 1, "no": 0}]


def test_after_a_restart_the_latest_change_still_counts_and_the_next_one_follows_it(live_server):
    """A restarted server rebuilds the tally from the rows: the latest revision counts,
    and a phone's next change gets the next revision."""
    created = live_server.create_session({"title": "x", "activities": [
        {"type": "date_poll", "prompt": "Quand ?", "options": ["A", "B"]}]})
    code, dates = created["code"], created["activities"][0]["id"]

    async def before():
        screen = await host(live_server.url, code, created["host_token"])
        phone = await participant(live_server.url, code, "Zoé")
        await screen.call("open", {"activity_id": dates})
        await phone.wait_for("state", lambda s: s["phase"] == "activity")
        assert (await phone.answer(dates, ["yes", "no"]))["ok"] is True
        assert await phone.call("change", {"activity_id": dates, "value": ["no", "yes"]}) == {"ok": True, "revision": 1}
        token = phone.last("welcome")["token"]
        await phone.disconnect()
        await screen.disconnect()
        return token

    token = asyncio.run(before())
    live_server.stop()
    live_server.start()

    async def after():
        screen = await host(live_server.url, code, created["host_token"])
        phone = await participant(live_server.url, code, token=token)
        results = await screen.wait_for("results", lambda r: r["activity_id"] == dates)
        assert results["counts"] == [{"yes": 0, "maybe": 0, "no": 1}, {"yes": 1, "maybe": 0, "no": 0}]
        assert await phone.call("change", {"activity_id": dates, "value": {"choices": ["maybe", "maybe"], "name": "Zoé"}}) == {
            "ok": True, "revision": 2}
        latest = [{"yes": 0, "maybe": 1, "no": 0}, {"yes": 0, "maybe": 1, "no": 0}]
        results = await screen.wait_for("results", lambda r: r["activity_id"] == dates and r["counts"] == latest)
        assert results["n_answers"] == 1 and results["participants"] == [{"name": "Zoé", "choices": ["maybe", "maybe"]}]
        await phone.disconnect()
        await screen.disconnect()

    asyncio.run(after())
