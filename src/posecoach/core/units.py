"""Every measure's name, unit and rounding, from one table (``measure_table.toml``).

Angles are in degrees (one decimal in reports); ratios are lengths over a body ruler (three
decimals): the trunk (shoulder midpoint to hip midpoint) for most, the front knee's height for
``back_knee_height``. A measure not in the table is an angle in degrees, named from its id.
Standard library only: the core stays pure.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from importlib import resources

DEG = "deg"
TRUNK_LENGTHS = "trunk lengths"
FRONT_KNEE_HEIGHTS = "front-knee heights"
TABLE_FILE = "measure_table.toml"


@dataclass(frozen=True)
class MeasureUnit:
    """A measure's unit (``DEG`` or a ratio's ruler), the decimals its reported values keep
    and the unit in words ("degrees")."""

    unit: str
    decimals: int
    words: str = ""

    @property
    def is_ratio(self) -> bool:
        return self.unit != DEG


@dataclass(frozen=True)
class MeasureInfo:
    """One row of the table: the measure's id, the name a person reads, and its unit."""

    measure: str
    name: str
    unit: MeasureUnit


def _load() -> tuple[dict[str, MeasureUnit], dict[str, MeasureInfo]]:
    res = resources.files("posecoach.core").joinpath(TABLE_FILE)
    doc = tomllib.loads(res.read_text(encoding="utf-8"))
    units = {u: MeasureUnit(u, int(v["decimals"]), str(v["words"])) for u, v in doc["units"].items()}
    rows = {}
    for measure, v in doc["measures"].items():
        if v.get("unit") not in units or not str(v.get("name", "")).strip():
            raise ValueError(f"{res}: measures.{measure}: needs a name and one of the units {sorted(units)}")
        rows[measure] = MeasureInfo(measure, str(v["name"]), units[v["unit"]])
    return units, rows


UNITS, MEASURE_TABLE = _load()
ANGLE = UNITS[DEG]
RATIO = UNITS[TRUNK_LENGTHS]
# The ratio measures; every other measure (core.measures.MEASURES) is an angle.
MEASURE_UNITS: dict[str, MeasureUnit] = {m: row.unit for m, row in MEASURE_TABLE.items() if row.unit.is_ratio}


def measure_unit(name: str) -> MeasureUnit:
    """The unit of measure ``name`` (an angle in degrees when not listed)."""
    row = MEASURE_TABLE.get(name)
    return ANGLE if row is None else row.unit


def measure_name(name: str) -> str:
    """The name a person reads for measure ``name`` ("Front knee angle"), never its id."""
    row = MEASURE_TABLE.get(name)
    return row.name if row is not None else name.replace("_", " ").capitalize()


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
