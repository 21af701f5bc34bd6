# Front door. `make demo` and `make test` work on a fresh Debian 12 machine with
# Python 3.12 under pyenv (.python-version selects it): they bootstrap uv into .tools/,
# install the locked environment into .venv/ and run.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := 3.12
# installed packages get their bytecode at install time: where PYTHONDONTWRITEBYTECODE is
# set (as on this machine) every process otherwise recompiled pandas, Dash, SciPy... from
# source (imports 4.4 s -> 1.4 s; compiling once costs ~8 s at setup)
export UV_COMPILE_BYTECODE := 1
UV := .tools/bin/uv
RUN := $(UV) run --frozen --no-dev
RUN_DEV := $(UV) run --frozen

.PHONY: setup setup-dev browser demo test bench lint clean

$(UV):
	python3 -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check 'uv>=0.4'

setup: $(UV)
	$(UV) sync --frozen

browser:
	@bash scripts/install-chromium.sh

demo: setup
	$(UV) run --frozen copil demo

test: setup browser
	$(UV) run --frozen pytest

bench: setup
	$(UV) run --frozen python benchmarks/summary.py

lint: setup
	$(UV) run --frozen ruff check .

clean:
	rm -rf .venv .tools .pytest_cache .hypothesis artifacts
