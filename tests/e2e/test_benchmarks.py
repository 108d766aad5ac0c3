"""The benchmarks run and print their tables (quick settings). No time is asserted."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def test_bench_speed_quick_prints_one_table(posecoach, full_model):
    r = posecoach("bench", "speed", "--quick")
    assert r.code == 0, r.err
    out = r.out
    assert "hardware:" in out and "cores" in out and "mediapipe" in out and "load average" in out
    for row in ("raw landmarker, full, every frame", "routine (sample holds and transitions): exact review",
                "routine (sample holds and transitions): default review", "10 s clip (twelve sample clips back to back): "
                "default review", "x real time", "verdicts", "faults of 1 s found", "peak memory",
                "per analysed frame: the model", "of the model's time", "frames skipped", "re-score 1800 stored frames", "cold start"):
        assert row in out, row
    assert "reproduce: posecoach bench speed --quick" in out
    assert "nan" not in out  # every figure measured (the cold start needs the first frame's message)
    assert sum(1 for line in out.splitlines() if line.startswith("| ---")) == 1  # one table


def test_bench_memory_short_run(posecoach, full_model):
    r = posecoach("bench", "memory", "--minutes", "0.1")
    assert r.code == 0, r.err
    assert "peak resident memory" in r.out and "MB/min" in r.out and "180 frames" in r.out
    assert "180 frames stored" in r.out and "fed as fast as judged" in r.out  # every frame judged


def test_bench_memory_paced_as_a_camera(posecoach, full_model):
    import re

    r = posecoach("bench", "memory", "--minutes", "0.1", "--paced")
    assert r.code == 0, r.err
    assert "fed at 30 fps of wall time" in r.out and "reproduce: posecoach bench memory --minutes 0.1 --paced" in r.out
    judged, fed = map(int, re.search(r"frames judged / fed\s*\|\s*(\d+) / (\d+)", r.out).groups())
    assert fed == 180 and 0 < judged <= fed
    assert f"{judged} frames stored" in r.out


def test_bench_batch_and_rate_on_few_clips(posecoach, full_model):
    r = posecoach("bench", "batch", "--files", "2")
    assert r.code == 0, r.err
    assert "1 worker" in r.out and "2 workers" in r.out and "files/min" in r.out
    r = posecoach("bench", "rate", "--limit", "1", "--variants", "12:0.5:300:free")
    assert r.code == 0, r.err
    assert "at most 12 frames apart while still" in r.out and "(the default review at 30 fps)" in r.out
    assert "verdicts as at full rate" in r.out


def test_bench_breathing_prints_its_cost_per_frame(posecoach, full_model):
    import re

    r = posecoach("bench", "breathing", "--frames", "20")
    assert r.code == 0, r.err
    assert "steady trunk + thickness" in r.out and "a frame working the reading out" in r.out
    average, reading = map(float, re.search(r"breathing per frame: ([\d.]+) ms on average .*?, ([\d.]+) ms on a frame", r.out).groups())
    assert 0 < average <= reading
    assert "reproduce: posecoach bench breathing" in r.out


def test_bench_options_are_checked(posecoach):
    for args, words in ((("memory", "--minutes", "0"), "--minutes"), (("batch", "--files", "0"), "--files"),
                        (("rate", "--variants", "x"), "--variants"), (("rate", "--minutes", "0"), "--minutes")):
        r = posecoach("bench", *args)
        assert r.code == 2 and words in r.err and len(r.err.strip().splitlines()) == 1, r.err
