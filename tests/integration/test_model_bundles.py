"""Installed model bundles checked against their manifest, with the real model file."""

from __future__ import annotations

import json
import shutil

import pytest

from posecoach.adapters import models


def test_a_model_changed_after_it_was_verified_is_no_longer_installed(tmp_path, full_model, monkeypatch):
    monkeypatch.setenv("POSECOACH_MODEL_URL", "http://127.0.0.1:9/pose_landmarker_{v}.task")  # no download
    folder = tmp_path / "models"
    folder.mkdir()
    shutil.copy(full_model.path, folder / full_model.path.name)
    manifest = json.loads((full_model.path.parent / "manifest.json").read_text())
    (folder / "manifest.json").write_text(json.dumps({full_model.path.name: manifest[full_model.path.name]}))
    assert models.installed(folder)["full"].sha256 == full_model.sha256
    bundle = folder / full_model.path.name
    with open(bundle, "r+b") as f:  # the same size, other bytes: the weights, not the header
        f.seek(bundle.stat().st_size // 2)
        f.write(b"\x5a" * 4096)
    assert "full" not in models.installed(folder)
    with pytest.raises(models.ModelError, match="damaged"):
        models.provision("full", directory=folder, say=lambda _: None)
    assert bundle.stat().st_size == full_model.path.stat().st_size  # refused, not replaced


def test_a_damaged_bundle_whose_manifest_was_rewritten_to_match_is_still_refused(tmp_path, full_model):
    folder = tmp_path / "models"
    folder.mkdir()
    bundle = folder / full_model.path.name
    shutil.copy(full_model.path, bundle)
    with open(bundle, "r+b") as f:  # the zip's first header: the native loader would raise on it
        f.write(b"\x5a" * 4096)
    entry = {"sha256": models.sha256_of(bundle), "size": bundle.stat().st_size, "source": "copied by hand"}
    (folder / "manifest.json").write_text(json.dumps({bundle.name: entry}))
    assert "full" not in models.installed(folder)
    assert "not a pose landmarker bundle" in models.damaged(folder)["full"]
