"""Render the curated clips into ``sample_videos/`` with their truth files and ``index.json``.

Usage (from the repository root, in the synthesis venv)::

    python -m tools.synth.make_samples [--only NAME[,NAME]] [--out DIR] [--jobs N]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from . import breathing as br
from .body import BODIES, Body, Pose, load_model
from .clips import CLIPS, Clip, Key
from .encode import Mp4Writer
from .poses import BUILDERS, Built, Solver, support_shift
from .scene import Camera, Prop, Renderer
from .truth import BANDS, FrameMeasure, checks, joints_2d_json, measure

FPS = 30
WIDTH, HEIGHT = 640, 480
ROOT = Path(__file__).resolve().parents[2]

_MODEL = None
_BODIES: dict[str, tuple[Body, Solver]] = {}
_REGIONS: dict[str, br.Regions] = {}


def _body(name: str) -> tuple[Body, Solver]:
    global _MODEL
    if _MODEL is None:
        _MODEL = load_model()
    if name not in _BODIES:
        b = Body.create(_MODEL, BODIES[name])
        _BODIES[name] = (b, Solver(b))
    return _BODIES[name]


def _smooth(w: float) -> float:
    return w * w * (3 - 2 * w)


def _blend(a: Pose, b: Pose, w: float) -> Pose:
    """Blend two poses key by key along the shorter way round each angle."""
    out = {}
    for k in set(a) | set(b):
        x, y = a.get(k, 0.0), b.get(k, 0.0)
        out[k] = x + w * ((y - x + 180.0) % 360.0 - 180.0)
    return out


def timeline(clip: Clip, built: list[Built]) -> list[dict]:
    """Per frame: pose, exercise label, phase and leg roles."""
    keys = clip.keys
    n = int(round(keys[-1].t * clip.fps)) + 1
    first_pose = next((i for i, k in enumerate(keys) if k.exercise), None)
    frames = []
    for i in range(n):
        t = i / clip.fps
        k = max(j for j in range(len(keys) - 1) if keys[j].t <= t + 1e-9) if t < keys[-1].t else len(keys) - 2
        a, b = keys[k], keys[k + 1]
        w = _smooth(min(1.0, max(0.0, (t - a.t) / max(b.t - a.t, 1e-9))))
        ex, phase = _label(clip, a, b, w, k, first_pose)
        dom = built[k] if w < 0.5 else built[k + 1]
        roles = dom.roles or built[k].roles or built[k + 1].roles
        frames.append({"pose": _blend(built[k].pose, built[k + 1].pose, w), "exercise": ex, "phase": phase, "roles": roles})
    return frames


def _label(clip: Clip, a: Key, b: Key, w: float, k: int, first_pose: int | None) -> tuple[str | None, str]:
    ea, eb = a.exercise, b.exercise
    if ea == eb:
        if ea:
            return ea, "hold"
        if clip.exercise is None or first_pose is None:
            return None, "none"
        return None, "enter" if k < first_pose else "exit"
    if ea is None:
        return (eb if w >= 0.9 else None), "enter"
    if eb is None:
        return (ea if w <= 0.1 else None), "exit"
    if w < 0.5:
        return (ea if w <= 0.1 else None), "exit"
    return (eb if w >= 0.9 else None), "enter"


def place_camera(clip: Clip, verts: np.ndarray) -> tuple[Camera, float]:
    """Camera for a clip: aims at the body's bounding box over all frames and backs off
    from the nominal distance until every frame fits in the picture."""
    lo, hi = verts.min(axis=(0, 1)), verts.max(axis=(0, 1))
    c = (lo + hi) / 2
    target = (float(c[0]), float(c[1]), float(min(max(c[2], 0.35), 1.2)))
    spec = clip.camera
    az = {"left": 0.0, "right": 180.0, "front": -90.0}[spec.view] + spec.yaw_off
    corners = np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])])
    d = spec.distance
    for _ in range(20):
        eye = (target[0] + d * math.cos(math.radians(az)), target[1] + d * math.sin(math.radians(az)), spec.height)
        cam = Camera(eye, target, width=WIDTH, height=HEIGHT)
        uv = cam.project(corners)
        if (
            uv[:, 0].min() > 0.04 * WIDTH
            and uv[:, 0].max() < 0.96 * WIDTH
            and uv[:, 1].min() > 0.04 * HEIGHT
            and uv[:, 1].max() < 0.96 * HEIGHT
        ):
            break
        d *= 1.08
    return cam, d


def render_clip(clip: Clip, out_dir: Path) -> dict:
    """Render one clip; write ``<name>.mp4`` and ``<name>.truth.json``; return its index entry."""
    t0 = time.time()
    body, sv = _body(clip.body)
    cache: dict[str, Built] = {}
    built = []
    for key in clip.keys:
        sig = json.dumps(key.ref, sort_keys=True)
        if sig not in cache:
            name, params = key.ref
            cache[sig] = BUILDERS[name](sv, **params)
        built.append(cache[sig])
    props: list[Prop] = next(
        (b.props for b, k in zip(built, clip.keys, strict=True) if k.exercise and b.props),
        next((b.props for b in built if b.props), []),
    )
    frames = timeline(clip, built)
    verts, heads = [], []
    for s in range(0, len(frames), 32):
        chunk = frames[s : s + 32]
        posed = body.forward([f["pose"] for f in chunk], np.zeros((len(chunk), 3)))
        for j in range(len(chunk)):
            dz = support_shift(posed.vertices[j], props)
            posed.vertices[j, :, 2] += dz
            posed.heads[j, :, 2] += dz
        verts.append(posed.vertices.astype(np.float32))
        heads.append(posed.heads)
    v_all = np.concatenate(verts)
    h_all = np.concatenate(heads)
    breath = breathe(clip, body, v_all, h_all) if clip.breathing else None
    cam, dist = place_camera(clip, v_all[::3])
    if breath is not None:
        in_image(breath, cam)
    renderer = Renderer(cam, props)
    writer = Mp4Writer(out_dir / f"{clip.name}.mp4", WIDTH, HEIGHT, clip.fps)
    truth_frames = []
    try:
        for i, f in enumerate(frames):
            writer.write(renderer.render(v_all[i].astype(np.float64), body.faces, body.colours))
            truth_frames.append(frame_truth(clip, body, cam, h_all[i], v_all[i].astype(np.float64), f, i))
    finally:
        writer.close()
        renderer.close()
    exercises = list(clip.exercises) or ([clip.exercise] if clip.exercise else [])
    hold = [f for f in truth_frames if f["exercise"]] or truth_frames
    side = Counter(f["side"] for f in hold).most_common(1)[0][0]
    view = Counter(f["view"] for f in hold).most_common(1)[0][0]
    eye = np.array(cam.eye)
    truth = {
        "schema": 1,
        "kind": "truth",
        "clip": f"{clip.name}.mp4",
        "width": WIDTH,
        "height": HEIGHT,
        "fps": float(clip.fps),
        "exercise": clip.exercise,
        "exercises": exercises,
        "variant": clip.variant,
        "fault": clip.fault,
        "profile": clip.profile,
        "note": clip.note,
        "body": BODIES[clip.body].describe(),
        "camera": {
            "view": clip.camera.view if clip.camera.view == "front" else "side",
            "sees_side": None if clip.camera.view == "front" else clip.camera.view,
            "yaw_off_side_deg": clip.camera.yaw_off,
            "height_m": round(float(eye[2]), 3),
            "distance_m": round(float(dist), 3),
            "eye": [round(float(x), 3) for x in cam.eye],
            "target": [round(float(x), 3) for x in cam.target],
            "yfov_deg": cam.yfov_deg,
        },
        "props": [
            {"kind": p.kind, "name": p.name, "centre": [round(x, 3) for x in p.centre], "size": [round(x, 3) for x in p.size]}
            for p in props
        ],
        "bands": {k: v for e in exercises for k, v in BANDS.get(e, {}).items()},
        "frames": truth_frames,
    }
    if breath is not None:
        truth["breathing"] = breath
    (out_dir / f"{clip.name}.truth.json").write_text(json.dumps(truth, separators=(",", ":")) + "\n")
    print(f"{clip.name}: {len(frames)} frames in {time.time() - t0:.1f} s", file=sys.stderr, flush=True)
    entry = {
        "clip": f"{clip.name}.mp4",
        "truth": f"{clip.name}.truth.json",
        "exercise": clip.exercise,
        "exercises": exercises,
        "variant": clip.variant,
        "fault": clip.fault,
        "profile": clip.profile,
        "side": side,
        "view": view,
        "body": clip.body,
        "frames": len(frames),
        "seconds": round(len(frames) / clip.fps, 2),
        "demo": clip.demo,
        "note": clip.note,
    }
    if clip.title:
        entry["title"] = clip.title
    if clip.fps != FPS:
        entry["fps"] = float(clip.fps)
    if breath is not None:
        entry["breathing"] = {
            k: breath[k] for k in ("pattern", "rate_bpm", "inhale_s", "exhale_s", "belly_mm", "chest_mm", "belly_px", "chest_px")
        }
    return entry


def _regions(clip: Clip, body: Body) -> br.Regions:
    if clip.body not in _REGIONS:
        _REGIONS[clip.body] = br.region_weights(body)
    return _REGIONS[clip.body]


def breathe(clip: Clip, body: Body, v_all: np.ndarray, h_all: np.ndarray) -> dict:
    """Move the belly and chest walls of every frame (in place) by the clip's breathing
    pattern, and the hands resting on them when they ride; return the truth's ``breathing``
    record, measured on the moved vertices."""
    spec = clip.breathing
    assert spec is not None
    regions = _regions(clip, body)
    n = len(v_all)
    end = (n - 1) / clip.fps
    breaths = br.schedule(spec, end)
    start_i = int(math.ceil(spec.start * clip.fps - 1e-9))
    riders = br.riders(body, v_all[start_i].astype(np.float64), h_all[start_i]) if spec.hands_ride else None
    belly_t, chest_t = np.zeros(n), np.zeros(n)
    walls: dict[str, list] = {"belly": [0.0, None, None], "chest": [0.0, None, None]}  # largest move: mm, from, to
    for i in range(n):
        lv = br.level(breaths, i / clip.fps)
        if lv == 0.0:
            continue
        base = v_all[i].astype(np.float64)
        moved = br.displace(base, body.faces, regions, spec.belly_mm * lv, spec.chest_mm * lv)
        belly_t[i], chest_t[i] = br.measured_mm(base, moved, body.faces, regions)
        for name, mm in (("belly", belly_t[i]), ("chest", chest_t[i])):
            if abs(mm) > abs(walls[name][0]):
                ix = regions.full[name]
                walls[name] = [mm, base[ix].mean(axis=0), moved[ix].mean(axis=0)]
        if riders is not None:
            moved, h_all[i] = br.ride(base, moved, h_all[i], riders)
        v_all[i] = moved.astype(np.float32)
    whole = [b for b in breaths if b.t2 <= end + 1e-9]

    def ptp(x: np.ndarray) -> float:
        """Peak to peak, signed by the larger excursion from rest (negative: the wall moves in)."""
        lo, hi = float(x.min()), float(x.max())
        return round(hi - lo if hi >= -lo else lo - hi, 2)

    return {
        "pattern": spec.pattern,
        "rate_bpm": round(60.0 * len(whole) / sum(b.t2 - b.t0 for b in whole), 3) if whole else 0.0,
        "inhale_s": round(float(np.mean([b.t1 - b.t0 for b in whole])), 3) if whole else 0.0,
        "exhale_s": round(float(np.mean([b.t2 - b.t1 for b in whole])), 3) if whole else 0.0,
        "belly_mm": ptp(belly_t[start_i:]),
        "chest_mm": ptp(chest_t[start_i:]),
        "start_ms": int(round(spec.start * 1000)),
        "end_ms": int(round(end * 1000)),
        "breaths": [[int(round(b.t0 * 1000)), int(round(b.t1 * 1000)), int(round(b.t2 * 1000))] for b in breaths],
        "nominal": {"rate_bpm": round(spec.rate_bpm, 3), "inhale_s": spec.inhale_s if breaths else 0.0,
                    "exhale_s": spec.exhale_s if breaths else 0.0,
                    "belly_mm": spec.belly_mm, "chest_mm": spec.chest_mm, "jitter": spec.jitter,
                    "depth_jitter": spec.depth_jitter, "seed": spec.seed},
        "measure": "mean displacement, along the wall's outward normal, of the mesh vertices at full weight of "
                   "the belly (navel to pit of the stomach) and chest (sternum) regions; see tools/synth/breathing.py",
        "_walls": walls,
        "t_ms": [int(round(i * 1000 / clip.fps)) for i in range(n)],
        "belly_mm_t": [round(float(x), 2) for x in belly_t],
        "chest_mm_t": [round(float(x), 2) for x in chest_t],
    }


def in_image(breath: dict, cam: Camera) -> None:
    """Add to a breathing record how far each wall's centre moves in the picture at its
    largest excursion (pixels, ``belly_px``, ``chest_px``) and the pixels per millimetre there."""
    walls = breath.pop("_walls")
    out = {}
    for name, (mm, a, b) in walls.items():
        if a is None:
            out[f"{name}_px"], out[f"{name}_px_per_mm"] = 0.0, None
            continue
        uv = cam.project(np.stack([a, b]))
        px = float(np.linalg.norm(uv[1] - uv[0]))
        out[f"{name}_px"] = round(px, 2)
        out[f"{name}_px_per_mm"] = round(px / abs(mm), 4)
    keys = list(breath)
    at = keys.index("end_ms") + 1
    items = list(breath.items())
    breath.clear()
    breath.update(dict(items[:at]))
    breath.update(out)
    breath.update(dict(items[at:]))


def frame_truth(clip: Clip, body: Body, cam: Camera, heads: np.ndarray, verts: np.ndarray, f: dict, i: int) -> dict:
    """The truth record of one frame."""
    m = FrameMeasure(body, heads, verts, f["pose"], cam)
    ex = f["exercise"]
    a2, a3, extra = measure(m, ex, f["roles"])
    variant = clip.variant if ex == clip.exercise else None
    side_code = extra["side"]
    if ex in ("lunge", "pigeon", "knee_to_chest", "edge_hang"):
        side = {"L": "left", "R": "right"}[side_code]
    else:
        side = m.facing
    rec = {
        "t_ms": int(round(i * 1000 / clip.fps)),
        "exercise": ex,
        "phase": f["phase"],
        "facing": m.facing,
        "side": side,
        "view": m.view,
        "angles_2d": a2,
        "angles_3d": a3,
        "lumbar_curve": extra["lumbar_curve"],
        "lumbar_curve_2d": extra["lumbar_curve_2d"],
        "joints_2d": joints_2d_json(m),
        "checks": checks(ex, a2, extra["lumbar_curve_2d"], m.view, clip.profile, variant),
    }
    if clip.breathing is not None:  # long clips: a lean record (no 3D angles or null angles, whole pixels)
        del rec["angles_3d"]
        rec["angles_2d"] = {k: v for k, v in a2.items() if v is not None}
        rec["joints_2d"] = {k: [round(float(v[0])), round(float(v[1]))] for k, v in m.j2.items()}
    return rec


def _worker(args: tuple[str, str]) -> dict:
    name, out = args
    clip = next(c for c in CLIPS if c.name == name)
    return render_clip(clip, Path(out))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="", help="comma-separated clip names")
    ap.add_argument("--out", default=str(ROOT / "sample_videos"))
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    names = [c.name for c in CLIPS if not args.only or c.name in args.only.split(",")]
    t0 = time.time()
    if args.jobs > 1 and len(names) > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            entries = list(pool.map(_worker, [(n, str(out)) for n in names]))
    else:
        entries = [_worker((n, str(out))) for n in names]
    index_path = out / "index.json"
    old = json.loads(index_path.read_text())["clips"] if (args.only and index_path.exists()) else []
    merged = {e["clip"]: e for e in old}
    merged.update({e["clip"]: e for e in entries})
    order = [f"{c.name}.mp4" for c in CLIPS]
    clips = [merged[c] for c in order if c in merged]
    index = {
        "schema": 1,
        "kind": "sample_index",
        "generator": "tools/synth/make_samples.sh",
        "width": WIDTH,
        "height": HEIGHT,
        "fps": float(FPS),
        "clips": clips,
    }
    index_path.write_text(json.dumps(index, indent=1) + "\n")
    if not args.only:  # drop clips that are no longer in the list
        keep = {f"{c.name}{ext}" for c in CLIPS for ext in (".mp4", ".truth.json")}
        for f in [*out.glob("*.mp4"), *out.glob("*.truth.json")]:
            if f.name not in keep:
                f.unlink()
    print(f"{len(entries)} clips in {time.time() - t0:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
