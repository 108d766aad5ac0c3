"""`posecoach bench live` runs and prints its table, idle and under load, full model kept. No time is asserted."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.slow


def test_bench_live_prints_judged_rate_and_latency_with_and_without_load(posecoach, full_model):
    r = posecoach("bench", "live", "--seconds", "3")
    assert r.code == 0, r.err
    rows = [line for line in r.out.splitlines() if line.startswith("| no load added") or "busy processes added" in line]
    assert len(rows) == 2, r.out
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        fed, judged = float(cells[1]), float(cells[2])
        assert 0 < judged <= fed + 0.5 and cells[-1] == "full", row  # fewer frames judged, never another model
        assert re.fullmatch(r"\d+", cells[3]) and re.fullmatch(r"\d+", cells[4]), row  # latencies measured
    assert "reproduce: posecoach bench live --seconds 3" in r.out


def test_bench_live_refuses_a_duration_that_is_not_positive(posecoach):
    r = posecoach("bench", "live", "--seconds", "0")
    assert r.code == 2 and r.err.strip().count("\n") == 0 and "--seconds" in r.err
