"""The plan and progress commands: check a plan file, import it for a person, and print their
progress (adherence to the plan, measurements per side against its targets, the left-right
difference, pain ratings that said stop). The page's History shows the same."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from posecoach.adapters.store import Store, StoreError
from posecoach.exercises.catalogue import ConfigError, load_catalogue, read_text
from posecoach.exercises.plan import Plan, load_plan, parse_plan
from posecoach.services.history import local_time
from posecoach.services.progress import plan_adherence, side_differences, stop_ratings, trends

KIND_WORDS = {
    "stretch_depth_deg": "stretch depth (kneeling stretch)",
    "thomas_hip_deg": "Thomas test: thigh below the surface",
    "thomas_knee_deg": "Thomas test: knee bend",
}


def describe(plan: Plan) -> str:
    """A plan in a few lines, as a person reads it."""
    days = f"{plan.days_per_week} day{'s' if plan.days_per_week > 1 else ''} a week"
    lines = [f"{plan.name}" + (f" for {plan.person}" if plan.person else "") + f": {days}, profile {plan.profile}"
             + (f", from {plan.starts}" if plan.starts else "") + (f" for {plan.weeks} weeks" if plan.weeks else "")]
    for s in plan.steps:
        sides = f" each side ({', '.join(s.sides)})" if s.sides else ""
        sets = f"{s.sets} x " if s.sets > 1 else ""
        rest = f", {s.rest_s:g} s rest" if s.rest_s and s.sets > 1 else ""
        lines.append(f"  {sets}{s.exercise} {s.hold_s:g} s{sides}{rest}")
    for key, value in plan.targets.items():
        lines.append(f"  target {key}: {value:g}")
    return "\n".join(lines)


def _person(store: Store, name: str) -> int:
    for p in store.people():
        if p.name == name:
            return p.id
    raise StoreError(f"no one called {name!r} (add them on the page, or import a plan for them)")


def import_plan(store: Store, name: str, path: str | Path) -> Plan:
    """Validate ``path`` and keep it for the person ``name`` (added when new)."""
    plan = load_plan(path)
    text = read_text(path)
    try:
        person = _person(store, name)
    except StoreError:
        person = store.add_person(name).id
    store.save_plan(person, plan.name, text)
    return plan


def progress_text(store: Store, name: str, today: date | None = None) -> str:
    """The person's progress against their latest plan, in plain lines."""
    person = _person(store, name)
    today = today or date.today()
    plans = store.plans(person)
    lines = []
    plan = None
    if plans:
        plan_name, text, imported = plans[0]
        plan = parse_plan(f"{name}'s plan {plan_name!r}", text, load_catalogue())
        a = plan_adherence(store, person, plan, today, local_time(imported).date())
        share = "-" if a.share is None else f"{100 * min(a.share, 1.0):.0f}%"
        lines += [f"plan: {plan.name}, {plan.days_per_week} days a week",
                  f"adherence: {a.done_days} of {a.planned_days} planned days ({share}); streak {a.streak_weeks} "
                  f"week{'s' if a.streak_weeks != 1 else ''}"]
    else:
        lines.append("no plan (posecoach plan import FILE --person NAME)")
    all_trends = trends(store.measurements(person), plan)
    for t in all_trends:
        values = ", ".join(f"{p.value:.0f}" + (f"±{p.spread:.0f}" if p.spread else "") for p in t.points[-6:])
        target = "" if t.target is None else f" (target {t.target:g}: {'reached' if t.reached else 'not yet'})"
        lines.append(f"{KIND_WORDS.get(t.kind, t.kind)}, {t.side or 'both'}: {values} degrees{target}")
    for d in side_differences(all_trends):
        if d.flagged:
            lines.append(f"{KIND_WORDS.get(d.kind, d.kind)}: the {d.shorter_side} side is {abs(d.difference):.0f} degrees "
                         f"short of the other (beyond the ±{d.allowed:.0f} the measurement itself varies by)")
    for r in stop_ratings(store.ratings(person)):
        when = local_time(r.rated).strftime("%Y-%m-%d")
        lines.append(f"stop: {when} {r.exercise} {r.side or ''} pain {r.pain}/10 {r.word!r}".replace("  ", " "))
    return "\n".join(lines)


__all__ = ["ConfigError", "describe", "import_plan", "progress_text"]
