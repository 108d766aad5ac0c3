"""How far each progress measurement can be trusted: its error against rendered clips with known
angles and its test-retest spread, in degrees (``measurements.toml``, figures from
``posecoach bench accuracy`` and ``posecoach bench retest``). The pages show ``error_deg``
beside every reading as "±N degrees"."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from posecoach.exercises.catalogue import _builtin_text, parse_toml


@dataclass(frozen=True)
class Trust:
    kind: str
    error_deg: float  # the largest error against the truth on rendered clips (degrees)
    retest_deg: float  # half the range over repeated sessions of the same recording (degrees)
    reason: str
    side_difference_deg: float  # a left-right difference within this is the measurement's, not the body's


@cache
def trust_table() -> dict[str, Trust]:
    where, text = _builtin_text("measurements.toml")
    data = parse_toml(where, text)
    return {kind: Trust(kind, float(v["error_deg"]), float(v["retest_deg"]), str(v["reason"]),
                        float(v["side_difference_deg"])) for kind, v in data.items()}


def trust(kind: str) -> Trust | None:
    """The figures of ``kind`` (a ``MEASUREMENT_KINDS`` name), None for a kind not measured."""
    return trust_table().get(kind)


def plus_minus(kind: str) -> str:
    """"±7°" for ``kind``, "" when unmeasured."""
    t = trust(kind)
    return "" if t is None else f"±{t.error_deg:g}°"
