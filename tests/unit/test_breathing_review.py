"""A session's stored breathing where a person reads it: the Review page (the whole session and
each position held), the History page (breaths a minute and the belly's share over sessions) and
the printable summary. Sessions are written through the real store's writer, judged by the real
coach on stick-figure rests, with readings from the real breathing meter on a constructed breath."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from posecoach.adapters.store import Store
from posecoach.core.breathing import ARMS_OVER_TRUNK, BreathingMeter, BreathingParams
from posecoach.core.coach import Coach
from posecoach.exercises.catalogue import load_catalogue
from posecoach.reports import review as rv
from posecoach.reports.summary import summary_html
from posecoach.reports.words import breathing_unknown_words
from posecoach.ui.breathing_view import history_frame
from tests import stick as S

CAT = load_catalogue()
PARAMS = BreathingParams()
STEP_MS = 100.0


def _held(writer, exercise: str, landmarks: np.ndarray, seconds: float, start_ms: float, rate_bpm: float,
          belly_mm: float, chest_mm: float, arms_over: bool = False) -> None:
    """``seconds`` of ``exercise`` held (the real coach on ``landmarks``), each frame with the real
    meter's reading of a trunk (500 mm) breathing at ``rate_bpm``, belly and chest rising by the mm given."""
    coach, meter = Coach(CAT, exercise), BreathingMeter(PARAMS)
    for t_ms in start_ms + np.arange(0.0, seconds * 1000.0, STEP_MS):
        wave = 0.5 - 0.5 * np.cos(2 * np.pi * (t_ms - start_ms) / 1000.0 * rate_bpm / 60.0)
        belly, chest = 0.45 + belly_mm * wave / 500.0, 0.45 + chest_mm * wave / 500.0
        reading = (meter.update(t_ms, None, None, ARMS_OVER_TRUNK) if arms_over else meter.update(t_ms, belly, chest))
        result = coach.step(float(t_ms), landmarks, 640, 480, {})
        writer.add(replace(result, breathing=reading), landmarks, {})


def _session(store: Store, person: int, started: str, parts: list[dict]) -> int:
    writer = store.start_session(person, exercise_arg="auto", profile_name="beginner", profile_toml=None, model="full",
                                 model_sha256="ab" * 32, width=640, height=480, fps=10.0, source="webcam",
                                 belly_share_min=PARAMS.belly_share_min)
    for part in parts:
        _held(writer, **part)
    writer.close()
    with sqlite3.connect(store.path) as con:
        con.execute("UPDATE sessions SET started = ? WHERE id = ?", (started, writer.id))
    return writer.id


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("POSECOACH_DATA", str(tmp_path))
    return tmp_path


@pytest.fixture
def sam(data_dir):
    """Sam: a rest breathing fast into the chest (3 March), then a slow belly-breathing rest and
    legs on a chair with the arms over the belly (5 March)."""
    store = Store(data_dir / "posecoach.db")
    person = store.add_person("Sam").id
    rest, chair = S.constructive_rest(), S.legs_on_chair()
    first = _session(store, person, "2026-03-03T09:00:00.000Z", [
        dict(exercise="constructive_rest", landmarks=rest, seconds=50.0, start_ms=0.0, rate_bpm=14.0, belly_mm=2.0,
             chest_mm=10.0)])
    second = _session(store, person, "2026-03-05T09:00:00.000Z", [
        dict(exercise="constructive_rest", landmarks=rest, seconds=60.0, start_ms=0.0, rate_bpm=7.0, belly_mm=12.0,
             chest_mm=2.0),
        dict(exercise="legs_on_chair", landmarks=chair, seconds=20.0, start_ms=65_000.0, rate_bpm=7.0, belly_mm=12.0,
             chest_mm=2.0, arms_over=True)])
    return store, person, first, second


def _app(page: str) -> None:
    from posecoach.ui import history_page, review_page
    from posecoach.ui.common import get_store, person_picker

    person_picker(get_store())
    {"review": review_page.render, "history": history_page.render}[page]()


def _table(at: AppTest, column: str):
    return next(t.value for t in at.table if column in t.value.columns)


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [s.value for s in at.subheader]
    return "\n".join(str(p) for p in parts)


def test_review_shows_the_sessions_breathing_and_each_position_held(sam):
    at = AppTest.from_function(_app, args=("review",), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    text = _text(at)
    assert "Breathing" in [s.value for s in at.subheader]
    assert "7 breaths a minute, into the belly (belly" in text  # the newest session opens first
    table = _table(at, "breaths a minute")
    rows = {str(i): row for i, row in table.iterrows()}
    assert list(rows) == [CAT["constructive_rest"].name, CAT["legs_on_chair"].name]
    rest, chair = rows[CAT["constructive_rest"].name], rows[CAT["legs_on_chair"].name]
    assert rest["breaths a minute"] in ("6", "7", "8") and rest["where"].startswith("into the belly")
    assert rest["when"].startswith("0:00–0:59")
    assert chair["breaths a minute"] == "—"
    assert chair["where"] == f"not measured: {breathing_unknown_words(ARMS_OVER_TRUNK)}"
    assert "arms_over_trunk" not in text and "arms_over_trunk" not in chair["where"]  # words, never the id


def test_history_draws_breaths_a_minute_and_the_belly_share_over_the_sessions(sam):
    store, person, first, second = sam
    at = AppTest.from_function(_app, args=("history",), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert "Breathing in the rest positions" in [s.value for s in at.subheader]
    assert "Last session: 7 breaths a minute, into the belly" in _text(at)
    data = history_frame(store.person_breathing(person))
    assert list(data["where"]) == ["chest", "belly"]  # oldest first
    rates = list(data["breaths a minute"])
    assert abs(rates[0] - 14.0) <= 1.0 and abs(rates[1] - 7.0) <= 1.0
    shares = list(data["belly share (%)"])
    assert shares[0] < 50 < shares[1]


def test_the_printable_summary_has_the_breathing_and_a_session_without_a_rest_has_none(sam):
    store, _, first, second = sam
    session = store.load_session(second)
    info = session.info
    observations = rv.observe(((f.t_ms, f.landmarks, f.image_measures) for f in session.frames), info.width,
                              info.height, CAT, None)
    review = rv.review(observations, CAT)
    page = summary_html(review, info, "Sam", "beginner", breathing=store.breathing(second))
    assert "<h2>Breathing in the rest positions</h2>" in page
    section = page[page.index("Breathing in the rest positions"):]
    assert "7 breaths a minute, into the belly" in section
    assert CAT["constructive_rest"].name in section and CAT["legs_on_chair"].name in section
    assert "not measured: " + breathing_unknown_words(ARMS_OVER_TRUNK).replace("'", "&#x27;") in section
    assert "Breathing in the rest positions" not in summary_html(review, info, "Sam", "beginner")
    assert store.breathing(first)[0].pattern == "chest"


def test_after_stop_the_coach_page_says_the_sessions_breathing(sam):
    from posecoach import serve
    from posecoach.services.live_session import LiveStats, LiveUpdate

    _, _, _, second = sam
    at = AppTest.from_file(str(serve.APP), default_timeout=60)
    at.run()
    stats = LiveStats(0.0, 0.0, 0.0, 0.0, 0, 0, 0, "full")
    at.session_state["live_update"] = LiveUpdate(None, stats, session_id=second, ended=True)
    at.run()
    assert not at.exception, at.exception
    assert "Breathing: 7 breaths a minute, into the belly" in "\n".join(str(m.value) for m in at.markdown)
