"""`posecoach bench accuracy`: the coach against the rendered clips' ground truth, and
recognition on a folder of labelled real photos.

For each truth-labelled clip the model runs once, with the clip's exercise forced; its
landmarks are then replayed with recognition on (no second model run). Reported per
exercise and measure: median and 95th-percentile absolute angle error against the
projected (2D) truth; per check: agreement with the truth verdict on frames whose truth
is pass or fail (our unknown counts as disagreement, and its share is shown); recognition
accuracy per frame; detection rate.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from benchmarks.support.clips import breathing_clips
from benchmarks.support.places import checkout_root
from benchmarks.support.report_table import hardware_line, table
from posecoach.adapters.estimators.landmarker import PoseEstimator
from posecoach.adapters.models import provision
from posecoach.adapters.video import IMAGE_EXTS, VideoReader, read_image
from posecoach.core.coach import Coach
from posecoach.core.depth import DepthTracker
from posecoach.core.thomas import ThomasTest, thomas_angles
from posecoach.engine.session import Session, image_measures, needs_mask
from posecoach.exercises.catalogue import load_catalogue

SAMPLES = checkout_root() / "sample_videos"
# Measures whose definition the truth files share with the coach (report contract names).
COMPARED = ("front_knee", "back_hip", "trunk_lean", "elbow", "hip", "knee", "bent_hip", "straight_knee",
            "body_line", "hang_hip", "hang_knee", "hip_level", "back_knee")
# Folder names of labelled photos that are not exercise ids.
PHOTO_LABELS = {"bridge": "glute_bridge", "standing": None, "none": None, "null": None}


@dataclass
class ClipResult:
    name: str
    exercise: str
    frames: int = 0
    detected: int = 0
    errors: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    agree: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    unknown: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    recognised: list[int] = field(default_factory=list)
    worst: list[tuple[float, str, int]] = field(default_factory=list)  # (error, measure, frame)
    depth_truth: float | None = None  # the deepest stretch held 1 s with good form, by the truth (degrees)
    depth_ours: float | None = None  # ... as the coach measured it
    thomas: tuple[float, float, float, float] | None = None  # first guided reading: ours hip, knee; truth hip, knee


def evaluate_clip(truth_path: Path, model: str = "full") -> ClipResult:
    truth = json.loads(truth_path.read_text())
    clip = truth_path.with_name(truth["clip"])
    exercise = truth["exercise"]
    catalogue = load_catalogue(truth.get("profile") or "beginner")
    res = ClipResult(clip.name, exercise)
    truth_frames = truth["frames"]
    stored = []
    with PoseEstimator(provision(model).path, mode="video", masks=needs_mask(catalogue, exercise)) as est, \
            VideoReader(clip) as reader:
        session = Session(catalogue, exercise, est)
        spec = catalogue[exercise] if exercise else None
        true_depth = DepthTracker()
        for i, frame in enumerate(reader.frames()):
            if i >= len(truth_frames):
                break
            r = session.step(frame.rgb, frame.t_ms)
            det = session.last_detection
            stored.append((frame.t_ms, det.landmarks, session.last_image_measures))
            t = truth_frames[i]
            res.frames += 1
            res.detected += int(r.pose)
            if spec is not None and spec.depth_measure:
                # the depth is defined with the back knee down (kneeling), as the coach measures it
                good = t.get("exercise") == exercise and (t.get("checks") or {}).get("back_knee_down") == "pass" \
                    and all(v == "pass" for v in t["checks"].values())
                back_hip = (t.get("angles_2d") or {}).get("back_hip")
                true_depth.update(frame.t_ms, exercise, t.get("side"), good,
                                  None if back_hip is None else back_hip - spec.depth_zero)
                if r.depth_deg is not None:
                    res.depth_ours = max(res.depth_ours or r.depth_deg, r.depth_deg)
            if t.get("exercise") != exercise:
                continue
            for name in COMPARED:
                ours, true = r.angles.get(name), (t.get("angles_2d") or {}).get(name)
                if ours is not None and true is not None:
                    err = abs(ours - true)
                    res.errors[name].append(err)
                    res.worst.append((err, name, i))
            for cid, verdict in (t.get("checks") or {}).items():
                if verdict in ("pass", "fail") and cid in r.checks:
                    res.agree[cid].append(int(r.checks[cid] == verdict))
                    res.unknown[cid].append(int(r.checks[cid] == "unknown"))
    res.depth_truth = max(true_depth.best.values()) if true_depth.best else None
    if exercise == "edge_hang":
        res.thomas = _thomas_reading(stored, truth, catalogue)
    auto = Coach(load_catalogue(), None)
    for i, (t_ms, landmarks, measures) in enumerate(stored):
        r = auto.step(t_ms, landmarks, truth["width"], truth["height"], measures)
        res.recognised.append(int(r.exercise == truth_frames[i].get("exercise")))
    res.worst = sorted(res.worst, reverse=True)[:3]
    return res


def _thomas_reading(stored, truth: dict, catalogue) -> tuple[float, float, float, float] | None:
    """The guided Thomas test's first reading on a rendered edge hang, and the truth's over the
    same hold (the median of its hold frames): (ours hip, ours knee, truth hip, truth knee)."""
    coach = Coach(catalogue, "edge_hang")
    test = ThomasTest()
    for t_ms, landmarks, measures in stored:
        r = coach.step(t_ms, landmarks, truth["width"], truth["height"], measures)
        hip, knee = thomas_angles(r.angles.get("hang_hip"), r.angles.get("hang_knee"))
        test.update(t_ms, r.side, hip, knee, r.checks.get("no_lumbar_arch") == "pass")
        if test.readings:
            break
    if not test.readings:
        return None
    hold = [f["angles_2d"] for f in truth["frames"] if f.get("exercise") == "edge_hang" and f.get("phase") == "hold"]
    true_hip, true_knee = thomas_angles(float(np.median([a["hang_hip"] for a in hold])),
                                        float(np.median([a["hang_knee"] for a in hold])))
    first = test.readings[0]
    return first.hip_deg, first.knee_deg, true_hip, true_knee


def thomas_table(results: list[ClipResult]) -> str:
    rows = [[r.name, f"{h:.1f}", f"{th:.1f}", f"{h - th:+.1f}", f"{k:.1f}", f"{tk:.1f}", f"{k - tk:+.1f}"]
            for r in results if r.thomas for h, k, th, tk in [r.thomas]]
    missing = [r.name for r in results if r.exercise == "edge_hang" and not r.thomas]
    out = table(rows, ["clip", "thigh deg", "truth", "error", "knee bend deg", "truth", "error"]) if rows else ""
    return out + (f"\n\nno reading (never steady 2 s with the back flat): {', '.join(missing)}" if missing else "")


def _stats(values: list[float]) -> str:
    if not values:
        return "-"
    a = np.asarray(values)
    return f"{np.median(a):.1f} / {np.percentile(a, 95):.1f}"


def clip_table(results: list[ClipResult]) -> str:
    by_ex: dict[str, list[ClipResult]] = defaultdict(list)
    for r in results:
        by_ex[r.exercise].append(r)
    rows = []
    for ex, rs in sorted(by_ex.items(), key=lambda kv: str(kv[0])):
        errs: dict[str, list[float]] = defaultdict(list)
        agree: dict[str, list[int]] = defaultdict(list)
        unk: dict[str, list[int]] = defaultdict(list)
        for r in rs:
            for k, v in r.errors.items():
                errs[k] += v
            for k, v in r.agree.items():
                agree[k] += v
            for k, v in r.unknown.items():
                unk[k] += v
        frames = sum(r.frames for r in rs)
        det = sum(r.detected for r in rs) / max(frames, 1)
        rec = np.mean([x for r in rs for x in r.recognised]) if frames else float("nan")
        angle_txt = "; ".join(f"{k} {_stats(v)}" for k, v in sorted(errs.items()))
        check_txt = "; ".join(f"{k} {100 * np.mean(v):.0f}% (unknown {100 * np.mean(unk[k]):.0f}%)"
                              for k, v in sorted(agree.items()))
        rows.append([str(ex), str(len(rs)), str(frames), f"{100 * det:.0f}%", f"{100 * rec:.0f}%",
                     angle_txt or "-", check_txt or "-"])
    return table(rows, ["exercise", "clips", "frames", "detected", "recognised",
                        "angle error deg, median / p95", "verdict agreement"])


def photo_labels(folder: Path) -> list[tuple[Path, str | None]]:
    """(file, exercise) from ``labels.csv`` (file,exercise) or from sub-folder names."""
    csv = folder / "labels.csv"
    out: list[tuple[Path, str | None]] = []
    if csv.exists():
        for line in csv.read_text().splitlines()[1:]:
            if line.strip():
                name, label = [x.strip() for x in line.split(",")[:2]]
                out.append((folder / name, None if label in ("", "none", "null") else label))
        return out
    ids = set(load_catalogue().exercises)
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        label = PHOTO_LABELS.get(sub.name, sub.name)
        if label is not None and label not in ids:
            continue
        out += [(f, label) for f in sorted(sub.iterdir()) if f.suffix.lower() in IMAGE_EXTS]
    return out


def photo_recognition(folder: Path, model: str = "full") -> str:
    items = photo_labels(folder)
    catalogue = load_catalogue()
    per_label: dict[str, list[int]] = defaultdict(list)
    detected = 0
    confusions: dict[tuple[str, str], int] = defaultdict(int)
    with PoseEstimator(provision(model).path, mode="image", masks=True) as est:
        for path, label in items:
            rgb = read_image(path)
            h, w = rgb.shape[:2]
            det = est.detect(rgb, 0)
            detected += det.landmarks is not None
            r = Coach(catalogue, None).step(0.0, det.landmarks, w, h, image_measures(det, w, h))
            per_label[str(label)].append(int(r.exercise == label))
            if r.exercise != label:
                confusions[(str(label), str(r.exercise))] += 1
    rows = [[lab, str(len(v)), f"{100 * np.mean(v):.0f}%"] for lab, v in sorted(per_label.items())]
    total = [x for v in per_label.values() for x in v]
    rows.append(["all", str(len(total)), f"{100 * np.mean(total):.0f}%" if total else "-"])
    conf = ", ".join(f"{a} as {b}: {n}" for (a, b), n in sorted(confusions.items()))
    return "\n".join([table(rows, ["label", "photos", "recognised"]),
                      f"\nperson detected in {detected} of {len(items)} photos; mistakes: {conf or 'none'}"])


def depth_table(results: list[ClipResult]) -> str:
    """Stretch depth per clip: the truth's and ours (the deepest held 1 s with good form)."""
    rows = []
    errors = []
    for r in results:
        if r.depth_truth is None and r.depth_ours is None:
            continue
        err = None if r.depth_truth is None or r.depth_ours is None else r.depth_ours - r.depth_truth
        if err is not None:
            errors.append(err)
        fmt = lambda v: "-" if v is None else f"{v:.1f}"  # noqa: E731
        rows.append([r.name, fmt(r.depth_truth), fmt(r.depth_ours), "-" if err is None else f"{err:+.1f}"])
    if not rows:
        return ""
    summary = (f"error: mean {np.mean(errors):+.1f}, largest {max(errors, key=abs):+.1f} degrees over {len(errors)} clips"
               if errors else "no clip with both")
    return table(rows, ["clip", "truth deg", "measured deg", "error deg"]) + "\n\n" + summary


