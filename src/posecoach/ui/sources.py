"""Where the live frames come from: the webcam, a sample clip or an uploaded file played as
if it were the camera, and a browser-side check for whether there is a camera at all."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from posecoach.adapters.places import checkout_root

_CHECKOUT = checkout_root()
SAMPLES_DIR: Path | None = _CHECKOUT / "sample_videos" if _CHECKOUT else None  # installed: no sample clips
WEBCAM, CLIP, UPLOAD = "Webcam", "Sample clip", "Uploaded video"
SOURCE_KINDS = (WEBCAM, CLIP, UPLOAD)


@dataclass(frozen=True)
class Clip:
    """A sample clip: its file and, when its index says so, the exercise it shows."""

    path: Path
    title: str
    exercise: str | None = None
    demo: bool = False  # the index marks it as a good first clip to show


def _entries(index: object) -> list[dict]:
    if isinstance(index, dict):
        for key in ("clips", "videos", "samples"):
            if isinstance(index.get(key), list):
                return [e for e in index[key] if isinstance(e, dict)]
        return [{"file": k, **v} for k, v in index.items() if isinstance(v, dict)]
    if isinstance(index, list):
        return [e for e in index if isinstance(e, dict)]
    return []


def _title(entry: dict, path: Path) -> str:
    """A clip's name for people, e.g. "lunge, kneeling: knee past ankle"."""
    if isinstance(entry.get("title"), str):
        return entry["title"]
    parts = [str(entry[k]).replace("_", " ") for k in ("exercise", "variant") if entry.get(k)]
    if not parts:
        return path.stem
    fault = entry.get("fault")
    return ", ".join(parts) + (f": {str(fault).replace('_', ' ')}" if fault else ": good form")


def sample_clips(directory: Path | None = SAMPLES_DIR) -> list[Clip]:
    """The sample clips, described by ``index.json`` when there is one, else every ``*.mp4``
    (none without a folder: an installed wheel has no sample clips)."""
    if directory is None or not directory.is_dir():
        return []
    described: dict[str, Clip] = {}
    try:
        index = json.loads((directory / "index.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        index = None
    for entry in _entries(index):
        name = next((entry[k] for k in ("clip", "file", "path", "video") if isinstance(entry.get(k), str)), None)
        if name is None or not (directory / Path(name).name).is_file():
            continue
        path = directory / Path(name).name
        exercise = entry.get("exercise") if isinstance(entry.get("exercise"), str) else None
        described[path.name] = Clip(path, _title(entry, path), exercise, bool(entry.get("demo")))
    for path in sorted(directory.glob("*.mp4")):
        described.setdefault(path.name, Clip(path, path.stem))
    clips = list(described.values())  # the index's order first, then any other clip by name
    seen: dict[str, int] = {}
    for i, clip in enumerate(clips):  # number repeated titles: "..., good form (2)"
        seen[clip.title] = seen.get(clip.title, 0) + 1
        if seen[clip.title] > 1:
            clips[i] = Clip(clip.path, f"{clip.title} ({seen[clip.title]})", clip.exercise, clip.demo)
    return clips


def demo_clip(clips: list[Clip]) -> Clip | None:
    """The clip shown when there is no camera: a demo kneeling hip-flexor stretch if there is one."""
    for wanted in (lambda c: c.demo and c.exercise == "lunge", lambda c: c.demo, lambda c: c.exercise == "lunge"):
        found = [c for c in clips if wanted(c)]
        if found:
            return found[0]
    return clips[0] if clips else None


def player_factory(path: Path) -> Callable[[], object]:
    """A streamlit-webrtc ``player_factory`` that plays ``path`` in a loop, as if it were a camera."""

    def make_player():
        from posecoach.ui.clip_player import ClipPlayer

        return ClipPlayer(path)

    return make_player


# The count is sent again 2 s later: in about one real-browser run in three the page stayed on
# "Webcam" without a camera, as if the first answer, sent while the page's first run was still
# going, never reached it (the cause was not found; a second answer is one more rerun at most).
CAMERA_JS = """
export default function(component) {
  const { setStateValue } = component;
  const report = (n) => { setStateValue("cameras", n); setTimeout(() => setStateValue("cameras", n), 2000); };
  const media = navigator.mediaDevices;
  if (!media || !media.enumerateDevices) { report(0); return; }
  media.enumerateDevices()
    .then((devices) => report(devices.filter((d) => d.kind === "videoinput").length))
    .catch(() => report(0));
}
"""

_camera_component = None


def cameras_in_browser(key: str = "posecoach-cameras") -> int | None:
    """How many cameras the browser reports (None until it has answered)."""
    global _camera_component
    import streamlit as st

    if _camera_component is None:
        _camera_component = st.components.v2.component("posecoach_cameras", js=CAMERA_JS)
    result = _camera_component(key=key, height=0, on_cameras_change=lambda: None)
    value = getattr(result, "cameras", None)
    return int(value) if isinstance(value, (int, float)) else None
