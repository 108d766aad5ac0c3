"""`posecoach bench accuracy`, breathing section: the breathing meter against the rendered
breathing clips' truth (every sample clip whose truth has a "breathing" key).

Each clip is coached twice with its exercise chosen (as the rest of `bench accuracy` does; the
recognition of the rest positions is measured there): as the live page does (every frame
through one Session, the people-aware estimator) and as `posecoach analyze --exercise ID` does
by default (the adaptive review: frames up to 200 ms apart through a held rest, the clip cut
into one segment per core). Scored on sliding 30 s windows, one a
second, lying wholly inside the clip's breathing (truth ``start_ms`` to ``end_ms``), with the
reading of the last frame at the window's end:

- rate: the reading's breaths a minute against the truth's over the same window (whole breaths
  between the first and last breath starting in it, from the truth's ``breaths``);
- belly or chest: the reading's pattern against the truth's; a held breath is right when no
  rate is given (unknown, "no breathing seen"); a clip the camera cannot show the breathing of
  (a front view, hands on the belly: ``expected_reason``) is right when no rate is given with
  the reason expected.

A window without a reading (still measuring, or unknown) counts as wrong for rate and pattern.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from benchmarks.support.report_table import table
from posecoach.adapters.estimators.factory import open_estimator
from posecoach.adapters.models import provision
from posecoach.adapters.video import VideoReader
from posecoach.engine.session import Session, needs_mask
from posecoach.exercises.catalogue import load_catalogue
from posecoach.reports.json_report import breathing_dict

WINDOW_MS = 30_000.0  # the 30-second windows
STEP_MS = 1_000.0
RATE_TOLERANCE_BPM = 1.0  # the bound: breaths a minute within 1 of the truth
# The clips the meter's thresholds were set on (breathing.toml: belly_share_min, min_range,
# min_snr); every other clip is held aside to check them.
CALIBRATION = frozenset({
    "breathing_constructive_rest_belly_6bpm",
    "breathing_constructive_rest_chest_14bpm",
    "breathing_constructive_rest_held",
})


@dataclass
class ClipScore:
    name: str
    pattern: str  # the truth's: belly, chest, held, or "none" (nothing readable expected)
    camera: str  # "side 0.9 m high, 2.4 m away"
    truth_rate_bpm: float | None
    mode: str  # "live" or "review"
    windows: int = 0
    with_reading: int = 0
    rate_errors: list[float] = field(default_factory=list)  # |ours - truth| where a rate was read
    rate_within: int = 0
    pattern_right: int = 0
    belly_shares: list[float] = field(default_factory=list)
    reasons: dict[str, int] = field(default_factory=dict)

    @property
    def calibration(self) -> bool:
        return self.name in CALIBRATION


def breathing_clips(folder: Path) -> list[tuple[Path, dict]]:
    """(clip, truth) for every truth file in the folder (those index.json lists, and any other)
    whose truth has a "breathing" key."""
    truths = set(folder.glob("*.truth.json"))
    index = folder / "index.json"
    if index.is_file():
        doc = json.loads(index.read_text())
        entries = doc.get("clips", []) if isinstance(doc, dict) else doc
        truths |= {folder / e["truth"] for e in entries if isinstance(e, dict) and e.get("truth")}
    out = []
    for path in sorted(truths):
        if not path.is_file():
            continue
        truth = json.loads(path.read_text())
        if "breathing" in truth and (path.parent / truth["clip"]).is_file():
            out.append((path.parent / truth["clip"], truth))
    return sorted(out, key=lambda ct: ct[0].name)


def live_readings(clip: Path, model_path: Path, exercise: str) -> list[tuple[float, dict | None]]:
    """Every frame through one Session coaching ``exercise``, as the live page coaches."""
    catalogue = load_catalogue("beginner")
    out = []
    with VideoReader(clip) as reader, \
            open_estimator(model_path, "people", mode="video", masks=needs_mask(catalogue, exercise)) as est:
        session = Session(catalogue, exercise, est)
        for frame in reader.frames():
            r = session.step(frame.rgb, frame.t_ms)
            out.append((frame.t_ms, breathing_dict(r.breathing)))
    return out


def review_readings(clip: Path, exercise: str) -> list[tuple[float, dict | None]]:
    """The default review's report (`posecoach analyze clip --exercise ID`), frame by frame."""
    from posecoach.services.analyse_file import AnalyseRequest, analyse_file

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        status = analyse_file(AnalyseRequest(input=str(clip), json_out=str(out), exercise=exercise, quiet=True))
        if status != 0:
            raise RuntimeError(f"{clip.name}: posecoach analyze exited {status}")
        report = json.loads(out.read_text())
    return [(f["t_ms"], f["breathing"]) for f in report["frames"]]


