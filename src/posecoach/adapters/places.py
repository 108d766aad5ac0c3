"""Where the source checkout is, when posecoach runs from one: the one ``Path(__file__)`` lookup.

An installed wheel has no checkout: its sample clips are not there and its models live in
``~/.cache/posecoach/models`` (or ``$POSECOACH_MODELS``).
"""

from __future__ import annotations

from pathlib import Path

_ROOT = Path(__file__).resolve().parents[3]  # src/posecoach/adapters/places.py -> the checkout


def checkout_root() -> Path | None:
    """The source checkout posecoach runs from (the folder with pyproject.toml), else None."""
    return _ROOT if (_ROOT / "pyproject.toml").exists() else None
