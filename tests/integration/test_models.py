"""Model provisioning: bundles built from the registries load and find a pose."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import pytest

from posecoach.adapters import models

BLOCKED_URL = "http://127.0.0.1:9/pose_landmarker_{v}.task"  # nothing listens on port 9


def test_bundle_members_are_stored_and_4_byte_aligned(tmp_path):
    dest = tmp_path / "b.task"
    models.write_bundle({"pose_detector.tflite": b"x" * 13, "pose_landmarks_detector.tflite": b"y" * 7}, dest)
    raw = dest.read_bytes()
    with zipfile.ZipFile(dest) as zf:
        assert zf.namelist() == ["pose_detector.tflite", "pose_landmarks_detector.tflite"]
        for info in zf.infolist():
            assert info.compress_type == zipfile.ZIP_STORED
            name_len = int.from_bytes(raw[info.header_offset + 26: info.header_offset + 28], "little")
            extra_len = int.from_bytes(raw[info.header_offset + 28: info.header_offset + 30], "little")
            data_offset = info.header_offset + 30 + name_len + extra_len
            assert data_offset % 4 == 0
            assert raw[data_offset: data_offset + info.file_size] == zf.read(info)


@pytest.mark.slow
def test_full_model_is_built_from_registries_and_verified(tmp_path, monkeypatch):
    monkeypatch.setenv("POSECOACH_MODEL_URL", BLOCKED_URL)
    said = []
    info = models.provision("full", directory=tmp_path, say=said.append)
    assert info.path.exists() and len(info.sha256) == 64
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    entry = manifest["pose_landmarker_full.task"]
    assert entry["sha256"] == models.sha256_of(info.path)
    assert "mediapipe==0.10.14" in entry["source"] and "Apache-2.0" in entry["license"]
    assert any("building" in s for s in said)  # progress was shown
    # The metadata the Tasks API needs is inside, with the normalisation written.
    from mediapipe.tasks.metadata import metadata_schema_py_generated as meta_fb
    from mediapipe.tasks.metadata import schema_py_generated as tflite_fb

    with zipfile.ZipFile(info.path) as zf:
        lm_buf = zf.read("pose_landmarks_detector.tflite")
    model = tflite_fb.Model.GetRootAsModel(lm_buf, 0)
    meta = next(model.Metadata(i) for i in range(model.MetadataLength()) if model.Metadata(i).Name() == b"TFLITE_METADATA")
    buf = model.Buffers(meta.Buffer()).DataAsNumpy().tobytes()
    md = meta_fb.ModelMetadataT.InitFromObj(meta_fb.ModelMetadata.GetRootAsModelMetadata(buf, 0))
    norm = md.subgraphMetadata[0].inputTensorMetadata[0].processUnits[0].options
    assert list(norm.mean) == [0.0] and list(norm.std) == [255.0]
    # A second call finds it installed and does no work.
    said.clear()
    assert models.provision("full", directory=tmp_path, say=said.append).sha256 == info.sha256
    assert said == []
    # Building again gives the very same bundle, so every report's model_sha256 is comparable.
    assert models.provision("full", directory=tmp_path, say=said.append, force=True).sha256 == info.sha256


@pytest.mark.slow
def test_no_source_exits_3_with_what_to_do(tmp_path, full_model):
    img = tmp_path / "x.png"
    import cv2
    import numpy as np

    cv2.imwrite(str(img), np.zeros((32, 32, 3), np.uint8))
    env = dict(os.environ, POSECOACH_MODELS=str(tmp_path / "models"), POSECOACH_MODEL_URL=BLOCKED_URL, PATH="/nonexistent")
    proc = subprocess.run([sys.executable, "-m", "posecoach.cli", "analyze", str(img), "--model", "lite"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 3
    assert "Traceback" not in proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert "lite" in last and "npm" in last
    assert not list((tmp_path / "models").glob("*.task"))
