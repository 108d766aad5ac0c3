"""The landmarker in a process of its own, fed frames through shared memory.

MediaPipe's Python binding takes the GIL several times per call (it hands the call to its own
thread and back, and turns the result into Python objects), so any Python running beside it
in the same process (decoding, judging, drawing) makes each call wait: the bare full model
went from 15.7 to 37.3 ms a frame beside a busy Python thread (`posecoach bench speed`). In a
process of its own the model waits for nothing, and this process decodes, judges and draws
on its other core meanwhile.

``ModelProcess`` is a ``PeopleAwareEstimator`` in a child process. ``submit(rgb, t_ms)`` hands
it a frame and returns at once; ``collect()`` returns the oldest submitted frame's
``Detection``, in order; ``detect(rgb, t_ms)`` does both. Frames are copied into one of
``depth`` shared slots (the child reads them in place), masks come back the same way, and
only the landmarks and a few numbers go through the pipe. A frame of another size than the
first goes through the pipe instead.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np

from posecoach.adapters.estimators.base import Detection

DEPTH = 2  # frames in flight: the child works on one while the next waits in its slot


class ModelProcessError(RuntimeError):
    """The model's process failed or stopped."""


@dataclass(frozen=True)
class _Slots:
    """``depth`` frames (H, W, 3) uint8 and masks float32 at the size the model sees the frames
    (``MAX_SIDE_PX``), in memory both processes map."""

    frames: object  # multiprocessing RawArray
    masks: object
    shape: tuple[int, int, int]
    mask_hw: tuple[int, int]
    depth: int

    @classmethod
    def create(cls, ctx, shape: tuple[int, int, int], depth: int) -> _Slots:
        from posecoach.adapters.estimators.landmarker import MAX_SIDE_PX
        from posecoach.adapters.video import scaled_size  # as the estimator shrinks the frame

        h, w, c = shape
        mw, mh = scaled_size(w, h, MAX_SIDE_PX)
        return cls(ctx.RawArray("B", depth * h * w * c), ctx.RawArray("B", depth * mh * mw * 4), shape, (mh, mw), depth)

    def views(self) -> tuple[np.ndarray, np.ndarray]:
        frames = np.frombuffer(self.frames, dtype=np.uint8).reshape(self.depth, *self.shape)
        masks = np.frombuffer(self.masks, dtype=np.float32).reshape(self.depth, *self.mask_hw)
        return frames, masks


