# ShopAssist — `make run` starts everything, `make test` runs the whole suite.
# Both install what is missing first; nothing is reinstalled while the locks are unchanged.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON311 ?= python3.11
VENV := .venv
RASA_VENV := .venv-rasa
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.9
APP_STAMP := $(VENV)/.installed
RASA_STAMP := $(RASA_VENV)/.installed
TORCH_VERSION := $(shell grep -oP '^torch==\K[0-9.]+' requirements/app.lock)
# Where the CPU build of torch comes from: this machine's wheel folder, else PyTorch's CPU index.
TORCH_SOURCE ?= $(if $(wildcard /opt/wheels/torch-*),--find-links /opt/wheels,--extra-index-url https://download.pytorch.org/whl/cpu)
PYTEST_ARGS ?=

.PHONY: help run test install lint lock clean chromium

help:
	@echo "make run    install if needed, train/index if sources changed, start the stack"
	@echo "make test   install if needed, then lint and run every test"
	@echo "make lock   re-resolve requirements/*.lock from requirements/*.in"

run: install
	$(VENV)/bin/shopassist run

test: install lint
	$(VENV)/bin/shopassist train
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check contracts gateway kb_index handoff actions tests bench
	$(VENV)/bin/lint-imports --no-cache
	@echo "type checking contracts, kb_index, handoff and the gateway (mypy) ..."
	$(VENV)/bin/mypy

install: $(APP_STAMP) $(RASA_STAMP) chromium

# The browser tests drive Debian's chromium (Playwright's own download does not work here).
chromium:
	@command -v chromium >/dev/null && exit 0; \
	if command -v apt-get >/dev/null; then \
	  echo "installing Debian's chromium for the browser tests (apt-get install chromium) ..."; \
	  { apt-get update -q && apt-get install -y -q chromium; } \
	    || echo "could not install chromium (root needed?): the browser tests will fail until it is installed"; \
	else echo "chromium not found and no apt-get: install chromium to run the browser tests (pytest -m browser)"; fi

$(APP_STAMP): requirements/app.lock requirements/dev.lock pyproject.toml
	@command -v $(PYTHON311) >/dev/null || { echo "Python 3.11 not found: install it (e.g. 'uv python install 3.11' or pyenv) and run make again, or set PYTHON311=/path/to/python3.11"; exit 1; }
	@test -x $(VENV)/bin/python || { echo "creating $(VENV) (Python 3.11) ..."; $(PYTHON311) -m venv $(VENV); }
	@echo "installing the application environment (the lock, torch $(TORCH_VERSION) CPU included) ..."
	$(VENV)/bin/python -m pip install -q --disable-pip-version-check uv==$(UV_VERSION)
	@# uv, not pip, installs torch: it links the wheel from its cache instead of unpacking 700 MB each time.
	$(UV) pip install --python $(VENV)/bin/python -q $(TORCH_SOURCE) -r requirements/app.lock -r requirements/dev.lock
	$(UV) pip install --python $(VENV)/bin/python -q --no-deps -e .
	@touch $@

# Rasa 3.6 runs on Python 3.10 only: look on PATH, in pyenv, then among uv-managed Pythons.
$(RASA_STAMP): requirements/rasa.lock | $(APP_STAMP)
	@py=""; for c in "$$SHOPASSIST_PYTHON310" python3.10 $$(ls -d $$(pyenv root 2>/dev/null)/versions/3.10.*/bin/python 2>/dev/null) $$($(UV) python find 3.10 2>/dev/null); do \
	  if [ -n "$$c" ] && "$$c" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then py="$$c"; break; fi; \
	done; \
	if [ -z "$$py" ]; then echo "Python 3.10 not found (Rasa 3.6 needs it). Install it with 'uv python install 3.10' (or 'pyenv install 3.10'), or set SHOPASSIST_PYTHON310=/path/to/python3.10, then run make again."; exit 1; fi; \
	echo "installing the Rasa environment with $$py ..."; \
	test -x $(RASA_VENV)/bin/python || $(UV) venv -q --python "$$py" $(RASA_VENV)
	$(UV) pip install --python $(RASA_VENV)/bin/python -q -r requirements/rasa.lock
	@touch $@

lock: $(APP_STAMP)
	cd requirements && ../$(UV) pip compile -q app.in --python-version 3.11 $(TORCH_SOURCE) -o app.lock
	cd requirements && ../$(UV) pip compile -q dev.in --python-version 3.11 -o dev.lock
	cd requirements && ../$(UV) pip compile -q rasa.in --python-version 3.10 -o rasa.lock
	@! grep -qiE '^(nvidia|triton)' requirements/*.lock || { echo "a CUDA package entered a lock"; exit 1; }

clean:
	rm -rf $(VENV) $(RASA_VENV) var
