# Joined Forces: `make run` for the app with demo data, `make test` for the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
# In the demo, the administrators of the Ministry of Foreign Affairs (mfa.approver) curate
# the glossary, besides staff. The setting's own default is empty: only staff curate.
GLOSSARY_STEWARD_ORGANISATION ?= mfa
# The demo's users (the superuser `admin` too) sign in with their password alone; anyone may
# still turn two-factor sign-in on from their profile. The setting's own default (DEBUG off)
# requires it of staff and superusers.
REQUIRE_STAFF_2FA ?= 0

# Tests run against a real PostgreSQL and Redis (see README); override to point elsewhere.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/joined_forces
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
# pytest-xdist processes running the suite side by side (one per core by default), each with
# its own test database and its own keys in the Redis database; 0 runs it in one process.
PYTEST_WORKERS ?= auto

# `make bench SCALE=1`: a fresh database with the demo and the benchmark world on it, then the
# measurements, written to docs/benchmarks.md (see README). Not part of `make test`.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/joined_forces_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/14
SCALE ?= 1
BENCH_MEASURE_ARGS ?= --rebuild
BENCH_ENV = DEBUG=1 REQUIRE_STAFF_2FA=0 DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL)

CATALOGUES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))

.PHONY: setup run test fuzz lint typecheck services worker beat clean bench bench-measure messages

setup: $(VENV)/.installed node_modules/.installed build/sw.js $(CATALOGUES)

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# The service worker, bundled from Workbox (npm) into build/ (not committed); served at /sw.js.
build/sw.js: offline/sw-src.js node_modules/.installed
	npx --no-install esbuild offline/sw-src.js --bundle --minify --format=iife \
		--define:process.env.NODE_ENV='"production"' --outfile=$@ --log-level=warning

# The compiled translations (gettext's msgfmt; the .mo files are built here, never committed).
%.mo: %.po
	msgfmt --check-format -o $@ $<

run: setup
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py seed_demo
	DEBUG=1 GLOSSARY_STEWARD_ORGANISATION=$(GLOSSARY_STEWARD_ORGANISATION) \
		REQUIRE_STAFF_2FA=$(REQUIRE_STAFF_2FA) $(BIN)/python manage.py runserver $(HOST)

services:
	bash scripts/services.sh

test: setup services
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# mypy checks the types while pytest runs (its workers wait on the database and the
	@# browser much of the time); both must pass, and mypy's findings are printed at the end.
	types_log=$$(mktemp); DEBUG=1 $(BIN)/mypy . > $$types_log 2>&1 & types=$$!; \
	DEBUG=1 STATIC_USE_FINDERS=1 DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
		$(BIN)/pytest --create-db -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS); \
	tests_status=$$?; wait $$types; types_status=$$?; \
	echo "mypy:"; cat $$types_log; rm -f $$types_log; \
	test $$tests_status -eq 0 && test $$types_status -eq 0

# Only the API fuzzing (tests/test_fuzz_api.py, also part of `make test`): schemathesis against
# a live server, as a planner and as an outsider; FUZZ_MAX_EXAMPLES=50 for a deeper run.
fuzz: setup services
	DEBUG=1 STATIC_USE_FINDERS=1 DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
		$(BIN)/pytest --create-db -n $(PYTEST_WORKERS) -m fuzz $(PYTEST_ARGS)

bench: setup services
	@# The database named by the URL's last part, made anew on its server's `postgres` database.
	psql "$(dir $(BENCH_DATABASE_URL))postgres" -q -v ON_ERROR_STOP=1 \
		-c 'DROP DATABASE IF EXISTS "$(notdir $(BENCH_DATABASE_URL))" WITH (FORCE)' \
		-c 'CREATE DATABASE "$(notdir $(BENCH_DATABASE_URL))"'
	redis-cli -u $(BENCH_REDIS_URL) flushdb
	$(BENCH_ENV) $(BIN)/python manage.py migrate --noinput
	$(BENCH_ENV) $(BIN)/python manage.py seed_demo
	$(BENCH_ENV) $(BIN)/python manage.py bench_world --scale $(SCALE)
	$(MAKE) bench-measure

# Measure the world `make bench` built again (after a change), without building it anew.
bench-measure: setup services
	$(BENCH_ENV) $(BIN)/python manage.py bench_measure $(BENCH_MEASURE_ARGS)

typecheck: setup
	DEBUG=1 $(BIN)/mypy .

worker: setup
	DEBUG=1 $(BIN)/celery -A config worker --loglevel=INFO

beat: setup
	DEBUG=1 $(BIN)/celery -A config beat --loglevel=INFO

# Extract newly marked phrases into the French catalogues (then translate them there).
messages: setup
	DEBUG=1 $(BIN)/python manage.py makemessages -l fr --no-obsolete --ignore=.venv \
		--ignore=node_modules --ignore=build --ignore=staticfiles --ignore=media \
		--ignore=tests --ignore=docs --ignore=benchmarks
	DEBUG=1 $(BIN)/python manage.py makemessages -d djangojs -l fr --no-obsolete \
		--ignore=.venv --ignore=node_modules --ignore=build --ignore=staticfiles

clean:
	rm -rf $(VENV) node_modules build staticfiles db.sqlite3