def truth_rate_bpm(breaths: list, start_ms: float, end_ms: float) -> float | None:
    """The truth's breaths a minute over [start_ms, end_ms]: whole breaths between the first and
    the last breath starting in it."""
    starts = [b[0] for b in breaths if start_ms <= b[0] <= end_ms]
    if len(starts) < 2:
        return None
    return 60_000.0 * (len(starts) - 1) / (starts[-1] - starts[0])


# Clips whose breathing the camera cannot show by their own description (tools/synth/README.md,
# Breathing: "in the hands-on-belly clip both forearms lie across the lower belly and the hands
# rise and fall with it: the outline there is the hands'"), with the reason the meter should give.
# A clip seen from the front is another (its camera says so). Knee to chest is scored on its
# truth's pattern although its far thigh stands behind the belly's outline.
UNREADABLE = {"breathing_constructive_rest_belly_7bpm_hands_on_belly": "arms_over_trunk"}


def expected_reason(name: str, truth: dict) -> str | None:
    """The reason the reading should be unknown for, or None where the breathing can be read:
    the truth's ``"readable": false`` (with ``"why"``), a clip of ``UNREADABLE``, a camera not side-on."""
    b = truth["breathing"]
    if b.get("readable") is False:
        return b.get("why", "")
    if truth.get("camera", {}).get("view", "side") != "side":
        return "not_side_view"
    return UNREADABLE.get(name)


def expected_pattern(name: str, truth: dict) -> str:
    """belly, chest, held, or "none" where the camera cannot show the breathing."""
    return "none" if expected_reason(name, truth) is not None else truth["breathing"]["pattern"]


def camera_words(truth: dict) -> str:
    cam = truth.get("camera", {})
    return f"{cam.get('view', '?')} {cam.get('height_m', '?')} m high, {cam.get('distance_m', '?')} m away"


def score(name: str, truth: dict, readings: list[tuple[float, dict | None]], mode: str) -> ClipScore:
    b = truth["breathing"]
    pattern = expected_pattern(name, truth)
    reason = expected_reason(name, truth)
    res = ClipScore(name, pattern, camera_words(truth), b.get("rate_bpm") or None, mode)
    times = np.array([t for t, _ in readings])
    end = float(b.get("end_ms", times[-1]))
    for t_end in np.arange(float(b.get("start_ms", 0.0)) + WINDOW_MS, end + 1.0, STEP_MS):
        i = int(np.searchsorted(times, t_end, side="right")) - 1
        if i < 0:
            continue
        reading = readings[i][1]
        res.windows += 1
        known = reading is not None and reading["state"] == "known"
        res.with_reading += int(known)
        if reading is not None and reading["state"] == "unknown":
            res.reasons[reading["reason"]] = res.reasons.get(reading["reason"], 0) + 1
        if pattern in ("held", "none"):
            no_rate = reading is None or reading["rate_bpm"] is None
            said = reading["reason"] if reading is not None else None
            res.pattern_right += int(no_rate and (not reason or said == reason))
            continue
        if not known:
            continue
        truth_rate = truth_rate_bpm(b.get("breaths", []), t_end - WINDOW_MS, t_end) or b["rate_bpm"]
        err = abs(reading["rate_bpm"] - truth_rate)
        res.rate_errors.append(err)
        res.rate_within += int(err <= RATE_TOLERANCE_BPM)
        res.pattern_right += int(reading["pattern"] == pattern)
        if reading["belly_share"] is not None:
            res.belly_shares.append(reading["belly_share"])
    return res


