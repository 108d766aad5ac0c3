"""The Coach page: the camera (or a clip played as one) coached live, the session stored."""

from __future__ import annotations

import queue
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from posecoach.adapters import models as model_store
from posecoach.adapters.models import ModelInfo
from posecoach.adapters.store import Store, data_dir
from posecoach.core.breathing import BreathingReading
from posecoach.exercises.catalogue import Catalogue, load_routine, with_routine_targets
from posecoach.reports.words import fps_words, plain_error
from posecoach.services.live_session import LiveConfig, LiveHub, LiveUpdate, frame_callback
from posecoach.services.live_state import INFO, step_name
from posecoach.ui import coach_panel, coach_progress, pacing, progress_view, review_page, sound
from posecoach.ui.common import current_store, privacy_footer, safety_notes, storing
from posecoach.ui.profiles import (
    ProfileChoice,
    catalogue_for,
    pick_for_person,
    profile_choices,
    profile_editor,
    remember_profile,
)
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

AUTO = "auto"
RTC_CONFIGURATION = {"iceServers": []}  # loopback needs no STUN server: none is contacted
WEBCAM_CONSTRAINTS = {"video": {"width": {"ideal": 640}, "height": {"ideal": 480}, "frameRate": {"ideal": 30}},
                      "audio": False}
STATUS_REFRESH_S = 0.5
MODEL_HELP = ("full is the default and the most accurate. The coach keeps the model you choose: on a busy "
              "computer it checks fewer frames a second instead.")
FOCUS_SAFETY = "Stop at once at sharp, shooting or pulsing pain."  # the safety line kept in the focus view
FOCUS_KEY = "coach_focus"  # session state: the camera was playing at the end of the last run
GO_REVIEW = "coach_to_review"  # session state: open the Review page on the next run


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
    plan: coach_progress.PersonPlan | None = None  # follow the person's plan as the routine
    thomas: bool = False  # the guided Thomas test
    pacing_guide: bool = False  # the breathing pacing guide while a rest position is held

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


def _exercise_picker(base: Catalogue, plan: coach_progress.PersonPlan | None = None
                     ) -> tuple[str | None, str | None, str | None]:
    """(exercise id or None to recognise it, routine id or None, PLAN / THOMAS or None)."""
    ours = {coach_progress.PLAN: coach_progress.plan_label(plan.plan)} if plan else {}
    names = {**ours, AUTO: "Recognise it for me", **ROUTINES, coach_progress.THOMAS: coach_progress.THOMAS_LABEL,
             **{eid: spec.name for eid, spec in base.exercises.items()}}
    if st.session_state.get("exercise") not in names:
        st.session_state.pop("exercise", None)  # e.g. the plan of another person
    choice = st.selectbox("Exercise", list(names), format_func=names.get, key="exercise")
    if choice == coach_progress.PLAN:
        return None, None, coach_progress.PLAN
    if choice == coach_progress.THOMAS:
        return "edge_hang", None, coach_progress.THOMAS
    if choice in ROUTINES:
        return None, choice.split(":", 1)[1], None
    return (None if choice == AUTO else choice), None, None


def _profile_picker(store: Store | None, person: int) -> ProfileChoice:
    choices = profile_choices(store, person)
    labels = [c.label for c in choices]
    pick_for_person(store, person, choices, "profile")
    label = st.selectbox("Profile", labels, key="profile", help="beginner and advanced are built in; add your own below",
                         on_change=lambda: remember_profile(person, st.session_state["profile"]))
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
        st.error(plain_error(str(exc)))
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
    return st.selectbox("Pose model", options, index=default, key="model", help=MODEL_HELP)


def _controls(store: Store | None, person: int, narrow: bool = False) -> Choices:
    """The settings: three columns across the page, or one under another in a narrow column."""
    base = catalogue_for("beginner", None)  # the exercise list (the same in every profile)
    left, middle, right = (st.container(), st.container(), st.container()) if narrow else st.columns([2, 2, 2])
    plan = coach_progress.person_plan(store, person)
    with left:
        exercise, routine, special = _exercise_picker(base, plan)
        profile = _profile_picker(store, person)
    with middle:
        kind, video = _source_picker()
    with right:
        mirror = st.toggle("Mirror the picture (selfie view)", value=kind == WEBCAM, key=f"mirror-{kind}")
        speech = st.toggle("Speak the cues", value=True, key="speech")
        chime = st.toggle("Chime when a hold is complete", value=True, key="chime")
        record = st.toggle("Record video of this session", value=False, key="record",
                           help="Off by default. Only your poses are stored unless you turn this on.")
        guide = _pacing_toggle(profile)
        with st.expander("Advanced"):
            model = _model_picker()
    return Choices(exercise, routine, profile, kind, video, mirror, speech, chime, record, model,
                   plan if special == coach_progress.PLAN else None, special == coach_progress.THOMAS, guide)


