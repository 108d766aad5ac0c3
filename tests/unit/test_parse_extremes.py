"""Numbers and nesting at their extremes in a landmarks file, a profile and a routine: refused in
one line naming the file (and the key where there is one), never an OverflowError or a
RecursionError; only regular files of a sane size are read; a landmarks file reads the same
however it is cut into pieces, and takes memory in proportion to its size."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import threading

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from posecoach.adapters.landmarks_file import parse_landmarks, read_landmarks
from posecoach.adapters.video import InputError
from posecoach.exercises.catalogue import ConfigError, load_catalogue, load_routine
from tests.conftest import ROOT

HUGE = "1" + "0" * 400  # an integer no float can hold
VAST = "9" * 5000  # past the 4300 digits Python's int() reads
FIELDS = ("width", "height", "fps", "t_ms", "x", "z", "measure")


def landmarks_text(**literals: str) -> str:
    """A good one-frame landmarks file, with any value replaced by a literal written as given."""
    lit = {"width": "640", "height": "480", "fps": "30.0", "t_ms": "0", "x": "0.5", "z": "0.0", "measure": "0.1",
           "model": '"full"', **literals}
    rows = ", ".join([f"[{lit['x']}, 0.5, {lit['z']}, 0.9]"] + ["[0.5, 0.5, 0.0, 0.9]"] * 32)
    return (f'{{"schema": 1, "kind": "landmarks", "width": {lit["width"]}, "height": {lit["height"]}, '
            f'"fps": {lit["fps"]}, "model": {lit["model"]}, "frames": [{{"t_ms": {lit["t_ms"]}, '
            f'"landmarks": [{rows}], "image_measures": {{"brightness": {lit["measure"]}}}}}]}}')


def one_line(exc: Exception, name: str, *words: str) -> None:
    message = str(exc)
    assert message.startswith(name) and "\n" not in message, message
    assert all(w in message for w in words), message
    assert len(message) < 400, message


def nested(depth: int, kind: str) -> str:
    if kind == "[":
        return "[" * depth + "1" + "]" * depth
    return '{"a": ' * depth + "1" + "}" * depth


# --- cause 1: huge integers in a landmarks file ----------------------------------------------------

HUGE_LANDMARKS = [("width", HUGE, "width"), ("height", VAST, "height"), ("fps", HUGE, "fps"),
                  ("t_ms", HUGE, "frames[0].t_ms"), ("x", HUGE, "frames[0].landmarks"), ("z", "-" + HUGE, "frames[0].landmarks"),
                  ("measure", HUGE, "frames[0].image_measures.brightness"), ("t_ms", "1e400", "frames[0].t_ms")]


@pytest.mark.parametrize("field, literal, key", HUGE_LANDMARKS, ids=[f"{f}={v[:6]}" for f, v, _ in HUGE_LANDMARKS])
def test_a_huge_number_in_a_landmarks_file_is_refused_naming_the_key(field, literal, key):
    with pytest.raises(InputError) as err:
        parse_landmarks("lm.json", landmarks_text(**{field: literal}))
    one_line(err.value, "lm.json", key)


# --- cause 1: huge integers in a profile or a routine ---------------------------------------------

HUGE_PROFILES = [(f"[lunge]\nhold_s = {HUGE}\n", "lunge.hold_s"),
                 (f"[lunge.front_knee_90]\nband = [80, {HUGE}]\n", "lunge.front_knee_90.band"),
                 (f"[lunge.front_knee_90]\nband = [-{HUGE}, 100]\n", "lunge.front_knee_90.band"),
                 (f"[lunge.front_knee_90]\nmargin = {HUGE}\n", "lunge.front_knee_90.margin"),
                 (f"[lunge]\nhold_s = {VAST}\n", "too many digits"),
                 ("[lunge]\nhold_s = 1e308\n", "lunge.hold_s")]


@pytest.mark.parametrize("text, words", HUGE_PROFILES, ids=[w + t[-6:-1] for t, w in HUGE_PROFILES])
def test_a_huge_number_in_a_profile_is_refused_naming_the_key(tmp_path, text, words):
    f = tmp_path / "p.toml"
    f.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_catalogue(f)
    one_line(err.value, str(f), words)


def test_a_huge_hold_in_a_routine_is_refused_naming_the_step(tmp_path):
    f = tmp_path / "r.toml"
    f.write_text(f'name = "mine"\nsteps = [{{exercise = "lunge", hold_s = {HUGE}}}]\n')
    with pytest.raises(ConfigError) as err:
        load_routine(f)
    one_line(err.value, str(f), "steps[0].hold_s")


# --- cause 2: deep nesting ------------------------------------------------------------------------

@pytest.mark.parametrize("where", ["document", "width", "model", "frame", "measure", "unknown key"])
def test_json_nested_100000_deep_is_refused_in_one_line(where):
    deep = nested(100_000, "[")
    if where == "document":
        text = deep
    elif where == "frame":
        text = landmarks_text().replace('[{"t_ms"', f'[{deep}, {{"t_ms"', 1)
    elif where == "unknown key":
        text = landmarks_text().replace('"schema": 1', f'"notes": {deep}, "schema": 1', 1)
    else:
        text = landmarks_text(**{where: deep})
    with pytest.raises(InputError) as err:
        parse_landmarks("lm.json", text)
    one_line(err.value, "lm.json", "nested too deeply")


def test_a_header_value_nested_but_parsable_is_refused_for_its_type():
    with pytest.raises(InputError) as err:
        parse_landmarks("lm.json", landmarks_text(model=nested(900, "[")))
    one_line(err.value, "lm.json", "model: must be text or null, not a list")


@pytest.mark.parametrize("value", [nested(3000, "["), "{a = " * 3000 + "1" + "}" * 3000])
def test_toml_nested_thousands_deep_is_refused_in_one_line(tmp_path, value):
    f = tmp_path / "p.toml"
    f.write_text(f"[lunge.front_knee_90]\nband = {value}\n")
    with pytest.raises(ConfigError) as err:
        load_catalogue(f)
    one_line(err.value, str(f), "nested too deeply")


# --- cause 6: only regular files of a sane size ----------------------------------------------------

def _read_fifo(read, fifo) -> Exception | None:
    """What ``read(fifo)`` raised (None if nothing), failing the test if it waits for a writer."""
    outcome: list[Exception | None] = []

    def run() -> None:
        try:
            read(fifo)
            outcome.append(None)
        except Exception as exc:  # handed to the test's thread
            outcome.append(exc)

    reader = threading.Thread(target=run, daemon=True)
    reader.start()
    reader.join(30)
    if reader.is_alive():  # it waits for a writer: give it one that says nothing, so it ends
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(30)
        pytest.fail(f"reading the FIFO {fifo.name} waited for a writer")
    return outcome[0]


def test_a_profile_that_is_a_fifo_is_refused_at_once(tmp_path):
    fifo = tmp_path / "p.toml"
    os.mkfifo(fifo)
    exc = _read_fifo(load_catalogue, fifo)
    assert isinstance(exc, ConfigError), exc
    one_line(exc, str(fifo), "not a regular file")


def test_a_routine_that_is_a_fifo_is_refused_at_once(tmp_path):
    fifo = tmp_path / "r.toml"
    os.mkfifo(fifo)
    exc = _read_fifo(load_routine, fifo)
    assert isinstance(exc, ConfigError), exc
    one_line(exc, str(fifo), "not a regular file")


def test_a_profile_larger_than_a_profile_can_be_is_not_read(tmp_path):
    f = tmp_path / "p.toml"
    f.write_text("# a comment\n" * 200_000 + "[lunge]\nhold_s = 30\n")  # 2.4 MB
    with pytest.raises(ConfigError) as err:
        load_catalogue(f)
    one_line(err.value, str(f), "too large")


def test_a_landmarks_file_that_is_a_fifo_is_refused_at_once(tmp_path):
    fifo = tmp_path / "lm.json"
    os.mkfifo(fifo)
    exc = _read_fifo(read_landmarks, fifo)
    assert isinstance(exc, InputError), exc
    one_line(exc, str(fifo), "not a regular file")


# --- cause 9: what a header may make posecoach allocate, and memory in proportion ------------------

def test_a_frame_size_no_frame_may_have_is_refused():
    with pytest.raises(InputError) as err:
        parse_landmarks("lm.json", landmarks_text(width="100000", height="100000"))
    one_line(err.value, "lm.json", "width x height", "megapixels")


MEASURE_PEAK = """
import sys, tracemalloc
from posecoach.adapters.landmarks_file import read_landmarks
tracemalloc.start()
doc = read_landmarks(sys.argv[1])
print(len(doc.frames), tracemalloc.get_traced_memory()[1])
"""


def test_reading_a_large_landmarks_file_takes_memory_in_proportion(tmp_path):
    rng = np.random.default_rng(0)
    measures = {"brightness": 0.61234, "contrast": 0.12345, "subject_brightness": 0.51234, "highlights": 0.91234,
                "flat_share": 0.01234}
    n = 8000  # 11 MB; the ratio is the same at 200 MB
    frames = ", ".join(json.dumps({"t_ms": round(i * 33.333, 3), "image_measures": measures,
                                   "landmarks": np.round(rng.uniform(0.1, 0.9, (33, 4)), 5).tolist()})  # as written
                       for i in range(n))
    f = tmp_path / "big.json"
    f.write_text(f'{{"schema": 1, "kind": "landmarks", "width": 640, "height": 480, "fps": 30.0, "frames": [{frames}]}}')
    size = f.stat().st_size
    proc = subprocess.run([sys.executable, "-c", MEASURE_PEAK, str(f)], capture_output=True, text=True, cwd=ROOT,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    count, peak = map(int, proc.stdout.split())
    assert count == n
    # the frames kept take about 1.2 times the text; the text, the whole tree and the arrays took 6.9 times
    assert peak < 2 * size, f"reading {size / 1e6:.0f} MB took {peak / 1e6:.0f} MB at the peak"


# --- property tests: numbers and nesting at their extremes -----------------------------------------

json_number = st.one_of(
    st.integers().map(str),
    st.integers(15, 6000).map(lambda n: "9" * n),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["0", "-0", "1", "100000", "100001", "10000", "10000.5", "1e12", "1000000000001", "1e308", "-1e308",
                     "1e309", "-1E400", "1e-400", "5e-324", "1.7976931348623157e308", "9007199254740993",
                     "1000000", "1000001", "-1000001", "123456789012345678", "1234567890123456789"]),
)


def _check_landmarks(doc) -> None:
    assert 1 <= doc.width <= 100_000 and 1 <= doc.height <= 100_000 and doc.width * doc.height <= 120_000_000
    assert doc.fps is None or (math.isfinite(doc.fps) and 0 <= doc.fps <= 10_000)
    for t, lms, measures in doc.frames:
        assert isinstance(t, float) and 0 <= t <= 1e12
        assert lms is None or (lms.shape == (33, 4) and np.isfinite(lms).all() and np.abs(lms).max() <= 1e6)
        assert all(isinstance(v, float) and abs(v) <= 1e6 for v in measures.values())


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FIELDS), json_number)
def test_the_landmarks_parser_takes_any_number_anywhere(field, literal):
    try:
        doc = parse_landmarks("lm.json", landmarks_text(**{field: literal}))
    except InputError as exc:
        one_line(exc, "lm.json")
        return
    _check_landmarks(doc)


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.integers(0, 1200), st.sampled_from([1500, 5000, 100_000])), st.sampled_from("[{"),
       st.sampled_from(["document", "width", "model", "frame", "measure", "x"]))
def test_the_landmarks_parser_takes_any_nesting_anywhere(depth, kind, where):
    deep = nested(depth, kind)
    if where == "document":
        text = deep
    elif where == "frame":
        text = landmarks_text().replace('[{"t_ms"', f'[{deep}, {{"t_ms"', 1)
    else:
        text = landmarks_text(**{where: deep})
    try:
        doc = parse_landmarks("lm.json", text)
    except InputError as exc:
        one_line(exc, "lm.json")
        return
    _check_landmarks(doc)


def _outcome(text: str, chunk: int) -> tuple:
    try:
        doc = parse_landmarks("lm.json", text, chunk_chars=chunk)
    except InputError as exc:
        return ("refused", str(exc))
    return ("read", doc.width, doc.height, doc.fps, doc.model,
            [(t, None if lms is None else lms.tolist(), m) for t, lms, m in doc.frames])


number_text = st.one_of(st.integers(-10**6, 10**6).map(str), st.floats(-1e3, 1e3).map(repr),
                        st.sampled_from(["1e2", "0.5E-3", "-0", "2.5e+1", "1E1", "0.00001"]))
frame_text = st.builds(
    lambda t, x, m, sep: f'{{"t_ms":{sep}{t},{sep}"landmarks":{sep}[' + ",".join([f"[{x},0.5,0,0.9]"] * 33)
    + f'],{sep}"image_measures":{sep}{{"brightness":{sep}{m}}}}}',
    number_text, number_text, number_text, st.sampled_from(["", " ", "\n", "\n  "]))


@st.composite
def landmarks_texts(draw) -> str:
    frames = draw(st.lists(frame_text, max_size=3))
    sep = draw(st.sampled_from([", ", ",\n", ",\n\n  "]))
    text = ('{"schema": 1,\n"kind": "landmarks", "width": ' + draw(number_text) + ', "height": 480,'
            + ' "fps": ' + draw(number_text) + ', "frames": [' + sep.join(frames) + "]}")
    if draw(st.booleans()):  # damage it: a character lost or one added somewhere
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(["", ",", "]", "}", '"', "e", ".", "\n", "x"])) + text[at + 1:]
    return text


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(landmarks_texts(), st.integers(1, 40))
def test_a_landmarks_text_cut_into_any_pieces_reads_the_same(text, chunk):
    assert _outcome(text, chunk) == _outcome(text, 1 << 20)


toml_number = st.one_of(
    st.integers().map(str),
    st.integers(15, 6000).map(lambda n: "9" * n),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["inf", "-inf", "nan", "+nan", "1e308", "1e309", "-0.0", "1e-400", "0x7fffffffffffffffffffffff",
                     "0o777", "0b1", "1_000_000", "86400", "86401", "86400.000001", "1000000", "1000001", "-1000001"]),
)
profile_templates = st.sampled_from([
    "[lunge]\nhold_s = {}\n", "[lunge.front_knee_90]\nband = [{}, 100]\n", "[lunge.front_knee_90]\nband = [80, {}]\n",
    "[lunge.front_knee_90]\nmargin = {}\n", "[cobra.elbow_bend]\nmargin = {}\n",
])


def _check_catalogue(catalogue) -> None:
    for spec in catalogue.exercises.values():
        assert isinstance(spec.hold_s, float) and 0 < spec.hold_s <= 86_400
        for check in spec.checks:
            for c in check.conditions:
                for v in (c.low, c.high, c.margin):
                    assert v is None or (isinstance(v, float) and math.isfinite(v) and abs(v) <= 1e6)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(profile_templates, toml_number)
def test_the_profile_parser_takes_any_number_anywhere(tmp_path_factory, template, literal):
    f = tmp_path_factory.mktemp("profile") / "p.toml"
    f.write_text(template.format(literal))
    try:
        catalogue = load_catalogue(f)
    except ConfigError as exc:
        one_line(exc, str(f))
        return
    _check_catalogue(catalogue)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(toml_number)
def test_the_routine_parser_takes_any_hold(tmp_path_factory, literal):
    f = tmp_path_factory.mktemp("routine") / "r.toml"
    f.write_text(f'steps = [{{exercise = "lunge", hold_s = {literal}}}]\n')
    try:
        routine = load_routine(f)
    except ConfigError as exc:
        one_line(exc, str(f))
        return
    assert all(0 < s.hold_s <= 86_400 for s in routine.steps)


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.integers(0, 600), st.sampled_from([1000, 3000, 100_000])), st.sampled_from(["array", "table"]),
       st.sampled_from(["band", "margin", "hold_s", "top"]))
def test_the_profile_parser_takes_any_nesting_anywhere(tmp_path_factory, depth, kind, where):
    deep = "[" * depth + "1" + "]" * depth if kind == "array" else "{a = " * depth + "1" + "}" * depth
    text = {"band": f"[lunge.front_knee_90]\nband = {deep}\n", "margin": f"[lunge.front_knee_90]\nmargin = {deep}\n",
            "hold_s": f"[lunge]\nhold_s = {deep}\n", "top": f"notes = {deep}\n"}[where]
    f = tmp_path_factory.mktemp("nested") / "p.toml"
    f.write_text(text)
    try:
        catalogue = load_catalogue(f)
    except ConfigError as exc:
        one_line(exc, str(f))
        return
    _check_catalogue(catalogue)
