"""Adapters around the core: model files, MediaPipe, video, drawing, storage."""
