"""The engine's settings file (core/settings.toml): every settings class takes its values from
it, and a missing, unknown or mistyped key is refused naming the file, the table and the key."""

from __future__ import annotations

from dataclasses import dataclass, fields

import pytest

from posecoach.core import settings
from posecoach.core.body import BodyParams
from posecoach.core.breathing import BreathingParams
from posecoach.core.coach import CoachParams
from posecoach.core.framing import FramingParams
from posecoach.core.person_lock import LockParams
from posecoach.core.rate import REVIEW_RATE, RateParams
from posecoach.core.recognize import RecognitionSmoother, RecognizeParams
from posecoach.core.smoothing import OneEuroParams
from posecoach.core.thomas import ThomasParams

CLASSES = {"body": BodyParams, "framing": FramingParams, "recognition": RecognizeParams, "smoothing": OneEuroParams,
           "coach": CoachParams, "rate": RateParams, "review_rate": type(REVIEW_RATE), "person_lock": LockParams,
           "thomas": ThomasParams, "recognition_vote": RecognitionSmoother, "breathing": BreathingParams}


def test_every_table_is_read_by_a_settings_class() -> None:
    assert settings.unused_tables() == []
    assert set(settings.tables()) == {*CLASSES, "landmarks"}


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_each_class_takes_the_values_of_its_table(name: str) -> None:
    instance = CLASSES[name]()
    table = settings.table(name)
    assert table, name
    for key, value in table.items():
        assert getattr(instance, key) == (tuple(value) if isinstance(value, list) else value), (name, key)
    assert {f.name for f in fields(instance)} >= set(table)


def test_one_visibility_for_every_rule() -> None:
    value = settings.value("landmarks", "min_visibility")
    assert BodyParams().min_visibility == FramingParams().min_visibility == RateParams().min_visibility == value
    assert LockParams().min_visibility == value


def _define(name: str, table: dict, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(settings._TABLES, name, table)

    @dataclass(frozen=True)
    @settings.from_table(name)
    class Example:
        gap_ms: float
        count: int
        on: bool
        fixed: float = 1.0

    return Example


def test_a_good_table_sets_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    cls = _define("example", {"gap_ms": 400, "count": 3.0, "on": True}, monkeypatch)
    assert cls() == cls(400.0, 3, True, 1.0)
    assert isinstance(cls().gap_ms, float) and isinstance(cls().count, int)


@pytest.mark.parametrize(("table", "problem"), [
    ({"gap_ms": 400, "count": 3}, "example.on: missing"),
    ({"gap_ms": 400, "count": 3, "on": True, "gap_s": 1}, "example.gap_s: not a setting of Example"),
    ({"gap_ms": 400, "count": 3, "on": True, "fixed": 2}, "example.fixed: not a setting of Example"),
    ({"gap_ms": "400", "count": 3, "on": True}, "example.gap_ms: must be a number"),
    ({"gap_ms": 400, "count": 2.5, "on": True}, "example.count: must be a whole number"),
    ({"gap_ms": 400, "count": 3, "on": 1}, "example.on: must be true or false"),
    ({"gap_ms": float("nan"), "count": 3, "on": True}, "example.gap_ms: must be a number"),
])
def test_a_bad_table_is_refused_by_file_and_key(table: dict, problem: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(settings.SettingsError) as err:
        _define("example", table, monkeypatch)
    assert problem in str(err.value)
    assert "settings.toml" in str(err.value)


def test_a_missing_table_is_refused() -> None:
    with pytest.raises(settings.SettingsError, match=r"\[nowhere\]: missing"):
        settings.table("nowhere")
