"""Shared fixtures: the provisioned model, the project's sample clips, a CLI runner."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# No time limit per example: the suite asserts no wall-clock times, and a busy machine is no defect.
settings.register_profile("posecoach", deadline=None)
settings.load_profile("posecoach")

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_videos"
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def full_model():
    """The full pose model, provisioned on first use (as `make test` does beforehand)."""
    from posecoach.adapters.models import provision

    return provision("full")


class CliResult:
    def __init__(self, proc: subprocess.CompletedProcess) -> None:
        self.code, self.out, self.err = proc.returncode, proc.stdout, proc.stderr

    def json(self) -> dict:
        return json.loads(self.out)


@pytest.fixture(scope="session")
def posecoach():
    """Run the `posecoach` command in a subprocess, as a user would."""

    def run(*args: str, timeout: float = 600) -> CliResult:
        proc = subprocess.run([sys.executable, "-m", "posecoach.cli", *map(str, args)],
                              capture_output=True, text=True, timeout=timeout, cwd=ROOT)
        return CliResult(proc)

    return run


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
