# The two commands of the README: `make run` and `make test`. Both install what is missing first.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements.lock.stamp
XVFB_RUN := xvfb-run -a -s "-screen 0 1920x1920x24 +extension GLX"
# Two pytest-xdist workers: much of the suite waits on sockets and sub-processes, not the CPU.
# Tests that drive the kiosk window share one worker (one Kivy window per process: the
# kiosk_app xdist group, tests/conftest.py); every worker starts its own Xvfb.
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=

.PHONY: setup system-deps run test soak lint tour bench central clean

setup: system-deps $(STAMP)

system-deps:
	@PYTHON=$(PYTHON) scripts/ensure-system-deps

$(PY):
	@echo "Creating the virtual environment in $(VENV) ..."
	@$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.lock | $(PY)
	@echo "Installing the pinned Python dependencies (requirements.lock) ..."
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

# Starts the kiosk on its embedded default (demo station, local SQLite in var/, seeded demo data,
# simulated devices). Without a display: `make run XVFB=1` starts a virtual one.
run: setup
	@$(PY) -m kiosk run $(if $(XVFB),--xvfb,)

# The rules CI enforces before a single test runs: ruff, and the layer contract (import-linter,
# configured in pyproject.toml's [tool.importlinter]).
lint: setup
	@echo "ruff check ..."
	@$(PY) -m ruff check .
	@echo "import contract (lint-imports) ..."
	@$(VENV)/bin/lint-imports --no-cache

test: setup lint
	@$(XVFB_RUN) $(PY) -m pytest --durations=25 $(if $(filter-out 0 1,$(PYTEST_WORKERS)),-n $(PYTEST_WORKERS) --dist loadgroup,) $(PYTEST_ARGS)

# The long soak (100 visits of warm-up, then 400 measured, in one app: about 9 minutes): its own CI step after `make test`, so
# the suite keeps its 15 minutes; bounded at 25 minutes.
SOAK_LIMIT_S ?= 1500
soak: setup
	@timeout --signal=INT $(SOAK_LIMIT_S) $(XVFB_RUN) $(PY) -m pytest -m soak -s -p no:cacheprovider tests/soak

tour: setup
	@$(XVFB_RUN) $(PY) -m kiosk run --tour tour

bench: setup
	@$(XVFB_RUN) $(PY) -m kiosk bench startup

# The reference central service with the demo data, for `KIOSK__CENTRAL__ENABLED=true make run`.
CENTRAL_DB ?= sqlite:///var/central.db
central: setup
	@test -f var/central.db || $(PY) -m central --db $(CENTRAL_DB) seed --vacancies 2000 --demo
	@$(PY) -m central --db $(CENTRAL_DB) register-kiosk demo-kiosk-01 --station TJ-HP-NSJ-01 \
		--station-name 和平区南市街就业驿站 --secret demo-secret-change-me >/dev/null
	@$(PY) -m central --db $(CENTRAL_DB) serve --port 8700 --demo

clean:
	rm -rf var tour .pytest_cache
