"""Which catalogue exercise a pose shows, from body orientation and joint angles.

Rules over measures that do not depend on which way the person faces. Returns None (no
catalogue exercise) when standing or walking upright without a bent-knee split stance,
or when the pose is not reliable enough to say.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from posecoach.core.body import Body
from posecoach.core.measures import m_back_hip, m_front_knee


@dataclass(frozen=True)
class Recognition:
    exercise: str | None
    confidence: float


@dataclass(frozen=True)
class RecognizeParams:
    lunge_max_front_knee_deg: float = 135.0  # a bent front knee: a split stance, not standing
    lunge_min_back_hip_deg: float = 170.0  # the back thigh at or behind the trunk line


def recognize(b: Body, params: RecognizeParams | None = None) -> list[Recognition]:
    """Per-frame recognition over the frames of ``b``."""
    p = params or RecognizeParams()
    front_knee = m_front_knee(b)
    back_hip = m_back_hip(b)
    out = []
    for i in range(len(b.xy)):
        if not b.upright[i] or np.isnan(front_knee[i]) or np.isnan(back_hip[i]):
            out.append(Recognition(None, 0.0 if np.isnan(front_knee[i]) else 0.6))
            continue
        if front_knee[i] <= p.lunge_max_front_knee_deg and back_hip[i] >= p.lunge_min_back_hip_deg:
            margin = min(p.lunge_max_front_knee_deg - front_knee[i], back_hip[i] - p.lunge_min_back_hip_deg)
            out.append(Recognition("lunge", float(min(1.0, 0.6 + margin / 50.0))))
        else:
            out.append(Recognition(None, 0.7))
    return out
