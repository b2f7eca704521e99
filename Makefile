# The README's commands: `make lab` opens the book, `make test` runs every test, `make bench`
# runs the benchmarks, `make html` builds the static edition, `make course` the nbgrader course
# (instructor/README.md), `make hub` a class's JupyterHub. Each one sets up what it needs first,
# so a fresh clone is enough.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
COURSE_STAMP := $(VENV)/.course-installed
DOCS_VENV := .venv-docs
DOCS_STAMP := $(DOCS_VENV)/.installed
STUDENT_VENV := .venv-student
STUDENT_STAMP := $(STUDENT_VENV)/.installed
HUB_NPM_STAMP := instructor/hub/node_modules/.installed

.PHONY: setup lab test bench html npm system course hub clean

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; bpbook needs Python 3.11 (set PYTHON=/path/to/python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install -r requirements.txt
	touch $(STAMP)

# The static edition's tools (Sphinx, myst-nb) live in their own venv: docs/requirements.txt.
$(DOCS_STAMP): docs/requirements.txt
	$(PYTHON) -m venv $(DOCS_VENV)
	$(DOCS_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(DOCS_VENV)/bin/python -m pip install --quiet -r docs/requirements.txt
	touch $(DOCS_STAMP)

# Debian's npm fetches the pages' MathJax, require.js and widget manager (docs/vendor.json).
npm:
	@if ! command -v npm >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q npm; \
	  else echo "Installing npm needs root: sudo apt-get install npm"; exit 1; fi; \
	fi

# The static edition in _build/html/ (docs/build.py: every chapter executed, then Sphinx). An
# executed chapter is reused while it, bpbook and requirements.txt are unchanged.
html: setup $(DOCS_STAMP) npm
	$(BIN)/python docs/build.py

# Debian's chromium for the browser test (never a downloaded browser).
system:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	  else echo "Installing chromium needs root: sudo apt-get install chromium"; exit 1; fi; \
	fi

# JupyterLab on chapters/ with the book's configuration (jupyter_config/, see scripts/lab.sh).
lab: setup
	scripts/lab.sh

# The course kit's packages (nbgrader) go into the same venv: pinned beside the book's, no changes.
$(COURSE_STAMP): $(STAMP) instructor/requirements.txt
	$(BIN)/python -m pip install -r instructor/requirements.txt
	touch $(COURSE_STAMP)

# The nbgrader course in course/ (instructor/README.md): every chapter and the capstone, released.
# One assignment: make course COURSE_ARGS="--only 03_worked_example".
course: setup $(COURSE_STAMP)
	$(BIN)/python -m instructor.kit $(COURSE_ARGS)

# The student environment that a hub's servers run (instructor/hub/requirements-student.txt: the
# book's pins less the test tools, nbgrader, jupyterhub) and bpbook as a wheel built from the
# repository, so no clone is needed at run time. Nothing of instructor/ goes in. Its Python must be
# one every user may run: the system's (a Python under /root, as pyenv installs it, is not).
STUDENT_PYTHON ?= $(firstword $(wildcard /usr/bin/python3.11) $(PYTHON))
$(STUDENT_STAMP): $(STAMP) instructor/hub/requirements-student.txt pyproject.toml $(wildcard bpbook/*.py bpbook/*/*.py bpbook/*/*/*.py)
	rm -rf build/wheel
	$(BIN)/python -m pip wheel --quiet --no-deps --wheel-dir build/wheel .
	rm -rf $(STUDENT_VENV)
	$(STUDENT_PYTHON) -m venv $(STUDENT_VENV)
	$(STUDENT_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(STUDENT_VENV)/bin/python -m pip install -r instructor/hub/requirements-student.txt
	$(STUDENT_VENV)/bin/python -m pip install --no-deps --force-reinstall build/wheel/bpbook-*.whl
	touch $(STUDENT_STAMP)

# The hub's proxy, configurable-http-proxy, exactly as instructor/hub/package-lock.json pins it.
$(HUB_NPM_STAMP): instructor/hub/package-lock.json | npm
	cd instructor/hub && npm ci --no-audit --no-fund
	touch $(HUB_NPM_STAMP)

# A class's JupyterHub on this machine (instructor/README.md, "Running the course on a JupyterHub"):
# as root, one instructor and HUB_STUDENTS student accounts, the course built in the instructor's
# home; it prints the address and the accounts, and Ctrl-C stops it. HUB_ARGS: see
# `python -m instructor.hub --help`.
HUB_STUDENTS ?= 3
hub: setup $(COURSE_STAMP) $(STUDENT_STAMP) $(HUB_NPM_STAMP)
	$(BIN)/python -m instructor.hub --students $(HUB_STUDENTS) $(HUB_ARGS)

test: setup system html $(COURSE_STAMP) $(STUDENT_STAMP) $(HUB_NPM_STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile

# Benchmark-only packages (micrograd, threadpoolctl, pyinstrument) go into the same venv, and the
# course kit's (nbgrader), which the autograde benchmark runs. The run
# unsets OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE (set on some processors for old OpenBLAS builds; they
# slow numpy's current one); results.json records the BLAS kernel that ran.
bench: setup system $(DOCS_STAMP) npm $(COURSE_STAMP)
	$(BIN)/python -m pip install --quiet -r benchmarks/requirements.txt
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(BIN)/python -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(DOCS_VENV) $(STUDENT_VENV) instructor/hub/node_modules build _build .hypothesis
