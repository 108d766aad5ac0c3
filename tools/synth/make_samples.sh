#!/usr/bin/env bash
# Regenerate every sample clip, truth file and sample_videos/index.json.
# Usage: tools/synth/make_samples.sh [--only NAME[,NAME]] [--jobs N]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${POSECOACH_SYNTH_VENV:-$ROOT/.venv-synth}"
[ -x "$VENV/bin/python" ] || bash "$ROOT/tools/synth/setup.sh"
export ANNY_CACHE_DIR="${ANNY_CACHE_DIR:-$HOME/.cache/posecoach-anny}"
export PYOPENGL_PLATFORM=osmesa
cd "$ROOT"
"$VENV/bin/python" -W ignore -m tools.synth.make_samples "$@"
du -sh "$ROOT/sample_videos"
