"""H.264 encoding of rendered frames (PyAV/libx264, yuv420p, constant frame rate)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np


class Mp4Writer:
    """Writes RGB frames (H, W, 3 uint8) to an .mp4 at ``fps`` frames per second."""

    def __init__(self, path: Path, width: int, height: int, fps: int = 30, crf: int = 24):
        self.container = av.open(str(path), mode="w", options={"movflags": "+faststart"})
        self.stream = self.container.add_stream("libx264", rate=Fraction(fps, 1))
        self.stream.width, self.stream.height = width, height
        self.stream.pix_fmt = "yuv420p"
        self.stream.options = {"crf": str(crf), "preset": "slow", "tune": "animation"}

    def write(self, rgb: np.ndarray) -> None:
        """Append one frame."""
        frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
        for packet in self.stream.encode(frame):
            self.container.mux(packet)

    def close(self) -> None:
        """Flush the encoder and close the file."""
        for packet in self.stream.encode():
            self.container.mux(packet)
        self.container.close()
