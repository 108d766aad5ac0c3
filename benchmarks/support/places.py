"""Where the benchmarks find the checkout they run from (the sample clips, the labels of the
real footage): the one place that knows the folder layout."""

from __future__ import annotations

from pathlib import Path


def checkout_root() -> Path:
    """The source checkout holding ``benchmarks/`` (beside ``src/`` and ``sample_videos/``)."""
    return Path(__file__).resolve().parents[2]
