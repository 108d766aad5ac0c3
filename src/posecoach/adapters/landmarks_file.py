"""The landmarks file: the raw pose per frame, so a session can be re-scored without the
model. Format in the report contract (``kind: "landmarks"``, schema 1)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from posecoach.adapters.video import InputError

SCHEMA = 1


@dataclass
class LandmarksDoc:
    """A whole landmarks file in memory. ``frames`` hold t_ms, (33, 4) array or None, and
    image measures."""

    width: int
    height: int
    fps: float | None
    model: str | None
    model_sha256: str | None
    frames: list[tuple[float, np.ndarray | None, dict[str, float]]] = field(default_factory=list)


def _bad(path: Path, key: str, problem: str, line: int | None = None) -> InputError:
    where = f"{path}" + (f", line {line}" if line else "")
    return InputError(f"{where}: {key}: {problem}" if key else f"{where}: {problem}")


def _number(path: Path, value: Any, key: str, low: float = -math.inf, high: float = math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _bad(path, key, f"must be a number, not {json.dumps(value)[:40]}")
    if not math.isfinite(value) or not low <= value <= high:
        raise _bad(path, key, f"{value} is out of range {low}..{high}")
    return float(value)


def parse_landmarks(path: str | Path, text: str) -> LandmarksDoc:
    """Validate and load a landmarks file's text; raise InputError naming file, line and key."""
    p = Path(path)
    try:
        data = json.loads(text, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(f"{c} is not valid JSON")))
    except json.JSONDecodeError as exc:
        raise _bad(p, "", f"not valid JSON ({exc.msg})", exc.lineno) from None
    except ValueError as exc:
        raise _bad(p, "", str(exc)) from None
    if not isinstance(data, dict):
        raise _bad(p, "", "must be a JSON object")
    if data.get("kind") != "landmarks":
        raise _bad(p, "kind", f"must be \"landmarks\", not {json.dumps(data.get('kind'))}")
    if data.get("schema") != SCHEMA:
        raise _bad(p, "schema", f"unsupported schema {json.dumps(data.get('schema'))} (expected {SCHEMA})")
    for key in ("width", "height", "frames"):
        if key not in data:
            raise _bad(p, key, "missing")
    width = int(_number(p, data["width"], "width", 1, 100_000))
    height = int(_number(p, data["height"], "height", 1, 100_000))
    fps = data.get("fps")
    fps = None if fps is None else _number(p, fps, "fps", 0, 10_000)
    frames_raw = data["frames"]
    if not isinstance(frames_raw, list):
        raise _bad(p, "frames", "must be a list")
    doc = LandmarksDoc(width, height, fps, data.get("model"), data.get("model_sha256"))
    last_t = -math.inf
    for i, f in enumerate(frames_raw):
        key = f"frames[{i}]"
        if not isinstance(f, dict):
            raise _bad(p, key, "must be an object")
        if "t_ms" not in f:
            raise _bad(p, f"{key}.t_ms", "missing")
        t = _number(p, f["t_ms"], f"{key}.t_ms", 0)
        if t <= last_t:
            raise _bad(p, f"{key}.t_ms", f"{t} does not increase (previous {last_t})")
        last_t = t
        rows = f.get("landmarks")
        arr = None
        if rows is not None:
            if not isinstance(rows, list) or len(rows) != 33:
                raise _bad(p, f"{key}.landmarks", "must be null or 33 rows of [x, y, z, visibility]")
            try:
                arr = np.array(rows, dtype=float)
            except (TypeError, ValueError):
                raise _bad(p, f"{key}.landmarks", "rows must hold 4 numbers each") from None
            if arr.shape != (33, 4):
                raise _bad(p, f"{key}.landmarks", "rows must hold 4 numbers each")
            if not np.isfinite(arr).all():
                raise _bad(p, f"{key}.landmarks", "holds a value that is not a finite number")
            if (arr[:, 3] < 0).any() or (arr[:, 3] > 1).any():
                raise _bad(p, f"{key}.landmarks", "visibility must be within 0..1")
            if (np.abs(arr[:, :2]) > 10).any():
                raise _bad(p, f"{key}.landmarks", "x and y must be normalised (about 0..1)")
        measures = f.get("image_measures", {}) or {}
        if not isinstance(measures, dict):
            raise _bad(p, f"{key}.image_measures", "must be an object")
        clean = {}
        for name, value in measures.items():
            if value is not None:
                clean[name] = _number(p, value, f"{key}.image_measures.{name}")
        doc.frames.append((t, arr, clean))
    return doc


def read_landmarks(path: str | Path) -> LandmarksDoc:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{p}: not a UTF-8 JSON landmarks file") from None
    return parse_landmarks(p, text)


def looks_like_landmarks(path: Path) -> bool:
    """A .json input is a landmarks file."""
    return path.suffix.lower() == ".json"


class LandmarksRecorder:
    """Collects frames for ``--landmarks-out``."""

    def __init__(self, width: int, height: int, fps: float | None, model: str, model_sha256: str) -> None:
        self.head = {"schema": SCHEMA, "kind": "landmarks", "width": width, "height": height, "fps": fps,
                     "model": model, "model_sha256": model_sha256}
        self.frames: list[dict] = []

    def add(self, t_ms: float, landmarks: np.ndarray | None, image_measures: dict[str, float]) -> None:
        rows = None if landmarks is None else [[round(float(v), 5) for v in row] for row in landmarks]
        measures = {k: round(float(v), 5) for k, v in image_measures.items() if v is not None and math.isfinite(v)}
        self.frames.append({"t_ms": round(t_ms, 3), "landmarks": rows, "image_measures": measures})

    def document(self) -> dict:
        return {**self.head, "frames": self.frames}
