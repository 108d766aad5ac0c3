"""posecoach: a webcam coach for psoas and hip-flexor stretches."""

__version__ = "0.2.0"
