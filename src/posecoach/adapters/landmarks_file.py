"""The landmarks file: the raw pose per frame, so a session can be re-scored without the
model. Format in the report contract (``kind: "landmarks"``, schema 1).

A file is read a piece at a time and each frame is checked and kept as an array as soon as it
is read, so memory grows with the frames kept, not with several copies of the text; numbers
too large for a float, nesting too deep to parse and a frame too large to draw are refused
with the file and the key named, like every other fault.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from json.decoder import WHITESPACE
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from posecoach.adapters.safe_read import MAX_LANDMARKS_BYTES, NESTED_TOO_DEEPLY, UnreadableFile, open_regular
from posecoach.adapters.video import MAX_PIXELS, InputError

if TYPE_CHECKING:
    from posecoach.adapters.store import StoredSession

SCHEMA = 1
MAX_SIDE_PX = 100_000
MAX_FPS = 10_000.0
MAX_T_MS = 1e12  # about 31 years: any time beyond is a fault, not a recording
MAX_MEASURE = 1e6  # a landmark's z and an image measure (brightness and the like are 0..1)
CHUNK_CHARS = 1 << 20  # read this much of the text at a time
LOOKAHEAD = 8  # characters after a value read before it counts as whole


@dataclass
class LandmarksDoc:
    """A whole landmarks file in memory. ``frames`` hold t_ms, (33, 4) array or None, and
    image measures. ``carried``: the indices of frames the review did not analyse (written
    with ``"analysed": false``; their pose is the analysed frame's before them)."""

    width: int
    height: int
    fps: float | None
    model: str | None
    model_sha256: str | None
    frames: list[tuple[float, np.ndarray | None, dict[str, float]]] = field(default_factory=list)
    carried: frozenset[int] = frozenset()


def _bad(path: Path, key: str, problem: str, line: int | None = None) -> InputError:
    where = f"{path}" + (f", line {line}" if line else "")
    return InputError(f"{where}: {key}: {problem}" if key else f"{where}: {problem}")


def _shown(value: Any) -> str:
    """A short description of a JSON value, without walking into lists or objects."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return json.dumps(value)[:40]


def _range(low: float, high: float) -> str:
    return f"{low:g}..{high:g}"


def _number(path: Path, value: Any, key: str, low: float = -MAX_MEASURE, high: float = MAX_MEASURE) -> float:
    """A finite number within low..high (a literal too large for a float is out of range)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _bad(path, key, f"must be a number, not {_shown(value)}")
    try:
        number = float(value)
    except OverflowError:
        number = math.copysign(math.inf, value)
    if not math.isfinite(number):
        raise _bad(path, key, f"is too large a number (must be within {_range(low, high)})")
    if not low <= number <= high:
        raise _bad(path, key, f"{value} is out of range {_range(low, high)}")
    return number


def _int_literal(text: str) -> int | float:
    """An integer literal; one too long for an exact int is read as a float (inf if it must)."""
    return int(text) if len(text) <= 18 else float(text)


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


_DECODER = json.JSONDecoder(parse_constant=_no_constant, parse_int=_int_literal)


class _JsonStream:
    """JSON text taken a piece at a time from ``read(n)``; values are decoded one at a time."""

    def __init__(self, path: Path, read: Callable[[int], str], chunk_chars: int = CHUNK_CHARS) -> None:
        self.path, self._read, self._chunk = path, read, max(1, chunk_chars)
        self.buf, self.pos, self.lines_before, self.eof = "", 0, 0, False

    def _fill(self) -> bool:
        """Append more text (as much again as the value being read: linear for a long one)."""
        if self.eof:
            return False
        more = self._read(max(self._chunk, len(self.buf) - self.pos))
        if not more:
            self.eof = True
            return False
        self.lines_before += self.buf.count("\n", 0, self.pos)
        self.buf, self.pos = self.buf[self.pos:] + more, 0
        return True

    def _cut_short(self, exc: json.JSONDecodeError) -> bool:
        """Whether more text could mend the fault: it is at the end, or a string runs into it."""
        return exc.pos >= len(self.buf) - LOOKAHEAD or exc.msg.startswith("Unterminated string")

    def error(self, problem: str, pos: int | None = None) -> InputError:
        at = self.pos if pos is None else pos
        return _bad(self.path, "", problem, self.lines_before + self.buf.count("\n", 0, at) + 1)

    def peek(self) -> str:
        """The next character that is not white space ("" at the end)."""
        while True:
            self.pos = WHITESPACE.match(self.buf, self.pos).end()
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._fill():
                return ""

    def take(self, char: str) -> bool:
        if self.peek() != char:
            return False
        self.pos += 1
        return True

    def expect(self, char: str, problem: str) -> None:
        if not self.take(char):
            raise self.error(f"not valid JSON ({problem})")

    def value(self) -> Any:
        """The next JSON value, however it is cut across pieces."""
        self.peek()
        while True:
            try:
                obj, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self._cut_short(exc) and self._fill():
                    continue
                raise self.error(f"not valid JSON ({exc.msg})", exc.pos) from None
            except RecursionError:
                raise self.error(NESTED_TOO_DEEPLY) from None
            except ValueError as exc:  # NaN or Infinity
                raise _bad(self.path, "", str(exc)) from None
            if len(self.buf) - end < LOOKAHEAD and self._fill():
                continue  # a number may go on in the next piece ("0." or "1e+" ends a piece)
            self.pos = end
            return obj


class _Frames:
    """Checks each frame as it is read and keeps it compact; the first fault is kept for later,
    so that a wrong header (a report passed by mistake) is named before a frame is."""

    def __init__(self, path: Path) -> None:
        self.path, self.seen = path, False
        self.items: list[tuple[float, np.ndarray | None, dict[str, float]]] = []
        self.fault: InputError | None = None
        self._last_t, self._names = -math.inf, {}
        self.carried: set[int] = set()

    def start(self) -> None:
        self.seen, self.items, self.fault, self._last_t = True, [], None, -math.inf
        self.carried = set()

    def add(self, i: int, raw: Any) -> None:
        if self.fault is not None:
            return
        try:
            self.items.append(self._frame(f"frames[{i}]", raw))
            if raw.get("analysed", True) is False:
                self.carried.add(len(self.items) - 1)
        except InputError as exc:
            self.fault, self.items = exc, []

    def _frame(self, key: str, f: Any) -> tuple[float, np.ndarray | None, dict[str, float]]:
        if not isinstance(f, dict):
            raise _bad(self.path, key, "must be an object")
        if "t_ms" not in f:
            raise _bad(self.path, f"{key}.t_ms", "missing")
        t = _number(self.path, f["t_ms"], f"{key}.t_ms", 0, MAX_T_MS)
        if t <= self._last_t:
            raise _bad(self.path, f"{key}.t_ms", f"{t} does not increase (previous {self._last_t})")
        self._last_t = t
        return t, _landmarks(self.path, f"{key}.landmarks", f.get("landmarks")), self._measures(key, f)

    def _measures(self, key: str, f: dict) -> dict[str, float]:
        measures = f.get("image_measures", {}) or {}
        if not isinstance(measures, dict):
            raise _bad(self.path, f"{key}.image_measures", "must be an object")
        clean = {}
        for name, value in measures.items():
            if value is not None:
                clean[self._names.setdefault(name, name)] = _number(self.path, value, f"{key}.image_measures.{name}")
        return clean


def _landmarks(path: Path, key: str, rows: Any) -> np.ndarray | None:
    """33 rows of [x, y, z, visibility] as a (33, 4) array, or None."""
    if rows is None:
        return None
    if not isinstance(rows, list) or len(rows) != 33:
        raise _bad(path, key, "must be null or 33 rows of [x, y, z, visibility]")
    try:
        arr = np.array(rows, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise _bad(path, key, "rows must hold 4 numbers each") from None
    if arr.shape != (33, 4):
        raise _bad(path, key, "rows must hold 4 numbers each")
    if not np.isfinite(arr).all():
        raise _bad(path, key, "holds a value that is not a finite number (or is too large)")
    if (arr[:, 3] < 0).any() or (arr[:, 3] > 1).any():
        raise _bad(path, key, "visibility must be within 0..1")
    if (np.abs(arr[:, :2]) > 10).any():
        raise _bad(path, key, "x and y must be normalised (about 0..1)")
    if (np.abs(arr[:, 2]) > MAX_MEASURE).any():
        raise _bad(path, key, f"z must be within {_range(-MAX_MEASURE, MAX_MEASURE)}")
    return arr


def _walk(stream: _JsonStream, frames: _Frames) -> dict[str, Any]:
    """The top-level object's values but ``frames``, whose elements go to ``frames`` one by one."""
    if stream.peek() != "{":
        stream.value()
        _end(stream)
        raise _bad(stream.path, "", "must be a JSON object")
    stream.pos += 1
    head: dict[str, Any] = {}
    if stream.take("}"):
        _end(stream)
        return head
    while True:
        if stream.peek() != '"':
            raise stream.error("not valid JSON (Expecting property name enclosed in double quotes)")
        key = stream.value()
        stream.expect(":", "Expecting ':' delimiter")
        if key == "frames" and stream.peek() == "[":
            head.pop("frames", None)
            _walk_list(stream, frames)
        else:
            head[key] = stream.value()
        if stream.take(","):
            continue
        stream.expect("}", "Expecting ',' delimiter")
        _end(stream)
        return head


def _walk_list(stream: _JsonStream, frames: _Frames) -> None:
    stream.pos += 1
    frames.start()
    if stream.take("]"):
        return
    i = 0
    while True:
        frames.add(i, stream.value())
        i += 1
        if stream.take(","):
            continue
        stream.expect("]", "Expecting ',' delimiter")
        return


def _end(stream: _JsonStream) -> None:
    if stream.peek() != "":
        raise stream.error("not valid JSON (Extra data)")


def _text_or_none(path: Path, head: dict[str, Any], key: str) -> str | None:
    value = head.get(key)
    if value is not None and not isinstance(value, str):
        raise _bad(path, key, f"must be text or null, not {_shown(value)}")
    return value


def _document(p: Path, head: dict[str, Any], frames: _Frames) -> LandmarksDoc:
    """Check the header, then hand over the frames (or the first fault found in them)."""
    if head.get("kind") != "landmarks":
        raise _bad(p, "kind", f"must be \"landmarks\", not {_shown(head.get('kind'))}")
    if head.get("schema") != SCHEMA:
        raise _bad(p, "schema", f"unsupported schema {_shown(head.get('schema'))} (expected {SCHEMA})")
    for key in ("width", "height", "frames"):
        if key not in head and not (key == "frames" and frames.seen):
            raise _bad(p, key, "missing")
    width = int(_number(p, head["width"], "width", 1, MAX_SIDE_PX))
    height = int(_number(p, head["height"], "height", 1, MAX_SIDE_PX))
    if width * height > MAX_PIXELS:  # what --annotate would draw on, a frame at a time
        raise _bad(p, "width x height", f"{width} x {height} is more than the {MAX_PIXELS / 1e6:g} megapixels "
                                        "a frame may have")
    fps = head.get("fps")
    fps = None if fps is None else _number(p, fps, "fps", 0, MAX_FPS)
    if "frames" in head:
        raise _bad(p, "frames", "must be a list")
    doc = LandmarksDoc(width, height, fps, _text_or_none(p, head, "model"), _text_or_none(p, head, "model_sha256"))
    if frames.fault is not None:
        raise frames.fault
    doc.frames = frames.items
    doc.carried = frozenset(frames.carried)
    return doc


def _parse(p: Path, read: Callable[[int], str], chunk_chars: int = CHUNK_CHARS) -> LandmarksDoc:
    stream, frames = _JsonStream(p, read, chunk_chars), _Frames(p)
    head = _walk(stream, frames)
    return _document(p, head, frames)


def parse_landmarks(path: str | Path, text: str, chunk_chars: int = CHUNK_CHARS) -> LandmarksDoc:
    """Validate and load a landmarks file's text; raise InputError naming file, line and key.

    The text is taken ``chunk_chars`` characters at a time, as a file is read (any size gives
    the same result: the tests cut it everywhere)."""
    at = [0]

    def read(n: int) -> str:
        piece = text[at[0]:at[0] + n]
        at[0] += len(piece)
        return piece

    return _parse(Path(path), read, chunk_chars)


def read_landmarks(path: str | Path) -> LandmarksDoc:
    """Read a landmarks file (a regular file of at most MAX_LANDMARKS_BYTES) a piece at a time."""
    p = Path(path)
    try:
        raw = open_regular(p, MAX_LANDMARKS_BYTES)
    except UnreadableFile as exc:
        raise InputError(f"{p}: {exc.problem}") from None
    with io.TextIOWrapper(raw, encoding="utf-8-sig") as text:  # a byte-order mark, as some editors write, is no fault
        seen = [0]

        def read(n: int) -> str:
            try:
                piece = text.read(n)
            except UnicodeDecodeError:
                raise InputError(f"{p}: not a UTF-8 JSON landmarks file") from None
            except OSError as exc:
                raise InputError(f"{p}: cannot be read ({exc.strerror or type(exc).__name__})") from None
            seen[0] += len(piece)
            if seen[0] > MAX_LANDMARKS_BYTES:
                raise InputError(f"{p}: is too large (grew past {MAX_LANDMARKS_BYTES >> 30} GiB while read)")
            return piece

        return _parse(p, read)


def looks_like_landmarks(path: Path) -> bool:
    """A .json input is a landmarks file."""
    return path.suffix.lower() == ".json"


class LandmarksRecorder:
    """Collects frames for ``--landmarks-out``."""

    def __init__(self, width: int, height: int, fps: float | None, model: str, model_sha256: str) -> None:
        sane_fps = fps if fps is not None and math.isfinite(fps) and 0 <= fps <= MAX_FPS else None
        self.head = {"schema": SCHEMA, "kind": "landmarks", "width": width, "height": height, "fps": sane_fps,
                     "model": model, "model_sha256": model_sha256}
        self.frames: list[dict] = []

    def add(self, t_ms: float, landmarks: np.ndarray | None, image_measures: dict[str, float],
            analysed: bool = True) -> None:
        """One frame; ``analysed`` False: a frame the review skipped, holding the pose of the
        analysed frame before it (re-scoring carries that frame forward, as the review did)."""
        rows = None if landmarks is None else [[round(float(v), 5) for v in row] for row in landmarks]
        measures = {k: round(float(v), 5) for k, v in image_measures.items() if v is not None and math.isfinite(v)}
        frame = {"t_ms": round(t_ms, 3), "landmarks": rows, "image_measures": measures}
        if not analysed:
            frame["analysed"] = False
        self.frames.append(frame)

    def document(self) -> dict:
        return {**self.head, "frames": self.frames}


def landmarks_document(stored: StoredSession) -> dict:
    """A stored session as the contract's landmarks file (``kind: "landmarks"``, schema 1)."""
    from posecoach.adapters.store import StoreError

    info = stored.info
    if not stored.frames or not info.width or not info.height:
        raise StoreError(f"session {info.id} holds no frames to export")
    recorder = LandmarksRecorder(info.width, info.height, info.fps, info.model or "unknown", info.model_sha256 or "")
    for frame in stored.frames:
        recorder.add(frame.t_ms, frame.landmarks, frame.image_measures)
    return recorder.document()
