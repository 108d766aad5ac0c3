"""The Review page: a stored session (or a video analysed now) played back annotated, each
measure on a timeline with its bands and failing stretches, the faults with their times,
pass and fail time per check, the holds, and the exports."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import streamlit as st

from posecoach.adapters import models
from posecoach.adapters.store import SessionInfo, Store, StoredBreathing
from posecoach.adapters.video import InputError
from posecoach.core.units import unit_of
from posecoach.exercises.catalogue import Catalogue, load_catalogue
from posecoach.exercises.tuning import differences
from posecoach.reports.review import Fault, Review
from posecoach.reports.words import (
    check_name,
    clock_s,
    difference_words,
    measure_name,
    plain_error,
    side_short,
    value_words,
    video_hold_label,
    video_measure_label,
)
from posecoach.ui import breathing_view, progress_view
from posecoach.ui.charts import timeline_chart
from posecoach.ui.common import get_store, privacy_footer
from posecoach.ui.profiles import catalogue_for, profile_choices
from posecoach.ui.review_state import (
    SESSION_KEY,
    base_profile,
    cache_dir,
    catalogue_key,
    judged,
    judged_catalogue,
    pick_session,
    tuned_values,
)
from posecoach.ui.uploads import MAX_UPLOAD_MB, VIDEO_TYPES, UploadError, safe_name, save_upload

RECORDED, ANALYSE = "A recorded session", "Analyse a video"
AUTO_RENDER_S = 180.0  # longer sessions draw their annotated video only when asked (about 5 ms a frame)
MAX_FAULTS_LISTED = 40
SEEK_KEY = "review_seek"
# A fault's words are wrapped on its button, never cut off.
FAULT_CSS = """<style>
[class*="st-key-fault-"] button{height:auto;text-align:left;justify-content:flex-start;padding-top:0.35rem;padding-bottom:0.35rem}
[class*="st-key-fault-"] button *{white-space:normal !important;overflow:visible !important;text-overflow:clip !important}
</style>"""


def _person() -> int:
    return int(st.session_state["person_id"])


def _analyse_upload(store: Store, person: int) -> None:
    base = catalogue_for("beginner", None)
    upload = st.file_uploader("A video of a session", type=VIDEO_TYPES, key="review_upload",
                              help=f"Up to {MAX_UPLOAD_MB} MB. Analysed on this computer with the full pose model; "
                                   "the video is kept with the session.")
    left, right = st.columns(2)
    with left:
        ids = ["auto", *base.exercises]
        exercise = st.selectbox("Exercise", ids, key="review_upload_exercise",
                                format_func=lambda e: "Recognise it" if e == "auto" else base[e].name)
    with right:
        choices = profile_choices(store, person)
        label = st.selectbox("Thresholds", [c.label for c in choices], key="review_upload_profile")
        choice = next(c for c in choices if c.label == label)
    if not st.button("Analyse", type="primary", disabled=upload is None, key="review_analyse"):
        return
    model = models.installed().get("full")
    if model is None:
        st.error(models.damaged().get("full") or
                 "The pose model is not installed: run `posecoach models --install full` (or `make run`).")
        return
    name = safe_name(upload.name)
    try:  # checked and kept inside the data folder under a safe name, then moved to the session
        path = save_upload(Path(store.path).parent / "uploads", upload.file_id, upload.name, upload.getbuffer())
    except UploadError as exc:
        st.error(plain_error(str(exc)))
        return
    bar = st.progress(0.0, text=f"Analysing {name}…")

    def progress(done: int, total: int) -> None:
        if done % 10 == 0:
            share = min(1.0, done / total) if total else 0.0
            bar.progress(share, text=f"Analysing {name}: {done}{f' of {total}' if total else ''} frames")

    try:
        sid = analyse_into_store_ui(path, store, person, catalogue_for(choice.name, choice.toml),
                                    None if exercise == "auto" else exercise, model, choice.toml, name, progress)
    except InputError as exc:
        bar.empty()
        st.error(plain_error(str(exc).replace(str(path), name)))
        return
    finally:
        path.unlink(missing_ok=True)
    bar.empty()
    st.session_state["review_pending"] = sid
    st.rerun()


def analyse_into_store_ui(path, store, person, catalogue, exercise, model, toml, name, progress) -> int:
    from posecoach.services.ingest import analyse_into_store

    return analyse_into_store(path, store, person, catalogue, exercise, model, profile_toml=toml, keep_video=True,
                              source=f"file:{name}", on_progress=progress)


def _seek_s(info: SessionInfo) -> float:
    sid, seek = st.session_state.get(SEEK_KEY, (None, 0.0))
    return seek if sid == info.id else 0.0


def _jump(info: SessionInfo, t_s: float) -> None:
    st.session_state[SEEK_KEY] = (info.id, max(0.0, t_s - 0.5))


def _player(store: Store, info: SessionInfo, rv: Review, catalogue: Catalogue) -> None:
    from posecoach.reports.playback import render

    target = cache_dir(store, info.id) / f"annotated-{info.n_frames}-{catalogue_key(catalogue)}.mp4"
    video = Path(info.video_path) if info.video_path and Path(info.video_path).exists() else None
    if not target.exists():
        asked = st.session_state.get("review_render") == target.name
        if info.duration_s > AUTO_RENDER_S and not asked:
            st.button("Draw the annotated video", key="review_render_button",
                      on_click=lambda: st.session_state.update(review_render=target.name),
                      help=f"About {max(1, round(info.n_frames * 0.006))} s for this session.")
            return
        bar = st.progress(0.0, text="Drawing the annotated video…")

        def progress(done: int, total: int) -> None:
            if done % 15 == 0:
                bar.progress(min(1.0, done / total) if total else 0.0, text="Drawing the annotated video…")

        results = rv.frame_results()
        try:
            render(results, catalogue, info.width or 640, info.height or 480, info.fps, target, video, progress,
                   label_of=video_measure_label,
                   hold_label=video_hold_label({e: spec.name for e, spec in catalogue.exercises.items()}))
        except (InputError, ValueError, OSError) as exc:
            bar.empty()
            st.error(f"Cannot draw the video: {plain_error(str(exc))}")
            return
        bar.empty()
    st.video(str(target), start_time=int(_seek_s(info)))
    st.caption("The recorded video with the coach's overlay." if video else
               "No video was recorded for this session: the skeleton is animated from the stored poses.")


def _faults(info: SessionInfo, rv: Review) -> None:
    faults = rv.faults()
    st.subheader("Form faults")
    if not faults:
        st.success("No form fault lasted half a second or more.")
        return
    st.caption("Each one jumps the video to that moment.")
    st.markdown(FAULT_CSS, unsafe_allow_html=True)
    for i, f in enumerate(faults[:MAX_FAULTS_LISTED]):
        st.button(fault_words(f), key=f"fault-{i}", on_click=_jump, args=(info, f.start_s), width="stretch")
    if len(faults) > MAX_FAULTS_LISTED:
        st.caption(f"…and {len(faults) - MAX_FAULTS_LISTED} more (see the CSV export).")


def fault_words(f: Fault) -> str:
    """One fault as a person reads it: "0:04 · 2.5 s · Lower back not arched (right leg forward): Squeeze
    ... · worst Upper body lean -18°"."""
    side = side_short(f.exercise, f.side)
    side = f" ({side[0].lower()}{side[1:]})" if side else ""
    worst = value_words(f.worst, unit_of(f.measure)) if f.measure else ""
    worst = f" · worst {measure_name(f.measure)} {worst}" if worst else ""
    return f"{clock_s(f.start_s)} · {f.duration_s:.1f} s · {check_name(f.exercise, f.check)}{side}: {f.cue}{worst}"


