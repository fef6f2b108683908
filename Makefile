# The README's two commands: `make run` and `make test`. Everything installs into .venv.
SHELL := /bin/bash
PYTHON ?= python3
UV := .tools/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Python may cache compiled modules: with PYTHONDONTWRITEBYTECODE set (as on some build
# machines) every process the tests start (servers, commands, xdist workers) compiled Django
# and its libraries from source again, 17 s instead of 6.5 s to import the site on a busy
# two-core machine, and pytest rewrote every test module's asserts on every run.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test test-fast test-sqlite test-postgres suite-sqlite suite-postgres install \
	install-dev test-packages node-tools lint format clean messages

# `make run` serves plain HTTP on loopback; production (the default) assumes HTTPS.
run: export NEWSCENTER_HTTPS ?= false
run: install
	$(VENV)/bin/newscenter setup
	exec $(VENV)/bin/newscenter serve

# Lint, then the whole suite on SQLite with the local-memory cache, then on a throwaway
# PostgreSQL 15 with Redis as the cache (both servers on loopback, started here). The second
# run goes on when the first fails (-k), and either failing fails `make test`. One after the
# other, not side by side: running both at once was no faster on two cores, and twice as many
# processes as cores slowed the tests that bound how long a hostile input may take past them.
test: install-dev test-packages node-tools
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory -k suite-sqlite suite-postgres

# For a quick round while working: lint, then the suite on SQLite without the browser, the
# slow crash loops and the validators. It installs nothing as root (no Debian packages), only
# the .venv.
test-fast: install-dev
	@$(MAKE) --no-print-directory lint
	env -u DATABASE_URL -u CACHE_URL $(PYTEST) -m "not browser and not slow and not validator"

test-sqlite: install-dev test-packages node-tools
	@$(MAKE) --no-print-directory suite-sqlite

test-postgres: install-dev test-packages
	@$(MAKE) --no-print-directory suite-postgres

# pytest-xdist workers for each run ("auto": one per core). `--dist load` hands tests out in
# collection order, so each worker keeps pytest-django's order (transactional tests, which empty
# every table, after the others); `worksteal` breaks it. pytest exits non-zero when a test
# fails and with 5 when none ran, and either fails the target.
TEST_WORKERS ?= auto
PYTEST := $(VENV)/bin/pytest -n $(TEST_WORKERS) --dist load

# NEWSCENTER_TEST_DATABASE and NEWSCENTER_TEST_CACHE make tests/test_meta.py check that each run
# used the database and the cache it names. The browser tests, the crash test (of SQLite
# itself) and the validators (the Nu HTML Checker) run once, here.
suite-sqlite:
	@echo "== The suite on SQLite, with the local-memory cache"
	env -u DATABASE_URL -u CACHE_URL NEWSCENTER_TEST_DATABASE=sqlite NEWSCENTER_TEST_CACHE=locmem \
		$(PYTEST)

# scripts/test-postgres and scripts/test-redis install and start their servers on 127.0.0.1
# (`scripts/test-postgres stop`, `scripts/test-redis stop` stop them).
suite-postgres:
ifeq ($(NEWSCENTER_SKIP_POSTGRES),1)
	@echo "NEWSCENTER_SKIP_POSTGRES=1: the suite did NOT run on PostgreSQL and Redis"
else
	@echo "== The suite on PostgreSQL 15, with Redis as the cache"
	scripts/test-postgres start
	scripts/test-redis start
	DATABASE_URL=$$(scripts/test-postgres url) NEWSCENTER_TEST_DATABASE=postgresql \
	CACHE_URL=$$(scripts/test-redis url) NEWSCENTER_TEST_CACHE=redis \
		$(PYTEST) -m "not browser and not slow and not validator"
endif

# Lighthouse 12 (npm, Debian's chromium) over a throwaway demo site: index, article, section,
# tag, author and search, mobile and desktop, the four scores as a table (docs/public-site.md).
# e.g. LIGHTHOUSE_ARGS="--min 100 --json artifacts/lighthouse.json".
.PHONY: lighthouse
lighthouse: install node-tools
	$(VENV)/bin/python scripts/lighthouse.py $(LIGHTHOUSE_ARGS)

# The serving benchmark's table (bench/README.md); e.g. BENCH_ARGS="--db-sizes 1000000".
.PHONY: bench
bench: install
	$(VENV)/bin/python bench/serve.py $(BENCH_ARGS)

install: $(UV)
	$(UV) sync --frozen --no-dev --inexact --python $(PYTHON)

install-dev: $(UV)
	$(UV) sync --frozen --python $(PYTHON)

$(UV):
	scripts/bootstrap-uv $(PYTHON)

# Debian packages for the tests, as root, with one apt-get for those missing: chromium for the
# Playwright tests (Playwright cannot download a browser here), PostgreSQL 15 and Redis for the
# second run, nginx for the deploy tests (each starts its own on a free port).
# A Java runtime for the Nu HTML Checker (vnu.jar, from npm: `node-tools` below).
TEST_PACKAGES := chromium fonts-dejavu-core postgresql-15 redis-server nginx-light \
	openjdk-17-jre-headless
test-packages:
	@scripts/apt-install $(TEST_PACKAGES)

# The checkers from npm, pinned by package-lock.json: the Nu HTML Checker (vnu-jar, run by
# tests/web/test_html_validity.py) and Lighthouse 12 (npx lighthouse, docs/public-site.md). No install scripts
# run: Lighthouse drives Debian's chromium, and vnu-jar is a jar file.
node-tools: node_modules/.package-lock.json
node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js 20 (with npm)"; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

# Style, then the layers of docs/architecture.md (import-linter), then types (mypy). mypy
# imports the settings, which make their data folder: a throwaway one here.
lint: install-dev
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/lint-imports
	NEWSCENTER_DATA_DIR=$$(mktemp -d) $(VENV)/bin/mypy

# The public pages' translations (docs/languages.md): after changing a translatable string or a
# .po file under src/newscenter/web/locale/, refresh the catalogues and compile the .mo files.
# The .mo files are committed, so that installing newscenter never needs gettext; a test fails
# when one lags behind its .po. This target needs Debian's gettext (msgfmt, xgettext).
messages: install-dev
	cd src/newscenter/web && DJANGO_SETTINGS_MODULE=newscenter.settings NEWSCENTER_DATA_DIR=$$(mktemp -d) \
		../../../$(VENV)/bin/django-admin makemessages --no-obsolete -l de -l fr -l es -l zh_Hans -l ar
	cd src/newscenter/web && DJANGO_SETTINGS_MODULE=newscenter.settings NEWSCENTER_DATA_DIR=$$(mktemp -d) \
		../../../$(VENV)/bin/django-admin compilemessages

format:
	$(VENV)/bin/ruff format src tests bench
	$(VENV)/bin/ruff check --fix src tests bench

clean:
	rm -rf $(VENV) .tools .pytest_cache artifacts node_modules
