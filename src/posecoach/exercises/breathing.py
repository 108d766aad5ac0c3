"""The breathing meter's settings (``breathing.toml``): where the mask is read and how breathing
is told from it, each value with its unit and reason in the file."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

from posecoach.core.breathing import BreathingParams


@cache
def breathing_params() -> BreathingParams:
    """The built-in settings as a frozen ``BreathingParams``."""
    text = resources.files("posecoach.exercises").joinpath("breathing.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    flat = {**data["mask"], **data["signal"], **data["detect"]}
    values = {k: tuple(float(x) for x in v) if isinstance(v, list) else float(v) for k, v in flat.items()}
    return BreathingParams(**values)
