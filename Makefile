# E-handelshubben: `make run` serves the hub, `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# `make run` (and the migrate and seed it does first) use the safe local settings: DEBUG off, a kept
# secret key, the demo Peppol id (hub/settings/local.py).
RUN_SETTINGS ?= hub.settings.local
RUN_BASE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test install install-dev standards migrate seed lint format bench clean

$(VENV)/installed: requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found); set PYTHON=..."; exit 2; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/installed-dev: $(VENV)/installed requirements-dev.txt
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/installed
install-dev: $(VENV)/installed-dev

standards:
	$(PYTHON) scripts/fetch_standards.py var/standards

migrate: install
	DJANGO_SETTINGS_MODULE=$(RUN_SETTINGS) $(MANAGE) migrate --noinput

seed: migrate
	DJANGO_SETTINGS_MODULE=$(RUN_SETTINGS) HUB_BASE_URL=$${HUB_BASE_URL:-$(RUN_BASE_URL)} $(MANAGE) seed_hub

run: install standards seed
	$(MANAGE) compilemessages --ignore=.venv -v 0
	DJANGO_SETTINGS_MODULE=$(RUN_SETTINGS) HUB_BASE_URL=$${HUB_BASE_URL:-$(RUN_BASE_URL)} HOST=$(HOST) PORT=$(PORT) scripts/serve.sh

test: install-dev standards
	$(PY) manage.py compilemessages --ignore=.venv -v 0
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install-dev standards
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) var/db.sqlite3 var/media

# CI and the services it starts (see docs/operations.md).
.PHONY: ci services test-services
ci:
	bash .ci/run

services:
	scripts/postgres.sh start
	scripts/opensearch.sh start

# The suite on PostgreSQL + OpenSearch, as CI's second run does.
test-services: services
	DATABASE_URL="$$(scripts/postgres.sh url)" OPENSEARCH_URL=http://127.0.0.1:9200 $(MAKE) test
