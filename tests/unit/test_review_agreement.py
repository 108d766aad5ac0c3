"""The measures `posecoach bench rate` holds the default review to against the exact one."""

from __future__ import annotations

from benchmarks.rate import agreement, fault_runs


def report(verdicts: str, holds: list[tuple[str, str, float, int]], analysed: int | None = None) -> dict:
    """A report of one frame a verdict of ``knee_over_ankle`` at 30 fps: ``p`` pass, ``f``
    fail, ``u`` unknown; ``holds`` (exercise, side, good-form s, reps)."""
    names = {"p": "pass", "f": "fail", "u": "unknown"}
    frames = [{"t_ms": round(i * 1000 / 30, 1), "exercise": "lunge", "checks": {"knee_over_ankle": names[v]}}
              for i, v in enumerate(verdicts)]
    rep = {"fps": 30.0, "frames": frames,
           "summary": {"holds": [{"exercise": e, "side": s, "good_form_s": g, "reps": r, "start_ms": 0,
                                  "end_ms": len(verdicts) * 1000 // 30} for e, s, g, r in holds]}}
    if analysed is not None:
        rep["analysis"] = {"frames_analysed": analysed}
    return rep


def test_a_fault_of_a_second_or_more_is_one_run_and_a_shorter_one_is_not():
    rep = report("p" * 10 + "f" * 30 + "p" * 10 + "f" * 29 + "p", [])
    assert fault_runs(rep) == [("knee_over_ankle", round(10 * 1000 / 30, 1), round(39 * 1000 / 30, 1) + 1000 / 30)]


def test_a_fault_seen_late_is_found_and_one_missed_is_not():
    exact = report("p" * 10 + "f" * 40 + "p" * 50 + "f" * 40, [("lunge", "left", 2.0, 1)])
    late = report("p" * 20 + "f" * 30 + "p" * 90, [("lunge", "left", 2.4, 1)], analysed=40)
    a = agreement(exact, late)
    assert (a.faults, a.faults_found) == (2, 1)  # the first seen 10 frames late, the second not at all
    assert a.checks == 140 and a.checks_same == 140 - 10 - 40
    assert abs(a.hold_diff_max_s - 0.4) < 1e-9 and (a.reps_exact, a.reps_default) == (1, 1)
    assert a.analysed == 40 and a.frames == 140


def test_the_exact_review_agrees_with_itself():
    exact = report("p" * 10 + "f" * 40 + "u" * 5, [("lunge", "left", 1.0, 0), ("cobra", None, 3.0, 2)])
    a = agreement(exact, exact)
    assert a.verdicts_same == 1.0 and a.hold_diff_max_s == 0.0 and a.faults == a.faults_found == 1
