"""The benchmark (scripts/bench) runs end to end on a small crowd.

A smoke test of issue 7: 200 participants on two client processes against a real
``live serve``. It asserts correctness only (every answer acknowledged, the host
sees exactly the right count); speed is measured by the benchmark, never asserted.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
N_PARTICIPANTS = 200


def test_a_small_benchmark_counts_every_answer_exactly(tmp_path):
    report_path = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench"), "--participants", str(N_PARTICIPANTS), "--clients", "2",
         "--no-reference", "--rounds", "2", "--timeout", "200", "--json", str(report_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=240, check=False,
    )
    assert done.returncode == 0, f"stdout:\n{done.stdout}\nstderr:\n{done.stderr[-4000:]}"

    report = json.loads(report_path.read_text())
    assert report["ok"] is True and report["problems"] == []
    live = report["live"]
    assert live["connected"] == N_PARTICIPANTS
    assert live["vote"]["all_acknowledged"] is True and live["vote"]["host_saw_exact_count"] is True
    assert live["vote_rounds"], "no vote was measured"
    for vote in live["vote_rounds"]:
        assert vote["answers_sent"] == vote["answers_acknowledged"] == N_PARTICIPANTS
        assert vote["all_acknowledged"] is True
        assert vote["host_saw_exact_count"] is True
        assert vote["n_answers_seen"] == N_PARTICIPANTS
        assert vote["counts_seen"] == [N_PARTICIPANTS // 4] * 4
    assert report["reference"] is None