def _pacing_toggle(profile: ProfileChoice) -> bool:
    """The breathing pacing guide on or off: the profile's setting, which the person may change here."""
    rhythm = catalogue_for(profile.name, profile.toml).pacing
    return st.toggle("Breathing pacing guide in the rest positions", value=rhythm.pacing_guide,
                     key=f"pacing:{profile.label}",
                     help=f"Breathe in for {rhythm.breathe_in_s:g} s and out for {rhythm.breathe_out_s:g} s with a "
                          "growing and shrinking shape and a soft tone; set the seconds in your own profile below.")


def _models(preferred: str) -> dict[str, ModelInfo]:
    """The installed bundle the live coach uses: only the chosen one (it is never swapped for another)."""
    return {v: info for v, info in model_store.installed().items() if v == preferred}


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


def _go_review(session_id: int, seek_s: float) -> None:
    """Open the session on the Review page, at ``seek_s`` seconds (the main fault's first moment)."""
    st.session_state["review_pending"] = session_id
    st.session_state["review_seek"] = (session_id, float(seek_s))
    st.session_state[GO_REVIEW] = True


def _show_ended(update: LiveUpdate, store: Store | None = None, person: int = 0,
                catalogue: Catalogue | None = None) -> None:
    """After Stop: the session's summary, never the last live cue; with the store, the pain
    rating of each exercise it held."""
    if update.error:
        coach_panel.show_head(INFO, "The coach stopped", plain_error(update.error))
    elif update.notice:
        coach_panel.show_head(INFO, "The camera stopped", update.notice)
    if update.summary is not None:
        coach_panel.show_summary(update.summary, update.session_id is not None)
    if store is not None and update.session_id is not None:
        whole = store.breathing(update.session_id)[0]
        if whole is not None:
            coach_panel.show_breathing_summary(whole.summary())
    if update.thomas is not None and update.thomas.readings:
        coach_progress.show_thomas(update.thomas)
    if catalogue is not None and store is not None and update.session_id is not None:
        progress_view.session_measures(store, person, update.session_id)
        coach_progress.rating_forms(store, person, update.session_id, catalogue)
    if update.session_id is not None:
        seek_s = update.summary.fault.first_s if update.summary and update.summary.fault else 0.0
        st.button("Open this session on the Review page", key="to_review", icon=":material/movie:",
                  on_click=_go_review, args=(update.session_id, seek_s), type="primary")
    st.caption("Press Start to go again.")


BREATHING_KEY = "coach_breathing"  # session state: (frame time in ms, the last breathing reading shown)


def _shown_breathing(update: LiveUpdate) -> BreathingReading | None:
    """The breathing to show: this frame's reading, or the last one for ``pacing.LINGER_S`` of
    frame time after it (a moment of the person unseen neither blanks the readout nor restarts
    the guide); None outside the rest positions."""
    result = update.result
    if result is None:
        return None
    if result.breathing is not None:
        st.session_state[BREATHING_KEY] = (result.t_ms, result.breathing)
        return result.breathing
    seen = st.session_state.get(BREATHING_KEY)
    if seen is not None and 0.0 <= result.t_ms - seen[0] <= pacing.LINGER_S * 1000.0:
        return seen[1]
    return None


def _show_update(update: LiveUpdate, catalogue: Catalogue, playing: bool, pacing_guide: bool = False) -> None:
    if update.ended:
        _show_ended(update)
        return
    if not playing:
        coach_panel.show_head(INFO, "Stopped", "Saving the session…")
        return
    if update.error:
        coach_panel.show_head(INFO, "The coach stopped", plain_error(update.error))
        return
    if update.notice:
        coach_panel.show_head(INFO, "Check the camera", update.notice)
        return
    view = update.view
    if view is None:
        coach_panel.show_head(INFO, "Starting…", "Loading the pose model")
    else:
        spec = catalogue.exercises.get(update.result.exercise) if update.result and update.result.exercise else None
        coach_panel.show_view(view, spec.view if spec else "side")
        breathing = _shown_breathing(update)
        if pacing_guide:  # the readout heads the guide (one block: the focus view still fits a laptop)
            words = coach_panel.breathing_words_of(breathing) if breathing is not None else ""
            pacing.show_guide(catalogue.pacing, breathing is not None, words,
                              breathing is not None and breathing.state == "unknown")
        elif breathing is not None:
            coach_panel.show_breathing(breathing)
        depth = coach_progress.depth_words(update.result, st.session_state.setdefault("coach_depth", {}))
        if depth:
            st.markdown(f'<div class="posecoach-depth" style="font-size:1.15rem;font-weight:600">{depth}</div>',
                        unsafe_allow_html=True)
    coach_progress.show_thomas(update.thomas)
    if update.people > 1:
        st.caption(f"{update.people} people in view: coaching the same person as before, the others are ignored.")
    stats = update.stats
    busy = coach_panel.busy_words(stats.processed_fps, stats.model)
    if busy:
        st.caption(busy)
    with st.expander("Advanced: speed"):
        st.caption(fps_words(stats.processed_fps, stats.latency_ms, stats.model) +
                   f"; {stats.dropped} of {stats.received} frames skipped to stay current")


