"""`posecoach bench real`: the coach on real footage labelled by eye.

Reads the labels committed in ``benchmarks/real/`` (time windows of real clips, real photos,
the split of sources into a calibration part and a part held aside) and the footage from a
folder outside the project (default ``../shared/realdata``; it is never committed and the test
suite never needs it). The model runs once per file, as ``posecoach analyze`` runs it (its
landmarks are kept in a cache folder, keyed by the file's content and the model); the
landmarks are then replayed through the coach, with recognition on for the recognition
figures, and with each labelled exercise forced for the verdict figures.

Figures, per part (dev / held) and per source:
- recognition: of the labelled frames with a pose, the share recognised as the labelled
  exercise (or none where the label allows it), and the share called *another* catalogue
  exercise (the worse mistake: the coach then coaches the wrong thing);
- per check: agreement on frames labelled pass or fail (borderline and unseen are not scored;
  our unknown is counted apart, as it is honest but unhelpful);
- wrong "good": frames labelled fail that the coach passed (a fault waved through), and
  wrong fault: frames labelled pass that the coach failed, as a share of the labelled-pass time;
- photos: recognition per label;
- the independently labelled plank landmarks: ``body_line`` against correct / hips low.

Overlays of the worst frames (wrong goods first, then wrong faults, then recognition
mistakes) go to ``--out`` for a person to look at.
"""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from benchmarks.support.places import checkout_root
from benchmarks.support.report_table import hardware_line, table
from posecoach.core.coach import Coach, CoachParams, FrameResult
from posecoach.exercises.catalogue import load_catalogue

REPO = checkout_root()
LABELS = REPO / "benchmarks" / "real"
DEFAULT_DATA = REPO.parent / "shared" / "realdata"
CACHE = Path.home() / ".cache" / "posecoach" / "real"
VIDEO_EXTS = {".mp4", ".mov", ".avi", ".webm", ".mkv", ".gif"}


@dataclass(frozen=True)
class Window:
    file: str
    start_s: float
    end_s: float
    exercise: frozenset[str | None]  # acceptable recognitions (None: no exercise)
    view: str
    checks: dict[str, str]
    note: str

    @property
    def main_exercise(self) -> str | None:
        named = sorted(e for e in self.exercise if e is not None)
        return named[0] if named else None


def _exercise_set(text: str) -> frozenset[str | None]:
    return frozenset(None if p.strip() in ("none", "") else p.strip() for p in text.split("|"))


def _checks(text: str) -> dict[str, str]:
    out = {}
    for part in text.split(";"):
        part = part.strip()
        if part and part != "-" and "=" in part:
            k, v = part.split("=", 1)
            out[k.strip()] = v.strip()
    return out


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return [r for r in csv.DictReader(f, delimiter="\t") if any((v or "").strip() for v in r.values())]


def load_windows(labels: Path = LABELS) -> list[Window]:
    """Every row of ``windows*.tsv`` in ``labels``."""
    out = []
    for path in sorted(labels.glob("windows*.tsv")):
        for r in _rows(path):
            out.append(Window(r["file"].strip(), float(r["start_s"]), float(r["end_s"]), _exercise_set(r["exercise"]),
                              (r.get("view") or "").strip(), _checks(r.get("checks") or ""), (r.get("note") or "").strip()))
    return out


def load_photos(labels: Path = LABELS) -> list[tuple[str, frozenset[str | None], str, dict[str, str]]]:
    path = labels / "photos.tsv"
    if not path.exists():
        return []
    return [(r["file"].strip(), _exercise_set(r["exercise"]), (r.get("view") or "").strip(), _checks(r.get("checks") or ""))
            for r in _rows(path)]


def load_split(labels: Path = LABELS) -> dict[str, str]:
    path = labels / "split.tsv"
    return {r["source"].strip(): r["part"].strip() for r in _rows(path)} if path.exists() else {}


def source_of(name: str) -> str:
    """The source of a real file: its name's prefix before ``__`` (the repository it came from)."""
    return Path(name).name.split("__", 1)[0]


