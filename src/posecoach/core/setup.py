"""The set-up check before the hold: does the camera see what the exercise's checks need?

It reads one frame's observation and verdicts (no threshold of its own): the person is in
the picture, head and feet inside it, seen from the view the exercise asks for, and every
check the hold needs in that view can be judged (pass or fail, not unknown). ``SetupGate``
remembers that it passed, per exercise, so a moment out of view later does not bring the
check back; the hold timer is shown from then on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FRONT_VIEWS = ("front", "back")


@dataclass(frozen=True)
class SetupItem:
    """One thing the camera must see: ``ok`` and, when not, ``fix`` says what to do."""

    label: str
    ok: bool
    fix: str


@dataclass(frozen=True)
class SetupStatus:
    items: tuple[SetupItem, ...]

    @property
    def ready(self) -> bool:
        return all(i.ok for i in self.items)

    @property
    def fix(self) -> str | None:
        """What to do about the first item not yet seen (None when ready)."""
        return next((i.fix for i in self.items if not i.ok), None)


def view_words(view: str) -> str:
    """How the exercise is seen: "from the side", "from the front" or "" (any view)."""
    return {"side": "from the side", "front": "from the front"}.get(view, "")


def ready_words(view: str) -> str:
    """What the page says once the set-up check passes."""
    words = view_words(view)
    return f"I can see your whole body {words}".strip()


def _view_ok(wanted: str, seen: str | None) -> bool:
    if wanted == "side":
        return seen == "side"
    if wanted == "front":
        return seen in FRONT_VIEWS
    return seen is not None


def setup_status(pose: bool, head_seen: bool, feet_seen: bool, view: str | None, wanted_view: str,
                 checks: dict[str, str], required_views: dict[str, tuple[str, ...]]) -> SetupStatus:
    """The set-up items for one frame.

    ``view``: the camera view seen ("side", "front", "back", "oblique" or None);
    ``wanted_view``: the exercise's ("side", "front" or "any"); ``checks``: check id -> verdict
    ("pass", "fail", "unknown"); ``required_views``: each check the hold needs -> the views
    that can show it.
    """
    shown = [cid for cid, views in required_views.items() if view in views]
    judged = bool(shown) and all(checks.get(cid, "unknown") != "unknown" for cid in shown)
    if not required_views:
        judged = pose
    side_label = view_words(wanted_view)
    turn = {"side": "Turn side-on to the camera", "front": "Face the camera"}.get(wanted_view, "Turn to the camera")
    items = (
        SetupItem("I can see you", pose, "Step into the camera's view"),
        SetupItem("I can see your whole body, head to feet", pose and head_seen and feet_seen,
                  "Move back: your head and feet must both be in the picture"),
        SetupItem(f"I see you {side_label}" if side_label else "I can tell which way you face",
                  pose and _view_ok(wanted_view, view), turn),
        SetupItem("I can see every joint the checks need", pose and judged,
                  "Move so the camera sees your hips, knees and shoulders"),
    )
    return SetupStatus(items)


@dataclass
class SetupGate:
    """Remembers, per exercise, that the set-up check has passed."""

    passed: set[str] = field(default_factory=set)

    def update(self, exercise: str | None, status: SetupStatus) -> bool:
        """True once ``exercise``'s set-up check has passed (on this frame or before)."""
        if exercise is None:
            return False
        if status.ready:
            self.passed.add(exercise)
        return exercise in self.passed