def _pct(n: int, d: int) -> str:
    return f"{100.0 * n / d:.0f}%" if d else "-"


def clip_rows(scores: list[ClipScore]) -> list[list[str]]:
    rows = []
    for s in scores:
        errs = s.rate_errors
        rows.append([
            s.name.removeprefix("breathing_"), "calibration" if s.calibration else "check", s.camera, s.mode, s.pattern,
            "-" if s.truth_rate_bpm is None else f"{s.truth_rate_bpm:.1f}",
            f"{np.median(errs):.2f} / {max(errs):.2f}" if errs else "-",
            _pct(s.rate_within, s.windows) if s.pattern not in ("held", "none") else "-",
            _pct(s.pattern_right, s.windows),
            f"{min(s.belly_shares):.2f}-{max(s.belly_shares):.2f}" if s.belly_shares else "-",
            ", ".join(f"{k} {v}" for k, v in sorted(s.reasons.items())) or "-",
        ])
    return rows


def group_rows(scores: list[ClipScore], key) -> list[list[str]]:
    """Windows right, pooled over the clips of each group."""
    groups: dict[str, list[ClipScore]] = {}
    for s in scores:
        groups.setdefault(key(s), []).append(s)
    rows = []
    for name, items in sorted(groups.items()):
        breathing = [s for s in items if s.pattern not in ("held", "none")]
        windows = sum(s.windows for s in items)
        rate_windows = sum(s.windows for s in breathing)
        errs = [e for s in breathing for e in s.rate_errors]
        rows.append([name, str(len(items)), str(windows),
                     _pct(sum(s.rate_within for s in breathing), rate_windows),
                     f"{max(errs):.2f}" if errs else "-",
                     _pct(sum(s.pattern_right for s in items), windows)])
    return rows


def run(folder: Path, model: str = "full", modes: tuple[str, ...] = ("live", "review")) -> str:
    """The breathing section's text."""
    clips = breathing_clips(folder)
    if not clips:
        return f"breathing: no clip in {folder} has a \"breathing\" truth"
    model_path = provision(model).path
    scores: list[ClipScore] = []
    for clip, truth in clips:
        name = clip.stem
        if "live" in modes:
            scores.append(score(name, truth, live_readings(clip, model_path, truth["exercise"]), "live"))
        if "review" in modes:
            scores.append(score(name, truth, review_readings(clip, truth["exercise"]), "review"))
    head = ["clip", "set", "camera", "coached", "truth", "truth bpm", "rate error median / max",
            "rate within 1", "belly/chest right", "belly share", "unknown windows"]
    grp = ["group", "clips", "windows", "rate within 1", "largest rate error", "belly/chest right"]
    out = [f"Breathing: {len(clips)} rendered clips in {folder}, each clip's exercise chosen; sliding 30 s windows one",
           "a second inside its breathing; 'live' every frame as the page coaches, 'review' the default `posecoach analyze`.",
           f"Thresholds set on: {', '.join(sorted(CALIBRATION))}; the others check them.", "",
           table(clip_rows(scores), head), "",
           "Per set and coaching:", "",
           table(group_rows(scores, lambda s: f"{'calibration' if s.calibration else 'check'}, {s.mode}"), grp), "",
           "Per camera (height, distance) and coaching:", "",
           table(group_rows(scores, lambda s: f"{s.camera}, {s.mode}"), grp)]
    return "\n".join(out)
