"""Breathing in a rest position, coached in a real browser: a rendered constructive rest with a
known breath plays as the webcam, the pacing guide is switched on, and the page shows the live
breathing readout beside a guide that grows and shrinks on its own; the session's breathing is
stored. The screenshot (test-artifacts/live_breathing_*.png) shows both at laptop size.

The app runs as `make run` runs it, with the real full pose model; headless Chromium (1366 x 768,
a laptop) plays the clip as its camera.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from posecoach.exercises.catalogue import load_catalogue
from tests.e2e.app_server import serve_app
from tests.e2e.browser import browser, until
from tests.e2e.test_browser_live import SAMPLES, Page, Server, _sessions
from tests.e2e.y4m import to_y4m

pytestmark = pytest.mark.slow

BREATHING_CLIP = "breathing_constructive_rest_belly_6bpm"  # rendered with a known breath (tools/synth/breathing.py)
PLAIN_CLIP = "constructive_rest_ok"  # a rest without a breath, until the breathing clips are rendered
CAMERA_S = 45.0  # seconds of the clip played as the camera (looped by Chromium)
LAPTOP = (1366, 768)
GUIDE_LABEL = "Breathing pacing guide in the rest positions"
READOUT = re.compile(r"^(Breathing (\d+) a minute|Breathing: can't see — .+)")

# The guide lives in its component's shadow root: read it from there.
GUIDE_JS = """
const box = [...document.querySelectorAll('*')].map(e => e.shadowRoot).filter(Boolean)
  .map(r => r.querySelector('.pcb')).find(Boolean);
if (!box) { return null; }
const shape = box.querySelector('.pcb-shape');
return {hidden: box.hidden, word: box.querySelector('.pcb-word').textContent, phase: box.dataset.phase || '',
        reading: box.querySelector('.pcb-read').textContent,
        rhythm: box.querySelector('.pcb-rhythm').textContent, button: box.querySelector('.pcb-sound').textContent,
        scale: new DOMMatrix(getComputedStyle(shape).transform).a,
        epoch: window.__posecoachPacing ? window.__posecoachPacing.epoch : null,
        tones: window.__posecoachPacing ? window.__posecoachPacing.tones : 0,
        muted: window.__posecoachPacing ? window.__posecoachPacing.muted : null};
"""
SOUND_BUTTON_JS = """
return [...document.querySelectorAll('*')].map(e => e.shadowRoot).filter(Boolean)
  .map(r => r.querySelector('.pcb-sound')).find(Boolean);
"""

LAYOUT_JS = """
const box = [...document.querySelectorAll('*')].map(e => e.shadowRoot).filter(Boolean)
  .map(r => r.querySelector('.pcb')).find(Boolean);
const readout = box ? box.querySelector('.pcb-read') : null;
return {vh: innerHeight, scroll: document.querySelector('[data-testid="stMain"]').scrollHeight,
        page_scroll: document.documentElement.scrollHeight,
        guide_bottom: box ? box.getBoundingClientRect().bottom : null,
        readout_bottom: readout ? readout.getBoundingClientRect().bottom : null,
        readout_px: readout ? parseFloat(getComputedStyle(readout).fontSize) : 0};
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("posecoach-breathing")
    with serve_app(data) as url:
        yield Server(url, data / "posecoach.db", data / "streamlit.log")


def _clip() -> tuple[str, dict]:
    """The rendered breathing rest when it is there, else the plain rest; with its truth."""
    name = BREATHING_CLIP if (SAMPLES / f"{BREATHING_CLIP}.mp4").exists() else PLAIN_CLIP
    return name, json.loads((SAMPLES / f"{name}.truth.json").read_text())


def _camera(tmp_path: Path, name: str, truth: dict) -> Path:
    """The clip's held part as the fake camera, at the clip's own frame rate (so it breathes at its rate)."""
    fps = int(round(float(truth["fps"])))
    held = [i for i, f in enumerate(truth["frames"]) if f.get("phase") == "hold"]
    out = tmp_path / f"{name}.y4m"
    to_y4m(SAMPLES / f"{name}.mp4", out, fps=fps, first_frame=held[0] if held else 0, max_frames=int(CAMERA_S * fps))
    return out


def _readout(page: Page) -> str:
    """The live breathing readout: heading the pacing guide (in its shadow root) when it is on."""
    guide = page.d.execute_script(GUIDE_JS)
    return guide["reading"].strip() if guide else ""


def _stored_breathing(db: Path, session: int) -> tuple[tuple, list[tuple]]:
    con = sqlite3.connect(db)
    try:
        whole = con.execute("SELECT breath_rate_bpm, breath_pattern, breath_measured_s, breath_unknown_reason"
                            " FROM sessions WHERE id = ?", (session,)).fetchone()
        rows = con.execute("SELECT exercise, rate_bpm, pattern FROM breathing WHERE session = ?", (session,)).fetchall()
        return whole, rows
    finally:
        con.close()


