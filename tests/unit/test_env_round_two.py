"""Issue 19, round two, the environment: a damaged, foreign or read-only store on the page, a data
folder whose name is not UTF-8, and a pose model changed after it was verified.

The pages run in Streamlit's script tester on a real SQLite file with real garbage written into
it; the model is a real copy of the provisioned bundle.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from posecoach import serve
from posecoach.adapters.store import Store, StoreError
from posecoach.core.coach import FrameResult
from posecoach.core.holds import HoldStatus

APP = str(serve.APP)  # the app script as the package ships it
PAGE_SIZE = 4096


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("POSECOACH_DATA", str(tmp_path))
    return tmp_path


def _store_with_a_session(path: Path) -> None:
    """Sam with one stored lunge session of 40 frames, checkpointed into the main file."""
    store = Store(path)
    person = store.add_person("Sam").id
    writer = store.start_session(person, exercise_arg="lunge", profile_name="beginner", profile_toml=None,
                                 model="full", model_sha256="ab" * 32, width=640, height=480, fps=10.0, source="webcam")
    hold = HoldStatus("lunge", "left", 0.0, 30.0, False, False, None)
    for i in range(40):
        writer.add(FrameResult(i * 100.0, True, "lunge", 1.0, "right", "left", "side", {}, {"trunk_upright": "pass"},
                               [], hold, None, None, {}), None, {})
    writer.close([])
    with contextlib.closing(sqlite3.connect(path)) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _garbage(path: Path, page: int = 2) -> None:
    """4 KB of garbage over one page of the file (page 2 is the people table's root)."""
    with open(path, "r+b") as f:
        f.seek((page - 1) * PAGE_SIZE)
        f.write(bytes((i * 131 + 7) % 256 for i in range(PAGE_SIZE)))


def app_with_page(page: str) -> None:
    """The app as main() runs it, with ``page`` as the page the person opened."""
    import streamlit as st

    from posecoach.ui import coach_page, history_page, main, review_page

    render = {"coach": coach_page.render, "history": history_page.render, "review": review_page.render}[page]
    pages = main.pages
    main.pages = lambda *_: [st.Page(render, title=page, url_path=page, default=True)]
    try:
        main.main()
    finally:
        main.pages = pages


def _errors(at: AppTest) -> list[str]:
    return [str(e.value) for e in at.error]


def _one_sentence_about(at: AppTest, *words: str) -> str:
    assert not at.exception, [e.message for e in at.exception]
    errors = _errors(at)
    assert len(errors) == 1, errors
    assert "\n" not in errors[0] and "Traceback" not in errors[0] and "sqlite3." not in errors[0], errors[0]
    for word in words:
        assert word in errors[0], errors[0]
    return errors[0]


@pytest.mark.parametrize("page", ["coach", "history", "review"])
def test_a_damaged_store_is_one_sentence_on_every_page_and_kept_byte_for_byte(data_dir, page):
    db = data_dir / "posecoach.db"
    _store_with_a_session(db)
    _garbage(db)
    before = _sha256(db)
    at = AppTest.from_function(app_with_page, args=(page,), default_timeout=60)
    at.run()
    _one_sentence_about(at, str(db), "damaged", "move it elsewhere")
    assert _sha256(db) == before


def test_damage_found_after_the_store_was_opened_is_said_on_the_page(data_dir):
    db = data_dir / "posecoach.db"
    _store_with_a_session(db)
    at = AppTest.from_function(app_with_page, args=("history",), default_timeout=60)
    at.run()
    assert not at.exception and not _errors(at)
    _garbage(db)  # the file is damaged while the page is open (the store is already open)
    before = _sha256(db)
    at.run()
    _one_sentence_about(at, str(db), "damaged")
    assert _sha256(db) == before


def test_coaching_goes_on_without_storing_when_the_person_asks(data_dir):
    db = data_dir / "posecoach.db"
    _store_with_a_session(db)
    _garbage(db)
    before = _sha256(db)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    _one_sentence_about(at, "damaged")
    at.button(key="store_skip").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert not _errors(at)
    assert "posecoach: live coach" in [t.value for t in at.title]
    assert at.session_state["live_hub"].store is None  # the coach runs, nothing is written
    assert "without storing" in " ".join(str(c.value) for c in at.sidebar.caption)
    assert _sha256(db) == before and sorted(p.name for p in data_dir.iterdir()) == ["posecoach.db"]


def test_a_data_folder_whose_name_is_not_utf8_is_one_sentence(tmp_path, monkeypatch):
    folder = os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9")  # Latin-1 bytes, not UTF-8
    monkeypatch.setenv("POSECOACH_DATA", folder)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    _one_sentence_about(at, "not UTF-8", "POSECOACH_DATA")
    assert os.listdir(tmp_path) == []  # nothing made there


@contextlib.contextmanager
def _read_only_file(path: Path) -> Iterator[None]:
    """``path`` read-only in a writable folder: a read-only bind mount as root (chmod binds
    everyone else), or chmod 444."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        try:
            yield
        finally:
            path.chmod(0o644)
        return
    bound = subprocess.run(["mount", "--bind", str(path), str(path)], capture_output=True).returncode == 0
    if not bound:
        pytest.skip("running as root where mounting is not allowed: chmod does not bind root")
    try:
        if subprocess.run(["mount", "-o", "remount,ro,bind", str(path)], capture_output=True).returncode != 0:
            pytest.skip("a read-only bind mount is not allowed here")
        yield
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def test_a_read_only_store_file_is_one_sentence_not_an_exception_box(data_dir):
    db = data_dir / "posecoach.db"
    Store(db)  # a store nobody has used yet: the page would add the first person
    with contextlib.closing(sqlite3.connect(db)) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = _sha256(db)
    with _read_only_file(db):
        at = AppTest.from_file(APP, default_timeout=60)
        at.run()
        _one_sentence_about(at, str(db), "read-only")
    assert _sha256(db) == before


def test_another_programs_sqlite_file_is_refused_and_left_untouched(data_dir):
    db = data_dir / "posecoach.db"
    with contextlib.closing(sqlite3.connect(db)) as con:
        con.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        con.execute("INSERT INTO notes (text) VALUES ('my notes')")
        con.commit()
    before = _sha256(db)
    with pytest.raises(StoreError, match="another program"):
        Store(db)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    _one_sentence_about(at, str(db), "another program", "POSECOACH_DATA")
    assert _sha256(db) == before
    with contextlib.closing(sqlite3.connect(db)) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert [r[0] for r in con.execute("SELECT name FROM sqlite_master")] == ["notes"]


def test_a_new_store_is_marked_as_posecoachs_and_an_older_one_still_opens(tmp_path):
    db = tmp_path / "posecoach.db"
    Store(db).add_person("Ada")
    with contextlib.closing(sqlite3.connect(db)) as con:
        assert con.execute("PRAGMA application_id").fetchone()[0] != 0
        con.execute("PRAGMA application_id = 0")  # as a store written before the mark existed
    assert [p.name for p in Store(db).people()] == ["Ada"]


def test_try_again_opens_a_new_store_once_the_damaged_file_is_moved_aside(data_dir):
    db = data_dir / "posecoach.db"
    _store_with_a_session(db)
    _garbage(db)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    _one_sentence_about(at, "damaged")
    kept = db.rename(data_dir / "posecoach-damaged.db")
    at.button(key="store_retry").click()
    at.run()
    assert not at.exception and not _errors(at)
    assert [p.name for p in Store(db).people()] == ["Me"] and kept.exists()