@st.fragment(run_every=STATUS_REFRESH_S)
def _status_panel(hub: LiveHub, catalogue: Catalogue, speech: bool, chime: bool, pacing_guide: bool = False) -> None:
    """The coach's verdict in large type, refreshed twice a second while the page is open."""
    update = _latest(hub.updates)
    if update is not None:
        st.session_state["live_update"] = update
        if update.ended:
            st.rerun()  # the whole page: the summary takes the top of it
    update = st.session_state.get("live_update")
    playing = bool(st.session_state.get(FOCUS_KEY))
    if update is None or (update.ended and not playing):
        if playing:
            coach_panel.show_head(INFO, "Starting…", "Loading the pose model")
        return
    _show_update(update, catalogue, playing, pacing_guide)
    planner = st.session_state.setdefault("sound_planner", sound.SoundPlanner())
    view, result = update.view, update.result
    if view is not None and result is not None and not update.ended and playing:
        # The chime belongs to the timer on screen: a hold the routine does not credit rings nothing.
        planner.update(time.monotonic(), view.caption, result.hold if view.timer else None)
    sound.play(planner, speech, chime)


def _routine_steps(routine: str | None, catalogue: Catalogue) -> tuple[str | None, list[str] | None]:
    """(the routine's first exercise, its steps in words) for the card, or (None, None)."""
    if not routine:
        return None, None
    r = load_routine(routine, catalogue)
    steps = [f"{step_name(catalogue, r.steps[i].exercise, side)}: {r.steps[i].hold_s:.0f} s" for i, side in r.slots()]
    return r.steps[0].exercise, steps


def render() -> None:
    """The Coach page: settings and the instruction card before Start; once started, the focus
    view (the video, the one cue, the hold timer and the side fill the screen, settings folded)."""
    store = current_store()
    person = int(st.session_state.get("person_id", 0))  # no person while coaching without storing
    if st.session_state.pop(GO_REVIEW, False):
        st.switch_page(st.Page(review_page.render, title="Review", url_path="review"))
    focus = bool(st.session_state.get(FOCUS_KEY))
    top = st.container()  # the same blocks in both layouts, so the camera keeps its place (and its stream)
    video_col, status_col = st.columns([3, 2])
    panel_box, settings_box = status_col.container(), status_col.container()
    if focus:
        top.markdown(coach_panel.FOCUS_CSS, unsafe_allow_html=True)
        with settings_box.expander("Settings (press Stop to change them)", icon=":material/settings:"):
            choices = _controls(store, person, narrow=True)
        settings_box.caption(FOCUS_SAFETY)
    else:
        with top:
            st.markdown(coach_panel.PAGE_CSS, unsafe_allow_html=True)
            ended = st.container()
            st.title("posecoach: live coach")
            safety_notes()
            choices = _controls(store, person)
    catalogue = catalogue_for(choices.profile.name, choices.profile.toml)
    plan_routine = None
    if choices.plan is not None:
        catalogue, said = coach_progress.plan_catalogue(choices.plan.plan, catalogue)
        plan_routine = choices.plan.plan.routine()
        catalogue = with_routine_targets(catalogue, plan_routine)
        if not focus:
            settings_box.caption(said)
    elif choices.routine:
        catalogue = with_routine_targets(catalogue, load_routine(choices.routine, catalogue))
    if not focus:
        last = st.session_state.get("live_update")
        if last is not None and last.ended:
            with ended:
                _show_ended(last, store, person, catalogue)
    hub = _hub(store)
    models = _models(choices.model)
    hub.configure(LiveConfig(person, choices.exercise, choices.profile.name, choices.profile.toml, choices.source,
                             choices.model, choices.record, routine=choices.routine, plan_routine=plan_routine,
                             thomas=choices.thomas), catalogue, models)
    with video_col:
        ctx = _camera(choices, hub)
        damaged = model_store.damaged().get(choices.model) if choices.model not in models else None
        if damaged:
            st.error(damaged)
        elif choices.model not in models and not focus:
            st.caption(f"The {choices.model} pose model is fetched when you press Start (first time only).")
    with panel_box:
        _status_panel(hub, catalogue, choices.speech, choices.chime, choices.pacing_guide)
    if not focus:  # before Start: the instruction card under the camera, the demo beside it
        first, steps = _routine_steps(choices.routine, catalogue)
        if plan_routine is not None:
            first, steps = plan_routine.steps[0].exercise, coach_progress.plan_steps(choices.plan.plan, catalogue)
        with video_col:
            if choices.thomas:
                coach_progress.show_thomas_card()
            else:
                coach_panel.show_card(choices.exercise or first, catalogue, steps)
        with settings_box:
            coach_panel.show_demo(choices.exercise or first)
        with st.container():
            profile_editor(store, person)
            privacy_footer()
    playing = bool(ctx is not None and ctx.state.playing)
    if served_live() and playing != focus:  # (a script test has no camera: the state stays as it set it)
        st.session_state[FOCUS_KEY] = playing
        if playing:
            st.session_state.pop("live_update", None)  # a new stream: the last session's summary is done with
            st.session_state.pop("coach_depth", None)
            st.session_state.pop(BREATHING_KEY, None)
        st.rerun()
