"""Reactions with two processes for real (``scripts/cluster 2``: HAProxy, Redis,
PostgreSQL): phones spread over both processes tap; every host screen hears every
tap, whichever process counted it; the host ends the session right after the last
tap, before either process stored its counts, and the archive holds every one."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from tests.conftest import WAIT
from tests.test_reactions_server import added, archive_totals
from tests.test_scaleout import Host, Phone, cluster, until  # noqa: F401 - cluster is the fixture

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

N_PHONES = 20
SET = ["👏", "❤️", "👍", "🤔", "🎉"]


def test_every_host_screen_hears_every_process_and_the_archive_holds_every_tap(cluster):  # noqa: F811
    created = cluster.server.create_session({"title": "Club", "activities": [{"type": "poll", "prompt": "Oui ?", "options": ["Oui", "Non"]}]})
    code, url = created["code"], cluster.server.url

    async def scenario():
        screens = [await Host(url, code, created["host_token"]).connect() for _ in range(2)]
        phones = []
        for batch in range(0, N_PHONES, 10):
            phones += await asyncio.gather(*(Phone(url, code).connect() for _ in range(10)))
        spread = cluster.connections_per_process()
        assert len(spread) == 2 and all(count > 0 for count in spread.values()), spread  # both hold phones

        async def taps(index, phone):
            sent = [SET[(index + k) % len(SET)] for k in range(1 + index % 4)]
            acks = [await phone.client.call("react", {"emoji": emoji}, timeout=WAIT) for emoji in sent]
            assert all(ack == {"ok": True} for ack in acks), acks
            return Counter(sent)

        accepted = sum(await asyncio.gather(*(taps(i, phone) for i, phone in enumerate(phones))), Counter())
        # Ended at once: both processes still hold counts they have not stored.
        ended = await screens[0].call("end", {})
        assert ended["ok"] is True
        for screen in screens:
            await until(lambda screen=screen: added([data for name, data in screen.events if name == "reactions"]) == accepted,
                        f"a host screen did not hear every tap: {[d for n, d in screen.events if n == 'reactions']}")
        await asyncio.gather(*(screen.client.disconnect() for screen in screens), *(phone.client.disconnect() for phone in phones))
        return accepted, ended

    accepted, ended = asyncio.run(scenario())
    expected = {emoji: accepted.get(emoji, 0) for emoji in SET}
    in_summary, in_csv = archive_totals(ended["archive_path"])
    assert in_summary == in_csv == expected
    assert cluster.server.summary(code)["reactions"] == expected
