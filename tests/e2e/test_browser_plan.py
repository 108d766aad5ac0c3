"""A physiotherapist's plan followed for two days, as a person meets it in a real browser.

The app runs as `make run` runs it, with its data in a temporary folder. Sam imports the plan
file their physiotherapist wrote (a malformed one first: one line naming the file, line and
key), then coaches it on the Coach page with a rendered kneeling stretch as the webcam (the real
model, the real store): the stretch depth shows live with its ±N, and after Stop Sam rates the
pain. The first day's session is then dated two days back in the store (the coaching itself is
real); on the second day a rating of 12 is refused in one line, and "sharp" shows the seeds'
stop guidance and marks the set. History then shows the days done against planned, the streak,
the stretch depth per side against the plan's target with "±N°", the pain ratings; the printable
summary, downloaded as a person would, carries them. Screenshots: test-artifacts/plan_*.png.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from posecoach.adapters.store import Store
from posecoach.exercises.catalogue import load_catalogue
from posecoach.exercises.measurements import plus_minus
from posecoach.exercises.plan import parse_plan
from posecoach.services.progress import plan_adherence
from tests.e2e.app_server import serve_app
from tests.e2e.browser import browser, until
from tests.e2e.test_browser_live import Page
from tests.e2e.y4m import to_y4m

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
CLIP = ROOT / "sample_videos" / "lunge_kneeling_ok_a.mp4"  # left leg forward, a good-form hold
PLAN_NAME = "Sam's hip flexors"
START = date.today() - timedelta(days=3)
PLAN = f"""schema = 1
name = "{PLAN_NAME}"
person = "Sam"
profile = "beginner"
days_per_week = 2
starts = {START.isoformat()}
weeks = 4

[[steps]]
exercise = "lunge"
hold_s = 5
sides = ["left"]

[targets]
stretch_depth_deg = 15
"""


def _text(d) -> str:
    from selenium.webdriver.common.by import By

    return d.find_element(By.TAG_NAME, "body").text


def _shot(d, artifacts: Path, name: str, full: bool = False) -> Path:
    artifacts.mkdir(exist_ok=True)
    path = artifacts / f"plan_{name}.png"
    if full:
        height = d.execute_script("return document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight"
                                  " || document.body.scrollHeight")
        width = d.get_window_size()["width"]
        d.set_window_size(width, min(7000, int(height) + 200))
        time.sleep(1.5)
        d.save_screenshot(str(path))
        d.set_window_size(width, 1300)
    else:
        d.save_screenshot(str(path))
    return path


def _button(d, caption: str):
    from selenium.webdriver.common.by import By

    found = [b for b in d.find_elements(By.CSS_SELECTOR, "button") if b.text.strip() == caption and b.is_enabled()]
    return found[0] if found else None


def _click(d, caption: str) -> None:
    b = until(f"the {caption!r} button", lambda: _button(d, caption), 60)
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", b)
    b.click()


def _nav(d, page: str) -> None:
    from selenium.webdriver.common.by import By

    def clicked():
        links = [a for a in d.find_elements(By.CSS_SELECTOR, f'[data-testid="stSidebar"] a[href$="/{page.lower()}"]')
                 if a.is_displayed()]
        if links:
            links[0].click()
        return bool(links)

    until(f"the {page} link", clicked, 30)


def _upload_plan(d, path: Path) -> None:
    from selenium.webdriver.common.by import By

    box = until("the plan's file box", lambda: d.find_elements(By.CSS_SELECTOR, 'input[type="file"]'), 60)[0]
    box.send_keys(str(path))
    until("the file taken", lambda: path.name in _text(d), 30)
    _click(d, "Import the plan")


def _type_into(d, selector: str, text: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    box = until(f"the field {selector}", lambda: d.find_elements(By.CSS_SELECTOR, selector), 60)[0]
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    box.click()
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.DELETE)
    box.send_keys(text)
    time.sleep(0.5)


def _rate(d, pain: str, word: str) -> None:
    _type_into(d, 'input[aria-label^="Pain: Kneeling hip-flexor stretch"]', pain)
    _type_into(d, 'input[aria-label="A word for it (optional)"]', word)
    _click(d, "Save rating")


def _coach_one_day(page: Page, db: Path, artifacts: Path, day: str) -> int:
    """Choose the plan and the webcam, press Start, coach until the depth shows and the plan's hold
    is done, press Stop; return the stored session's id."""
    d = page.d
    before = _session_ids(db)
    d.get(page.url)
    until("the coach page", lambda: "live coach" in _text(d), 90)
    page.choose_radio("Webcam")
    page.choose("Exercise", f"Your plan: {PLAN_NAME}")
    until("the plan's steps on the card", lambda: "Kneeling hip-flexor stretch, left leg forward: 5 s" in _text(d), 30)
    page.wait_for_start()
    _shot(d, artifacts, f"{day}_ready")
    page.press("start")
    depth = until("the stretch depth shown live", lambda: "Stretch depth" in page.text() and "deepest today" in page.text()
                  and ("Routine complete" in page.text() or "Done" in page.text()), 180)
    assert depth
    text = page.text()
    _shot(d, artifacts, f"{day}_coaching")
    page.stop()
    assert plus_minus("stretch_depth_deg") in text

    def closed():
        con = sqlite3.connect(db)
        try:
            rows = con.execute("SELECT id, ended FROM sessions").fetchall()
        finally:
            con.close()
        new = [(i, e) for i, e in rows if i not in before]
        return [i for i, e in new if e] if new and all(e for _, e in new) else None

    ids = until("the session stored and closed", closed, 60)
    return max(ids)