def _sha(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:16]


def landmarks_of(path: Path, cache: Path, model: str = "full") -> Path:
    """The landmarks file of a real clip or photo, made once by ``posecoach analyze`` (the same
    estimator, person lock and image measures as a user's analysis) and kept in ``cache``."""
    cache.mkdir(parents=True, exist_ok=True)
    out = cache / f"{path.stem}.{_sha(path)}.{model}.json"
    if not out.exists():
        tmp = out.with_suffix(".partial.json")
        cmd = [sys.executable, "-m", "posecoach.cli", "analyze", str(path), "--exact", "--model", model,
               "--landmarks-out", str(tmp), "--json", str(cache / "last_report.json"), "--quiet"]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{path.name}: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode}")
        tmp.replace(out)
    return out


def replay(doc, exercise: str | None, catalogue=None, still_image: bool = False) -> list[FrameResult]:
    """The coach's results for every frame of a landmarks document (recognition on when
    ``exercise`` is None; ``still_image`` for a photo)."""
    coach = Coach(catalogue or load_catalogue(), exercise, CoachParams(still_image=still_image))
    return [coach.step(t, lms, doc.width, doc.height, im) for t, lms, im in doc.frames]


@dataclass
class Tally:
    """Counts of one group (a part, a source, an exercise)."""

    frames: int = 0
    right: int = 0
    other: int = 0
    other_as: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    check_agree: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))  # agree, scored, unknown
    wrong_good: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    wrong_fault: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    pass_frames: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    fail_frames: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    good_form: int = 0  # frames whose labelled checks all pass (good-form time)
    good_form_faulted: int = 0  # ... of which the coach failed at least one of those checks
    faulty: int = 0  # frames with a labelled (clear) fault
    faulty_all_passed: int = 0  # ... of which the coach passed every labelled fault


@dataclass
class Mistake:
    kind: str  # "wrong good", "wrong fault", "another exercise"
    file: str
    frame: int
    t_ms: float
    what: str
    exercise: str | None


def label_times_ms(path: Path, doc) -> list[float]:
    """The time of each frame on the labels' clock. Labels of an animated GIF count frames at
    the rate OpenCV reports for it (its frames' own delays may differ); other clips use the
    frames' presentation times."""
    if path.suffix.lower() != ".gif":
        return [t for t, _, _ in doc.frames]
    import cv2

    cap = cv2.VideoCapture(str(path))
    fps = cap.get(cv2.CAP_PROP_FPS) or 10.0
    cap.release()
    return [1000.0 * i / fps for i in range(len(doc.frames))]


def _score_clip(name: str, windows: list[Window], doc, catalogue, tallies: list[Tally],
                per_exercise: dict[str, Tally], mistakes: list[Mistake], times_ms: list[float] | None = None) -> None:
    auto = replay(doc, None, catalogue)
    forced: dict[str, list[FrameResult]] = {}
    for ex in {w.main_exercise for w in windows if w.main_exercise and w.checks}:
        forced[ex] = replay(doc, ex, catalogue)
    for i, (t_ms, lms, _) in enumerate(doc.frames):
        t_label = times_ms[i] if times_ms else t_ms
        win = next((w for w in windows if w.start_s * 1000 <= t_label < w.end_s * 1000), None)
        if win is None or lms is None:
            continue
        r = auto[i]
        if not r.pose:
            continue
        label = str(win.main_exercise)
        groups = tallies + [per_exercise[label]]
        ok = r.exercise in win.exercise
        other = r.exercise is not None and not ok
        for g in groups:
            g.frames += 1
            g.right += ok
            g.other += other
            if other:
                g.other_as[f"{label} as {r.exercise}"] += 1
        if other:
            mistakes.append(Mistake("another exercise", name, i, t_ms, f"{label} called {r.exercise}", r.exercise))
        ex = win.main_exercise
        if ex is None or ex not in forced:
            continue
        rf = forced[ex][i]
        scored = {cid: want for cid, want in win.checks.items() if want in ("pass", "fail") and cid in rf.checks}
        if scored:
            all_good = all(w == "pass" for w in scored.values())
            faulted = any(rf.checks[c] == "fail" for c, w in scored.items() if w == "pass")
            faults = [c for c, w in scored.items() if w == "fail"]
            waved = bool(faults) and all(rf.checks[c] == "pass" for c in faults)
            for g in groups:
                g.good_form += all_good
                g.good_form_faulted += all_good and faulted
                g.faulty += bool(faults)
                g.faulty_all_passed += waved
        for cid, want in win.checks.items():
            if want not in ("pass", "fail") or cid not in rf.checks:
                continue
            got = rf.checks[cid]
            key = f"{ex}.{cid}"
            for g in groups:
                a = g.check_agree[key]
                a[1] += 1
                a[0] += got == want
                a[2] += got == "unknown"
                if want == "pass":
                    g.pass_frames[key] += 1
                    g.wrong_fault[key] += got == "fail"
                else:
                    g.fail_frames[key] += 1
                    g.wrong_good[key] += got == "pass"
            if want == "fail" and got == "pass":
                mistakes.append(Mistake("wrong good", name, i, t_ms, f"{cid} labelled fail, judged pass", ex))
            elif want == "pass" and got == "fail":
                mistakes.append(Mistake("wrong fault", name, i, t_ms, f"{cid} labelled pass, judged fail", ex))


