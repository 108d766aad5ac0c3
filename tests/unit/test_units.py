"""The table of measure units: every measure it names exists, and values are rounded and
named by it (angles in degrees to 0.1, ratios to 0.001)."""

from __future__ import annotations

import math

import pytest

from posecoach.core.measures import BREATHING_MEASURES, IMAGE_MEASURES, MEASURES
from posecoach.core.units import (
    DEG,
    FRONT_KNEE_HEIGHTS,
    MEASURE_TABLE,
    MEASURE_UNITS,
    TRUNK_LENGTHS,
    is_ratio,
    measure_name,
    round_measure,
    unit_of,
)


def test_the_table_names_only_measures_that_exist() -> None:
    assert set(MEASURE_UNITS) <= set(MEASURES) | set(IMAGE_MEASURES) | set(BREATHING_MEASURES)


def test_one_row_for_every_measure_with_a_name_and_a_unit() -> None:
    assert set(MEASURE_TABLE) == set(MEASURES) | set(IMAGE_MEASURES) | set(BREATHING_MEASURES)
    names = [row.name for row in MEASURE_TABLE.values()]
    assert len(set(names)) == len(names), "two measures share a name"
    assert measure_name("front_knee") == "Front knee angle"
    assert measure_name("lumbar_curve") == "Lower-back curve"
    assert measure_name("not_a_measure") == "Not a measure"


@pytest.mark.parametrize(("name", "unit"), [("front_knee", DEG), ("hang_knee", DEG), ("lumbar_curve", TRUNK_LENGTHS),
                                            ("hip_lift", TRUNK_LENGTHS), ("back_knee_height", FRONT_KNEE_HEIGHTS),
                                            ("not_a_measure", DEG)])
def test_units(name: str, unit: str) -> None:
    assert unit_of(name) == unit
    assert is_ratio(name) == (unit != DEG)


def test_rounding_follows_the_unit() -> None:
    assert round_measure(92.34567, "front_knee") == 92.3
    assert round_measure(0.123456, "lumbar_curve") == 0.123
    assert round_measure(0.123456, "back_knee_height") == 0.123
    for missing in (None, math.nan, math.inf, -math.inf):
        assert round_measure(missing, "front_knee") is None
