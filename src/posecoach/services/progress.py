"""Progress a physiotherapist can act on, read from the store (no Streamlit here): each
measurement per side over time against the plan's target, the left-right difference where it
is beyond the measurement's own spread, pain ratings, and adherence to the plan.

Units are the measurements' own (degrees, see ``adapters.store.MEASUREMENT_KINDS``); dates and
times are the machine's local time, as in ``history``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from posecoach.adapters.store import Store, StoredMeasurement, StoredRating
from posecoach.core.adherence import Adherence, adherence
from posecoach.exercises.measurements import trust
from posecoach.exercises.plan import Plan
from posecoach.services.history import local_time

# A left-right difference counts only beyond what the measurement itself varies by: each kind's
# side_difference_deg in exercises/measurements.toml (from its error on rendered clips with known
# angles), or the two readings' own spreads added when that is larger.


@dataclass(frozen=True)
class TrendPoint:
    session: int
    when: datetime  # local
    value: float
    spread: float | None


@dataclass(frozen=True)
class Trend:
    """One measurement of one side over time, oldest first, and the plan's target for it."""

    kind: str
    side: str | None
    points: tuple[TrendPoint, ...]
    target: float | None

    @property
    def latest(self) -> TrendPoint | None:
        return self.points[-1] if self.points else None

    @property
    def reached(self) -> bool | None:
        """The latest value at or beyond the target (None without either)."""
        if self.target is None or self.latest is None:
            return None
        return self.latest.value >= self.target


@dataclass(frozen=True)
class SideDifference:
    """The latest left and right values of a measurement, and whether they differ beyond its spread."""

    kind: str
    left: float
    right: float
    allowed: float  # the difference the measurement itself may show (degrees)

    @property
    def difference(self) -> float:
        return self.left - self.right

    @property
    def flagged(self) -> bool:
        return abs(self.difference) > self.allowed

    @property
    def shorter_side(self) -> str | None:
        """The side with the smaller value when flagged (less depth: shorter hip flexors)."""
        if not self.flagged:
            return None
        return "left" if self.left < self.right else "right"


def trends(measurements: list[StoredMeasurement], plan: Plan | None = None) -> tuple[Trend, ...]:
    """Each (kind, side) as a trend, in the order first measured."""
    series: dict[tuple[str, str | None], list[TrendPoint]] = defaultdict(list)
    for m in measurements:
        series[(m.kind, m.side)].append(TrendPoint(m.session, local_time(m.started), m.value, m.spread))
    targets = plan.targets if plan else {}
    # a plan's target has the name of the measurement it is drawn against
    return tuple(Trend(kind, side, tuple(points), targets.get(kind))
                 for (kind, side), points in series.items())


def side_differences(all_trends: tuple[Trend, ...]) -> tuple[SideDifference, ...]:
    """Latest left against latest right for each measurement taken on both sides."""
    by_kind: dict[str, dict[str | None, Trend]] = defaultdict(dict)
    for t in all_trends:
        by_kind[t.kind][t.side] = t
    out = []
    for kind, sides in by_kind.items():
        left, right = sides.get("left"), sides.get("right")
        if left is None or right is None or left.latest is None or right.latest is None:
            continue
        spreads = (left.latest.spread or 0.0) + (right.latest.spread or 0.0)
        known = trust(kind)
        allowed = max(known.side_difference_deg if known is not None else 0.0, spreads)
        out.append(SideDifference(kind, left.latest.value, right.latest.value, allowed))
    return tuple(out)


def stop_ratings(ratings: list[StoredRating]) -> tuple[StoredRating, ...]:
    """The ratings for which the seeds' rule said stop and seek care, newest first."""
    return tuple(sorted((r for r in ratings if r.stop), key=lambda r: r.rated, reverse=True))


def plan_adherence(store: Store, person: int, plan: Plan, today: date, imported: date) -> Adherence:
    """Days with a session that did a step of ``plan`` against the days it planned."""
    days = set()
    exercises = plan.exercises
    holds_by_session: dict[int, set[str]] = defaultdict(set)
    for sid, hold in store.person_holds(person):
        if hold.good_form_s > 0:
            holds_by_session[sid].add(hold.exercise)
    for info in store.sessions(person):
        if holds_by_session.get(info.id, set()) & exercises:
            days.add(local_time(info.started).date())
    return adherence(days, plan.days_per_week, plan.starts or imported, today, plan.weeks)
