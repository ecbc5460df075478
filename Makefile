# One-command entry points. Each target creates .venv on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-all lint bench calibrate clean compile

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

# Byte-compile the package (imports are faster where PYTHONDONTWRITEBYTECODE is set) and
# build Numba's cache of the household loops (about 1.5 s, once; benchmarks/RESULTS.md)
compile: $(STAMP)
	$(BIN)/python -m compileall -q coopsim
	$(BIN)/python -c "from coopsim.model.coop_model import CoopModel; CoopModel(seed=0, scale=0.02).step()"

## Run the main job: baseline vs Directive 27 on the default province, 2018-2027 -> out/demo
demo: compile
	$(BIN)/coopsim compare baseline directive27 --reps 10 --years 10 --seed 2018 --out out/demo

## Run the test suite (slow tests excluded; `make test-all` runs them too)
test: compile
	$(BIN)/python -m pytest -q -m "not slow"

test-all: compile
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check coopsim tests benchmarks scripts

bench: compile
	$(BIN)/python benchmarks/bench_model.py

## Reproduce the calibration behind the shipped defaults (~15 min on 2 cores) -> out/calibration
calibrate: compile
	$(BIN)/python scripts/calibrate_defaults.py --out out/calibration

clean:
	rm -rf $(VENV) out .pytest_cache
