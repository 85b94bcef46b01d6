# The two commands of the README: `make run` and `make test`. Everything else is
# what they need, each step done only when its inputs change.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
ASSETS := static/dist/application.css
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

# Tests and CI use PostgreSQL; `make run` uses a local SQLite file.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/decision_records
# The test run uses production-like settings (DEBUG off) with throwaway values.
TEST_ENV := DATABASE_URL=$(or $(DATABASE_URL),$(TEST_DATABASE_URL)) \
	SECRET_KEY=test-only-not-secret AUDIT_HMAC_KEY=test-only-audit-key \
	ALLOWED_HOSTS=localhost,127.0.0.1,testserver \
	SECURE_SSL_REDIRECT=0
RUN_ENV := DEBUG=1 DATABASE_URL=$(or $(DATABASE_URL),sqlite:///$(CURDIR)/db.sqlite3)

.PHONY: run test lint format system install assets migrate demo clean db-roles bench

run: system $(STAMP) $(ASSETS)
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py createcachetable
	$(RUN_ENV) $(PY) manage.py signing_demo_ca
	$(RUN_ENV) $(PY) manage.py load_demo
	@echo "Serving on http://127.0.0.1:8000/ (and running the task worker: emails, imports)"
	$(RUN_ENV) $(PY) manage.py db_worker --queue-name '*' --interval 2 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(RUN_ENV) $(PY) manage.py runserver 127.0.0.1:8000

# Three pytest-xdist workers, each with its own test database (test_<name>_gw0, _gw1,
# _gw2), whole files to a worker (module fixtures such as the browser sweep's are
# built once). Three on two cores: with two, the cores were busy only ~55% of the
# time (the tests wait on the browser, live servers, subprocesses and commits); a
# clean-clone CI on one machine, 1,005 s with two workers, 737 s with three.
# PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= 3
test: system $(STAMP) $(ASSETS)
	./scripts/postgres-up.sh
	./scripts/redis-up.sh
	$(TEST_ENV) $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile --durations=25 $(PYTEST_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	DEBUG=1 DATABASE_URL=sqlite://:memory: $(PY) manage.py makemigrations --check --dry-run

# The owner and application roles on the local PostgreSQL, proved (README "Database roles").
db-roles: $(STAMP)
	./scripts/postgres-up.sh
	./scripts/db-roles.sh

# Issue 12's measurements at 100,000 decisions into bench/RESULTS.md (bench/run.py;
# not part of `make test`). BENCH_COUNT=2000 for a small dataset, BENCH_FRESH=1 to rebuild.
bench: system $(STAMP) $(ASSETS)
	$(PY) bench/run.py

format: $(STAMP)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

system:
	./scripts/system-packages.sh

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(ASSETS): node_modules/.package-lock.json assets/scss/application.scss assets/build.mjs
	npm run --silent build

assets: $(ASSETS)

clean:
	rm -rf $(VENV) node_modules static/dist staticfiles db.sqlite3