def run(samples: Path | None = None, photos: Path | None = None, model: str = "full",
        breathing_only: bool = False) -> str:
    from benchmarks import breathing

    out = [f"hardware: {hardware_line()}", f"model: {model}", ""]
    folder = Path(samples) if samples else SAMPLES
    # the breathing clips (a minute each of a rest held still) have a section of their own
    skip = breathing_clips(folder)
    truths = [] if breathing_only else sorted(t for t in folder.glob("*.truth.json")
                                               if t.name.removesuffix(".truth.json") + ".mp4" not in skip)
    results = [evaluate_clip(t, model) for t in truths]
    if results:
        out += [f"rendered clips: {len(results)} in {folder}", "", clip_table(results), ""]
        worst = sorted(((e, m, i, r.name) for r in results for e, m, i in r.worst), reverse=True)[:5]
        out += ["worst frames: " + "; ".join(f"{n} frame {i} {m} off by {e:.0f}" for e, m, i, n in worst), ""]
        thomas = thomas_table(results)
        if thomas:
            out += ["The guided Thomas test's first reading on each rendered edge hang (the hanging thigh below",
                    "the surface; the hanging knee's bend), against the truth's median over the hold:", "", thomas, ""]
        depth = depth_table(results)
        if depth:
            out += ["Stretch depth (the back hip's extension held 1 s with good form; truth: the rendered",
                    "back hip with every truth check passing), per clip:", "", depth, ""]
    if photos and not breathing_only:
        out += [f"real photos: {photos}", "", photo_recognition(Path(photos), model), ""]
    out += [breathing.run(folder, model), ""]
    cmd = "posecoach bench accuracy" + (f" --photos {photos}" if photos else "") + (" --breathing-only" if breathing_only else "")
    out.append(f"reproduce: {cmd}")
    return "\n".join(out)
