"""The instruction card's words per exercise (``instructions.toml``): how to get into the
position, where to put the camera, the safety lines that apply, each check's short name."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources

from posecoach.reports.notices import SAFETY_NOTES


@dataclass(frozen=True)
class Instructions:
    """What a person reads before the timer starts. Distances in metres."""

    exercise: str
    steps: tuple[str, ...]
    camera: str
    floor: bool  # the camera goes at floor level
    distance_m: tuple[float, float]
    safety: tuple[str, ...]  # this exercise's own lines (the general notes come on top)
    check_names: dict[str, str]

    def camera_words(self) -> str:
        """Where to put the camera, in one sentence with the distance, e.g. "Side-on to the camera,
        at floor level. 2 to 3 m away, so your whole body fits in the picture."""
        near, far = self.distance_m
        return f"{self.camera} {near:g} to {far:g} m away, so your whole body fits in the picture."

    def all_safety(self) -> tuple[str, ...]:
        """This exercise's safety lines, then the notes that apply to every stretch."""
        return (*self.safety, *SAFETY_NOTES)


@functools.cache
def _document() -> dict:
    text = resources.files("posecoach.reports").joinpath("instructions.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _table() -> dict:
    return _document()["exercises"]


def instructions(exercise: str) -> Instructions | None:
    """The card for ``exercise`` (a catalogue id), or None when it has none."""
    raw = _table().get(exercise)
    if raw is None:
        return None
    near, far = raw["distance_m"]
    return Instructions(exercise, tuple(raw["steps"]), raw["camera"], bool(raw["floor"]), (float(near), float(far)),
                        tuple(raw.get("safety", ())), dict(raw.get("checks", {})))


def check_name(exercise: str | None, check_id: str) -> str:
    """A check's name for people ("Front knee at 90 degrees"), never its id."""
    card = instructions(exercise) if exercise else None
    if card is not None and check_id in card.check_names:
        return card.check_names[check_id]
    return check_id.replace("_", " ").capitalize()


def breathing_reason_words(reason: str) -> str:
    """What a person reads for a breathing reading's unknown ``reason`` (core/breathing.py REASONS)."""
    words = _document().get("breathing_reasons", {})
    return words.get(reason) or reason.replace("_", " ").capitalize()