def _serve(conn, model_path: str, masks: bool, slots: _Slots | None, people: bool) -> None:
    """The child: answer ("frame", slot or pixels, t_ms) with the detection, until None or
    until the parent has gone. Ctrl-C is the parent's to handle: it closes this process."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        _answer(conn, model_path, masks, slots, people)
    except (BrokenPipeError, EOFError, OSError):
        pass  # the parent has gone: nobody is left to tell


def _answer(conn, model_path: str, masks: bool, slots: _Slots | None, people: bool) -> None:
    from posecoach.adapters.estimators.landmarker import PoseEstimator
    from posecoach.adapters.estimators.people_aware import PeopleAwareEstimator

    try:  # the factory's "people" and "single" kinds (it opens this module, so not through it)
        kind = PeopleAwareEstimator if people else PoseEstimator
        estimator = kind(model_path, mode="video", masks=masks)
    except Exception as exc:
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
        return
    frames, mask_slots = slots.views() if slots is not None else (None, None)
    conn.send(("ready",))
    with estimator:
        while (msg := conn.recv()) is not None:
            if msg[0] == "changes":
                conn.send(("changes", estimator.person_changes))
                continue
            _, where, t_ms = msg
            try:
                rgb = frames[where] if isinstance(where, int) else where
                det = estimator.detect(rgb, t_ms)
            except Exception as exc:
                conn.send(("error", f"{type(exc).__name__}: {exc}"))
                return
            mask = det.mask
            if mask is not None and isinstance(where, int) and mask.shape == mask_slots.shape[1:]:
                mask_slots[where] = mask
                mask = "slot"  # else another size: through the pipe
            conn.send(("det", det.landmarks, mask, det.n_people))


class ModelProcess:
    """A ``PeopleAwareEstimator`` (VIDEO mode) in a child process; see the module doc.

    ``shape``: the frames' (height, width, 3), for the shared slots (frames of another shape
    still work, through the pipe). ``people`` False: a plain ``PoseEstimator`` (the model's
    first person, no search for others). Use as a context manager: closing stops the child.
    """

    pipelined: ClassVar[bool] = True

    def __init__(self, model_path: str | Path, masks: bool = False, shape: tuple[int, int, int] | None = None,
                 depth: int = DEPTH, people: bool = True) -> None:
        ctx = multiprocessing.get_context("spawn")  # a clean child: no threads or locks copied mid-use
        self.depth = depth
        self._slots = None
        if shape is not None:
            try:
                self._slots = _Slots.create(ctx, shape, depth)
            except OSError:  # no room for shared memory (a file size limit, a full /dev/shm): the pipe will do
                pass
        self._frames, self._masks = self._slots.views() if self._slots is not None else (None, None)
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve, args=(child, str(model_path), masks, self._slots, people),
                                 name="posecoach-model", daemon=True)
        self._proc.start()
        child.close()
        self._ready = False
        self._pending: deque[int | None] = deque()  # the slot of each frame in flight (None: sent inline)
        self._early: deque[Detection] = deque()  # detections received before they were collected
        self.exitcode: int | None = None  # the child's, once closed (0: it ended when asked)
        self._next_slot = 0
        self.silencing = False  # the child silences its own standard error, not this process's

    def __enter__(self) -> ModelProcess:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def in_flight(self) -> int:
        """Frames submitted and not yet collected."""
        return len(self._pending) + len(self._early)

    @property
    def pid(self) -> int | None:
        """The child's process id (None once closed)."""
        return None if self._proc is None else self._proc.pid

    def _recv(self) -> tuple:
        try:
            msg = self._conn.recv()
        except (EOFError, OSError):
            self._proc.join(timeout=5)
            raise ModelProcessError(f"the model's process stopped (exit code {self._proc.exitcode})") from None
        if msg[0] == "error":
            raise ModelProcessError(f"the model's process failed: {msg[1]}")
        return msg

    def _wait_ready(self) -> None:
        if not self._ready:
            self._recv()
            self._ready = True

    def submit(self, rgb: np.ndarray, t_ms: float) -> None:
        """Hand the child a frame (RGB uint8 (H, W, 3)); at most ``depth`` may wait uncollected."""
        if self.in_flight >= self.depth:
            raise ModelProcessError("collect a detection before submitting more frames")
        self._wait_ready()
        if self._frames is not None and rgb.shape == self._frames.shape[1:]:
            slot = self._next_slot
            self._next_slot = (slot + 1) % self.depth
            self._frames[slot] = rgb
            self._send(("frame", slot, float(t_ms)))
            self._pending.append(slot)
        else:
            # A frame this large and a mask coming back would each fill the pipe while the
            # other side writes too: take in the detections in flight first.
            while self._pending:
                self._early.append(self._receive())
            self._send(("frame", np.ascontiguousarray(rgb), float(t_ms)))
            self._pending.append(None)

    def _send(self, msg) -> None:
        try:
            self._conn.send(msg)
        except (BrokenPipeError, OSError):
            self._proc.join(timeout=5)
            raise ModelProcessError(f"the model's process stopped (exit code {self._proc.exitcode})") from None

    def collect(self) -> Detection:
        """The oldest submitted frame's detection (its mask copied out of the shared slot)."""
        return self._early.popleft() if self._early else self._receive()

    def _receive(self) -> Detection:
        slot = self._pending.popleft()
        _, landmarks, mask, n_people = self._recv()
        if isinstance(mask, str):
            mask = self._masks[slot].copy()
        return Detection(landmarks, mask, n_people)

    def detect(self, rgb: np.ndarray, t_ms: float) -> Detection:
        """``PoseEstimator.detect``: one frame, waiting for its detection."""
        while self.in_flight:
            self.collect()
        self.submit(rgb, t_ms)
        return self.collect()

    @property
    def person_changes(self) -> int:
        """How often the coached person changed (``PersonLock.changes``), asked of the child
        once the frames in flight are collected."""
        if self.in_flight:
            raise ModelProcessError("collect the frames in flight first")
        self._wait_ready()
        self._send(("changes",))
        return int(self._recv()[1])

    def close(self) -> None:
        """Stop the child (it closes its landmarker) and wait for it."""
        if self._proc is None:
            return
        try:
            self._conn.send(None)
        except (BrokenPipeError, OSError):
            pass
        # Read what it still sends (a detection in flight may not fit the pipe) until it ends.
        give_up_s = time.monotonic() + 10.0
        while self._proc.is_alive() and time.monotonic() < give_up_s:
            try:
                if self._conn.poll(0.05):
                    self._conn.recv()
            except (EOFError, OSError):
                self._proc.join(timeout=max(0.0, give_up_s - time.monotonic()))
                break
        if self._proc.is_alive():
            self._proc.kill()
        self._proc.join()
        self.exitcode = self._proc.exitcode
        self._conn.close()
        self._proc = None
