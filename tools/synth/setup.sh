#!/usr/bin/env bash
# Create (or update) the synthesis venv at .venv-synth. Idempotent.
# Needs: python3 with venv, root or sudo for apt when libosmesa6 is missing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${POSECOACH_SYNTH_VENV:-$ROOT/.venv-synth}"

if ! ldconfig -p 2>/dev/null | grep -q libOSMesa; then
    echo "installing libosmesa6 (headless OpenGL)" >&2
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update
    $SUDO apt-get install -y libosmesa6
fi

[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
PY="$VENV/bin/python"
"$PY" -m pip install --quiet --upgrade pip
"$PY" -m pip install --quiet torch==2.13.0
"$PY" -m pip install --quiet anny==0.6.2 pyrender==0.1.45 numpy av opencv-contrib-python
# pyrender pins PyOpenGL 3.1.0; OSMesa needs 3.1.10.
"$PY" -m pip install --quiet PyOpenGL==3.1.10
"$PY" -c "import torch, anny, pyrender, av; print('synth venv ok:', torch.__version__, av.__version__)"
