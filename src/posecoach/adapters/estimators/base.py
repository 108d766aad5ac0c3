"""What every pose estimator is and gives for a frame: the ``Estimator`` protocol (detect one
frame), the ``PipelinedEstimator`` one (frames handed in ahead and collected in order), and
the ``Detection``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol, runtime_checkable

import numpy as np


@dataclass(frozen=True)
class Detection:
    """One frame's estimate: ``landmarks`` (33, 4) normalised x, y, z, visibility or None;
    ``mask`` the person's segmentation mask (H, W) float 0..1 when asked for (at the size the
    model saw); ``n_people`` how many people the model found in the frame."""

    landmarks: np.ndarray | None
    mask: np.ndarray | None = None
    n_people: int = 0
    light: dict[str, float] | None = None  # the frame's light measures (``posecoach.adapters.light``)


@runtime_checkable
class Estimator(Protocol):
    """A pose estimator for one stream: ``detect`` one RGB frame at ``t_ms`` (milliseconds,
    increasing in video mode). A context manager; ``close`` frees the model."""

    pipelined: ClassVar[bool]  # True: also a ``PipelinedEstimator``

    def detect(self, rgb: np.ndarray, t_ms: float) -> Detection: ...

    @property
    def silencing(self) -> bool:
        """Whether the next ``detect`` silences standard error in this process (judge in line then)."""
        ...

    @property
    def person_changes(self) -> int:
        """How often the coached person changed (0 for an estimator that does not choose)."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Estimator: ...

    def __exit__(self, *exc: object) -> None: ...


class PipelinedEstimator(Estimator, Protocol):
    """An estimator fed ahead: up to ``depth`` frames ``submit``-ted, their detections
    ``collect``-ed in the same order."""

    depth: int

    def submit(self, rgb: np.ndarray, t_ms: float) -> None: ...

    def collect(self) -> Detection: ...
