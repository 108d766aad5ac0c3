"""A first coach page: analyse a sample clip or an uploaded one, show the overlay and report."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import streamlit as st

SAFETY = (
    "Stop at once at sharp, shooting or pulsing pain. These stretches are not a substitute for "
    "professional care; fever, night pain or unexplained weight loss need a doctor. Please consult "
    "your doctor before starting. This is not medical advice."
)
SAMPLES = Path(__file__).resolve().parents[3] / "sample_videos"


def _analyse(path: Path, exercise: str, out_dir: Path) -> tuple[dict, Path]:
    from posecoach.cli import main as cli_main

    report_path, video_path = out_dir / "report.json", out_dir / "overlay.mp4"
    code = cli_main(["analyze", str(path), "--exercise", exercise, "--json", str(report_path),
                     "--annotate", str(video_path), "--quiet"])
    if code != 0:
        raise RuntimeError(f"analysis failed with status {code}")
    return json.loads(report_path.read_text()), video_path


def main() -> None:
    st.set_page_config(page_title="posecoach", layout="wide")
    st.title("posecoach")
    st.caption("A webcam coach for psoas and hip-flexor stretches. Everything runs on this machine.")
    st.warning(SAFETY)
    from posecoach.exercises.catalogue import load_catalogue

    catalogue = load_catalogue()
    exercise = st.selectbox("Exercise", ["auto", *catalogue.exercises])
    samples = sorted(SAMPLES.glob("*.mp4")) if SAMPLES.is_dir() else []
    choice = st.radio("Source", ["Sample clip", "Upload a clip"], horizontal=True)
    path = None
    if choice == "Sample clip" and samples:
        name = st.selectbox("Clip", [p.name for p in samples])
        path = SAMPLES / name
    elif choice == "Upload a clip":
        up = st.file_uploader("Video or image", type=["mp4", "mov", "avi", "webm", "mkv", "jpg", "jpeg", "png", "webp"])
        if up is not None:
            tmp = Path(tempfile.mkdtemp(prefix="posecoach-upload-"))
            path = tmp / Path(up.name).name
            path.write_bytes(up.getbuffer())
    if path is None or not st.button("Analyse", type="primary"):
        return
    out_dir = Path(tempfile.mkdtemp(prefix="posecoach-out-"))
    with st.spinner("Analysing…"):
        report, video = _analyse(path, exercise, out_dir)
    st.video(str(video))
    summary = report["summary"]
    st.subheader(f"Exercise: {report['exercise'] or 'none recognised'}")
    cols = st.columns(max(1, len(summary["checks"])))
    for col, (cid, counts) in zip(cols, summary["checks"].items(), strict=False):
        col.metric(cid, f"{counts['pass']} pass", f"{counts['fail']} fail", delta_color="inverse")
    for hold in summary["holds"]:
        st.write(f"Hold {hold['exercise']} {hold['side'] or ''}: {hold['good_form_s']:.1f} / {hold['target_s']:.0f} s")
    st.download_button("Report (JSON)", json.dumps(report), file_name="report.json")
