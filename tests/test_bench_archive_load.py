"""``scripts/bench --archive-load`` runs end to end on a tiny crowd (issue 12): the
heaviest archive (made lighter: 2 clouds instead of 10) is imported behind share links, reloaded in a loop during votes and
drawn for the first time during another; every answer is acknowledged and every
page view succeeds. Correctness only: the figures are in docs/BENCHMARKS.md."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def test_the_archive_load_benchmark_counts_every_answer_and_serves_every_view(tmp_path):
    report_path = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench"), "--participants", "20", "--clients", "1", "--rounds", "1",
         "--no-reference", "--archive-load", "--archive-clouds", "2", "--timeout", "280", "--json", str(report_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=320, check=False,
    )
    assert done.returncode == 0, f"stdout:\n{done.stdout}\nstderr:\n{done.stderr[-4000:]}"
    report = json.loads(report_path.read_text())
    live = report["live"]
    assert report["ok"] is True and report["problems"] == []
    for name in ("vote", "archive_vote", "drawing_vote"):
        assert live[name]["all_acknowledged"] and live[name]["host_saw_exact_count"], name
    load = live["archive_vote"]["archive_load"]
    assert load["views"] >= 1 and load["ok"] == load["views"]  # every reload answered 200
    assert live["drawing_vote"]["archive_load"]["ok"] >= 1