def test_a_constructive_rest_is_coached_with_the_pacing_guide_and_the_breathing_readout(server, artifacts, tmp_path):
    name, truth = _clip()
    breath = truth.get("breathing")
    rest = load_catalogue("beginner")["constructive_rest"]
    pacing = load_catalogue("beginner").pacing
    before = {s["id"] for s in _sessions(server.db)}
    driver = browser(_camera(tmp_path, name, truth), LAPTOP)
    page = Page(driver, artifacts, "breathing")
    try:
        driver.get(server.url)
        until("the coach page", lambda: "live coach" in page.text(), 60)
        page.choose_radio("Webcam")
        page.choose("Exercise", rest.name)
        page.switch_on(GUIDE_LABEL)
        page.wait_for_start()
        page.press("start")

        def guided():
            guide = driver.execute_script(GUIDE_JS)
            return guide if guide and not guide["hidden"] and guide["word"] in ("Breathe in", "Breathe out") else None

        first = until("the pacing guide to show while the rest is held", guided, 60)
        assert first["rhythm"] == f"In for {pacing.breathe_in_s:g} s, out for {pacing.breathe_out_s:g} s"
        assert until("the breathing readout", lambda: _readout(page), 30)

        def measured():
            words = _readout(page)
            if not breath:  # a rest without a breath: any reading (a rate, or why it cannot be read)
                return words if READOUT.match(words) else None
            m = READOUT.match(words)  # the first readings rest on two breaths: wait for the rate to settle
            return words if m and m.group(2) and abs(int(m.group(2)) - breath["rate_bpm"]) <= 1.0 else None

        words = until("the breathing readout to say the clip's rate", measured, 75)
        later = until("the guide still running", guided, 10)
        page.shot("coaching")
        layout = driver.execute_script(LAYOUT_JS)  # the focus view still fits a laptop's screen, readable from the mat
        assert layout["scroll"] <= layout["vh"] + 2 and layout["page_scroll"] <= layout["vh"] + 2, layout
        assert layout["guide_bottom"] <= layout["vh"] and layout["readout_bottom"] <= layout["vh"], layout
        assert layout["readout_px"] >= 18, layout

        # The guide moved on its own: it grows and shrinks, and the panel's refreshes (twice a second)
        # never restarted it (its phase rests on the moment it first showed).
        samples = []
        for _ in range(12):
            samples.append(driver.execute_script(GUIDE_JS))
            time.sleep(0.5)
        scales = [s["scale"] for s in samples]
        assert max(scales) - min(scales) > 0.05, scales
        assert {s["epoch"] for s in samples} == {first["epoch"]} == {later["epoch"]}
        # The soft tone: started by the click on Start (the browser allows sound after a click), a
        # glide at each breath in and out, and muted with the guide's own button.
        assert samples[-1]["button"] == "Tone on: mute" and samples[-1]["tones"] >= 2, samples[-1]
        driver.execute_script(SOUND_BUTTON_JS).click()
        muted = until("the tone muted", lambda: (lambda g: g if g["muted"] else None)(driver.execute_script(GUIDE_JS)), 5)
        assert muted["button"] == "Tone off: turn on"
        assert driver.execute_script("return localStorage.getItem('posecoach-pacing-muted')") == "1"
        page.stop()

        def stored():
            new = [s for s in _sessions(server.db) if s["id"] not in before]
            return new if new and all(s["ended"] for s in new) else None

        session = max(until("the session to be stored and closed", stored, 30), key=lambda s: s["n_frames"])
        whole, rows = _stored_breathing(server.db, session["id"])
        assert whole[2] is not None and rows and {r[0] for r in rows} == {"constructive_rest"}

        # After Stop: the session's breathing in words, and on the Review page with each position held.
        ended = until("the session's summary with its breathing",
                      lambda: page.text() if "Session done" in page.text() and "Breathing: " in page.text() else None, 40)
        page.shot("ended")
        from selenium.webdriver.common.by import By

        button = until("the Review link", lambda: [b for b in driver.find_elements(By.TAG_NAME, "button")
                                                   if "Open this session on the Review page" in b.text], 20)
        button[0].click()
        review = until("the session's breathing on the Review page",
                       lambda: page.text() if "/review" in driver.current_url and "breaths a minute" in page.text()
                       and "Breathing" in page.text() else None, 60)
        heading = [e for e in driver.find_elements(By.CSS_SELECTOR, "h3") if e.text.strip() == "Breathing"]
        driver.execute_script("arguments[0].scrollIntoView()", heading[0])
        page.shot("review")
    except BaseException:
        page.shot("failed")
        raise
    finally:
        driver.quit()
    assert rest.name in review
    if breath:  # the rendered breath: the readout, the stored session and its summary say its rate and where it goes
        assert words.endswith(f"into the {breath['pattern']}"), words
        assert whole[0] is not None and abs(whole[0] - breath["rate_bpm"]) <= 1.0 and whole[1] == breath["pattern"]
        said = f"Breathing: {whole[0]:.0f} breaths a minute, into the {breath['pattern']}"
        assert said in ended and said.split(": ", 1)[1] in review
