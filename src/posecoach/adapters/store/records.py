"""What the store holds, as records: people, sessions, frames, holds, measurements, ratings,
and the landmarks blob (little-endian float32, 33 x 4)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from posecoach.adapters.store.schema import LANDMARKS_DTYPE, LANDMARKS_SHAPE


def landmarks_blob(landmarks: np.ndarray | None) -> bytes | None:
    """(33, 4) landmarks as the stored float32 blob, or None."""
    if landmarks is None:
        return None
    arr = np.asarray(landmarks, dtype=LANDMARKS_DTYPE)
    if arr.shape != LANDMARKS_SHAPE:
        raise ValueError(f"landmarks must be {LANDMARKS_SHAPE}, not {arr.shape}")
    return arr.tobytes()


def landmarks_from_blob(blob: bytes | None) -> np.ndarray | None:
    """The stored blob back as a float (33, 4) array, or None."""
    if blob is None:
        return None
    return np.frombuffer(blob, dtype=LANDMARKS_DTYPE).reshape(LANDMARKS_SHAPE).astype(float)


def finite_measures(measures: dict[str, float] | None) -> dict[str, float]:
    return {k: float(v) for k, v in (measures or {}).items() if v is not None and math.isfinite(v)}


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    created: str


@dataclass(frozen=True)
class SessionInfo:
    """One stored session's header. ``ended`` is None when it was interrupted (tab closed, crash)."""

    id: int
    person: int
    started: str
    ended: str | None
    exercise_arg: str | None
    profile_name: str | None
    profile_toml: str | None
    model: str | None
    model_sha256: str | None
    width: int | None
    height: int | None
    fps: float | None
    source: str | None
    video_path: str | None
    n_frames: int
    last_t_ms: float | None

    @property
    def duration_s(self) -> float:
        """Seconds from the first to the last stored frame."""
        return 0.0 if self.last_t_ms is None else self.last_t_ms / 1000.0


@dataclass(frozen=True)
class StoredFrame:
    """One stored frame: ``landmarks`` (33, 4) normalised or None; verdicts as judged live."""

    t_ms: float
    landmarks: np.ndarray | None
    image_measures: dict[str, float]
    exercise: str | None
    side: str | None
    view: str | None
    checks: dict[str, str]
    cue: str | None


@dataclass(frozen=True)
class StoredHold:
    exercise: str
    side: str | None
    good_form_s: float
    target_s: float
    complete: bool
    reps: int


@dataclass(frozen=True)
class StoredMeasurement:
    """One measurement of a session: ``value`` (and ``spread``, half the range of its readings)
    in the unit its ``kind`` names; ``started`` is the session's start (ISO 8601 UTC)."""

    session: int
    started: str
    kind: str
    exercise: str | None
    side: str | None
    value: float
    spread: float | None
    readings: int


@dataclass(frozen=True)
class StoredRating:
    session: int
    rated: str  # ISO 8601 UTC
    exercise: str
    side: str | None
    pain: int  # 0-10
    word: str
    stop: bool  # the seeds' rule said stop and seek care


@dataclass(frozen=True)
class StoredSession:
    info: SessionInfo
    frames: list[StoredFrame]
    holds: list[StoredHold]


class HoldLike(Protocol):
    """What a hold set must offer to be stored (``posecoach.core.holds.HoldSet`` does)."""

    exercise: str
    side: str | None
    good_form_s: float
    target_s: float
    reps: int

    @property
    def complete(self) -> bool: ...
