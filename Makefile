# The README's two commands: `make run` and `make test`. Everything installs into .venv.
SHELL := /bin/bash
PYTHON ?= python3
UV := .tools/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test install install-dev browser lint format clean

# `make run` serves plain HTTP on loopback; production (the default) assumes HTTPS.
run: export NEWSCENTER_HTTPS ?= false
run: install
	$(VENV)/bin/newscenter setup
	exec $(VENV)/bin/newscenter serve

test: install-dev browser
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/pytest

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