def outline_steadiness(doc) -> tuple[int, int, int]:
    """(frames with a pose, frames whose silhouette curve was read, frames where it was steady)."""
    from posecoach.core.silhouette import SteadyReading

    steady = SteadyReading()
    n = read = kept = 0
    for t_ms, lms, im in doc.frames:
        if lms is None:
            steady.reset()
            continue
        value = (im or {}).get("lumbar_curve")
        value = float("nan") if value is None else float(value)
        n += 1
        read += bool(np.isfinite(value))
        kept += bool(np.isfinite(steady.update(t_ms, value)[0]))
    return n, read, kept


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.0f}%" if b else "-"


def _recognition_rows(groups: dict[str, Tally]) -> list[list[str]]:
    rows = []
    for name, g in groups.items():
        top = ", ".join(f"{k} {v}" for k, v in sorted(g.other_as.items(), key=lambda kv: -kv[1])[:3])
        rows.append([name, str(g.frames), _pct(g.right, g.frames), _pct(g.other, g.frames), top or "-"])
    return rows


def _check_rows(g: Tally) -> list[list[str]]:
    rows = []
    for key in sorted(g.check_agree):
        agree, scored, unknown = g.check_agree[key]
        rows.append([key, str(scored), _pct(agree, scored), _pct(unknown, scored),
                     f"{g.wrong_good[key]} of {g.fail_frames[key]}", f"{g.wrong_fault[key]} of {g.pass_frames[key]}"
                     + (f" ({_pct(g.wrong_fault[key], g.pass_frames[key])})" if g.pass_frames[key] else "")])
    return rows


def _photo_scores(data: Path, photos, cache: Path, model: str, catalogue, split: dict[str, str],
                  mistakes: list[Mistake]) -> dict[str, Tally]:
    from posecoach.adapters.landmarks_file import read_landmarks

    by: dict[str, Tally] = defaultdict(Tally)
    for rel, allowed, _view, _ in photos:
        path = data / rel
        if not path.exists():
            continue
        doc = read_landmarks(landmarks_of(path, cache, model))
        r = replay(doc, None, catalogue, still_image=True)[0]
        label = str(sorted(allowed, key=str)[0]) if len(allowed) == 1 else "|".join(sorted(map(str, allowed)))
        ok = r.exercise in allowed
        part = split.get(source_of(rel), "dev")
        for key in (f"{part} {label}", f"{part} all"):
            g = by[key]
            g.frames += 1
            g.right += ok
            g.other += r.exercise is not None and not ok
            if not ok:
                g.other_as[f"{label} as {r.exercise}"] += 1
        if not ok:
            mistakes.append(Mistake("photo", rel, 0, 0.0, f"{label} called {r.exercise}", r.exercise))
    return dict(sorted(by.items()))