def check_table(rv: Review, exercise: str) -> pd.DataFrame:
    """Pass, fail and can't-see time per check, with frame counts (the report's summary)."""
    rows = []
    for ct in rv.check_times():
        if ct.exercise != exercise:
            continue
        c = rv.counts.get(ct.check, {})
        share = "" if ct.pass_share is None else f"{100 * ct.pass_share:.0f}%"
        rows.append({"check": check_name(ct.exercise, ct.check), "required": "yes" if ct.required else "no",
                     "pass s": f"{ct.pass_s:.1f}",
                     "fail s": f"{ct.fail_s:.1f}", "can't see s": f"{ct.unknown_s:.1f}", "pass share": share,
                     "pass frames": c.get("pass", 0), "fail frames": c.get("fail", 0)})
    return pd.DataFrame(rows).set_index("check") if rows else pd.DataFrame()


def hold_table(rv: Review, catalogue: Catalogue) -> pd.DataFrame:
    """Per exercise and side: good-form time over all its sets, the best set, the target."""
    rows = [{"exercise": catalogue[h.exercise].name if h.exercise in catalogue.exercises else h.exercise,
             "side": side_short(h.exercise, h.side) or "-", "good form": clock_s(h.good_form_s),
             "good form s": f"{h.good_form_s:.1f}", "best set s": f"{h.best_set_s:.1f}", "target s": f"{h.target_s:g}",
             "target reached": "yes" if h.complete else "no", "reps": h.reps, "sets": h.sets} for h in rv.hold_summary()]
    return pd.DataFrame(rows).set_index("exercise") if rows else pd.DataFrame()


def _hold_metrics(rv: Review, catalogue: Catalogue) -> None:
    """The headline: good-form time per exercise and side against its target."""
    summary = rv.hold_summary()[:4]
    if not summary:
        return
    for col, h in zip(st.columns(len(summary)), summary, strict=True):
        side = f" · {side_short(h.exercise, h.side)}" if h.side else ""
        col.metric(f"{catalogue[h.exercise].name}{side}", f"{clock_s(h.good_form_s)} of {clock_s(h.target_s)}",
                   help="Seconds held with good form, over all sets of that side.")


