# The README's commands: `make lab` opens the book, `make test` runs every test, `make bench`
# runs the benchmarks, `make html` builds the static edition, `make course` the nbgrader course
# (instructor/README.md). Each one sets up what it needs first, so a fresh clone is enough.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
COURSE_STAMP := $(VENV)/.course-installed
DOCS_VENV := .venv-docs
DOCS_STAMP := $(DOCS_VENV)/.installed

.PHONY: setup lab test bench html npm system course clean

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

test: setup system html $(COURSE_STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile

# Benchmark-only packages (micrograd, threadpoolctl, pyinstrument) go into the same venv. The run
# unsets OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE (set on some processors for old OpenBLAS builds; they
# slow numpy's current one); results.json records the BLAS kernel that ran.
bench: setup system $(DOCS_STAMP) npm
	$(BIN)/python -m pip install --quiet -r benchmarks/requirements.txt
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(BIN)/python -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(DOCS_VENV) build _build .hypothesis
