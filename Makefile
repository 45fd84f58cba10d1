# Persona Workshop — `make run` starts the app with a demo; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
VENDOR := static/vendor/socket.io.esm.min.js

.PHONY: setup run test lint clean bench

setup: $(VENV)/.installed $(VENDOR) ## install Python and npm dependencies, migrate the database

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(VENDOR): node_modules/.installed
	mkdir -p static/vendor
	cp node_modules/socket.io-client/dist/socket.io.esm.min.js $@

run: setup ## serve on http://127.0.0.1:5000 with a demo workshop (SQLite under instance/)
	$(VENV)/bin/flask --app workshop db-upgrade
	$(VENV)/bin/flask --app workshop seed-demo
	$(PY) wsgi.py

test: setup ## the whole suite: unit, services, sockets, live server, browser
	$(PY) -m pytest $(PYTEST_ARGS)

bench: setup ## the benchmark (bench/results/last.md, compared with baseline.md); BENCH_ARGS=--quick for a few steps
	$(PY) bench/run.py $(BENCH_ARGS)

lint:
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) node_modules static/vendor instance
