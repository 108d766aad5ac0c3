"""Review and tuning in a real browser: a stored session is opened on the Tune page, a
threshold slider is moved, and the pass and fail counts shown must be those of the report
that ``posecoach analyze`` writes for the same stored poses under the same threshold.

The session is a rendered clip analysed into the store with the real model; the app runs as
`make run` runs it, with its data in a temporary folder. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from posecoach.adapters.landmarks_file import landmarks_document
from posecoach.adapters.store import Store
from posecoach.exercises.catalogue import load_catalogue
from posecoach.exercises.tuning import profile_toml, with_values
from posecoach.reports.words import check_name
from posecoach.services.ingest import analyse_into_store
from tests.e2e.app_server import serve_app
from tests.e2e.browser import browser as _browser
from tests.e2e.browser import until as _until

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
CLIP = ROOT / "sample_videos" / "lunge_kneeling_lumbar_arch.mp4"
CHECK = "no_lumbar_arch"
SLIDER_LABEL = "Upper body lean (degrees): good between"  # one slider for the measure: its low thumb first
THRESHOLDS = (f"lunge.{CHECK}.trunk_lean.low", "lunge.trunk_upright.trunk_lean.low")  # the low edges it moves


@dataclass
class App:
    url: str
    data: Path
    session_id: int


@pytest.fixture(scope="module")
def app(tmp_path_factory, full_model) -> Iterator[App]:
    data = tmp_path_factory.mktemp("posecoach-review")
    store = Store(data / "posecoach.db")
    person = store.add_person("Sam")
    sid = analyse_into_store(CLIP, store, person.id, load_catalogue("beginner"), "lunge", full_model,
                             source=f"file:{CLIP.name}")
    with serve_app(data) as url:
        yield App(url, data, sid)


def _reported_counts(app: App, tmp_path: Path, posecoach, values: dict[str, float]) -> dict[str, int]:
    """The check's counts in the report of `posecoach analyze` on the session's stored poses."""
    stored = Store(app.data / "posecoach.db").load_session(app.session_id)
    landmarks = tmp_path / "session.landmarks.json"
    landmarks.write_text(json.dumps(landmarks_document(stored)))
    base = load_catalogue("beginner")
    profile = tmp_path / "tuned.toml"
    profile.write_text(profile_toml("tuned", "beginner", base, with_values(base, values)))
    res = posecoach("analyze", landmarks, "--exercise", "lunge", "--profile", profile)
    assert res.code == 0, res.err
    return res.json()["summary"]["checks"][CHECK]


def _table_row(driver, check: str) -> dict[str, str] | None:
    from selenium.webdriver.common.by import By

    for table in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stTable"] table'):
        heads = [th.text.strip() for th in table.find_elements(By.CSS_SELECTOR, "thead th")]
        for tr in table.find_elements(By.CSS_SELECTOR, "tbody tr"):
            cells = [c.text.strip() for c in tr.find_elements(By.CSS_SELECTOR, "th, td")]
            if cells and cells[0] == check_name("lunge", check) and "pass frames" in heads:
                return dict(zip(heads, cells, strict=False))
    return None


def _slider(driver, label: str):
    """The slider's range input (one per thumb), found by its accessible label."""
    from selenium.webdriver.common.by import By

    found = driver.find_elements(By.CSS_SELECTOR, f'[data-testid="stSlider"] input[type="range"][aria-label="{label}"]')
    for box in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stSlider"]'):  # a range slider's thumbs
        if not found and box.text.startswith(label):
            found = box.find_elements(By.CSS_SELECTOR, 'input[type="range"], [role="slider"]')
    return found[0] if found else None


def _slider_value(driver, label: str) -> float | None:
    thumb = _slider(driver, label)
    return None if thumb is None else float(thumb.get_attribute("value") or thumb.get_attribute("aria-valuenow"))


