"""What the browser tests share: headless Chromium (a clip as its webcam if asked) and waiting
for what a person would see."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


def until(what: str, check: Callable[[], object], timeout_s: float, every_s: float = 0.5):
    """Poll ``check`` until it returns something truthy; fail naming ``what`` after ``timeout_s``.

    An element (or an embedded frame) that Streamlit re-rendered while ``check`` looked at it
    counts as "not yet".
    """
    from selenium.common.exceptions import NoSuchFrameException, StaleElementReferenceException

    deadline = time.monotonic() + timeout_s
    while True:
        try:
            value = check()
        except (StaleElementReferenceException, NoSuchFrameException):
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout_s:.0f} s waiting for {what}")
        time.sleep(every_s)


def browser(fake_camera: Path | None, size: tuple[int, int] = (1400, 1400)):
    """Headless Chromium; ``fake_camera`` is a .y4m it plays as its webcam, None for no camera at all."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("Chromium is not installed (/usr/bin/chromium, /usr/bin/chromedriver): run tools/install_browser.sh")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    flags = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run",
             f"--user-data-dir={tempfile.mkdtemp(prefix='posecoach-chromium-')}", f"--window-size={size[0]},{size[1]}"]
    if fake_camera is not None:
        flags += ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                  f"--use-file-for-fake-video-capture={fake_camera}"]
    for flag in flags:
        opts.add_argument(flag)
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=opts)
