"""The live worker as the page hears it: the real LiveHub, the real model and store, a rendered clip
played into it. Frames come faster than they are judged: fewer frames are judged, the chosen model
is kept; every update carries one worded state; the end of the stream carries the summary."""

from __future__ import annotations

import queue
import time

import pytest

from posecoach.adapters.models import installed
from posecoach.adapters.store import Store
from posecoach.exercises.catalogue import load_catalogue
from posecoach.services.live_session import LiveConfig, LiveHub, LiveUpdate
from posecoach.services.live_state import DONE, GOOD, GOOD_FORM
from tests.e2e.media import sample_frames

pytestmark = pytest.mark.slow


def _updates(q: queue.Queue, timeout_s: float) -> list[LiveUpdate]:
    seen, deadline = [], time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            update = q.get(timeout=0.1)
        except queue.Empty:
            continue
        seen.append(update)
        if update.ended:
            break
    return seen


def test_frames_faster_than_the_model_keep_the_chosen_model_and_one_state_per_update(tmp_path, full_model):
    store = Store(tmp_path / "pc.db")
    person = store.add_person("Ada")
    hub = LiveHub(store, updates_max=10_000)
    catalogue = load_catalogue()
    models = {"full": full_model, **{v: m for v, m in installed().items() if v == "lite"}}
    hub.configure(LiveConfig(person.id, "lunge", "beginner", None, "webcam", model="full"), catalogue, models)
    frames = sample_frames("lunge_kneeling_ok_a")
    t0 = time.monotonic()
    for i, f in enumerate(frames * 2):  # 60 frames a second of wall time: more than the model judges
        while time.monotonic() < t0 + i / 60.0:
            time.sleep(0.002)
        hub.on_frame(f.rgb, time.monotonic())
    coach = hub.coach
    hub.end()
    updates = _updates(hub.updates, 30)
    stats = coach.stats()

    assert stats.model == "full" and coach.model == "full"  # kept, even with lite at hand
    assert stats.processed < stats.received and stats.dropped > 0  # fewer frames judged instead
    [info] = store.sessions(person.id)
    assert info.model == "full"
    live = [u for u in updates if not u.ended and u.view is not None]
    assert live
    for u in live:  # the headline never says good form beside a failing check the hold needs
        failing_needed = [c for c in u.view.checks if c.required and c.verdict == "fail"]
        if u.view.tone == GOOD:
            assert u.view.headline == GOOD_FORM and not failing_needed and u.result.hold.counting
        if failing_needed and u.view.tone != DONE:
            assert u.view.headline != GOOD_FORM
    assert any(u.view.tone == GOOD for u in live)  # a correct clip is told it is right
    final = updates[-1]
    assert final.ended and final.summary is not None
    [hold] = [h for h in final.summary.holds if h.good_form_s >= 1.0]
    assert hold.side == "Left leg forward: stretching the right hip flexor" and hold.target_s == 30
    # holds are timed in real seconds: never more good form than the stream lasted
    assert hold.good_form_s <= final.summary.seconds