def timelines(rv: Review, exercise: str, marker_s: float | None) -> None:
    for tl in rv.timelines(exercise):
        st.altair_chart(timeline_chart(tl, marker_s), width="stretch")


def _exports(store: Store, info: SessionInfo, rv: Review, catalogue: Catalogue, base: str | None) -> None:
    """Downloads; ``base`` names the built-in profile whose differences the summary lists."""
    st.subheader("Export")
    stem = f"posecoach-session-{info.id}"
    cols = st.columns(4)
    # Each file is made when its button is pressed (on a thread of its own, no page commands).
    cols[0].download_button("Report (JSON)", lambda: report_json(rv, info, stem), f"{stem}.json", "application/json",
                            key="export_json", help="The analysis report, as `posecoach analyze --json` writes it.")
    cols[1].download_button("Angles (CSV)", rv.csv_text, f"{stem}.csv", "text/csv", key="export_csv",
                            help="Every frame: time, each angle, each check's verdict, the cue.")
    video = cache_dir(store, info.id) / f"annotated-{info.n_frames}-{catalogue_key(catalogue)}.mp4"
    if video.exists():
        cols[2].download_button("Annotated video (MP4)", video.read_bytes, f"{stem}.mp4", "video/mp4", key="export_mp4")
    else:
        cols[2].caption("Draw the annotated video above to export it.")
    name = {p.id: p.name for p in store.people()}.get(info.person, "")
    defaults = load_catalogue(base) if base else None
    tuned = [difference_words(d, defaults) for d in differences(defaults, catalogue)] if defaults else []
    label = f"{catalogue.profile} (tuned)" if tuned and base else catalogue.profile
    cols[3].download_button("Summary for your physiotherapist (printable page)",
                            lambda: summary_page(rv, info, name, label, tuned, progress_view.summary_section_html(
                                store, info.person), store.breathing(info.id)), f"{stem}-summary.html", "text/html",
                            key="export_summary", help="Open it in your browser and print it (or save it as PDF).")


def report_json(rv: Review, info: SessionInfo, input_name: str) -> str:
    """The session's report per the analysis contract, under the thresholds it is judged with."""
    doc = rv.report(input_name, info.width or 640, info.height or 480, info.fps, info.model or "unknown",
                    info.model_sha256 or "", info.exercise_arg)
    return json.dumps(doc, allow_nan=False, separators=(",", ":"))


def summary_page(rv: Review, info: SessionInfo, person_name: str, profile: str, differences: list[str],
                 progress_html: str = "", breathing: tuple[StoredBreathing | None, list[StoredBreathing]] = (None, [])
                 ) -> str:
    from posecoach.reports.summary import summary_html

    return summary_html(rv, info, person_name, profile, differences, progress_html=progress_html, breathing=breathing)


def render() -> None:
    store = get_store()
    person = _person()
    pending = st.session_state.pop("review_pending", None)
    if pending is not None:
        st.session_state[SESSION_KEY] = pending
        st.session_state["review_source"] = RECORDED
    st.title("Review")
    kind = st.radio("What to review", [RECORDED, ANALYSE], horizontal=True, key="review_source")
    if kind == ANALYSE:
        _analyse_upload(store, person)
        privacy_footer()
        return
    picked = pick_session(store, person, "review_profile",
                          "No sessions yet. Coach a stretch on the Coach page, or choose “Analyse a video” above.",
                          judged_catalogue)
    if picked is None:
        return
    info, choice, catalogue, loaded = picked.info, picked.choice, picked.catalogue, picked.loaded
    if tuned_values(choice):
        st.caption(f"Judged with {len(tuned_values(choice))} threshold(s) tuned on the Tune page (not saved yet).")
    rv = judged(loaded, catalogue)
    exercises = rv.exercises()
    _hold_metrics(rv, catalogue)
    progress_view.session_measures(store, info.person, info.id)
    left, right = st.columns([5, 6], gap="large")
    with left:
        _player(store, info, rv, catalogue)
        _faults(info, rv)
    with right:
        if not exercises:
            st.info("No exercise was recognised in this session, so there is nothing to judge.")
        else:
            exercise = exercises[0]
            if len(exercises) > 1:
                exercise = st.radio("Exercise", exercises, horizontal=True, key="review_exercise",
                                    format_func=lambda e: catalogue[e].name)
            st.subheader(catalogue[exercise].name)
            timelines(rv, exercise, _seek_s(info) or None)
    if exercises:
        st.subheader("Time per check")
        for exercise in exercises:
            st.markdown(f"**{catalogue[exercise].name}**")
            st.table(check_table(rv, exercise))
        st.subheader("Holds")
        st.table(hold_table(rv, catalogue))
    breathing_view.review_section(store, info, catalogue)
    _exports(store, info, rv, catalogue, base_profile(choice) if tuned_values(choice) else None)
    privacy_footer()
