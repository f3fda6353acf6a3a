# Lodestone: `make run` starts the whole system embedded; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MYPY_TARGETS := licensing/services/ licensing/workflow.py licensing/selectors.py \
	licensing/permissions.py licensing/exceptions.py licensing/calendar.py licensing/clocks.py \
	licensing/validators.py licensing/documents.py licensing/catalogue.py licensing/rules.py licensing/requirements.py licensing/screening.py \
	licensing/jobs.py licensing/notifications.py licensing/tasks.py \
	licensing/webhooks.py licensing/api/

.PHONY: run test lint format bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Runtime dependencies only; reinstalled when pyproject.toml changes.
$(VENV)/.run-installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.run-installed

run: $(VENV)/.run-installed
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	$(PY) manage.py runstack

test: $(VENV)/.dev-installed
	$(PY) manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy $(MYPY_TARGETS)

bench: $(VENV)/.run-installed
	$(PY) manage.py migrate --no-input -v0
	$(PY) bench/run.py

format: $(VENV)/.dev-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf var/broker var/celerybeat-schedule*
