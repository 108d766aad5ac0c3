"""Progress in a real SQLite store: measurements per side over time against the plan's
targets, the left-right difference beyond the measurement's spread, pain ratings, plans and
adherence to them."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest

from posecoach.adapters.store import SCHEMA_VERSION, Store
from posecoach.adapters.store.schema import BREATHING_FIELDS
from posecoach.core.holds import HoldSet
from posecoach.core.pain import rate
from posecoach.exercises.catalogue import load_catalogue
from posecoach.exercises.plan import parse_plan
from posecoach.services.progress import plan_adherence, side_differences, stop_ratings, trends

CAT = load_catalogue()
PLAN = """\
name = "Hip flexors"
days_per_week = 2
[[steps]]
exercise = "lunge"
hold_s = 30
[targets]
stretch_depth_deg = 15
"""


def session(store: Store, person: int, holds=()) -> int:
    writer = store.start_session(person, exercise_arg="auto", profile_name="beginner", profile_toml=None,
                                 model="full", model_sha256="x")
    writer.close(holds)
    return writer.id


def test_measurements_trend_per_side_against_the_target_and_flag_a_real_difference(tmp_path):
    store = Store(tmp_path / "pc.db")
    sam = store.add_person("Sam").id
    plan = parse_plan("plan.toml", PLAN, CAT)
    for depth_left, depth_right in ((8.0, 9.0), (11.0, 10.0), (16.0, 8.5)):
        sid = session(store, sam)
        store.save_measurement(sid, "stretch_depth_deg", depth_left, exercise="lunge", side="left")
        store.save_measurement(sid, "stretch_depth_deg", depth_right, exercise="lunge", side="right")
    got = {t.side: t for t in trends(store.measurements(sam), plan)}
    assert [p.value for p in got["left"].points] == [8.0, 11.0, 16.0]
    assert got["left"].target == 15.0 and got["left"].reached and not got["right"].reached
    (diff,) = side_differences(tuple(got.values()))
    assert diff.difference == pytest.approx(7.5) and diff.flagged and diff.shorter_side == "right"
    # within the measurement's own error: not flagged
    sid = session(store, sam)
    store.save_measurement(sid, "stretch_depth_deg", 14.0, exercise="lunge", side="left")
    store.save_measurement(sid, "stretch_depth_deg", 10.0, exercise="lunge", side="right")
    (diff,) = side_differences(trends(store.measurements(sam), plan))
    assert not diff.flagged and diff.shorter_side is None
    # a Thomas test's readings with a wide spread widen what counts as a difference
    store.save_measurement(sid, "thomas_hip_deg", 2.0, side="left", spread=6.0, readings=3)
    store.save_measurement(sid, "thomas_hip_deg", -9.0, side="right", spread=6.0, readings=3)
    thomas = next(d for d in side_differences(trends(store.measurements(sam))) if d.kind == "thomas_hip_deg")
    assert thomas.allowed == 12.0 and not thomas.flagged
    with pytest.raises(ValueError):
        store.save_measurement(sid, "flexibility", 3.0)


def test_pain_ratings_are_kept_and_the_stop_ones_found(tmp_path):
    store = Store(tmp_path / "pc.db")
    sam = store.add_person("Sam").id
    sid = session(store, sam)
    for exercise, side, pain, word in (("lunge", "left", 3, "deep stretch"), ("lunge", "right", 2, "sharp in the groin")):
        r = rate(pain, word)
        store.save_rating(sid, exercise, side, r.pain, r.word, r.stop)
    ratings = store.ratings(sam)
    assert [(r.side, r.pain, r.stop) for r in ratings] == [("left", 3, False), ("right", 2, True)]
    assert [r.word for r in stop_ratings(ratings)] == ["sharp in the groin"]
    with pytest.raises(ValueError, match="0 to 10"):
        store.save_rating(sid, "lunge", "left", 11, "", False)  # what the form must not send is refused
    # deleting the session removes its ratings and measurements with it
    store.save_measurement(sid, "stretch_depth_deg", 10.0, side="left")
    store.delete_session(sid)
    assert store.ratings(sam) == [] and store.measurements(sam) == []


def test_a_plan_is_kept_per_person_and_adherence_counts_days_with_its_steps(tmp_path):
    store = Store(tmp_path / "pc.db")
    sam = store.add_person("Sam").id
    store.save_plan(sam, "Hip flexors", PLAN)
    store.save_plan(sam, "Hip flexors", PLAN.replace("days_per_week = 2", "days_per_week = 3"))
    (name, text, imported), = store.plans(sam)
    plan = parse_plan("stored", text, CAT)
    assert plan.days_per_week == 3
    lunge = HoldSet("lunge", "left", 30.0, 0.0, 30000.0, good_form_s=30.0)
    cobra = HoldSet("cobra", None, 10.0, 0.0, 10000.0, good_form_s=10.0)
    session(store, sam, [lunge])  # today: a step of the plan
    session(store, sam, [cobra])  # not in the plan
    session(store, sam, [])  # nothing held
    today = datetime.fromisoformat(store.sessions(sam)[0].started).astimezone().date()
    a = plan_adherence(store, sam, plan, today, imported=today)
    assert a.done_days == 1 and a.weeks[-1].done_days == 1


def test_an_older_store_gains_the_progress_tables_and_keeps_its_sessions(tmp_path):
    path = tmp_path / "old.db"
    store = Store(path)
    sam = store.add_person("Sam").id
    session(store, sam)
    con = sqlite3.connect(path)
    for table in ("measurements", "ratings", "plans", "breathing"):  # back to schema 1
        con.execute(f"DROP TABLE {table}")
    for column in BREATHING_FIELDS:
        con.execute(f"ALTER TABLE sessions DROP COLUMN breath_{column}")
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()
    again = Store(path)
    assert len(again.sessions(sam)) == 1
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    again.save_measurement(again.sessions(sam)[0].id, "stretch_depth_deg", 5.0, side="left")
    (m,) = again.measurements(sam)
    assert (m.kind, m.side, m.value, m.readings) == ("stretch_depth_deg", "left", 5.0, 1)
