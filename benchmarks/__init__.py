"""posecoach's benchmarks: one module per `posecoach bench` command (`python -m benchmarks`),
what they share in support/. They live beside the package, never in the wheel, and may import
anything of posecoach; posecoach imports none of them. Figures go into BENCHMARKS.md."""
