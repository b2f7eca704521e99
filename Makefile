# The README's commands: `make lab` opens the book, `make test` runs every test, `make bench`
# runs the benchmarks. Each one sets up what it needs first, so a fresh clone is enough.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup lab test bench system clean

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; bpbook needs Python 3.11 (set PYTHON=/path/to/python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install -r requirements.txt
	touch $(STAMP)

# Debian's chromium for the browser test (never a downloaded browser).
system:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	  else echo "Installing chromium needs root: sudo apt-get install chromium"; exit 1; fi; \
	fi

# JupyterLab on chapters/ with the book's configuration (jupyter_config/, see scripts/lab.sh).
lab: setup
	scripts/lab.sh

test: setup system
	$(BIN)/python -m pytest -n 2 --dist loadfile

bench: setup
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build .hypothesis
