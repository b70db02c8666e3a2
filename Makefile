# The two commands of the README:
#   make run   - set up .venv, migrate, load the demo data, serve http://127.0.0.1:8000/
#   make test  - install what the tests need, then ruff, makemigrations --check and pytest
# Only python3 (3.11) is needed beforehand; `make test` installs Chromium, a CJK font, GNU
# gettext, redis-server, haproxy and PostgreSQL with apt-get when they are missing.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: run test system-deps lint messages vendor

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(PY)
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

run: $(VENV)/.runtime
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver 127.0.0.1:8000

system-deps:
	@bash scripts/install_test_system_deps.sh

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

test: $(VENV)/.dev system-deps lint
	$(PY) manage.py makemigrations --check --dry-run --settings=config.settings.test
	$(VENV)/bin/pytest

# Re-extract the UI strings after changing them; translate the new ones in
# locale/zh_Hans/LC_MESSAGES/django.po, then compile (the .mo is committed).
messages: $(VENV)/.dev
	$(PY) manage.py makemessages -l zh_Hans -i .venv -i staticfiles -i test-artifacts --no-obsolete
	$(PY) manage.py compilemessages -i .venv

vendor:
	bash scripts/vendor_assets.sh
