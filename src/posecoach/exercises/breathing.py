"""The breathing meter's settings (``breathing.toml``): where the mask is read and how breathing
is told from it, each value with its unit and reason in the file."""

from __future__ import annotations

from functools import cache

from posecoach.core.breathing import BreathingParams
from posecoach.exercises.catalogue import _builtin_text, parse_toml


@cache
def breathing_params() -> BreathingParams:
    """The built-in settings as a frozen ``BreathingParams``."""
    where, text = _builtin_text("breathing.toml")
    data = parse_toml(where, text)
    flat = {**data["mask"], **data["signal"], **data["detect"]}
    values = {k: tuple(float(x) for x in v) if isinstance(v, list) else float(v) for k, v in flat.items()}
    return BreathingParams(**values)
