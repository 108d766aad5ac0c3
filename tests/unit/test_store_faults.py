"""The store under faults: two writers at once, a full disk, a read-only folder.

Every fault runs in a separate process, as it would happen: two tabs of the page recording
into one file, a disk that fills up (simulated with ``RLIMIT_FSIZE``: files may not grow past
a limit, and writes fail with EFBIG just as they fail with ENOSPC on a full disk), and a data
folder the process may not write to (as another user when the tests run as root, since root
ignores permissions).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from posecoach.adapters.store import Store, StoreError
from tests import faults

ROOT = Path(__file__).resolve().parents[2]

WRITER = textwrap.dedent("""
    import sys, time
    from posecoach.adapters.store import Store
    from posecoach.core.coach import Coach
    from posecoach.exercises.catalogue import load_catalogue
    from tests.poses import kneeling_lunge_facing_right, make_landmarks

    path, name, frames, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    while time.time() < go:  # both writers open the fresh file at the same moment
        time.sleep(0.001)
    store = Store(path)
    try:
        person = store.add_person(name)
    except ValueError:
        person = next(p for p in store.people() if p.name == name)
    writer = store.start_session(person.id, exercise_arg="lunge", profile_name="beginner", profile_toml=None,
                                 model="full", model_sha256="00", width=640, height=480, fps=25.0,
                                 source="webcam", flush_every_s=0.01)
    coach = Coach(load_catalogue(), "lunge")
    pose = make_landmarks(kneeling_lunge_facing_right())
    for i in range(frames):
        result = coach.step(i * 40.0, pose, 640, 480)
        writer.add(result, pose, {"brightness": 0.5})
        writer.save_holds(coach.holds.sets)
    writer.close(coach.holds.sets)
    print(writer.id)
""")


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


@pytest.mark.parametrize("round_", range(3))
def test_two_writers_at_once_into_one_new_file_keep_both_sessions_whole(tmp_path, round_):
    import time

    path = tmp_path / "pc.db"
    go = time.time() + 2.0
    frames = 400
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), name, str(frames), str(go)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
             for name in ("Tab one", "Tab two")]
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (_, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
    store = Store(path)
    assert store.integrity_ok()
    people = {p.name: p.id for p in store.people()}
    assert set(people) == {"Tab one", "Tab two"}
    for name in people:
        [info] = store.sessions(people[name])
        assert info.ended is not None and info.n_frames == frames
        stored = store.load_session(info.id)
        assert [f.t_ms for f in stored.frames] == [i * 40.0 for i in range(frames)]
        assert stored.holds and stored.holds[0].exercise == "lunge"


FILLER = textwrap.dedent("""
    import sys
    from posecoach.adapters.store import Store, StoreError
    from posecoach.core.coach import Coach
    from posecoach.exercises.catalogue import load_catalogue
    from tests.poses import kneeling_lunge_facing_right, make_landmarks

    store = Store(sys.argv[1])
    person = store.add_person("Full")
    writer = store.start_session(person.id, exercise_arg="lunge", profile_name="beginner", profile_toml=None,
                                 model="full", model_sha256="00", width=640, height=480, fps=25.0,
                                 source="webcam", flush_every_s=0.0)
    coach = Coach(load_catalogue(), "lunge")
    pose = make_landmarks(kneeling_lunge_facing_right())
    i = 0
    try:
        while i < 100000:
            writer.add(coach.step(i * 40.0, pose, 640, 480), pose, {})
            i += 1
            print("saved", i, flush=True)
    except StoreError as exc:
        print("error", exc, flush=True)
    try:
        writer.close(coach.holds.sets)
    except StoreError as exc:
        print("close", exc, flush=True)
""")


def _fill(path: Path, preexec=None) -> tuple[int, str]:
    proc = subprocess.run([sys.executable, "-c", FILLER, str(path)], cwd=ROOT, capture_output=True, text=True,
                          env=_env(), preexec_fn=preexec, timeout=300)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stdout.splitlines()
    saved = max((int(line.split()[1]) for line in lines if line.startswith("saved")), default=0)
    errors = [line for line in lines if line.startswith("error")]
    assert len(errors) == 1, proc.stdout[-2000:]
    return saved, errors[0]


def _kept(path: Path, saved: int) -> None:
    store = Store(path)
    assert store.integrity_ok()
    [person] = store.people()
    [info] = store.sessions(person.id)
    assert saved - 1 <= info.n_frames <= saved  # the frame whose commit failed is the only one not kept
    frames = store.load_session(info.id).frames
    assert [f.t_ms for f in frames] == [i * 40.0 for i in range(info.n_frames)]


def test_a_file_size_limit_mid_session_says_so_and_keeps_what_was_saved(tmp_path):
    path = tmp_path / "pc.db"
    saved, error = _fill(path, faults.file_size_limit(256 * 1024))
    assert saved > 10
    assert "cannot save the session" in error and "pc.db" in error and "full" in error
    _kept(path, saved)


def test_a_full_disk_mid_session_says_so_and_keeps_what_was_saved(tmp_path):
    with faults.full_disk(tmp_path / "small", 320) as mounted:
        if not mounted:
            pytest.skip("a tmpfs needs root: the file size limit test covers this case")
        path = tmp_path / "small" / "pc.db"
        saved, error = _fill(path)
        assert saved > 10
        assert "cannot save the session" in error and "full" in error
        _kept(path, saved)


def test_a_read_only_data_folder_is_refused_with_a_clear_message(tmp_path):
    with faults.read_only_folder(tmp_path / "ro"):
        with pytest.raises(StoreError, match="read-only") as err:
            Store(tmp_path / "ro" / "pc.db")
    assert str(tmp_path / "ro" / "pc.db") in str(err.value)
