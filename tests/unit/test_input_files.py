"""Landmarks and profile files a person may hand in: every way they can be wrong is refused
with the file, the line where there is one, and the key named."""

from __future__ import annotations

import json

import pytest

from posecoach.adapters.landmarks_file import parse_landmarks, read_landmarks
from posecoach.adapters.video import InputError
from posecoach.exercises.catalogue import ConfigError, load_catalogue

ROW = [0.5, 0.5, 0.0, 0.9]


def doc(**over) -> str:
    base = {"schema": 1, "kind": "landmarks", "width": 640, "height": 480, "fps": 30.0,
            "frames": [{"t_ms": 0, "landmarks": [ROW] * 33, "image_measures": {"lumbar_curve": 0.1}}]}
    base.update(over)
    return json.dumps(base)


def frame(**over) -> list[dict]:
    f = {"t_ms": 0, "landmarks": [ROW] * 33, "image_measures": {}}
    f.update(over)
    return [f]


LANDMARKS_CASES = [
    ("[1, 2, 3]", "must be a JSON object"),
    (doc(kind="report"), 'kind: must be "landmarks"'),
    (doc(schema=2), "schema: unsupported schema 2"),
    (doc(schema="1"), 'schema: unsupported schema "1"'),
    (doc(width="640"), "width: must be a number"),
    (doc(height=0), "height: 0 is out of range"),
    (doc(fps=-1), "fps: -1 is out of range"),
    (doc(frames={}), "frames: must be a list"),
    (json.dumps({"schema": 1, "kind": "landmarks", "height": 480, "frames": []}), "width: missing"),
    (doc(frames=[{"landmarks": None}]), "frames[0].t_ms: missing"),
    (doc(frames=frame(t_ms=-5)), "frames[0].t_ms: -5 is out of range"),
    (doc(frames=frame(landmarks=[ROW] * 32)), "frames[0].landmarks: must be null or 33 rows"),
    (doc(frames=frame(landmarks=[[0.5, 0.5, 0.0]] * 33)), "frames[0].landmarks: rows must hold 4 numbers"),
    (doc(frames=frame(landmarks=[["a", 0.5, 0, 1]] * 33)), "frames[0].landmarks: rows must hold 4 numbers"),
    (doc(frames=frame(landmarks=[[0.5, 0.5, 0.0, 1.5]] * 33)), "frames[0].landmarks: visibility must be within 0..1"),
    (doc(frames=frame(landmarks=[[50.0, 0.5, 0.0, 1.0]] * 33)), "frames[0].landmarks: x and y must be normalised"),
    (doc(frames=frame(image_measures=[1])), "frames[0].image_measures: must be an object"),
    (doc(frames=frame(image_measures={"lumbar_curve": "deep"})), "frames[0].image_measures.lumbar_curve: must be a number"),
    (doc().replace('"fps": 30.0', '"fps": Infinity'), "Infinity is not valid JSON"),
    (doc().replace("0.9]", "NaN]", 1), "NaN is not valid JSON"),
    ('{"schema": 1,\n"kind": "landmarks",\n"width": 640\n"height": 480}', "line 4"),
]


@pytest.mark.parametrize("text, words", LANDMARKS_CASES, ids=[w for _, w in LANDMARKS_CASES])
def test_a_bad_landmarks_file_names_the_file_and_the_key(text, words):
    with pytest.raises(InputError) as err:
        parse_landmarks("session.json", text)
    message = str(err.value)
    assert message.startswith("session.json") and words in message and "\n" not in message


def test_a_landmarks_file_that_is_not_text_is_refused(tmp_path):
    f = tmp_path / "s.json"
    f.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(InputError, match="s.json: not a UTF-8 JSON landmarks file"):
        read_landmarks(f)


def test_a_good_landmarks_file_is_read():
    parsed = parse_landmarks("session.json", doc())
    assert parsed.frames[0][1].shape == (33, 4) and parsed.frames[0][2] == {"lumbar_curve": 0.1}


PROFILE_CASES = [
    ('name = "x"\nbase = "beginner"\n[lunge\nhold_s = 3\n', "line 3", "not valid TOML"),
    ('[lunge]\nhold_s = "long"\n', "line 2", "lunge.hold_s: must be"),
    ("[lunge]\nhold_s = -5\n", "line 2", "lunge.hold_s: must be positive"),
    ("[squat]\nhold_s = 3\n", "line 1", "squat: unknown exercise"),
    ("[lunge.no_such_check]\nband = [1, 2]\n", "line 1", "unknown check 'no_such_check'"),
    ("[lunge.front_knee_90]\nband = [nan, 100]\n", "line 2", "lunge.front_knee_90.band: band bounds must be numbers"),
    ("[lunge.front_knee_90]\nband = [80, inf]\n", "line 2", "lunge.front_knee_90.band"),
    ("[lunge.front_knee_90]\nband = [100, 80]\n", "line 2", "low 100.0 is above high 80.0"),
    ("[lunge.front_knee_90]\nband = [80, 100, 120]\n", "line 2", "must be [low, high]"),
    ("[lunge.front_knee_90]\nmargin = -1\n", "line 2", "margin: must not be negative"),
    ('base = "expert"\n', "line 1", "unknown base profile 'expert'"),
]


@pytest.mark.parametrize("text, line, words", PROFILE_CASES, ids=[w for _, _, w in PROFILE_CASES])
def test_a_bad_profile_names_the_file_the_line_and_the_key(tmp_path, text, line, words):
    f = tmp_path / "mine.toml"
    f.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_catalogue(str(f))
    message = str(err.value)
    assert "mine.toml" in message and line in message and words in message and "\n" not in message


@pytest.mark.parametrize("make, words", [
    (lambda p: p.write_bytes(b"\xff\xfe[lunge]"), "is not a UTF-8 text file"),
    (lambda p: p.mkdir(), "is a directory"),
    (lambda p: None, "no such file"),
])
def test_a_profile_that_is_not_a_readable_text_file_is_refused(tmp_path, make, words):
    f = tmp_path / "mine.toml"
    make(f)
    with pytest.raises(ConfigError, match=words):
        load_catalogue(str(f))
