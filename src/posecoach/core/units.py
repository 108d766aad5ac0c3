"""The unit of every measure, in one table: what a value means and how it is rounded.

Angles are in degrees (one decimal in reports); ratios are lengths over a body ruler (three
decimals): the trunk (shoulder midpoint to hip midpoint) for most, the front knee's height for
``back_knee_height``. A measure not in the table is an angle in degrees.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

DEG = "deg"
TRUNK_LENGTHS = "trunk lengths"
FRONT_KNEE_HEIGHTS = "front-knee heights"
BREATHS_PER_MIN = "breaths a minute"
SHARE = "share"  # a part of a whole, 0..1


@dataclass(frozen=True)
class MeasureUnit:
    """A measure's unit (``DEG`` or a ratio's ruler) and the decimals its reported values keep."""

    unit: str
    decimals: int

    @property
    def is_ratio(self) -> bool:
        return self.unit != DEG


ANGLE = MeasureUnit(DEG, 1)
RATIO = MeasureUnit(TRUNK_LENGTHS, 3)

# The ratio measures; every other measure (core.measures.MEASURES) is an angle.
MEASURE_UNITS: dict[str, MeasureUnit] = {
    "hip_lift": RATIO,
    "hip_height": RATIO,
    "feet_width": RATIO,
    "knee_gap": RATIO,
    "ankle_to_knee": RATIO,
    "lumbar_curve": RATIO,
    "back_knee_height": MeasureUnit(FRONT_KNEE_HEIGHTS, 3),
    "breath_rate_bpm": MeasureUnit(BREATHS_PER_MIN, 1),
    "belly_share": MeasureUnit(SHARE, 2),
}


def measure_unit(name: str) -> MeasureUnit:
    """The unit of measure ``name`` (an angle in degrees when not listed)."""
    return MEASURE_UNITS.get(name, ANGLE)


def unit_of(name: str) -> str:
    """The unit's name: "deg", "trunk lengths" or "front-knee heights"."""
    return measure_unit(name).unit


def is_ratio(name: str) -> bool:
    """Whether measure ``name`` is a ratio (not an angle)."""
    return measure_unit(name).is_ratio


def round_measure(value: float | None, name: str = "") -> float | None:
    """``value`` rounded as reports keep it (angles to 0.1 degree, ratios to 0.001); None when
    it is missing or not finite."""
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), measure_unit(name).decimals)
