"""A physiotherapist's plan from the command line: checked, imported for a person, and the
person's progress read back after a rendered kneeling stretch is analysed into their store."""

from __future__ import annotations

import sqlite3

import pytest

from posecoach.adapters.store import Store
from posecoach.core.pain import rate
from posecoach.exercises.catalogue import load_catalogue
from posecoach.services.ingest import analyse_into_store
from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow

PLAN = """\
name = "Hip flexors, weeks 1-4"
days_per_week = 3

[[steps]]
exercise = "lunge"
hold_s = 3

[targets]
stretch_depth_deg = 30
"""


def test_a_plan_is_checked_imported_and_the_progress_read_back(posecoach, full_model, tmp_path):
    plan = tmp_path / "plan.toml"
    plan.write_text(PLAN)
    db = tmp_path / "posecoach.db"
    checked = posecoach("plan", "check", plan)
    assert checked.code == 0 and "lunge 3 s each side" in checked.out
    imported = posecoach("plan", "import", plan, "--person", "Sam", "--store", db)
    assert imported.code == 0 and "imported for Sam" in imported.out
    store = Store(db)
    sam = next(p.id for p in store.people() if p.name == "Sam")
    sid = analyse_into_store(SAMPLES / "lunge_kneeling_ok_a.mp4", store, sam, load_catalogue(), "lunge", full_model,
                             keep_video=False)
    r = rate(6, "sharp at the front of the hip")
    store.save_rating(sid, "lunge", "left", r.pain, r.word, r.stop)
    progress = posecoach("progress", "--person", "Sam", "--store", db)
    assert progress.code == 0, progress.err
    lines = progress.out.splitlines()
    assert any(line.startswith("adherence: 1 of ") for line in lines), lines
    depth = next(line for line in lines if line.startswith("stretch depth (kneeling stretch)"))
    assert "target 30: not yet" in depth
    assert any(line.startswith("stop: ") and "pain 6/10" in line and "sharp" in line for line in lines)


def test_a_bad_plan_is_one_line_and_nothing_stored_is_lost(posecoach, tmp_path):
    db = tmp_path / "posecoach.db"
    good = tmp_path / "good.toml"
    good.write_text(PLAN)
    assert posecoach("plan", "import", good, "--person", "Sam", "--store", db).code == 0
    bad = tmp_path / "bad.toml"
    bad.write_text(PLAN.replace('exercise = "lunge"', 'exercise = "lunges"'))
    r = posecoach("plan", "import", bad, "--person", "Sam", "--store", db)
    assert r.code == 2 and r.out == ""
    assert r.err.count("\n") == 1 and f"{bad}, line 5: steps[0].exercise: unknown exercise 'lunges'" in r.err
    assert "Traceback" not in r.err
    rows = sqlite3.connect(db).execute("SELECT name FROM plans").fetchall()
    assert rows == [("Hip flexors, weeks 1-4",)]
    missing = posecoach("plan", "check", tmp_path / "nothere.toml")
    assert missing.code == 2 and missing.err.count("\n") == 1 and "nothere.toml" in missing.err
