"""Reactions through a real server (issue 14, item 5), on SQLite and PostgreSQL: a
burst of taps from many phones reaches the host screen as a few coalesced
``reactions`` pushes whose counts add up exactly to the accepted taps; each phone is
rate-limited on its own; wrong emoji, wrong payloads, the host and a session without
reactions are refused; the archive's summary.json and reactions.csv hold every
accepted tap. Two processes: tests/test_reactions_cluster.py."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import random
from collections import Counter
from pathlib import Path

from tests.sockets import host, participant

N_PHONES = 24
SET = ["👏", "❤️", "👍", "🤔", "🎉"]


def added(pushes: list[dict]) -> Counter:
    total = Counter()
    for push in pushes:
        total.update(push["counts"])
    return total


async def tap(phone, emoji) -> dict:
    return await phone.call("react", {"emoji": emoji})


async def tap_many(phone, emojis: list[str], together: bool = False) -> tuple[Counter, list[str]]:
    """Send ``emojis`` one after the other (or all at once, ``together``): what was
    accepted, and the codes of what was refused."""
    if together:
        acks = await asyncio.gather(*(tap(phone, emoji) for emoji in emojis))
    else:
        acks = [await tap(phone, emoji) for emoji in emojis]
    accepted, refused = Counter(), []
    for emoji, ack in zip(emojis, acks):
        if ack.get("ok"):
            accepted[emoji] += 1
        else:
            refused.append(ack["error"]["code"])
    return accepted, refused


def archive_totals(archive_path: str) -> tuple[dict, dict]:
    folder = Path(archive_path)
    document = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    rows = list(csv.DictReader(io.StringIO((folder / "reactions.csv").read_text(encoding="utf-8-sig"))))
    return document["reactions"], {row["emoji"]: int(row["count"]) for row in rows}


def test_a_burst_of_taps_reaches_the_host_as_a_few_pushes_that_add_up_and_the_archive_holds_them(shared_server):
    created = shared_server.create_session({"title": "Club", "activities": [{"type": "poll", "prompt": "Oui ?", "options": ["Oui", "Non"]}]})
    code = created["code"]
    rng = random.Random(14)

    async def scenario():
        screen = await host(shared_server.url, code, created["host_token"])
        phones = await asyncio.gather(*(participant(shared_server.url, code, f"P{i}") for i in range(N_PHONES)))
        assert phones[0].last("welcome")["state"]["reactions"] == SET
        # Every phone taps a few times in the lobby (within the burst a phone may send);
        # three send twenty taps at once.
        plans = [[rng.choice(SET) for _ in range(rng.randint(1, 5))] for _ in phones]
        eager = 3
        outcomes = await asyncio.gather(
            *(tap_many(phone, ["🎉"] * 20, together=True) for phone in phones[:eager]),
            *(tap_many(phone, plan) for phone, plan in zip(phones[eager:], plans[eager:])),
        )
        accepted = sum((taken for taken, _refused in outcomes), Counter())
        for taken, refused in outcomes[:eager]:
            assert taken["🎉"] >= 6 and refused and set(refused) == {"rate_limited"}  # a burst, then refused
        for taken, refused in outcomes[eager:]:
            assert refused == []  # a calm phone is never held back by the eager ones

        await screen.wait_for("reactions", lambda _data: added(screen.all("reactions")) == accepted)
        pushes = screen.all("reactions")
        assert len(pushes) < sum(accepted.values())  # coalesced: never one push per tap
        assert max(sum(push["counts"].values()) for push in pushes) > 1
        assert all(phone.all("reactions") == [] for phone in phones)  # phones hear no one's taps

        # During an activity too.
        poll = created["activities"][0]["id"]
        assert await screen.call("open", {"activity_id": poll}) == {"ok": True}
        await phones[-1].wait_for("state", lambda s: s["phase"] == "activity")
        assert await tap(phones[-1], "👏") == {"ok": True}
        accepted["👏"] += 1
        await screen.wait_for("reactions", lambda _data: added(screen.all("reactions")) == accepted)

        ended = await screen.call("end", {})
        assert ended["ok"] is True
        refused = await tap(phones[3], "👏")
        assert refused["ok"] is False and refused["error"]["code"] == "session_ended"
        for recorder in (screen, *phones):
            await recorder.disconnect()
        return accepted, ended

    accepted, ended = asyncio.run(scenario())
    expected = {emoji: accepted.get(emoji, 0) for emoji in SET}
    in_summary, in_csv = archive_totals(ended["archive_path"])
    assert in_summary == in_csv == expected
    assert shared_server.summary(code)["reactions"] == expected


def test_wrong_emoji_payloads_roles_and_a_session_without_reactions_are_refused(shared_server):
    created = shared_server.create_session({
        "title": "Conseil", "reactions": ["✋", "❓"],
        "activities": [{"type": "poll", "prompt": "Pour ?", "options": ["Pour", "Contre"]}],
    })
    quiet = shared_server.create_session({
        "title": "Examen", "reactions": [], "activities": [{"type": "poll", "prompt": "Prêts ?", "options": ["Oui", "Non"]}],
    })

    async def scenario():
        screen = await host(shared_server.url, created["code"], created["host_token"])
        phone = await participant(shared_server.url, created["code"], "Ana")
        assert phone.last("welcome")["state"]["reactions"] == ["✋", "❓"]
        codes = {}
        for label, payload in {
            "outside the set": {"emoji": "👍"},
            "text": {"emoji": "bonjour"},
            "empty": {"emoji": ""},
            "too long": {"emoji": "✋" * 40},
            "a number": {"emoji": 5},
            "missing": {},
            "a list": ["✋"],
            "nothing": None,
        }.items():
            ack = await phone.call("react", payload)
            codes[label] = ack["error"]["code"] if not ack.get("ok") else "ok"
        assert codes == {
            "outside the set": "not_allowed", "text": "not_allowed", "empty": "invalid_payload",
            "too long": "invalid_payload", "a number": "invalid_payload", "missing": "invalid_payload",
            "a list": "invalid_payload", "nothing": "invalid_payload",
        }
        host_tap = await screen.call("react", {"emoji": "✋"})
        assert host_tap["error"]["code"] == "forbidden"
        assert await tap(phone, "✋") == {"ok": True}
        await screen.wait_for("reactions", lambda data: data == {"counts": {"✋": 1}})

        other = await participant(shared_server.url, quiet["code"], "Ben")
        assert other.last("welcome")["state"]["reactions"] == []
        assert (await tap(other, "👍"))["error"]["code"] == "not_allowed"
        for recorder in (screen, phone, other):
            await recorder.disconnect()

    asyncio.run(scenario())
    assert shared_server.summary(quiet["code"])["reactions"] == {}
    assert shared_server.summary(quiet["code"])["reaction_set"] == []

