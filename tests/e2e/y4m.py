"""Convert a clip to the raw YUV4MPEG2 file Chromium plays as a fake camera."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np


def _fit(rgb: np.ndarray, width: int, height: int) -> np.ndarray:
    """Letterbox an RGB frame into width x height (grey borders), keeping its aspect ratio."""
    h, w = rgb.shape[:2]
    scale = min(width / w, height / h)
    size = (max(2, int(round(w * scale))) // 2 * 2, max(2, int(round(h * scale))) // 2 * 2)
    small = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    canvas = np.full((height, width, 3), 128, np.uint8)
    y0, x0 = (height - size[1]) // 2, (width - size[0]) // 2
    canvas[y0:y0 + size[1], x0:x0 + size[0]] = small
    return canvas


def to_y4m(clip: Path, out: Path, width: int = 640, height: int = 480, fps: int = 30, max_frames: int | None = None,
           first_frame: int = 0) -> int:
    """Write ``clip`` from frame ``first_frame`` on as I420 YUV4MPEG2 at ``fps`` (frames are taken as they
    come); return the frame count."""
    import av

    n = 0
    with av.open(str(clip)) as container, open(out, "wb") as f:
        f.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode("ascii"))
        for i, frame in enumerate(container.decode(video=0)):
            if i < first_frame:
                continue
            rgb = _fit(frame.to_ndarray(format="rgb24"), width, height)
            f.write(b"FRAME\n")
            f.write(cv2.cvtColor(rgb[:, :, ::-1], cv2.COLOR_BGR2YUV_I420).tobytes())
            n += 1
            if max_frames is not None and n >= max_frames:
                break
    if n == 0:
        raise ValueError(f"{clip}: no frames decoded")
    return n
