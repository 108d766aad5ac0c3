"""The pose estimators: MediaPipe's landmarker (landmarker.py), the one that keeps to one person
(people_aware.py) and the landmarker in a process of its own (model_process.py). Nothing is
imported here, so the model's process starts without loading what it does not use."""
