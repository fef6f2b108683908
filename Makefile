# The README's two commands: `make run` and `make test`. Everything installs into .venv.
SHELL := /bin/bash
PYTHON ?= python3
UV := .tools/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test test-sqlite test-postgres install install-dev browser lint format clean

# `make run` serves plain HTTP on loopback; production (the default) assumes HTTPS.
run: export NEWSCENTER_HTTPS ?= false
run: install
	$(VENV)/bin/newscenter setup
	exec $(VENV)/bin/newscenter serve

# Lint, then the whole suite on SQLite, then again on a throwaway PostgreSQL 15.
test: install-dev browser
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	@$(MAKE) --no-print-directory test-sqlite test-postgres

# NEWSCENTER_TEST_DATABASE makes tests/test_meta.py check that each run used the database it names.
test-sqlite: install-dev browser
	env -u DATABASE_URL NEWSCENTER_TEST_DATABASE=sqlite $(VENV)/bin/pytest

# scripts/test-postgres installs and starts the server on 127.0.0.1 (`scripts/test-postgres stop`
# stops it). The browser tests and the crash test (of SQLite itself) run once, in test-sqlite.
test-postgres: install-dev
ifeq ($(NEWSCENTER_SKIP_POSTGRES),1)
	@echo "NEWSCENTER_SKIP_POSTGRES=1: the suite did NOT run on PostgreSQL"
else
	scripts/test-postgres start
	DATABASE_URL=$$(scripts/test-postgres url) NEWSCENTER_TEST_DATABASE=postgresql \
		$(VENV)/bin/pytest -m "not browser and not slow"
endif

install: $(UV)
	$(UV) sync --frozen --no-dev --inexact --python $(PYTHON)

install-dev: $(UV)
	$(UV) sync --frozen --python $(PYTHON)

$(UV):
	scripts/bootstrap-uv $(PYTHON)

# Debian's chromium for the Playwright tests (Playwright cannot download a browser here).
browser:
	@command -v chromium >/dev/null || scripts/apt-install chromium fonts-dejavu-core

lint:
	$(VENV)/bin/ruff check src tests bench

format:
	$(VENV)/bin/ruff format src tests bench
	$(VENV)/bin/ruff check --fix src tests bench

clean:
	rm -rf $(VENV) .tools .pytest_cache artifacts
