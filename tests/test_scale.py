"""The rating scale (issue 13's first new kind): its rules, the editor, and a whole
session on a real server with phones on SQLite and PostgreSQL, archive included."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from pathlib import Path

import pytest

from live.activities.registry import parse_spec
from live.activities.scale import rules
from live.domain.errors import DomainError
from tests.sockets import host, participant
from tests.web import csrf_of, sign_in


def refused(code: str, raw: dict) -> DomainError:
    with pytest.raises(DomainError) as caught:
        parse_spec(raw)
    assert caught.value.code == code
    return caught.value


def test_a_scale_spec_has_a_range_of_two_to_eleven_values_and_optional_words_for_its_ends():
    assert parse_spec({"type": "scale", "prompt": "Ça vous a plu ?"}).as_dict() == {
        "type": "scale", "prompt": "Ça vous a plu ?", "min": 1, "max": 5,
    }
    spec = parse_spec({"type": "scale", "prompt": "Q", "min": 0, "max": 10, "min_label": " Pas du tout ",
                       "max_label": "Tout à fait"}).spec
    assert (spec.min, spec.max, spec.min_label, spec.max_label) == (0, 10, "Pas du tout", "Tout à fait")
    assert list(spec.values) == list(range(0, 11))
    assert refused("invalid_range", {"type": "scale", "prompt": "Q", "min": 3, "max": 3}).field == "max"
    assert refused("invalid_range", {"type": "scale", "prompt": "Q", "min": -10, "max": 10}).field == "max"
    assert refused("out_of_range", {"type": "scale", "prompt": "Q", "min": -11}).field == "min"
    assert refused("invalid_type", {"type": "scale", "prompt": "Q", "max": "5"}).field == "max"
    assert refused("invalid_type", {"type": "scale", "prompt": "Q", "max": True}).field == "max"
    assert refused("too_long", {"type": "scale", "prompt": "Q", "max_label": "x" * 41}).field == "max_label"
    every = refused("blank", {"type": "scale", "prompt": " ", "min": 4, "max": 2, "min_label": 7})
    assert [(p.code, p.field) for p in every.problems] == [
        ("blank", "prompt"), ("invalid_range", "max"), ("invalid_type", "min_label"),
    ]


def test_a_value_is_a_whole_number_in_range_and_the_tally_counts_from_min():
    spec = parse_spec({"type": "scale", "prompt": "Q", "min": 0, "max": 4}).spec
    assert rules.check_answer(spec, 0) == 0 and rules.check_answer(spec, 4) == 4
    for value, code in ((5, "out_of_range"), (-1, "out_of_range"), (2.5, "invalid_value"), ("3", "invalid_value"),
                        (True, "invalid_value"), (None, "invalid_value"), ([1], "invalid_value")):
        with pytest.raises(DomainError) as caught:
            rules.check_answer(spec, value)
        assert caught.value.code == code and caught.value.field == "value"
    tally = rules.Tally(spec)
    assert tally.results() == {"counts": [0, 0, 0, 0, 0], "average": None}
    for value in (4, 4, 3, 0):
        tally.add(value)
    assert tally.results() == {"counts": [1, 0, 0, 1, 2], "average": 2.75}
    assert tally.n_answers == 4


def test_the_editor_makes_a_scale_and_shows_every_refusal_beside_its_field(app, client):
    sign_in(client, app)
    page = client.get("/sessions/new").get_data(as_text=True)
    assert "Rating scale" in page and 'name="activities-0-scale-min"' in page
    data = {"csrf_token": csrf_of(page), "title": "Soirée", "profanity_filter": "y",
            "activities-0-type": "scale", "activities-0-scale-prompt": "Note ?", "activities-0-scale-min": "0",
            "activities-0-scale-max": "10", "activities-0-scale-max_label": "Génial"}
    bad = client.post("/sessions/new", data=dict(data, **{"activities-0-scale-max": "0", "activities-0-scale-prompt": ""}))
    text = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert 'data-testid="error-0-prompt"' in text and 'data-testid="error-0-max"' in text  # both, at once
    assert 'aria-invalid="true"' in text
    created = client.post("/sessions/new", data=data)
    assert created.status_code == 302
    from live.services import planning

    code = created.headers["Location"].rsplit("created=", 1)[1]
    plan = planning.plan_of(app.extensions["live"].sessions, planning.owned_session(app.extensions["live"].sessions, 1, code).id)
    assert {k: plan[0][k] for k in ("type", "prompt", "min", "max", "max_label")} == {
        "type": "scale", "prompt": "Note ?", "min": 0, "max": 10, "max_label": "Génial"}


@pytest.mark.slow
def test_a_scale_on_a_real_server_from_the_first_vote_to_the_archive(shared_server):
    server = shared_server
    created = server.create_session({"title": "Bilan", "activities": [
        {"type": "scale", "prompt": "Ça vous a plu ?", "min": 1, "max": 5, "min_label": "Pas du tout",
         "max_label": "Beaucoup"},
    ]})
    scale = created["activities"][0]["id"]

    async def scenario():
        screen = await host(server.url, created["code"], created["host_token"])
        phones = [await participant(server.url, created["code"], f"P{i}") for i in range(12)]
        assert await screen.call("open", {"activity_id": scale}) == {"ok": True}
        view = await phones[0].wait_for("state", lambda s: s["activity"] and s["activity"]["status"] == "open")
        assert view["activity"] | {"min_label": "Pas du tout"} == view["activity"]
        assert (view["activity"]["type"], view["activity"]["min"], view["activity"]["max"]) == ("scale", 1, 5)
        values = [5, 4, 4, 3, 5, 5, 2, 4, 5, 1, 4, 5]
        acks = await asyncio.gather(*(phone.answer(scale, value) for phone, value in zip(phones, values)))
        assert all(ack == {"ok": True, "remaining": 0} for ack in acks)
        assert (await phones[0].answer(scale, 3))["error"]["code"] == "already_answered"
        for bad, code in ((6, "out_of_range"), ("5", "invalid_value"), (None, "invalid_value")):
            assert (await phones[0].call("answer", {"activity_id": scale, "value": bad, "answer_id": f"x{bad}"}))["error"]["code"] == code
        results = await screen.wait_for("results", lambda r: r["activity_id"] == scale and r["n_answers"] == 12)
        assert results["counts"] == [1, 1, 1, 4, 5] and results["average"] == round(sum(values) / 12, 2)
        mark = phones[3].mark()
        assert await screen.call("close", {"activity_id": scale}) == {"ok": True}
        shown = await phones[3].wait_for("results", lambda r: r["activity_id"] == scale, after=mark)
        assert shown["counts"] == [1, 1, 1, 4, 5] and shown["average"] == results["average"]
        ended = await screen.call("end", {})
        for recorder in (screen, *phones):
            await recorder.disconnect()
        return ended

    ended = asyncio.run(scenario())
    folder = Path(ended["archive_path"])
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    activity = summary["activities"][0]
    assert (activity["type"], activity["counts"], activity["average"]) == ("scale", [1, 1, 1, 4, 5], 3.92)
    rows = list(csv.reader(io.StringIO((folder / "scale-1.csv").read_text(encoding="utf-8-sig"))))
    assert rows == [["value", "count", "share"], ["1", "1", "0.0833"], ["2", "1", "0.0833"], ["3", "1", "0.0833"],
                    ["4", "4", "0.3333"], ["5", "5", "0.4167"]]
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "Rating scale" in page and "Average: 3.92 out of 5" in page
    assert "1 — Pas du tout" in page and "5 — Beaucoup" in page
