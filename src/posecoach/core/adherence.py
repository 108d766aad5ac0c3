"""Adherence to a plan: sessions done against sessions planned, week by week, and the streak.

Pure: dates in, counts out. A week runs Monday to Sunday (ISO weeks). A day counts as done
when the person did at least one step of the plan that day (the caller decides which days
those are). The current week is still in progress: its planned days are the plan's, but an
unmet current week does not break the streak until it is over.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Week:
    starts: date  # its Monday
    done_days: int
    planned_days: int
    in_progress: bool  # the week holding ``today``

    @property
    def met(self) -> bool:
        return self.done_days >= self.planned_days


@dataclass(frozen=True)
class Adherence:
    weeks: tuple[Week, ...]  # from the plan's first week to today's, oldest first
    done_days: int  # over all the weeks
    planned_days: int  # over the finished weeks, plus those of today's week due by today (see due_so_far)
    streak_weeks: int  # finished weeks met in a row up to today (today's week added once met)

    @property
    def share(self) -> float | None:
        """Done over planned (0..1, may exceed 1); None before anything was planned."""
        return self.done_days / self.planned_days if self.planned_days else None


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def adherence(session_days: Iterable[date], days_per_week: int, starts: date, today: date,
              weeks: int | None = None) -> Adherence:
    """Week-by-week adherence from ``starts`` to ``today`` (or the plan's last week, if it has
    ``weeks``). Days before ``starts`` or after ``today`` do not count."""
    if days_per_week < 1:
        raise ValueError("days_per_week must be at least 1")
    first = monday(starts)
    last = monday(today)
    if weeks is not None:
        last = min(last, first + timedelta(weeks=weeks - 1))
    done = {d for d in session_days if starts <= d <= today}
    out: list[Week] = []
    week = first
    while week <= last:
        days = sum(1 for d in done if week <= d < week + timedelta(days=7))
        # a plan starting mid-week asks no more of its first week than the days it has left
        planned = min(days_per_week, 7 - starts.weekday()) if week == first else days_per_week
        out.append(Week(week, days, planned, in_progress=week == monday(today)))
        week += timedelta(days=7)
    done_days = sum(w.done_days for w in out)
    planned = sum(w.planned_days if not w.in_progress else due_so_far(w, today) for w in out)
    streak = 0
    for w in reversed(out):
        if w.in_progress and not w.met:
            continue  # not over yet
        if not w.met:
            break
        streak += 1
    return Adherence(tuple(out), done_days, planned, streak)


def due_so_far(week: Week, today: date) -> int:
    """Days of ``week`` (today's) that are due by today: those that can no longer fit in the
    days after today, or those already done, whichever is more (at most the plan's)."""
    days_after = 6 - today.weekday()
    due = max(0, week.planned_days - days_after)
    return min(week.planned_days, max(due, week.done_days))
