# posecoach: `make run` starts the coach page, `make test` runs the whole test suite.
# Both set everything up on first use: a virtual environment in .venv with the package and
# its dependencies, and the pose model provisioned into models/.

PYTHON ?= python3
# The page shows the camera: it listens on this computer only. `make run HOST=0.0.0.0` serves
# it to the network (posecoach serve prints a warning).
HOST   ?= 127.0.0.1
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.posecoach-installed
MODEL  := models/pose_landmarker_full.task

.PHONY: run test test-fast lint models clean samples bench browser

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "posecoach needs Python 3.11 or later"'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

$(MODEL): | $(STAMP)
	$(VENV)/bin/posecoach models --install full

# The lite model lets the live page keep up on a slow machine; it needs npm, so it is optional.
LITE := models/pose_landmarker_lite.task
$(LITE): | $(STAMP)
	-$(VENV)/bin/posecoach models --install lite

models: $(STAMP)
	$(VENV)/bin/posecoach models --install full

run: $(STAMP) $(MODEL) $(LITE)
	$(VENV)/bin/posecoach serve --host $(HOST)

# The page's end-to-end tests drive Debian's chromium (installed with apt when missing).
browser:
	bash tools/install_browser.sh

test: $(STAMP) $(MODEL) browser
	$(PY) -m pytest

test-fast: $(STAMP)
	$(PY) -m pytest -m "not slow"

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests tools benchmarks

# The benchmarks (from this checkout, not part of the package): `make bench B="speed --quick"`.
B ?= engine
bench: $(STAMP)
	$(PY) -m benchmarks $(B)

samples:
	bash tools/synth/make_samples.sh

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
