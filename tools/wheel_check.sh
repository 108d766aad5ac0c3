#!/usr/bin/env bash
# The wheel without the source tree: build it, install it with its dependencies into a fresh
# virtual environment, and from an empty folder (no checkout in sight) analyse a clip and serve
# the page; the wheel must hold the package and nothing only a checkout has.
#
#     bash tools/wheel_check.sh [GOLDEN_DIR]
#
# With GOLDEN_DIR (written by `tools/golden_reports.py write`), the report must equal its
# analyze/lunge_kneeling_ok_a.json byte for byte. PYTHON picks the interpreter (default: the
# checkout's .venv, else python3); PORT the port to serve on (default: a free one).
# Exit status 0 when every check passes, 1 when one fails.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
GOLDEN=${1:-}
if [[ -z ${PYTHON:-} ]]; then
    if [[ -x $ROOT/.venv/bin/python ]]; then PYTHON=$ROOT/.venv/bin/python; else PYTHON=python3; fi
fi
CLIP=lunge_kneeling_ok_a

WORK=$(mktemp -d "${TMPDIR:-/tmp}/posecoach-wheel.XXXXXX")
SERVER=""
cleanup() {
    if [[ -n $SERVER ]] && kill -0 "$SERVER" 2>/dev/null; then
        kill "$SERVER" 2>/dev/null || true
        wait "$SERVER" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

fail() { echo "wheel check: FAILED: $*" >&2; exit 1; }
step() { echo "wheel check: $* ($SECONDS s)"; }

step "building the wheel"
"$PYTHON" -m pip wheel "$ROOT" --no-deps --quiet -w "$WORK/dist" >"$WORK/build.log" 2>&1 \
    || { tail -20 "$WORK/build.log" >&2; fail "the wheel did not build"; }
WHEEL=$(ls "$WORK"/dist/posecoach-*.whl)

step "looking inside $(basename "$WHEEL")"
"$PYTHON" - "$WHEEL" "$ROOT" <<'EOF' || fail "the wheel's contents"
import sys
import zipfile
from pathlib import Path

wheel, root = sys.argv[1], Path(sys.argv[2])
names = zipfile.ZipFile(wheel).namelist()
wrong = [n for n in names if not (n.startswith("posecoach/") or n.split("/")[0].endswith(".dist-info"))]
wrong += [n for n in names if n.rsplit(".", 1)[-1] in ("task", "mp4", "db", "pyc")]
if not (root / "src/posecoach/bench").is_dir():  # once the benchmarks live outside the package
    wrong += [n for n in names if n.startswith("posecoach/bench/")]
needed = ["posecoach/ui/streamlit_app.py", "posecoach/ui/streamlit.toml", "posecoach/adapters/verify_pose.jpg",
          "posecoach/exercises/catalogue.toml", "posecoach/reports/instructions.toml"]
missing = [n for n in needed if n not in names]
source = {str(p.relative_to(root / "src")) for p in (root / "src/posecoach").rglob("*.py")}
missing += sorted(source - set(names))
for n in wrong:
    print(f"  not for the wheel: {n}", file=sys.stderr)
for n in missing:
    print(f"  missing from the wheel: {n}", file=sys.stderr)
sys.exit(1 if wrong or missing else 0)
EOF

step "installing it into a fresh virtual environment"
"$PYTHON" -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install --quiet "$WHEEL" >"$WORK/install.log" 2>&1 \
    || { grep -v "^WARNING: Location" "$WORK/install.log" | tail -20 >&2; fail "pip install of the wheel"; }
POSECOACH=$WORK/venv/bin/posecoach

mkdir "$WORK/empty"
cd "$WORK/empty"  # no source tree here: nothing may be found through the checkout
"$WORK/venv/bin/python" -c 'import posecoach, sys; sys.exit(not posecoach.__file__.startswith(sys.argv[1]))' \
    "$WORK/venv/" || fail "posecoach was not imported from the installed wheel"

step "posecoach analyze from an empty folder"
POSECOACH_MODELS=$ROOT/models "$POSECOACH" analyze "$ROOT/sample_videos/$CLIP.mp4" --quiet --json r.json \
    --landmarks-out r.landmarks.json || fail "posecoach analyze exited with $?"
[[ -s r.json ]] || fail "posecoach analyze wrote no report"
if [[ -n $GOLDEN ]]; then
    cmp -s r.json "$GOLDEN/analyze/$CLIP.json" || fail "the report differs from $GOLDEN/analyze/$CLIP.json"
    echo "  the report equals the golden one"
fi

step "posecoach serve from an empty folder"
PORT=${PORT:-$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
POSECOACH_DATA=$WORK/data "$POSECOACH" serve --port "$PORT" >"$WORK/serve.log" 2>&1 &
SERVER=$!
healthy=""
for _ in $(seq 1 180); do  # up to 90 s
    kill -0 "$SERVER" 2>/dev/null || { tail -20 "$WORK/serve.log" >&2; fail "posecoach serve stopped"; }
    answer=$("$PYTHON" -c 'import sys, urllib.request
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=2).read().decode().strip())
except OSError:
    pass' "http://127.0.0.1:$PORT/_stcore/health")
    if [[ $answer == ok ]]; then healthy=1; break; fi
    sleep 0.5
done
[[ -n $healthy ]] || { tail -20 "$WORK/serve.log" >&2; fail "no \"ok\" from /_stcore/health on port $PORT"; }
echo "  GET /_stcore/health: ok"
step "all checks passed"
