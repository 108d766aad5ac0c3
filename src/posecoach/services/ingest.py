"""A video file analysed into the store as a session, as if it had been coached live: the
landmarks, image measures and verdicts of every frame, the holds, and (if asked) a copy of
the video for annotated playback. Used by the Review page's upload and by tests. Like
`posecoach analyze` and the live page, it keeps to one person when others come into view."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from posecoach.adapters.estimators.factory import open_estimator
from posecoach.adapters.models import ModelInfo
from posecoach.adapters.store import Store
from posecoach.adapters.video import VideoReader
from posecoach.engine.session import Session, needs_mask
from posecoach.exercises.catalogue import Catalogue

Progress = Callable[[int, int], None]  # (frames done, frames expected or 0)


def analyse_into_store(path: Path, store: Store, person: int, catalogue: Catalogue, exercise: str | None,
                       model: ModelInfo, *, profile_toml: str | None = None, keep_video: bool = True,
                       source: str | None = None, on_progress: Progress | None = None) -> int:
    """Analyse ``path`` with the pose model and store it; return the new session's id.

    Raises ``InputError`` for an unreadable video before anything is stored. A failure
    part-way keeps what was analysed so far, in a session left without an end time.
    """
    with VideoReader(path) as reader:
        info = reader.info
        writer = store.start_session(
            person, exercise_arg=exercise or "auto", profile_name=catalogue.profile, profile_toml=profile_toml,
            model=model.variant, model_sha256=model.sha256, width=info.width, height=info.height, fps=info.fps,
            source=source or f"file:{path.name}", belly_share_min=catalogue.breathing.belly_share_min,
        )
        session = Session(catalogue, exercise, None)
        done = 0
        try:
            with open_estimator(model.path, "people", mode="video", masks=needs_mask(catalogue, exercise)) as estimator:
                session.estimator = estimator
                for frame in reader.frames():
                    result = session.step(frame.rgb, frame.t_ms)
                    writer.add(result, session.last_detection.landmarks, session.last_image_measures)
                    done += 1
                    if on_progress is not None:
                        on_progress(done, info.frames_hint)
                    if done == 1:
                        writer.update(width=info.width, height=info.height)  # after the display matrix
        except BaseException:
            writer.flush()
            raise
        if keep_video:
            videos = Path(store.path).parent / "videos"
            videos.mkdir(parents=True, exist_ok=True)
            copy = videos / f"session-{writer.id}{path.suffix.lower()}"
            shutil.copyfile(path, copy)
            writer.update(video_path=str(copy))
        writer.close(session.coach.holds.sets)
    for (exercise, side), depth_deg in session.coach.judge.depth.best.items():
        store.save_measurement(writer.id, "stretch_depth_deg", depth_deg, exercise=exercise, side=side)
    return writer.id
