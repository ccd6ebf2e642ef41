# Redline — the two commands are `make run` and `make test`; everything else is a helper they call.
SHELL := /bin/bash
HOST ?= 127.0.0.1
PORT ?= 8000
VENV := .venv
# Django 6 needs Python 3.12+; the machine's default python3 may be older, so look for one.
PYTHON ?= $(shell for p in python3.13 python3.12 $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3) $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3) /usr/bin/python3.13 /usr/bin/python3.12 python3; do \
	"$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo "$$p"; break; }; done)
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py

.PHONY: setup run test lint format demo-reset worker jobs messages bench bench-quick bench-publish security-report backup restore clean serve prod-smoke

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is required (python3.12 / python3.13 not found)"; exit 1; }
	test -x $(PY) || "$(PYTHON)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/vendor/.copied: node_modules/.installed scripts/copy_assets.py
	$(PY) scripts/copy_assets.py
	touch $@

var/secret_key: | $(VENV)/.installed
	mkdir -p var/media var/backups
	$(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@
	chmod 600 $@

setup: $(VENV)/.installed static/vendor/.copied var/secret_key messages

messages: $(VENV)/.installed
	@$(PY) scripts/compile_messages.py

run: setup
	@export SECRET_KEY_FILE=var/secret_key DEBUG=$${DEBUG:-true} REDLINE_DEMO_MFA_EXEMPT=$${REDLINE_DEMO_MFA_EXEMPT:-true}; \
	$(MANAGE) migrate --noinput && \
	$(MANAGE) load_demo --if-empty && \
	{ [ "$$DEBUG" = true ] || $(MANAGE) collectstatic --noinput -v 0; } && \
	$(MANAGE) demo_logins --host $(HOST) --port $(PORT) && \
	{ $(MANAGE) run_jobs --loop & JOBS=$$!; trap 'kill $$JOBS 2>/dev/null' EXIT INT TERM; \
	  $(MANAGE) runserver --noreload $(HOST):$(PORT); }

demo-reset: setup
	@export SECRET_KEY_FILE=var/secret_key; \
	$(MANAGE) migrate --noinput && $(MANAGE) load_demo --reset

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: setup lint
	@export SECRET_KEY_FILE=var/secret_key; \
	$(MANAGE) makemigrations --check --dry-run >/dev/null || { echo "Missing migrations: run manage.py makemigrations"; exit 1; }; \
	$(MANAGE) check --fail-level WARNING && \
	DJANGO_SETTINGS_MODULE=redline.settings_test $(VENV)/bin/pytest $(PYTEST_ARGS)

# Production start: everything from the environment (README "Operations"); gunicorn's settings are in
# redline/gunicorn.conf.py (WEB_WORKERS, WEB_TIMEOUT, WEB_BIND).
serve: $(VENV)/.installed static/vendor/.copied messages
	@test -z "$${DEBUG}" -o "$${DEBUG}" = false || { echo "make serve is the production start: DEBUG must be false"; exit 1; }
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput -v 0
	$(MANAGE) check --deploy --fail-level WARNING
	$(VENV)/bin/gunicorn redline.wsgi -c redline/gunicorn.conf.py

# The reference deployment on one machine (two app servers behind nginx, workers, PostgreSQL, Redis,
# an S3 endpoint), checked through the balancer; stops what it started. README "Operations".
prod-smoke: $(VENV)/.installed static/vendor/.copied messages
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { SUDO=$$(command -v sudo); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q --no-install-recommends nginx; }
	$(PY) scripts/prod_smoke.py

worker: setup
	$(VENV)/bin/celery -A redline worker --beat --loglevel=info

jobs: setup
	SECRET_KEY_FILE=var/secret_key $(MANAGE) run_jobs --loop

bench: setup
	$(PY) -m bench.run --sizes S,M,L

bench-quick: setup
	$(PY) -m bench.run --sizes S --quick

# The README's published table changes only here, from the last run's bench/results.md.
bench-publish: setup
	$(PY) -m bench.run --publish

security-report: setup
	$(PY) -m reports.security

backup: setup
	SECRET_KEY_FILE=var/secret_key $(MANAGE) backup

restore: setup
	@test -n "$(FROM)" || { echo "usage: make restore FROM=var/backups/<name>"; exit 1; }
	SECRET_KEY_FILE=var/secret_key $(MANAGE) restore $(FROM)

clean:
	rm -rf $(VENV) node_modules static/vendor
