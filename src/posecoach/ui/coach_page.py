"""The Coach page: the camera (or a clip played as one) coached live, the session stored."""

from __future__ import annotations

import html
import queue
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from posecoach.adapters import models as model_store
from posecoach.adapters.models import ModelInfo
from posecoach.adapters.store import Store, data_dir
from posecoach.exercises.catalogue import Catalogue, load_routine, with_routine_targets
from posecoach.ui import sound
from posecoach.ui.common import current_store, privacy_footer, safety_notes, storing
from posecoach.ui.live import LiveConfig, LiveHub, LiveUpdate, frame_callback
from posecoach.ui.profiles import ProfileChoice, catalogue_for, profile_choices, profile_editor
from posecoach.ui.sources import (
    CLIP,
    SOURCE_KINDS,
    UPLOAD,
    WEBCAM,
    cameras_in_browser,
    demo_clip,
    player_factory,
    sample_clips,
)
from posecoach.ui.uploads import MAX_UPLOAD_MB, VIDEO_TYPES, UploadError, save_upload
from posecoach.ui.words import fps_words, hold_state_words, hold_words, side_words, verdict_mark

AUTO = "auto"
RTC_CONFIGURATION = {"iceServers": []}  # loopback needs no STUN server: none is contacted
WEBCAM_CONSTRAINTS = {"video": {"width": {"ideal": 640}, "height": {"ideal": 480}, "frameRate": {"ideal": 30}},
                      "audio": False}
STATUS_REFRESH_S = 0.5


@dataclass(frozen=True)
class Choices:
    """What the person picked on this page."""

    exercise: str | None
    routine: str | None  # a routine id: the exercise is recognised and the routine followed
    profile: ProfileChoice
    source_kind: str
    video: Path | None  # the clip or uploaded file for a file source
    mirror: bool
    speech: bool
    chime: bool
    record: bool
    model: str

    @property
    def source(self) -> str:
        """How the session names its source: "webcam", "clip:<file>" or "upload:<file>"."""
        if self.source_kind == WEBCAM:
            return "webcam"
        prefix = "clip" if self.source_kind == CLIP else "upload"
        return f"{prefix}:{self.video.name if self.video else ''}"


def _hub(store: Store | None) -> LiveHub:
    if "live_hub" not in st.session_state:
        st.session_state["live_hub"] = LiveHub(store)
    hub = st.session_state["live_hub"]
    hub.store = store  # None from the next stream on, once the person coaches without storing
    return hub


ROUTINES = {"routine:seeds": "Routine: the seeds' psoas release, hands-free",
            "routine:quick": "Routine: quick hip-flexor set, hands-free"}


def _exercise_picker(base: Catalogue) -> tuple[str | None, str | None]:
    """(exercise id or None to recognise it, routine id or None)."""
    names = {AUTO: "Recognise it for me", **ROUTINES, **{eid: spec.name for eid, spec in base.exercises.items()}}
    choice = st.selectbox("Exercise", list(names), format_func=names.get, key="exercise")
    if choice in ROUTINES:
        return None, choice.split(":", 1)[1]
    return (None if choice == AUTO else choice), None


def _profile_picker(store: Store | None, person: int) -> ProfileChoice:
    choices = profile_choices(store, person)
    labels = [c.label for c in choices]
    label = st.selectbox("Profile", labels, key="profile", help="beginner and advanced are built in; add your own below")
    return choices[labels.index(label)] if label in labels else choices[0]


def _source_picker() -> tuple[str, Path | None]:
    clips = sample_clips()
    cameras = cameras_in_browser()
    if not st.session_state.get("source_touched"):
        if cameras is not None:
            st.session_state["source_kind"] = WEBCAM if cameras > 0 or not clips else CLIP
        st.session_state.setdefault("source_kind", WEBCAM)
    kind = st.radio("Camera", SOURCE_KINDS, key="source_kind", horizontal=True,
                    on_change=lambda: st.session_state.update(source_touched=True),
                    help="A sample clip or your own video plays as if it were the camera.")
    if kind == CLIP:
        if not clips:
            st.info("No sample clips yet: run `make samples`.")
            return kind, None
        demo = demo_clip(clips)
        titles = {c.path.name: c.title for c in clips}
        names = list(titles)
        name = st.selectbox("Clip", names, index=names.index(demo.path.name), format_func=titles.get, key="clip")
        return kind, next(c.path for c in clips if c.path.name == name)
    if kind == UPLOAD:
        return kind, _uploaded_video()
    return kind, None


