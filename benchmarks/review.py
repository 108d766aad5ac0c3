"""`posecoach bench review`: how fast a long stored session is reviewed and re-scored.

A session of ``minutes`` at 30 fps (a kneeling lunge whose front knee sways through its
band, as `bench engine` uses) is written to a temporary store the way the live page writes
it. Then each step of the Review and Tune pages is timed: reading the session, replaying its
poses into observations (once per session, kept), re-scoring under moved thresholds with
everything the Tune page redraws, the fault list, the exports, and the Tune page's whole
script run in Streamlit's app tester with a slider moved.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from benchmarks.engine import random_session
from benchmarks.support.report_table import best_of, hardware_line, table
from posecoach.adapters.store import Store
from posecoach.core.coach import Coach
from posecoach.exercises.catalogue import load_catalogue
from posecoach.exercises.tuning import with_values
from posecoach.reports.review import observe, review

FPS = 30.0
MOVED = {"lunge.front_knee_90.front_knee.low": 85.0, "lunge.hold_s": 20.0}


def _write_session(store: Store, n_frames: int) -> int:
    catalogue = load_catalogue()
    person = store.add_person("Bench")
    writer = store.start_session(person.id, exercise_arg="lunge", profile_name="beginner", profile_toml=None,
                                 model="full", model_sha256="", width=640, height=480, fps=FPS, source="webcam")
    coach = Coach(catalogue, "lunge")
    for i, lms in enumerate(random_session(n_frames)):
        result = coach.step(i * 1000.0 / FPS, lms, 640, 480)
        writer.add(result, lms, {})
    writer.close(coach.holds.sets)
    return writer.id


def _tune_page_rerun_s(data: Path) -> float | None:
    """Wall time of the Tune page's script run after a slider moves (Streamlit's app tester)."""
    from streamlit.testing.v1 import AppTest

    os.environ["POSECOACH_DATA"] = str(data)
    at = AppTest.from_function(_tune_only, default_timeout=600)
    at.run()
    sliders = [s for s in at.slider if "front knee" in str(s.label)]
    if at.exception or not sliders:
        return None
    times = []
    for value in ((85.0, 100.0), (82.0, 100.0), (80.0, 98.0)):
        sliders[0].set_value(value)
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
        sliders = [s for s in at.slider if "front knee" in str(s.label)]
    return min(times)


def _tune_only() -> None:
    """The Tune page as the app shows it (the person picker first)."""
    from posecoach.ui.common import get_store, person_picker
    from posecoach.ui.tune_page import render

    person_picker(get_store())
    render()


def run(minutes: float = 10.0) -> str:
    n_frames = int(minutes * 60 * FPS)
    with tempfile.TemporaryDirectory(prefix="posecoach-bench-review-") as tmp:
        store = Store(Path(tmp) / "posecoach.db")
        sid = _write_session(store, n_frames)
        load_s = best_of(lambda: store.load_session(sid), repeat=2)
        stored = store.load_session(sid)
        catalogue = load_catalogue()
        start = time.perf_counter()
        obs = observe(((f.t_ms, f.landmarks, f.image_measures) for f in stored.frames), 640, 480, catalogue, "lunge")
        observe_s = time.perf_counter() - start
        tuned = with_values(catalogue, MOVED)

        def tune_step() -> None:
            rv = review(obs, tuned)
            rv.check_times()
            rv.hold_summary()
            rv.timelines("lunge")

        rescore_s = best_of(lambda: review(obs, tuned), repeat=3)
        tune_s = best_of(tune_step, repeat=3)
        rv = review(obs, tuned)
        faults_s = best_of(rv.faults, repeat=2)
        csv_s = best_of(rv.csv_text, repeat=1)
        report_s = best_of(lambda: rv.report("bench", 640, 480, FPS, "full", "", "lunge"), repeat=1)
        page_s = _tune_page_rerun_s(Path(tmp))
    rows = [
        [f"read the stored session ({n_frames} frames, {minutes:g} min)", f"{load_s * 1000:.0f} ms", "once per session"],
        ["replay its poses into observations (kept for re-scoring)", f"{observe_s * 1000:.0f} ms", "once per session"],
        ["re-score under moved thresholds (verdicts, cues, holds)", f"{rescore_s * 1000:.0f} ms", "< 200 ms"],
        ["... plus what the Tune page redraws (time per check, holds, timelines)", f"{tune_s * 1000:.0f} ms", "instant"],
        ["the Tune page's whole script run after a slider moves", "n/a" if page_s is None else f"{page_s * 1000:.0f} ms",
         "instant (< 1 s)"],
        ["fault list", f"{faults_s * 1000:.0f} ms", ""],
        ["CSV export", f"{csv_s * 1000:.0f} ms", "on click"],
        ["JSON report export", f"{report_s * 1000:.0f} ms", "on click"],
    ]
    out = [f"hardware: {hardware_line()}", "(wall time, best of a few runs)", "",
           table(rows, ["step", "time", "target"]), "", f"reproduce: posecoach bench review --minutes {minutes:g}"]
    return "\n".join(out)
