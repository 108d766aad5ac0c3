"""The live coach when the camera fails: it stops sending, or sends one frozen picture. The
real LiveHub, the real model and a real store; frames from a rendered clip in real time."""

from __future__ import annotations

import html
import logging
import queue
import time

import pytest
from streamlit.testing.v1 import AppTest

from posecoach import serve
from posecoach.adapters.store import Store
from posecoach.exercises.catalogue import load_catalogue
from posecoach.services.live_session import CAMERA_STOPPED, LiveConfig, LiveHub, LiveStats, LiveUpdate
from tests.e2e.media import sample_frames

PERSON = "Zelda Quintessa"  # personal data: must never reach a log
SOURCE = "upload:zelda-knee-rehab.mp4"
APP = str(serve.APP)  # the app script as the package ships it


@pytest.fixture
def live(tmp_path, full_model):
    store = Store(tmp_path / "pc.db")
    person = store.add_person(PERSON)
    hub = LiveHub(store)
    yield store, person, hub
    hub.end()


def _feed(hub: LiveHub, frames, fps: float = 25.0) -> None:
    for f in frames:
        hub.on_frame(f.rgb, time.monotonic())
        time.sleep(1.0 / fps)


def _drain(updates: queue.Queue, until, timeout_s: float) -> list[LiveUpdate]:
    seen, deadline = [], time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            update = updates.get(timeout=0.1)
        except queue.Empty:
            continue
        seen.append(update)
        if until(update):
            break
    return seen


def test_a_camera_that_stops_sending_is_reported_and_the_session_so_far_kept(live, full_model, caplog):
    store, person, hub = live
    caplog.set_level(logging.DEBUG)
    config = LiveConfig(person.id, "lunge", "beginner", None, SOURCE, model="full", stall_notice_s=0.6, idle_end_s=2.0)
    hub.configure(config, load_catalogue(), {"full": full_model})
    _feed(hub, sample_frames("lunge_kneeling_ok_a", 40))  # then the cable is pulled
    updates = _drain(hub.updates, lambda u: u.ended, timeout_s=30)

    notices = [u.notice for u in updates if u.notice and not u.ended]
    assert notices and notices[0].startswith("No picture from the camera for")
    final = updates[-1]
    assert final.ended and final.notice == CAMERA_STOPPED and final.error is None
    [info] = store.sessions(person.id)
    assert info.ended is not None  # closed properly, not left interrupted
    # Every judged frame is in the store (how many were judged depends on how busy the machine is:
    # the live worker drops frames to stay current).
    assert info.n_frames == final.stats.processed >= 1
    assert all(PERSON not in r.getMessage() and "zelda" not in r.getMessage().lower() for r in caplog.records)


def test_a_frozen_picture_pauses_the_coach_says_so_and_the_session_goes_on(live, full_model):
    store, person, hub = live
    config = LiveConfig(person.id, "lunge", "beginner", None, "webcam", model="full", frozen_after_s=1.0)
    hub.configure(config, load_catalogue(), {"full": full_model})
    frames = sample_frames("lunge_kneeling_ok_a", 150)
    _feed(hub, frames[60:100])
    _drain(hub.updates, lambda u: False, timeout_s=1.0)
    _feed(hub, [frames[100]] * 60)  # the driver repeats one frame for 2.4 s
    during = _drain(hub.updates, lambda u: False, timeout_s=0.5)
    frozen = [u for u in during if u.notice]
    assert frozen and "has not changed" in frozen[-1].notice and "paused" in frozen[-1].notice
    processed_frozen = hub.coach.stats().processed
    _feed(hub, [frames[100]] * 10)
    assert hub.coach.stats().processed == processed_frozen  # a frozen picture is not judged
    _feed(hub, frames[101:130])  # the camera recovers
    after = _drain(hub.updates, lambda u: False, timeout_s=1.0)
    assert after and after[-1].notice is None and hub.coach.stats().processed > processed_frozen
    coach = hub.coach
    hub.end()
    [info] = store.sessions(person.id)
    assert info.ended is not None and info.n_frames == coach.stats().processed


def test_the_page_shows_the_cameras_trouble_and_how_many_people_it_sees(tmp_path, monkeypatch):
    monkeypatch.setenv("POSECOACH_DATA", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.session_state["coach_focus"] = True  # as after Start
    stats = LiveStats(25.0, 25.0, 40.0, 30.0, 100, 100, 0, "full")
    at.session_state["live_hub"].updates.put(LiveUpdate(None, stats, 1, notice="No picture from the camera for 3 s: x"))
    at.run()
    markdown = " ".join(m.value for m in at.markdown)
    assert "Check the camera" in markdown and "No picture from the camera for 3 s: x" in markdown
    at.session_state["live_hub"].updates.put(LiveUpdate(None, stats, 1, people=2))
    at.run()
    assert any("2 people in view: coaching the same person as before" in c.value for c in at.caption)
    at.session_state["coach_focus"] = False  # the stream ended
    at.session_state["live_hub"].updates.put(LiveUpdate(None, stats, 1, ended=True, notice=CAMERA_STOPPED))
    at.run()
    markdown = " ".join(m.value for m in at.markdown)
    assert "The camera stopped" in markdown and html.escape(CAMERA_STOPPED) in markdown
    assert not any("Good form" in m.value for m in at.markdown)
