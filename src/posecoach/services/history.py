"""A person's history from the store: their sessions, progress, most frequent faults and
left-right balance (no Streamlit here).

Seconds are seconds of frame time: good-form seconds are the hold timer's (summed over a
session's sets of one exercise and side), failed seconds count each frame judged "fail"
for as long as it lasted (see ``Store.failed_seconds``). Times are the machine's local
time (the store keeps UTC); this is the machine the page is served to.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from posecoach.adapters.store import SessionInfo, Store, StoredHold
from posecoach.exercises.catalogue import Catalogue

SIDES = ("left", "right")
RECENT_SESSIONS = 5  # "lately" for the balance: the last sessions that included the exercise
# A side with less than 80% of the other side's good-form time lags. Timing alone (getting into
# position, a cue pausing the timer) moves a side's seconds by a few per set, well inside 20%;
# a side a fifth short over several sessions is a pattern worth extra time on that side.
LAGGING_SHARE = 0.8
# Below this much good form on the stronger side a difference is a short try, not a pattern.
BALANCE_MIN_S = 10.0


@dataclass(frozen=True)
class HoldTotal:
    """One session's sets of one exercise and side, added up (``side`` None: done as one)."""

    exercise: str
    side: str | None
    good_form_s: float  # summed over the sets
    best_set_s: float  # the longest single set
    target_s: float
    complete: bool  # some set reached its target
    reps: int
    sets: int


@dataclass(frozen=True)
class SessionSummary:
    """A session as the history lists it. ``started`` is local time (timezone-aware)."""

    id: int
    started: datetime
    duration_s: float
    source: str | None
    finished: bool  # False when it was interrupted (tab closed, crash)
    has_video: bool
    holds: tuple[HoldTotal, ...]

    @property
    def exercises(self) -> tuple[str, ...]:
        """Exercise ids in the order first done."""
        return tuple(dict.fromkeys(h.exercise for h in self.holds))

    @property
    def good_form_s(self) -> float:
        return sum(h.good_form_s for h in self.holds)

    @property
    def complete(self) -> bool:
        """Every exercise and side done reached its target (False with nothing done)."""
        return bool(self.holds) and all(h.complete for h in self.holds)

    @property
    def reps(self) -> int:
        return sum(h.reps for h in self.holds)


@dataclass(frozen=True)
class ProgressPoint:
    """Good-form seconds of one exercise and side in one session (``session`` None: a whole day)."""

    session: int | None
    started: datetime  # local; for a day, its first session
    exercise: str
    side: str | None
    good_form_s: float
    target_s: float

    @property
    def day(self) -> date:
        return self.started.date()


@dataclass(frozen=True)
class Fault:
    """A check that failed: for how long over all sessions, in how many, and what fixes it."""

    exercise: str
    check: str
    failed_s: float
    sessions: int
    cue: str  # the cue shown most while it failed, else the check's cues from the catalogue
    why: str


@dataclass(frozen=True)
class Balance:
    """Good-form seconds left vs right for an exercise done on each side."""

    exercise: str
    left_s: float  # all sessions
    right_s: float
    recent_left_s: float  # the last ``recent_sessions`` sessions that included it
    recent_right_s: float
    recent_sessions: int

    @property
    def left_share(self) -> float | None:
        """The left side's share of all good-form seconds (0..1), None with none."""
        return _share(self.left_s, self.right_s)

    @property
    def recent_left_share(self) -> float | None:
        return _share(self.recent_left_s, self.recent_right_s)

    @property
    def lagging_side(self) -> str | None:
        """The side that lags lately ("left"/"right"), or None when they are even enough."""
        return lagging_side(self.recent_left_s, self.recent_right_s)


@dataclass(frozen=True)
class History:
    sessions: tuple[SessionSummary, ...]  # newest first
    progress: tuple[ProgressPoint, ...]  # oldest first
    faults: tuple[Fault, ...]  # most failed seconds first
    balance: tuple[Balance, ...]


def _share(left_s: float, right_s: float) -> float | None:
    total = left_s + right_s
    return left_s / total if total > 0 else None


def lagging_side(left_s: float, right_s: float) -> str | None:
    """The side with less than ``LAGGING_SHARE`` of the other's seconds, if the stronger has enough."""
    strong_s = max(left_s, right_s)
    if strong_s < BALANCE_MIN_S or min(left_s, right_s) >= LAGGING_SHARE * strong_s:
        return None
    return "left" if left_s < right_s else "right"


