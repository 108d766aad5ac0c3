"""Benchmarks: `posecoach bench engine|speed|accuracy`. Figures go into BENCHMARKS.md."""
