"""The History page run by Streamlit's script tester on a real store in a temporary folder."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from posecoach.adapters.store import Store
from posecoach.core.coach import FrameResult
from posecoach.core.holds import HoldSet, HoldStatus
from posecoach.exercises.catalogue import load_catalogue
from posecoach.ui.history_page import GOOD_FORM_COLUMN

CATALOGUE = load_catalogue("beginner")
KNEE_CUE_LOW = CATALOGUE["lunge"].check("front_knee_90").conditions[0].cue_low


def history_app() -> None:
    """What main() does for the History page: the person picker in the sidebar, then the page."""
    from posecoach.ui import history_page
    from posecoach.ui.common import get_store, person_picker

    person_picker(get_store())
    history_page.render()


def _session(store: Store, person: int, started: str, holds: list[HoldSet], fails_s: float, video: Path | None = None) -> int:
    """A session written through the store's writer: ``fails_s`` seconds of a too-closed front knee, then good form."""
    writer = store.start_session(person, exercise_arg="lunge", profile_name="beginner", profile_toml=None, model="full",
                                 model_sha256="ab" * 32, width=640, height=480, fps=10.0, source="webcam", video_path=video)
    hold = HoldStatus("lunge", "left", 0.0, 30.0, False, False, None)
    for i in range(40):
        failing = i * 0.1 < fails_s
        checks = {"front_knee_90": "fail" if failing else "pass", "trunk_upright": "pass"}
        writer.add(FrameResult(i * 100.0, True, "lunge", 1.0, "right", "left", "side", {}, checks,
                               [KNEE_CUE_LOW] if failing else [], hold, None, None, {}), None, {})
    writer.close(holds)
    with sqlite3.connect(store.path) as con:
        con.execute("UPDATE sessions SET started = ? WHERE id = ?", (started, writer.id))
    return writer.id


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("POSECOACH_DATA", str(tmp_path))
    return tmp_path


@pytest.fixture
def sam(data_dir) -> tuple[Store, int, list[int], Path]:
    """Sam with three lunge sessions (the right side lagging) and a recorded video in the last."""
    store = Store(data_dir / "posecoach.db")
    person = store.add_person("Sam").id
    video = data_dir / "videos" / "session-3.mp4"
    video.parent.mkdir()
    video.write_bytes(b"video")
    ids = [
        _session(store, person, "2026-03-02T10:00:00.000Z", [HoldSet("lunge", "left", 30.0, 0, 0, 30.0),
                                                             HoldSet("lunge", "right", 30.0, 0, 0, 12.0)], fails_s=1.0),
        _session(store, person, "2026-03-04T10:00:00.000Z", [HoldSet("lunge", "left", 30.0, 0, 0, 28.0),
                                                             HoldSet("lunge", "right", 30.0, 0, 0, 15.0)], fails_s=2.0),
        _session(store, person, "2026-03-06T10:00:00.000Z", [HoldSet("lunge", "left", 30.0, 0, 0, 31.0)], fails_s=0.5,
                 video=video),
    ]
    return store, person, ids, video


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def page(sam) -> AppTest:
    return _run(AppTest.from_function(history_app, default_timeout=30))


def _sessions_table(at: AppTest):
    return next(d.value for d in at.dataframe if "duration" in d.value.columns)


def test_the_page_shows_progress_sessions_faults_and_the_lagging_side(page):
    assert page.title[0].value == "History"
    assert [m.value for m in page.metric][:2] == ["3", "1:56"]  # 30+12 + 28+15 + 31 s of good form
    assert len(page.get("vega_lite_chart")) == 2  # the lunge's progress and the faults' bars
    table = _sessions_table(page)
    assert list(table["started"]) == sorted(table["started"], reverse=True) and len(table) == 3
    assert list(table[GOOD_FORM_COLUMN]) == ["Kneeling hip-flexor stretch: left leg forward 0:31 ✓",
                                             "Kneeling hip-flexor stretch: left leg forward 0:28, right leg forward 0:15",
                                             "Kneeling hip-flexor stretch: left leg forward 0:30 ✓, right leg forward 0:12"]
    faults = next(t.value for t in page.table if "what to do" in t.value.columns)
    assert faults.iloc[0]["check"] == "Front knee at 90 degrees" and faults.iloc[0]["failed (s)"] == pytest.approx(3.5)
    assert faults.iloc[0]["what to do"] == KNEE_CUE_LOW and faults.iloc[0]["sessions"] == 3
    lag = " ".join(w.value for w in page.warning)
    assert "the right side lags" in lag and "27 s of good form against 89 s" in lag
    assert "stay on this computer" in " ".join(c.value for c in page.caption)


def test_progress_can_be_shown_per_day(page):
    spec = page.get("vega_lite_chart")[0].proto.spec
    assert '"title": "date and time of the session"' in spec and "%d %b %H:%M" in spec  # dates and times on the axis
    page.radio(key="history_progress_per").set_value("Per day")
    _run(page)
    spec = page.get("vega_lite_chart")[0].proto.spec
    assert '"title": "day"' in spec and "Good-form seconds per day" in " ".join(c.value for c in page.caption)


def test_deleting_a_session_removes_it_from_the_table_and_its_video(page, sam):
    store, person, ids, video = sam
    newest = page.selectbox(key=f"history_delete_pick_{person}")
    assert newest.value == ids[2]
    assert page.button(key="history_delete_session").disabled  # not before the confirmation
    page.checkbox(key=f"history_delete_sure_{ids[2]}").check()
    _run(page)
    page.button(key="history_delete_session").click()
    _run(page)

    assert [s.id for s in store.sessions(person)] == [ids[1], ids[0]]
    assert not video.exists()
    assert len(_sessions_table(page)) == 2
    assert "Deleted the session of 2026-03-06" in " ".join(s.value for s in page.success)


def test_deleting_the_person_removes_everything_and_the_page_still_renders(page, sam, data_dir):
    store, person, _, video = sam
    page.checkbox(key=f"history_delete_person_sure_{person}").check()
    _run(page)
    page.button(key="history_delete_person").click()
    _run(page)

    [me] = store.people()  # the picker starts afresh with a new person
    assert me.name == "Me" and page.sidebar.selectbox(key="person_id").value == me.id
    assert not video.exists()
    with sqlite3.connect(store.path) as con:
        assert [con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("sessions", "frames", "holds")] == [0, 0, 0]
    assert "Deleted Sam with all their sessions" in " ".join(s.value for s in page.success)
    assert "No sessions yet for Me" in " ".join(i.value for i in page.info)
    # SQLite may give the new person the old id: the confirmation is not left ticked for them
    assert page.checkbox(key=f"history_delete_person_sure_{me.id}").value is False
    assert page.button(key="history_delete_person").disabled


def test_a_person_without_sessions_is_told_how_to_make_one(data_dir):
    at = _run(AppTest.from_function(history_app, default_timeout=30))
    text = " ".join(i.value for i in at.info)
    assert "No sessions yet for Me" in text and "Coach page" in text and "Review page" in text
    assert not at.dataframe and not at.table and not at.get("vega_lite_chart")