def plank_landmarks(data: Path, aspect: float = 16 / 9) -> str:
    """``body_line`` on the independently labelled plank landmarks (C correct, L hips low, H
    hips high). The rows are normalised landmarks without the frame's size: ``aspect`` (width /
    height) is assumed and stated."""
    path = data / "labelled" / "exc__core__plank_model__dataset3.csv"
    if not path.exists():
        return "(no labelled plank landmarks)"
    from posecoach.core import landmarks as lm

    names = [n.lower() for n in lm.NAMES]
    catalogue = load_catalogue()
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # pass, fail, unknown, n
    values: dict[str, list[float]] = defaultdict(list)
    with path.open(newline="") as f:
        for row in csv.DictReader(f):
            arr = np.zeros((33, 4))
            for j, n in enumerate(names):
                if f"{n}_x" in row:
                    arr[j] = [float(row[f"{n}_{k}"]) for k in ("x", "y", "z", "v")]
            r = Coach(catalogue, "plank").step(0.0, arr, int(round(1000 * aspect)), 1000, {})
            v = r.checks.get("body_line", "unknown")
            c = per[row["label"]]
            c[{"pass": 0, "fail": 1}.get(v, 2)] += 1
            c[3] += 1
            if r.angles.get("body_line") is not None:
                values[row["label"]].append(r.angles["body_line"])
    rows = []
    for label, (p, fl, u, n) in sorted(per.items()):
        v = np.asarray(values[label])
        spread = f"{np.percentile(v, 5):.0f} / {np.median(v):.0f} / {np.percentile(v, 95):.0f}" if len(v) else "-"
        rows.append([label, str(n), _pct(p, n), _pct(fl, n), _pct(u, n), spread])
    want = {"C": 0, "L": 1, "H": 1}
    agree = sum(per[k][want[k]] for k in per if k in want)
    total = sum(per[k][3] for k in per if k in want)
    return "\n".join([table(rows, ["label", "frames", "pass", "fail", "unknown", "body_line p5 / median / p95"]),
                      f"\nagreement (C pass, L/H fail): {_pct(agree, total)} of {total} frames; aspect assumed {aspect:.2f}"])


