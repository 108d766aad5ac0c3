"""The plan, trends, Thomas readings and pain ratings on the pages, on a real store in a temporary folder."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from posecoach.adapters.store import Store
from posecoach.core.coach import FrameResult
from posecoach.core.holds import HoldSet, HoldStatus
from posecoach.core.thomas import ThomasParams, ThomasTest
from posecoach.exercises.catalogue import ConfigError
from posecoach.exercises.measurements import plus_minus, trust
from posecoach.services.live_thomas import feed_thomas, save_measurements
from posecoach.ui.coach_progress import depth_words
from posecoach.ui.progress_view import difference_words, import_plan_text

PLAN = b"""schema = 1
name = "Hip flexors, weeks 1-4"
profile = "beginner"
days_per_week = 3
starts = START

[[steps]]
exercise = "lunge"
hold_s = 20
sets = 2
rest_s = 15

[targets]
stretch_depth_deg = 15
"""


START = date.today() - timedelta(days=14)
PLAN = PLAN.replace(b"START", START.isoformat().encode())


def _day(days_after_start: int) -> str:
    return f"{START + timedelta(days=days_after_start)}T12:00:00.000Z"


def history_app() -> None:
    from posecoach.ui import history_page
    from posecoach.ui.common import get_store, person_picker

    person_picker(get_store())
    history_page.render()


@pytest.fixture
def store(tmp_path, monkeypatch) -> Store:
    monkeypatch.setenv("POSECOACH_DATA", str(tmp_path))
    return Store(tmp_path / "posecoach.db")


def _session(store: Store, person: int, started: str, depth: dict[str, float]) -> int:
    writer = store.start_session(person, exercise_arg="lunge", profile_name="beginner", profile_toml=None, model="full",
                                 model_sha256="ab" * 32, width=640, height=480, fps=10.0, source="webcam")
    writer.close([HoldSet("lunge", side, 20.0, 0.0, 20000.0, good_form_s=20.0) for side in depth])
    with sqlite3.connect(store.path) as con:
        con.execute("UPDATE sessions SET started = ? WHERE id = ?", (started, writer.id))
    for side, d in depth.items():
        store.save_measurement(writer.id, "stretch_depth_deg", d, exercise="lunge", side=side)
    return writer.id


def test_a_bad_plan_file_is_one_line_naming_file_line_and_key_and_nothing_is_kept(store):
    sam = store.add_person("Sam").id
    import_plan_text(store, sam, "good.toml", PLAN)
    with pytest.raises(ConfigError) as exc:
        import_plan_text(store, sam, "bad.toml", PLAN.replace(b"days_per_week = 3", b"days_per_week = 9"))
    assert str(exc.value).startswith("bad.toml, line 4: days_per_week:") and "\n" not in str(exc.value)
    with pytest.raises(ConfigError, match="not a text file"):
        import_plan_text(store, sam, "photo.toml", b"\xff\xd8\xff\xe0")
    assert [p[0] for p in store.plans(sam)] == ["Hip flexors, weeks 1-4"]


def test_history_shows_adherence_trends_against_the_target_with_their_error_and_the_ratings(store):
    sam = store.add_person("Sam").id
    import_plan_text(store, sam, "plan.toml", PLAN)
    first = _session(store, sam, _day(0), {"left": 10.0, "right": 12.0})
    second = _session(store, sam, _day(2), {"left": 11.0, "right": 20.0})
    store.save_rating(first, "lunge", "left", 3, "stretchy", False)
    store.save_rating(second, "lunge", "right", 4, "sharp", True)
    at = AppTest.from_function(history_app, default_timeout=60).run()
    assert not at.exception
    text = " ".join(str(m.value) for m in at.markdown) + " ".join(str(c.value) for c in at.caption)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Days done, against planned"].startswith("2 of ")
    assert "Hip flexors, weeks 1-4" in text
    assert f"20° {plus_minus('stretch_depth_deg')}" in text and "target 15°: reached" in text
    assert "11°" in text and "target 15°: not yet" in text
    warnings = " ".join(str(w.value) for w in at.warning)
    assert "left leg forward (right hip flexor) is 9° short" in warnings  # beyond the ±6 the measurement allows
    errors = " ".join(str(e.value) for e in at.error)
    assert "1 set marked" in errors and "see a doctor or physiotherapist" in errors


def test_differences_within_the_measurements_spread_are_not_flagged():
    from posecoach.services.progress import SideDifference

    flagged, words = difference_words(SideDifference("stretch_depth_deg", 14.0, 16.0, 6.0))
    assert not flagged and "no difference it can tell" in words


def test_every_measurement_kind_states_its_error_and_retest_spread():
    from posecoach.adapters.store import MEASUREMENT_KINDS

    for kind in MEASUREMENT_KINDS:
        t = trust(kind)
        assert t is not None and t.error_deg > 0 and t.retest_deg > 0 and t.reason
        assert plus_minus(kind).startswith("±")


def _edge(t_ms: float, hip: float | None, knee: float, arch: str = "pass", side: str = "left", **kw) -> FrameResult:
    hold = HoldStatus("edge_hang", side, 0.0, 60.0, False, False, None)
    angles = {"hang_hip": None if hip is None else 180.0 + hip, "hang_knee": 180.0 - knee}
    return FrameResult(t_ms, kw.get("pose", True), kw.get("exercise", "edge_hang"), 1.0, "left", side, "side", angles,
                       {"no_lumbar_arch": arch}, kw.get("cues", []), hold, None, None, {})


def test_the_guided_thomas_test_reads_the_hanging_leg_says_why_it_cannot_and_keeps_both_sides(store):
    test = ThomasTest(ThomasParams(steady_ms=500.0))
    live = feed_thomas(test, _edge(0.0, None, 60.0, cues=["Move back: your feet are out of the picture"]))
    assert live.state == "unseen" and live.reason == "Move back: your feet are out of the picture"
    t = 0.0
    for hug, hips in (("left", (10.0, 14.0, 12.0)), ("right", (2.0, 3.0, 1.0))):
        for hip in hips:
            for _ in range(8):
                t += 100.0
                live = feed_thomas(test, _edge(t, hip, 60.0, side=hug))
            t += 100.0
            feed_thomas(test, _edge(t, None, 60.0, exercise=None, side=hug))  # sits up between readings
    hanging = {r.side for r in live.readings}
    assert hanging == {"left", "right"}  # named by the hanging leg: hugging the left knee measures the right
    assert [r.hip_deg for r in live.readings if r.side == "right"] == [10.0, 14.0, 12.0]
    sam = store.add_person("Sam").id
    writer = store.start_session(sam, exercise_arg="edge_hang", profile_name="beginner", profile_toml=None,
                                 model="full", model_sha256="ab" * 32)
    writer.close()
    save_measurements(store, writer.id, {("lunge", "left"): 12.5}, test)
    kept = {(m.kind, m.side): (m.value, m.spread, m.readings) for m in store.measurements(sam)}
    assert kept[("thomas_hip_deg", "right")] == (12.0, 2.0, 3)
    assert kept[("stretch_depth_deg", "left")] == (12.5, None, 1)


def test_depth_is_shown_live_with_its_error():
    deepest: dict = {}
    hold = HoldStatus("lunge", "left", 0.0, 30.0, False, True, None)
    r = FrameResult(0.0, True, "lunge", 1.0, "left", "left", "side", {}, {}, [], hold, None, None, {}, depth_deg=14.2)
    words = depth_words(r, deepest)
    assert words is not None and "now 14°" in words and plus_minus("stretch_depth_deg") in words


def test_the_coach_page_offers_the_plan_and_the_thomas_test(store):
    sam = store.add_person("Me").id
    import_plan_text(store, sam, "plan.toml", PLAN)

    def coach_app() -> None:
        from posecoach.ui import coach_page
        from posecoach.ui.common import get_store, person_picker

        person_picker(get_store())
        coach_page.render()

    at = AppTest.from_function(coach_app, default_timeout=60).run()
    assert not at.exception
    box = next(s for s in at.selectbox if s.label == "Exercise")
    assert "plan" in box.options or any("Your plan" in str(o) for o in box.options)
    box.set_value("plan").run()
    text = " ".join(str(m.value) for m in at.markdown)
    assert "set 1 of 2, then 15 s rest" in text
    next(s for s in at.selectbox if s.label == "Exercise").set_value("thomas").run()
    text = " ".join(str(m.value) for m in at.markdown)
    assert "end of a firm bed" in text and "level with the bed" in text


def test_a_rating_is_validated_in_one_line_and_a_stop_rating_marks_the_set(store):
    sam = store.add_person("Sam").id
    sid = _session(store, sam, _day(0), {"left": 10.0})

    def rate_app() -> None:
        from pathlib import Path

        import streamlit as st

        from posecoach.adapters.store import Store
        from posecoach.exercises.catalogue import load_catalogue
        from posecoach.ui.coach_progress import rating_forms

        s = Store(Path(st.session_state["db"]))
        rating_forms(s, st.session_state["sam"], st.session_state["sid"], load_catalogue("beginner"))

    at = AppTest.from_function(rate_app, default_timeout=60)
    at.session_state["db"], at.session_state["sam"], at.session_state["sid"] = str(store.path), sam, sid
    at.run()
    label = next(t.label for t in at.text_input if t.label.startswith("Pain"))
    key = f"rate_{sid}_lunge_left"
    at.text_input(key=f"{key}_pain").input("12")
    at.button[0].click().run()
    assert [str(e.value) for e in at.error] == ["Not saved: pain must be a whole number from 0 to 10, not 12."]
    assert store.ratings(sam) == []
    at.text_input(key=f"{key}_pain").input("3")
    at.text_input(key=f"{key}_word").input("sharp and shooting")
    at.button[0].click().run()
    assert [(r.pain, r.word, r.stop) for r in store.ratings(sam)] == [(3, "sharp and shooting", True)]
    assert "This set is marked" in " ".join(str(e.value) for e in at.error)
    assert label.startswith("Pain: Kneeling hip-flexor stretch")


def test_the_printable_summary_carries_adherence_trends_thomas_spread_and_pain(store):
    from posecoach.ui.progress_view import summary_section_html

    sam = store.add_person("Sam").id
    import_plan_text(store, sam, "plan.toml", PLAN)
    sid = _session(store, sam, _day(0), {"left": 10.0, "right": 20.0})
    store.save_measurement(sid, "thomas_hip_deg", 12.0, exercise="edge_hang", side="right", spread=2.0, readings=3)
    store.save_rating(sid, "lunge", "left", 8, "", True)
    page = summary_section_html(store, sam)
    assert "Adherence:</b> 1 of " in page and "streak" in page
    assert "12±2" in page and plus_minus("thomas_hip_deg") in page
    assert "10 short of" not in page and "is 10° short of the other side" in page
    assert "8 / 10" in page and "marked: stop and seek care" in page
