# Redress: `make run` serves the portal with demo data; `make test` runs every test.
# Both set up everything first (virtualenv, packages, translations, database
# migrations, the classifier model). DATABASE_URL switches both to PostgreSQL.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app portal
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=
# The portal refuses to start on no or a public SECRET_KEY outside debug and
# the tests; these targets use a random key of this checkout, made once and
# kept in instance/ (git ignores it). Production sets SECRET_KEY itself.
DEV_SECRET_FILE := instance/dev-secret-key
ifndef SECRET_KEY
SECRET_KEY := $(shell test -s $(DEV_SECRET_FILE) || (mkdir -p instance && $(PYTHON) -c 'import secrets; print(secrets.token_hex(32))' > $(DEV_SECRET_FILE)); cat $(DEV_SECRET_FILE))
endif
export SECRET_KEY

.PHONY: setup install run worker test migrate translations model bench clean

setup: install translations migrate model

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

# Each area keeps its own catalogue; compile every one of them.
translations: $(STAMP)
	@for d in $$(find portal -type d -name translations); do \
	  if ls $$d/*/LC_MESSAGES/*.po >/dev/null 2>&1; then \
	    $(VENV)/bin/pybabel compile -f -d $$d >/dev/null || exit 1; \
	  fi; \
	done

migrate: $(STAMP)
	$(FLASK) db upgrade

# Trains the classifier from the corpus in the repository, only when the
# config or the corpus changed since the stored model was built.
model: $(STAMP)
	$(PY) -m classifiers train --if-stale

run: setup
	$(FLASK) seed-demo
	$(FLASK) run --host 127.0.0.1 --port 5000

# With REDIS_URL set, imports and audits started from the web wait on the job
# queue: run this beside `make run` (or several, for several jobs at once).
worker: setup
	$(FLASK) jobs work

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

bench: setup
	$(PY) -m pip install --quiet -e '.[test,bench]'
	$(PY) bench/intake.py
	$(PY) bench/classifier.py
	$(PY) bench/queue.py
	$(PY) bench/contacts.py
	$(PY) bench/public_data.py

clean:
	rm -rf $(VENV) instance/redress.sqlite3 classifiers/model