def _draw_mistakes(data: Path, mistakes: list[Mistake], cache: Path, model: str, out: Path, limit: int) -> list[str]:
    """Overlays of the worst frames, each as its own PNG."""
    import cv2

    from posecoach.adapters.landmarks_file import read_landmarks
    from posecoach.adapters.overlay import draw
    from posecoach.adapters.video import VideoReader, read_image

    out.mkdir(parents=True, exist_ok=True)
    order = {"wrong good": 0, "wrong fault": 1, "another exercise": 2, "photo": 3}
    picked: list[Mistake] = []
    seen: set[tuple[str, str]] = set()
    for m in sorted(mistakes, key=lambda m: order[m.kind]):
        key = (m.file, m.what)
        if key in seen:
            continue
        seen.add(key)
        picked.append(m)
        if len(picked) >= limit:
            break
    written = []
    catalogue = load_catalogue()
    for k, m in enumerate(picked):
        path = (data / "videos" / m.file) if m.kind != "photo" else data / m.file
        if not path.exists():
            continue
        doc = read_landmarks(landmarks_of(path, cache, model))
        results = replay(doc, m.exercise if m.kind in ("wrong good", "wrong fault") else None, catalogue,
                         still_image=m.kind == "photo")
        if m.kind == "photo":
            rgb = read_image(path)
        else:
            rgb = None
            with VideoReader(path) as reader:
                for i, frame in enumerate(reader.frames()):
                    if i == m.frame:
                        rgb = frame.rgb
                        break
        if rgb is None:
            continue
        r = results[m.frame]
        img = draw(rgb, r, spec=catalogue[r.exercise] if r.exercise else None)
        # the benchmark's caption in a band of its own under the frame (over it, it hid the page's hold label)
        img = cv2.copyMakeBorder(img, 0, 34, 0, 0, cv2.BORDER_CONSTANT, value=(30, 30, 30))
        cv2.putText(img, f"{m.kind}: {m.what}", (8, img.shape[0] - 11), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (255, 255, 0), 2)
        name = f"{k:02d}_{m.kind.replace(' ', '_')}_{Path(m.file).stem[:40]}_{m.frame}.png"
        cv2.imwrite(str(out / name), cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
        written.append(f"{name}: {m.file} frame {m.frame} ({m.t_ms / 1000:.2f} s): {m.what}")
    return written


def compare_classifier(data: Path, windows: list[Window], split: dict[str, str], cache: Path, model: str,
                       samples: Path) -> str:
    """The rules against a k-NN classifier trained on the renders and the dev part, scored on the
    held-aside part frame by frame (both through the same causal vote)."""
    from benchmarks.support.knn import recognise_clip, training_set
    from posecoach.adapters.landmarks_file import read_landmarks

    by_file: dict[str, list[Window]] = defaultdict(list)
    for w in windows:
        by_file[w.file].append(w)
    docs = {}
    for name in by_file:
        path = data / "videos" / name
        if path.exists():
            docs[name] = read_landmarks(landmarks_of(path, cache, model))
    from benchmarks.support.clips import breathing_clips

    skip = breathing_clips(samples)  # the breathing clips' long still holds would outweigh the rest
    rendered = [(t, read_landmarks(landmarks_of(t.with_name(json.loads(t.read_text())["clip"]), cache, model)))
                for t in sorted(samples.glob("*.truth.json")) if t.name.replace(".truth.json", ".mp4") not in skip]
    dev = [(docs[n], ws) for n, ws in by_file.items() if n in docs and split.get(source_of(n), "dev") == "dev"]
    knn = training_set(rendered, dev)
    catalogue = load_catalogue()
    rows = []
    for part in ("dev", "held"):
        counts = {"rules": [0, 0, 0], "k-NN": [0, 0, 0]}
        for name, ws in by_file.items():
            if name not in docs or split.get(source_of(name), "dev") != part:
                continue
            doc = docs[name]
            preds = {"rules": [r.exercise for r in replay(doc, None, catalogue)],
                     "k-NN": [r.exercise for r in recognise_clip(knn, doc)]}
            for i, (t, lms, _) in enumerate(doc.frames):
                win = next((w for w in ws if w.start_s * 1000 <= t < w.end_s * 1000), None)
                if win is None or lms is None:
                    continue
                for how, p in preds.items():
                    c = counts[how]
                    c[0] += 1
                    c[1] += p[i] in win.exercise
                    c[2] += p[i] is not None and p[i] not in win.exercise
        for how, (n, right, other) in counts.items():
            note = " (trained on it)" if part == "dev" and how == "k-NN" else ""
            rows.append([part + note, how, str(n), _pct(right, n), _pct(other, n)])
    return "\n".join([f"k-NN: {len(knn.y)} training poses ({len(rendered)} rendered clips, the dev real windows), "
                      f"k = {knn.k}", "", table(rows, ["part", "recogniser", "frames", "right", "another"])])


def run(data: Path | None = None, out: Path | None = None, model: str = "full", labels: Path | None = None,
        cache: Path | None = None, overlays: int = 24, classifier: bool = False) -> str:
    from posecoach.adapters.landmarks_file import read_landmarks

    data = Path(data) if data else DEFAULT_DATA
    labels = Path(labels) if labels else LABELS
    cache = Path(cache) if cache else CACHE
    if not data.is_dir():
        raise FileNotFoundError(f"{data}: no such folder of real footage")
    windows = load_windows(labels)
    split = load_split(labels)
    catalogue = load_catalogue()
    by_file: dict[str, list[Window]] = defaultdict(list)
    for w in windows:
        by_file[w.file].append(w)
    parts: dict[str, Tally] = defaultdict(Tally)
    sources: dict[str, Tally] = defaultdict(Tally)
    outline: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # part -> frames with a pose, read, steady
    per_ex: dict[str, dict[str, Tally]] = defaultdict(lambda: defaultdict(Tally))
    mistakes: list[Mistake] = []
    missing = []
    for name, wins in sorted(by_file.items()):
        path = data / "videos" / name
        if not path.exists():
            missing.append(name)
            continue
        part = split.get(source_of(name), "dev")
        try:
            doc = read_landmarks(landmarks_of(path, cache, model))
        except RuntimeError as exc:
            missing.append(f"{name} ({exc})")
            continue
        _score_clip(name, wins, doc, catalogue, [parts[part], parts["all"], sources[f"{part} {source_of(name)}"]],
                    per_ex[part], mistakes, label_times_ms(path, doc))
        for i, v in enumerate(outline_steadiness(doc)):
            outline[part][i] += v
    lines = [f"hardware: {hardware_line()}", f"model: {model}; footage: {data}; labels: {labels}", ""]
    lines += ["Recognition on real clips (labelled frames with a pose): right = the labelled exercise (or none where",
              "the label allows it); another = a different catalogue exercise.", ""]
    lines.append(table(_recognition_rows(dict(sorted(parts.items()))), ["part", "frames", "right", "another", "most often"]))
    lines += ["", table(_recognition_rows(dict(sorted(sources.items()))), ["part source", "frames", "right", "another",
                                                                         "most often"])]
    for part in sorted(per_ex):
        lines += ["", f"by exercise, {part}:", "",
                  table(_recognition_rows(dict(sorted(per_ex[part].items()))), ["exercise", "frames", "right", "another",
                                                                                "most often"])]
    for part in ("dev", "held"):
        if part in parts:
            g = parts[part]
            lines += ["", f"Checks on labelled frames, {part} (exercise forced; borderline and unseen not scored):", "",
                      table(_check_rows(g), ["check", "frames", "agree", "unknown", "wrong good", "wrong fault"]),
                      "", f"good-form time (every labelled check pass): {g.good_form} frames, a fault said in "
                      f"{g.good_form_faulted} ({_pct(g.good_form_faulted, g.good_form)}); labelled faults: {g.faulty} "
                      f"frames, all of them judged pass (a wrong good) in {g.faulty_all_passed} "
                      f"({_pct(g.faulty_all_passed, g.faulty)})"]
    lines += ["", "The back's outline (lumbar_curve from the silhouette) on real clips: frames with a pose, read",
              "in a frame, and steady enough to judge (1 s of readings agreeing within 0.03 trunk lengths):", "",
              table([[p, str(n), _pct(r, n), _pct(st, n)] for p, (n, r, st) in sorted(outline.items())],
                    ["part", "frames", "read", "steady"])]
    photos = load_photos(labels)
    if photos:
        lines += ["", "Real photos (one frame each, recognition on):", "",
                  table(_recognition_rows(_photo_scores(data, photos, cache, model, catalogue, split, mistakes)),
                        ["part label", "photos", "right", "another", "mistakes"])]
    lines += ["", "Independently labelled plank landmarks (exc dataset 3):", "", plank_landmarks(data)]
    if missing:
        lines += ["", "not found: " + ", ".join(missing)]
    if classifier:
        from benchmarks.accuracy import SAMPLES

        lines += ["", "Hand rules against a k-NN classifier over normalised landmarks (held-aside part decides):", "",
                  compare_classifier(data, windows, split, cache, model, SAMPLES)]
    if out is not None:
        written = _draw_mistakes(data, mistakes, cache, model, Path(out), overlays)
        lines += ["", f"overlays of the worst frames in {out}:"] + [f"- {w}" for w in written]
    lines += ["", "reproduce: posecoach bench real" + (f" {data}" if data != DEFAULT_DATA else "")
              + (" --classifier" if classifier else "")
              + (f" --out {out}" if out else "")]
    return "\n".join(lines)


def dump_json(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, indent=1))
