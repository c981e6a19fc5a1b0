"""Every kind's own archive files are served from the archive (and nothing else of
that shape): the names come from the kinds themselves, so a kind whose name has an
underscore (``date_poll`` writes ``date-poll-3.csv``) cannot be left out."""

from __future__ import annotations

import pytest

from live.activities.registry import KINDS
from live.web.archives import archive_mimetype


@pytest.mark.parametrize("kind", list(KINDS), ids=lambda kind: kind.name)
def test_each_kinds_archive_files_may_be_downloaded(kind):
    # An archived activity as an untrusted summary may hold it: its type and prompt only.
    names = list(kind.archive_files({"type": kind.name, "prompt": "P", "n_answers": 0}, 3))
    for name in names:
        assert archive_mimetype(name) == "text/csv", name


@pytest.mark.parametrize("name", ["secret-1.csv", "summary-1.csv", "poll-0.csv", "poll-1000.csv", "../poll-1.csv",
                                  "poll-1.csv.bak", "date_poll-", "-1.csv"])
def test_files_of_no_kind_are_not_served(name):
    assert archive_mimetype(name) is None