def test_moving_a_threshold_rescores_the_stored_session_as_the_report_says(app, tmp_path, posecoach, artifacts):
    from selenium.webdriver.common.keys import Keys

    driver = _browser(None)
    try:
        driver.set_window_size(1500, 1400)
        driver.get(f"{app.url}/tune")
        row = _until("the counts table on the Tune page", lambda: _table_row(driver, CHECK), 90)
        before = _reported_counts(app, tmp_path, posecoach, {})
        assert (int(row["pass frames"]), int(row["fail frames"])) == (before["pass"], before["fail"])
        assert before["fail"] > 0, "the clip arches its back: the check should fail before tuning"

        thumb = _until("the trunk-lean slider", lambda: _slider(driver, SLIDER_LABEL), 30)
        start = _slider_value(driver, SLIDER_LABEL)
        driver.execute_script("arguments[0].focus()", thumb)
        for _ in range(12):  # one degree a key press: the band's low edge from -10 to -22 degrees
            thumb.send_keys(Keys.ARROW_LEFT)
            time.sleep(0.05)
        _until("the slider to move", lambda: (_slider_value(driver, SLIDER_LABEL) or start) < start, 20)
        time.sleep(1.0)  # the last key press reaches the app
        value = _slider_value(driver, SLIDER_LABEL)
        after = _reported_counts(app, tmp_path, posecoach, dict.fromkeys(THRESHOLDS, value))
        assert (after["pass"], after["fail"]) != (before["pass"], before["fail"]), "the moved band changes the verdicts"

        def shown() -> bool:
            r = _table_row(driver, CHECK)
            return r is not None and (int(r["pass frames"]), int(r["fail frames"])) == (after["pass"], after["fail"])

        _until(f"the page to show {CHECK} re-scored as the report says ({after})", shown, 30)
        text = driver.find_element("tag name", "body").text
        # The difference from the default is shown in words: the check, the measure, the band in degrees.
        assert f"Lower back not arched: Upper body lean at least -10° → at least {value:g}°" in text
        artifacts.mkdir(exist_ok=True)
        driver.save_screenshot(str(artifacts / "tune_after_moving_a_threshold.png"))
    finally:
        driver.quit()


UPLOAD = ROOT / "sample_videos" / "cobra_beginner_elbows_straight.mp4"


def test_an_uploaded_video_is_analysed_stored_and_reviewed(app, artifacts):
    from selenium.webdriver.common.by import By

    driver = _browser(None)
    try:
        driver.set_window_size(1500, 1400)
        driver.get(f"{app.url}/review")

        def analyse_chosen():
            labels = [e for e in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stRadio"] label')
                      if e.text.strip() == "Analyse a video"]
            if labels and not labels[0].find_elements(By.CSS_SELECTOR, "input:checked"):
                labels[0].click()
            return bool(driver.find_elements(By.CSS_SELECTOR, 'input[type="file"]'))

        _until("the upload box", analyse_chosen, 60, every_s=1.0)
        driver.find_element(By.CSS_SELECTOR, 'input[type="file"]').send_keys(str(UPLOAD))

        def analyse_button():
            found = [b for b in driver.find_elements(By.CSS_SELECTOR, "button") if b.text.strip() == "Analyse"]
            return found[0] if found and found[0].is_enabled() else None

        _until("the Analyse button", analyse_button, 60).click()
        _until("the progress bar", lambda: "Analysing" in driver.find_element(By.TAG_NAME, "body").text
               or "Form faults" in driver.find_element(By.TAG_NAME, "body").text, 60, every_s=0.2)
        _until("the review of the analysed video", lambda: "Form faults" in driver.find_element(By.TAG_NAME, "body").text
               and driver.find_elements(By.CSS_SELECTOR, "video"), 240)
        text = driver.find_element(By.TAG_NAME, "body").text
        assert UPLOAD.name in driver.page_source  # the session picker names its file
        sessions = Store(app.data / "posecoach.db").sessions(Store(app.data / "posecoach.db").people()[0].id)
        newest = sessions[0]
        assert newest.source == f"file:{UPLOAD.name}" and newest.ended is not None and newest.n_frames > 100
        assert Path(newest.video_path).exists()
        assert not list((app.data / "uploads").glob("*")), "the upload is not kept twice"
        cue = load_catalogue("beginner")["cobra"].check("elbow_bend").conditions[0]
        assert any(c and c in text for c in (cue.cue_low, cue.cue_high)), "the straight arms are a listed fault"
        artifacts.mkdir(exist_ok=True)
        driver.save_screenshot(str(artifacts / "review_uploaded_video.png"))
    finally:
        driver.quit()
