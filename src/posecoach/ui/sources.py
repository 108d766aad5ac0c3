"""Where the live frames come from: the webcam, a sample clip or an uploaded file played as
if it were the camera, and a browser-side check for whether there is a camera at all."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SAMPLES_DIR = Path(__file__).resolve().parents[3] / "sample_videos"
WEBCAM, CLIP, UPLOAD = "Webcam", "Sample clip", "Uploaded video"
SOURCE_KINDS = (WEBCAM, CLIP, UPLOAD)
VIDEO_TYPES = ["mp4", "mov", "avi", "webm", "mkv", "m4v"]


@dataclass(frozen=True)
class Clip:
    """A sample clip: its file and, when its index says so, the exercise it shows."""

    path: Path
    title: str
    exercise: str | None = None


def _entries(index: object) -> list[dict]:
    if isinstance(index, dict):
        for key in ("clips", "videos", "samples"):
            if isinstance(index.get(key), list):
                return [e for e in index[key] if isinstance(e, dict)]
        return [{"file": k, **v} for k, v in index.items() if isinstance(v, dict)]
    if isinstance(index, list):
        return [e for e in index if isinstance(e, dict)]
    return []


def sample_clips(directory: Path = SAMPLES_DIR) -> list[Clip]:
    """The sample clips, described by ``index.json`` when there is one, else every ``*.mp4``."""
    if not directory.is_dir():
        return []
    described: dict[str, Clip] = {}
    try:
        index = json.loads((directory / "index.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        index = None
    for entry in _entries(index):
        name = next((entry[k] for k in ("file", "path", "video", "name") if isinstance(entry.get(k), str)), None)
        if name is None or not (directory / Path(name).name).is_file():
            continue
        path = directory / Path(name).name
        exercise = entry.get("exercise")
        title = entry.get("title") or entry.get("description") or path.stem
        described[path.name] = Clip(path, str(title), exercise if isinstance(exercise, str) else None)
    for path in sorted(directory.glob("*.mp4")):
        described.setdefault(path.name, Clip(path, path.stem))
    return sorted(described.values(), key=lambda c: c.path.name)


def demo_clip(clips: list[Clip]) -> Clip | None:
    """The clip shown when there is no camera: a kneeling hip-flexor stretch if there is one."""
    for clip in clips:
        if clip.exercise == "lunge":
            return clip
    return clips[0] if clips else None


def player_factory(path: Path) -> Callable[[], object]:
    """A streamlit-webrtc ``player_factory`` that plays ``path`` in a loop, as if it were a camera."""

    def make_player():
        from aiortc.contrib.media import MediaPlayer

        return MediaPlayer(str(path), loop=True)

    return make_player


CAMERA_JS = """
export default function(component) {
  const { setStateValue } = component;
  const media = navigator.mediaDevices;
  if (!media || !media.enumerateDevices) { setStateValue("cameras", 0); return; }
  media.enumerateDevices()
    .then((devices) => setStateValue("cameras", devices.filter((d) => d.kind === "videoinput").length))
    .catch(() => setStateValue("cameras", 0));
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
