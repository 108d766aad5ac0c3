"""The output writers' own guards (issue 19): whoever calls them (analyze, batch, playback),
nothing but a regular file is replaced, and a temporary name is short."""

from __future__ import annotations

import json
import os
import stat

import pytest

from posecoach.adapters.outputs import OutputError, commit, target_of, temp_beside, write_json


def test_commit_never_renames_over_a_fifo(tmp_path):
    fifo = tmp_path / "r.json"
    os.mkfifo(fifo)
    tmp = temp_beside(fifo, ".json")
    tmp.write_text("{}")
    with pytest.raises(OutputError, match="not a regular file: not replaced"):
        commit(tmp, fifo)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]  # the temporary file is gone too


def test_write_json_onto_a_link_to_dev_null_writes_through_and_keeps_the_link(tmp_path):
    link = tmp_path / "r.json"
    link.symlink_to(os.devnull)
    write_json(link, {"kind": "report"})
    assert link.is_symlink() and stat.S_ISCHR(os.stat(link).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_a_temporary_name_is_short_and_stands_for_its_output(tmp_path):
    target = tmp_path / ("r" * 250 + ".json")  # 255 characters: the longest legal name
    tmp = temp_beside(target, ".json")
    assert len(tmp.name) < 40 and tmp.parent == tmp_path
    assert target_of(tmp) == target and target_of(tmp_path / "other.json") is None
    tmp.unlink()
    write_json(target, {"a": 1})
    assert json.loads(target.read_text()) == {"a": 1}


@pytest.mark.parametrize("n_frames", [0, 1, 255, 256, 257, 513])
def test_a_reports_frames_written_in_chunks_are_json_dumps_bytes(tmp_path, n_frames):
    """The frames are encoded a chunk at a time: the file is compact json.dumps' text and a
    newline, whatever the count against the chunk's size; NaN is still refused."""
    from posecoach.adapters.outputs import FRAMES_AT_ONCE

    assert FRAMES_AT_ONCE == 256  # the counts above straddle it
    doc = {"schema": 1, "frames": [{"t_ms": i * 33.3, "checks": {"knee": "pass"}, "cues": ["é"], "x": None}
                                   for i in range(n_frames)], "after": [1.5, True]}
    write_json(tmp_path / "r.json", doc)
    assert (tmp_path / "r.json").read_text(encoding="utf-8") == json.dumps(doc, allow_nan=False, separators=(",", ":")) + "\n"
    doc["frames"].append({"t_ms": float("nan")})
    with pytest.raises(ValueError):
        write_json(tmp_path / "bad.json", doc)
    assert not (tmp_path / "bad.json").exists()