def _uploads_dir() -> Path:
    """The data folder's uploads; a temporary folder while coaching without the store (its folder
    may be what cannot be used)."""
    if not storing():
        return Path(tempfile.gettempdir()) / "posecoach-uploads"
    return data_dir() / "uploads"


def _uploaded_video() -> Path | None:
    """The uploaded video, saved under the data folder (the one before it removed), or None."""
    upload = st.file_uploader("Your video", type=VIDEO_TYPES, key="upload",
                              help=f"Up to {MAX_UPLOAD_MB} MB. It is kept in posecoach's data folder on this computer.")
    if upload is None:
        return None
    try:
        path = save_upload(_uploads_dir(), upload.file_id, upload.name, upload.getbuffer())
    except UploadError as exc:
        st.error(str(exc))
        return None
    previous = st.session_state.get("upload_path")
    if previous and previous != str(path):
        Path(previous).unlink(missing_ok=True)
    st.session_state["upload_path"] = str(path)
    return path


def _model_picker() -> str:
    have = model_store.installed()
    options = [v for v in model_store.VARIANTS if v in have] or ["full"]
    default = options.index("full") if "full" in options else 0
    return st.selectbox("Pose model", options, index=default, key="model",
                        help="full is the default; the coach falls back to lite by itself when this computer is too slow.")


def _controls(store: Store | None, person: int) -> Choices:
    base = catalogue_for("beginner", None)  # the exercise list (the same in every profile)
    left, middle, right = st.columns([2, 2, 2])
    with left:
        exercise, routine = _exercise_picker(base)
        profile = _profile_picker(store, person)
    with middle:
        kind, video = _source_picker()
    with right:
        mirror = st.toggle("Mirror the picture (selfie view)", value=kind == WEBCAM, key=f"mirror-{kind}")
        speech = st.toggle("Speak the cues", value=True, key="speech")
        chime = st.toggle("Chime when a hold is complete", value=True, key="chime")
        record = st.toggle("Record video of this session", value=False, key="record",
                           help="Off by default. Only your poses are stored unless you turn this on.")
        with st.expander("Advanced"):
            model = _model_picker()
    return Choices(exercise, routine, profile, kind, video, mirror, speech, chime, record, model)


def _models(preferred: str) -> dict[str, ModelInfo]:
    """The installed bundles the live coach may use: the chosen one and the lite fallback."""
    return {v: info for v, info in model_store.installed().items() if v in (preferred, "lite")}


def served_live() -> bool:
    """True when a real Streamlit server runs the page (a script test's stand-in cannot do WebRTC)."""
    from streamlit.runtime import Runtime

    return Runtime.exists() and type(Runtime.instance()) is Runtime


def _camera(choices: Choices, hub: LiveHub):
    if not served_live():
        st.info("The camera view appears here when the page is served by `streamlit run`.")
        return None
    from streamlit_webrtc import WebRtcMode, webrtc_streamer

    common = dict(
        rtc_configuration=RTC_CONFIGURATION,
        video_frame_callback=frame_callback(hub, choices.mirror),
        on_video_ended=hub.end,
        async_processing=True,
        video_html_attrs={"autoPlay": True, "controls": False, "muted": True, "style": {"width": "100%"}},
        translations={"start": "Start", "stop": "Stop"},
    )
    if choices.source_kind == WEBCAM:
        return webrtc_streamer(key="coach-webcam", mode=WebRtcMode.SENDRECV, media_stream_constraints=WEBCAM_CONSTRAINTS,
                               **common)
    if choices.video is None:
        return None
    return webrtc_streamer(key=f"coach-file-{choices.video.name}", mode=WebRtcMode.RECVONLY,
                           player_factory=player_factory(choices.video),
                           media_stream_constraints={"video": True, "audio": False}, **common)


def _latest(updates: queue.Queue) -> LiveUpdate | None:
    """Drain the queue and return the newest update (None if nothing new)."""
    latest = None
    while True:
        try:
            latest = updates.get_nowait()
        except queue.Empty:
            return latest


def _big(text: str, colour: str = "inherit", size_rem: float = 2.6) -> None:
    st.markdown(f'<div class="posecoach-cue" style="font-size:{size_rem}rem;font-weight:700;line-height:1.15;'
                f'color:{colour};margin:0.2rem 0 0.6rem 0">{html.escape(text)}</div>', unsafe_allow_html=True)


