# Hariane PRO identity: the two commands are `make run` and `make test`.
# Everything they need is installed by `python3 -m devstack.prepare` (see devstack/).

PYTHON ?= python3
VENV_PY := .venv/bin/python
PYTEST_ARGS ?=

.PHONY: run test test-quick prepare test-java test-python lint reset clean help bench

help:
	@echo "make run    - the whole stack on embedded defaults (Ctrl-C stops it)"
	@echo "make test   - the format and lint checks, the Java unit tests and the whole pytest suite"
	@echo "make test-quick - the pure tests alone: no server, about a minute (pytest -m pure)"
	@echo "make lint   - the Python format, lint and import-layer checks alone (Java's: make test-java)"
	@echo "make reset  - forget the local data of make run (users, secrets)"
	@echo "make clean  - remove every download and build (.local, .venv, ...)"

run: prepare
	$(VENV_PY) -m devstack.run

prepare:
	$(PYTHON) -m devstack.prepare

test: test-java test-python

test-java:
	$(PYTHON) -m devstack.prepare --for-tests --java-tests

test-python:
	$(PYTHON) -m devstack.prepare --for-tests
	$(MAKE) --no-print-directory lint
	$(VENV_PY) -m pytest $(PYTEST_ARGS)

# the tests that start no server (tests/conftest.py sorts them: pure, stack, ops)
test-quick:
	$(PYTHON) -m devstack.prepare --for-tests
	$(VENV_PY) -m pytest -m pure $(PYTEST_ARGS)

PY_SOURCES := devstack portal_adapter examples bench tests tools

lint:
	$(VENV_PY) -m ruff format --check $(PY_SOURCES)
	$(VENV_PY) -m ruff check $(PY_SOURCES)
	.venv/bin/lint-imports portal_adapter/pyproject.toml

reset:
	$(PYTHON) -m devstack.reset

clean: reset
	rm -rf .local .venv idp_extension/target tools/node/node_modules

bench: prepare
	$(VENV_PY) -m bench $(BENCH)
