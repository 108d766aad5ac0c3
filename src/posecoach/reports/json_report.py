"""Build the JSON report of the analysis contract from the coach's FrameResults."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from posecoach.core.breathing import BreathingReading, breathing_summary
from posecoach.core.coach import FrameResult
from posecoach.core.holds import HoldSet

SCHEMA = 1


@dataclass
class ReportBuilder:
    """Accumulates frames; ``document()`` returns the report as a JSON-ready dict."""

    input_name: str
    width: int
    height: int
    fps: float | None
    stride: int
    model: str
    model_sha256: str
    profile: str
    exercise_arg: str | None
    analysis: dict = field(default_factory=lambda: {"rate": "fixed", "workers": 1, "scaled_to": None, "max_stride": 1,
                                                    "max_gap_ms": None})
    min_segment_ms: float = 2000.0
    frames: list[dict] = field(default_factory=list)
    skipped_frames: int = 0
    people_changes: int = 0  # how often the coached person changed to someone else

    def add(self, r: FrameResult, people: int | None = None, analysed: bool = True) -> None:
        """One frame; ``people`` is how many people the model found in it (None: not known);
        ``analysed`` False: the rate skipped it and its result is the frame before's, carried."""
        self.frames.append({
            "t_ms": round(r.t_ms, 1) if not float(r.t_ms).is_integer() else int(r.t_ms),
            "pose": r.pose,
            "exercise": r.exercise,
            "facing": r.facing,
            "side": r.side,
            "view": r.view if r.view in ("side", "front", "back") else None,  # the contract's views
            "view_class": r.view,  # also "oblique": between side and front, side-view checks unknown
            "angles": {k: (None if v is None or not math.isfinite(v) else v) for k, v in r.angles.items()},
            "checks": dict(r.checks),
            "cues": list(r.cues),
            "confidence": round(r.confidence, 2),
            "hold_s": round(r.hold.good_form_s, 2) if r.hold.exercise else None,
            "people": people,
            "depth_deg": None if r.depth_deg is None else round(r.depth_deg, 1),
            "analysed": analysed,
            "breathing": breathing_dict(r.breathing),
        })

    def _segments(self) -> list[dict]:
        """Runs of one exercise lasting at least ``min_segment_ms``; short runs are transitions."""
        runs: list[list] = []
        for f in self.frames:
            ex = f["exercise"] if f["pose"] else None
            if runs and runs[-1][0] == ex:
                runs[-1][2] = f["t_ms"]
            else:
                runs.append([ex, f["t_ms"], f["t_ms"]])
        frame_ms = 1000.0 / self.fps if self.fps else 0.0
        out: list[dict] = []
        for ex, start, end in runs:
            if ex is None or (end - start + frame_ms) < self.min_segment_ms and len(self.frames) > 1:
                continue
            if out and out[-1]["exercise"] == ex:
                out[-1]["end_ms"] = round(end + frame_ms)
            else:
                out.append({"exercise": ex, "start_ms": round(start), "end_ms": round(end + frame_ms)})
        return out

    def _overall_exercise(self, segments: list[dict]) -> str | None:
        if self.exercise_arg not in (None, "auto"):
            return self.exercise_arg
        if not segments:
            # A single image (or a clip too short for a segment) takes its frames' majority.
            votes = Counter(f["exercise"] for f in self.frames if f["pose"])
            top = votes.most_common(1)
            return top[0][0] if top and top[0][1] * 2 > len(self.frames) else None
        total: dict[str, float] = defaultdict(float)
        for s in segments:
            total[s["exercise"]] += s["end_ms"] - s["start_ms"]
        return max(total, key=total.get)

    def _people(self) -> dict:
        """The most people seen in one frame, frames with someone besides the coached person, and
        how often the coached person changed (null counts when not known, as when re-scoring)."""
        counts = [f["people"] for f in self.frames if f["people"] is not None]
        if not counts:
            return {"most": None, "frames_with_others": None, "coached_person_changes": None}
        return {"most": max(counts), "frames_with_others": sum(1 for c in counts if c > 1),
                "coached_person_changes": self.people_changes}

    def _analysis(self) -> dict:
        """How the frames were analysed, with how many were and how many carried the one before."""
        analysed = sum(1 for f in self.frames if f["analysed"])
        return {**self.analysis, "frames_analysed": analysed, "frames_carried": len(self.frames) - analysed}

    def document(self, holds: list[HoldSet]) -> dict:
        checks: dict[str, Counter] = defaultdict(Counter)
        for f in self.frames:
            for cid, verdict in f["checks"].items():
                checks[cid][verdict] += 1
        segments = self._segments()
        return {
            "schema": SCHEMA, "kind": "report", "input": self.input_name,
            "width": self.width, "height": self.height, "fps": self.fps,
            "stride": self.stride, "skipped_frames": self.skipped_frames, "analysis": self._analysis(),
            "model": self.model, "model_sha256": self.model_sha256, "profile": self.profile,
            "exercise": self._overall_exercise(segments),
            "frames": self.frames,
            "summary": {
                "frames": len(self.frames),
                "pose_frames": sum(1 for f in self.frames if f["pose"]),
                "checks": {cid: {"pass": c["pass"], "fail": c["fail"], "unknown": c["unknown"]} for cid, c in checks.items()},
                "holds": [h.as_dict() for h in holds],
                "segments": segments,
                "people": self._people(),
                "stretch_depth": self._depths(),
                "breathing": self._breathing(segments),
            },
        }

    def _breathing(self, segments: list[dict]) -> dict:
        """The breathing of the session and of each segment of a breathing exercise (medians of
        the known readings, seconds known, the main reason when none was; core.breathing)."""
        def pairs(frames):
            return ((f["t_ms"], _reading(f["breathing"])) for f in frames)

        per_segment = []
        for s in segments:
            inside = [f for f in self.frames if s["start_ms"] <= f["t_ms"] < s["end_ms"] and f["exercise"] == s["exercise"]]
            if any(f["breathing"] is not None for f in inside):
                per_segment.append({"exercise": s["exercise"], "start_ms": s["start_ms"], "end_ms": s["end_ms"],
                                    **breathing_summary(pairs(inside))})
        return {"session": breathing_summary(pairs(self.frames)), "segments": per_segment}

    def _depths(self) -> list[dict]:
        """The deepest stretch held with good form for a second, per exercise and side (degrees)."""
        best: dict[tuple[str, str | None], float] = {}
        for f in self.frames:
            d = f.get("depth_deg")
            if d is not None and f["exercise"] is not None:
                key = (f["exercise"], f["side"])
                best[key] = max(best.get(key, d), d)
        return [{"exercise": ex, "side": side, "depth_deg": d} for (ex, side), d in best.items()]


def breathing_dict(reading: BreathingReading | None) -> dict | None:
    """A frame's breathing reading as the report keeps it (None: no breathing exercise)."""
    if reading is None:
        return None
    return {"state": reading.state, "rate_bpm": reading.rate_bpm, "inhale_s": reading.inhale_s,
            "exhale_s": reading.exhale_s, "pattern": reading.pattern, "belly_share": reading.belly_share,
            "reason": reading.reason, "window_s": round(reading.window_s, 1)}


def _reading(d: dict | None) -> BreathingReading | None:
    return None if d is None else BreathingReading(d["state"], d["rate_bpm"], d["inhale_s"], d["exhale_s"], d["pattern"],
                                                   d["belly_share"], d["reason"], d["window_s"])
