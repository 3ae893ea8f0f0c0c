# Two commands do everything: `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast lint bench serve install messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependency list changes, so a second `make run` starts in seconds.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/cartera setup
	$(BIN)/cartera serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

test: $(STAMP) lint
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

# The catalogues of the web app (es, pt, en). The CLI, analytics and reporting run without
# Django (stdlib gettext), so their strings never reach this catalogue: they are left out.
# English is the source language: msgen fills its catalogue with the msgids themselves.
messages: $(STAMP)
	cd src/cartera && ../../$(BIN)/django-admin makemessages -l es -l pt -l en --no-obsolete \
		--ignore 'cli/*' --ignore 'analytics/*' --ignore 'reporting/*' --ignore '*/migrations/*' \
		--settings=cartera.config.settings.base
	msgen --no-wrap -o src/cartera/locale/en/LC_MESSAGES/django.po src/cartera/locale/en/LC_MESSAGES/django.po
	cd src/cartera && ../../$(BIN)/django-admin compilemessages --settings=cartera.config.settings.base

clean:
	rm -rf $(VENV) .pytest_cache