def _show_update(update: LiveUpdate, catalogue: Catalogue) -> None:
    result = update.result
    if update.error:
        st.error(f"The coach stopped: {update.error}")
    if update.notice:
        st.warning(update.notice, icon="📷")
    if update.people > 1:
        st.caption(f"{update.people} people in view: coaching the same person as before, the others are ignored.")
    if result is None:
        _big("Starting…", size_rem=2.0)
        return
    if update.routine is not None:
        r = update.routine
        total = len(update.routine_slots)
        st.info(f"Routine, {len(r.done)} of {total} holds done: {r.instruction}")
    if result.cues:  # red while it stops the timer; amber for a tip while good form counts
        _big(result.cues[0], "#b86e00" if result.hold.counting else "#d62828")
    elif result.exercise is None:
        _big("Get into one of the stretches", size_rem=2.0)
    else:
        _big("Good form: hold it", "#2a9d3a")
    hold = result.hold
    spec = catalogue.exercises.get(result.exercise) if result.exercise else None
    name = spec.name if spec else "No exercise recognised"
    st.markdown(f"**{html.escape(name)}**" + (f"  \n{side_words(result.exercise, result.side)}" if result.side else ""))
    cols = st.columns(2)
    cols[0].metric("Hold (good form)", hold_words(hold))
    if spec is not None and spec.reps_check is not None:
        cols[1].metric("Reps", hold.reps)
    elif hold.side:
        cols[1].metric("Side", hold.side)
    st.caption(hold_state_words(hold))
    if spec is not None:
        for check in spec.checks:
            verdict = result.checks.get(check.id, "unknown")
            st.markdown(f"{verdict_mark(verdict)} {check.id.replace('_', ' ').capitalize()}", help=check.why or None)
    if update.ended and not update.error and not update.notice and update.session_id is not None:
        st.success("Session saved. Press Start to go again.")
    elif update.ended and not update.error and not update.notice:
        st.info("Session ended (not stored). Press Start to go again.")
    stats = update.stats
    note = " (fell back to the lite model to keep up)" if update.fell_back else ""
    st.caption(fps_words(stats.processed_fps, stats.latency_ms, stats.model) + note +
               f"; {stats.dropped} of {stats.received} frames skipped to stay current")


@st.fragment(run_every=STATUS_REFRESH_S)
def _status_panel(hub: LiveHub, catalogue: Catalogue, speech: bool, chime: bool) -> None:
    """The coach's verdict in large type, refreshed twice a second while the page is open."""
    update = _latest(hub.updates)
    if update is not None:
        st.session_state["live_update"] = update
    update = st.session_state.get("live_update")
    if update is None:
        _big("Press Start to begin", size_rem=2.0)
        st.caption("Set up side-on to the camera, 2 to 3 m away, with your whole body in view.")
        return
    _show_update(update, catalogue)
    planner = st.session_state.setdefault("sound_planner", sound.SoundPlanner())
    result = update.result
    if result is not None and not update.ended:
        planner.update(time.monotonic(), result.cues[0] if result.cues else None, result.hold)
    sound.play(planner, speech, chime)


def render() -> None:
    """The Coach page."""
    store = current_store()
    person = int(st.session_state.get("person_id", 0))  # no person while coaching without storing
    st.title("posecoach: live coach")
    safety_notes()
    choices = _controls(store, person)
    catalogue = catalogue_for(choices.profile.name, choices.profile.toml)
    if choices.routine:
        catalogue = with_routine_targets(catalogue, load_routine(choices.routine, catalogue))
    hub = _hub(store)
    models = _models(choices.model)
    hub.configure(LiveConfig(person, choices.exercise, choices.profile.name, choices.profile.toml, choices.source,
                             choices.model, choices.record, routine=choices.routine), catalogue, models)
    video_col, status_col = st.columns([3, 2])
    with video_col:
        _camera(choices, hub)
        damaged = model_store.damaged().get(choices.model) if choices.model not in models else None
        if damaged:
            st.error(damaged)
        elif choices.model not in models:
            st.caption(f"The {choices.model} pose model is fetched when you press Start (first time only).")
        if "lite" not in models and choices.model != "lite":
            st.caption("The lite model is not installed, so there is no faster fallback "
                       "(`posecoach models --install lite`).")
    with status_col:
        _status_panel(hub, catalogue, choices.speech, choices.chime)
    profile_editor(store, person)
    privacy_footer()
