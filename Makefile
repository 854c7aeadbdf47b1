# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint types pytest bench notebooks notebook clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when the project's metadata changes (the package itself is editable).
# EXTRAS: .ci/run adds `bench` (micrograd and the pinned CPU torch), so the torch comparisons run there.
EXTRAS ?= test,lint,notebook
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[$(EXTRAS)]"
	touch $(STAMP)

demo: $(STAMP)
	$(PY) -m demos

test: lint types pytest

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

types: $(STAMP)
	$(PY) -m mypy

# Both cores; tests/conftest.py keeps a module's tests (and its one browser) on one worker, but spreads the notebooks.
pytest: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadgroup

# The notebooks are made from demos/*.py and demos/exercises/*.py; run this after editing one.
notebooks: $(STAMP)
	$(PY) -m demos.make_notebooks

# JupyterLab on the lessons, on this machine only (127.0.0.1); Ctrl-C stops it. (As root, Jupyter
# refuses to start without --allow-root, as in a container.)
notebook: $(STAMP)
	$(PY) -m jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

bench: $(STAMP)
	$(PY) -m pip install --quiet -e ".[bench]"
	$(PY) -m benchmarks.engine
	$(PY) -m benchmarks.train
	$(PY) -m benchmarks.check_optim

clean:
	rm -rf $(VENV) out notebooks/out .pytest_cache .hypothesis
