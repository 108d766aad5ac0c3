"""The one place an estimator's kind is chosen and opened.

Kinds: ``"single"`` MediaPipe's landmarker, the model's first person; ``"people"`` the
people-aware estimator, which keeps to the coached person; ``"process"`` the people-aware
estimator in a process of its own, fed ahead through shared memory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from posecoach.adapters.estimators.base import Estimator

Kind = Literal["single", "people", "process"]


def estimator_kind(input_kind: str, adaptive: bool) -> Kind:
    """The kind an analysis of an ``input_kind`` ("video" or "image") uses: a video at a fixed
    rate (every frame or every Nth) feeds the model in a process of its own, ahead; the
    adaptive rate decides each next frame from this one's verdicts, so it keeps the model here."""
    return "process" if input_kind == "video" and not adaptive else "people"


def open_estimator(model_path: str | Path, kind: Kind, mode: str = "video", masks: bool = False,
                   shape: tuple[int, int, int] | None = None) -> Estimator:
    """An estimator of ``kind`` on the model at ``model_path``; ``mode`` "video" or "image"
    (``"process"`` is video only); ``shape`` the frames' (height, width, 3) for the process's
    shared memory. The caller closes it (it is a context manager)."""
    if kind == "single":
        from posecoach.adapters.estimators.landmarker import PoseEstimator

        return PoseEstimator(model_path, mode=mode, masks=masks)
    if kind == "people":
        from posecoach.adapters.estimators.people_aware import PeopleAwareEstimator

        return PeopleAwareEstimator(model_path, mode=mode, masks=masks)
    if kind == "process":
        from posecoach.adapters.estimators.model_process import ModelProcess

        return ModelProcess(model_path, masks=masks, shape=shape)
    raise ValueError(f"unknown estimator kind {kind!r}")