def _session_ids(db: Path) -> set[int]:
    con = sqlite3.connect(db)
    try:
        return {r[0] for r in con.execute("SELECT id FROM sessions")}
    finally:
        con.close()


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    data = tmp_path_factory.mktemp("posecoach-plan")
    Store(data / "posecoach.db").add_person("Sam")
    with serve_app(data) as url:
        yield url, data


def test_a_plan_imported_coached_two_days_rated_and_read_back(app, artifacts, tmp_path):
    url, data = app
    db = data / "posecoach.db"
    camera = tmp_path / "lunge.y4m"
    to_y4m(CLIP, camera)
    good = tmp_path / "sams-plan.toml"
    good.write_text(PLAN)
    bad = tmp_path / "sams-plan-typo.toml"
    bad.write_text(PLAN.replace("days_per_week = 2", "days_a_week = 2"))
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    d = browser(camera, (1500, 1300))
    d.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    page = Page(d, artifacts, "plan")
    page.url = url
    store = Store(db)
    sam = next(p.id for p in store.people() if p.name == "Sam")
    try:
        # The plan: a malformed file first
        d.get(f"{url}/history")
        until("the History page", lambda: "Your plan" in _text(d), 90)
        _upload_plan(d, bad)
        line = until("the refusal", lambda: next((ln for ln in _text(d).splitlines() if ln.startswith("Not imported")), None), 60)
        assert "sams-plan-typo.toml, line" in line and "days_a_week" in line and "unknown key" in line
        assert store.plans(sam) == []
        _shot(d, artifacts, "bad_file")
        _upload_plan(d, good)
        until("the plan imported", lambda: f"Imported the plan “{PLAN_NAME}”" in _text(d), 60)
        assert [p[0] for p in store.plans(sam)] == [PLAN_NAME]

        # Day one
        first = _coach_one_day(page, db, artifacts, "day1")
        until("the rating form after Stop", lambda: "How did it feel?" in _text(d), 60)
        kept = [m for m in store.measurements(sam) if m.session == first]
        assert [(m.kind, m.side) for m in kept] == [("stretch_depth_deg", "left")]
        assert (f"left leg forward (right hip flexor): {kept[0].value:.0f}° {plus_minus('stretch_depth_deg')}"
                in _text(d))  # the depth kept, said on the Coach page after Stop
        _rate(d, "3", "stretchy")
        until("the rating saved", lambda: "pain 3 of 10, “stretchy”, saved" in _text(d), 30)
        _shot(d, artifacts, "day1_rated")
        two_days_ago = (datetime.now(UTC) - timedelta(days=2)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        con = sqlite3.connect(db)  # the first day's (real) session is dated two days back
        with con:
            con.execute("UPDATE sessions SET started = ? WHERE id = ?", (two_days_ago, first))
            con.execute("UPDATE ratings SET rated = ? WHERE session = ?", (two_days_ago, first))
        con.close()

        # Day two: a rating that cannot be used, then one that says stop
        second = _coach_one_day(page, db, artifacts, "day2")
        until("the rating form after Stop", lambda: "How did it feel?" in _text(d), 60)
        _rate(d, "12", "")
        until("the one-line refusal", lambda: "Not saved: pain must be a whole number from 0 to 10, not 12." in _text(d), 30)
        assert [r.session for r in store.ratings(sam)] == [first]
        _rate(d, "4", "sharp")
        until("the stop guidance", lambda: "This set is marked" in _text(d) and "see a doctor or physiotherapist" in _text(d), 30)
        _shot(d, artifacts, "day2_stop")
        assert [(r.session, r.pain, r.stop) for r in store.ratings(sam)] == [(first, 3, False), (second, 4, True)]
        depths = [m for m in store.measurements(sam) if m.kind == "stretch_depth_deg"]
        assert {m.session for m in depths} == {first, second} and {m.side for m in depths} == {"left"}

        # History as Sam reads it
        _nav(d, "History")
        until("the adherence", lambda: "Days done, against planned" in _text(d) and "Hip-flexor length over time" in _text(d), 90)
        time.sleep(2.0)
        text = _text(d)
        _shot(d, artifacts, "history", full=True)
        plan = parse_plan("plan", PLAN, load_catalogue())
        due = plan_adherence(store, sam, plan, date.today(), date.today())
        assert due.done_days == 2 and f"2 of {due.planned_days}" in text  # two days done, against those planned so far
        assert "Streak" in text
        latest = [m.value for m in depths if m.session == second][0]
        assert f"Left leg forward (right hip flexor): {latest:.0f}° {plus_minus('stretch_depth_deg')}" in text
        assert "target 15°" in text
        assert "1 set marked" in text and "sharp" in text

        # The printable summary, downloaded from Review and opened as Sam would
        _nav(d, "Review")
        _click(d, "Summary for your physiotherapist (printable page)")
        summary = until("the summary downloaded", lambda: next(iter(downloads.glob("*-summary.html")), None), 60)
        d.get(summary.as_uri())
        text = _text(d)
        _shot(d, artifacts, "summary", full=True)
        assert "Progress" in text and f"Plan: {PLAN_NAME}" in text and f"Adherence: 2 of {due.planned_days}" in text
        assert "Left leg forward (right hip flexor)" in text and plus_minus("stretch_depth_deg") in text
        assert "4 / 10" in text and "marked: stop and seek care" in text
    except BaseException:
        _shot(d, artifacts, "failed")
        raise
    finally:
        d.quit()