def local_time(iso_utc: str) -> datetime:
    """A stored ISO 8601 UTC timestamp in this machine's local time."""
    moment = datetime.fromisoformat(iso_utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone()


def hold_totals(holds: Iterable[StoredHold]) -> tuple[HoldTotal, ...]:
    """A session's hold sets added up per (exercise, side), in the order first done."""
    groups: dict[tuple[str, str | None], list[StoredHold]] = defaultdict(list)
    for h in holds:
        groups[(h.exercise, h.side)].append(h)
    return tuple(
        HoldTotal(exercise, side, sum(h.good_form_s for h in sets), max(h.good_form_s for h in sets),
                  max(h.target_s for h in sets), any(h.complete for h in sets), sum(h.reps for h in sets), len(sets))
        for (exercise, side), sets in groups.items()
    )


def summarise_sessions(infos: Sequence[SessionInfo], holds: Iterable[tuple[int, StoredHold]]) -> tuple[SessionSummary, ...]:
    """Sessions (in the order given) with their holds added up."""
    by_session: dict[int, list[StoredHold]] = defaultdict(list)
    for session_id, hold in holds:
        by_session[session_id].append(hold)
    return tuple(
        SessionSummary(info.id, local_time(info.started), info.duration_s, info.source, info.ended is not None,
                       bool(info.video_path), hold_totals(by_session.get(info.id, ())))
        for info in infos
    )


def progress_per_session(sessions: Iterable[SessionSummary]) -> tuple[ProgressPoint, ...]:
    """Good-form seconds per (exercise, side) per session, oldest first."""
    points = [ProgressPoint(s.id, s.started, h.exercise, h.side, h.good_form_s, h.target_s)
              for s in sessions for h in s.holds]
    return tuple(sorted(points, key=lambda p: (p.started, p.session or 0)))


def progress_per_day(points: Iterable[ProgressPoint]) -> tuple[ProgressPoint, ...]:
    """The per-session points added up per local day and (exercise, side), oldest first."""
    days: dict[tuple[date, str, str | None], list[ProgressPoint]] = defaultdict(list)
    for p in points:
        days[(p.day, p.exercise, p.side)].append(p)
    out = [ProgressPoint(None, min(p.started for p in ps), exercise, side, sum(p.good_form_s for p in ps),
                         max(p.target_s for p in ps))
           for (_, exercise, side), ps in days.items()]
    return tuple(sorted(out, key=lambda p: (p.started, p.exercise, p.side or "")))


def _check_cues(catalogue: Catalogue, exercise: str, check: str) -> tuple[tuple[str, ...], str]:
    """A check's cues and its reason from the catalogue (empty for a check it no longer has)."""
    spec = catalogue.exercises.get(exercise)
    found = [c for c in spec.checks if c.id == check] if spec else []
    if not found:
        return (), ""
    cues = tuple(cue for cond in found[0].conditions for cue in (cond.cue_low, cond.cue_high) if cue)
    return cues, found[0].why


def frequent_faults(rows: Iterable[tuple[int, str, str, str | None, float]], catalogue: Catalogue) -> tuple[Fault, ...]:
    """Failed seconds per (exercise, check) over all sessions, most first (rows from ``Store.failed_seconds``)."""
    seconds: dict[tuple[str, str], float] = defaultdict(float)
    sessions: dict[tuple[str, str], set[int]] = defaultdict(set)
    shown: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for session_id, exercise, check, cue, failed_s in rows:
        key = (exercise, check)
        seconds[key] += failed_s
        sessions[key].add(session_id)
        if cue:
            shown[key][cue] += failed_s
    faults = []
    for (exercise, check), failed_s in seconds.items():
        cues, why = _check_cues(catalogue, exercise, check)
        said = {cue: s for cue, s in shown[(exercise, check)].items() if cue in cues}
        cue = max(said, key=said.__getitem__) if said else " / ".join(cues)
        faults.append(Fault(exercise, check, failed_s, len(sessions[(exercise, check)]), cue, why))
    return tuple(sorted(faults, key=lambda f: (-f.failed_s, -f.sessions, f.exercise, f.check)))


def left_right_balance(sessions: Sequence[SessionSummary], catalogue: Catalogue,
                       recent: int = RECENT_SESSIONS) -> tuple[Balance, ...]:
    """Left vs right good-form seconds per exercise done on each side (``sessions`` any order)."""
    oldest_first = sorted(sessions, key=lambda s: (s.started, s.id))
    out = []
    for exercise, spec in catalogue.exercises.items():
        if not spec.each_side:
            continue
        per_session = [{side: sum(h.good_form_s for h in s.holds if h.exercise == exercise and h.side == side)
                        for side in SIDES}
                       for s in oldest_first if exercise in s.exercises]
        if not per_session:
            continue
        lately = per_session[-recent:]
        out.append(Balance(exercise, sum(p["left"] for p in per_session), sum(p["right"] for p in per_session),
                           sum(p["left"] for p in lately), sum(p["right"] for p in lately), len(lately)))
    return tuple(out)


def load_history(store: Store, person: int, catalogue: Catalogue) -> History:
    """Everything the History page shows for one person (three queries)."""
    sessions = summarise_sessions(store.sessions(person), store.person_holds(person))
    return History(sessions, progress_per_session(sessions), frequent_faults(store.failed_seconds(person), catalogue),
                   left_right_balance(sessions, catalogue))
