# The README's commands: `make lab` opens the book, `make test` runs every test, `make bench`
# runs the benchmarks, `make course` builds the nbgrader course (instructor/README.md). Each one
# sets up what it needs first, so a fresh clone is enough.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
COURSE_STAMP := $(VENV)/.course-installed

.PHONY: setup lab test bench system course clean

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

# The course kit's packages (nbgrader) go into the same venv: pinned beside the book's, no changes.
$(COURSE_STAMP): $(STAMP) instructor/requirements.txt
	$(BIN)/python -m pip install -r instructor/requirements.txt
	touch $(COURSE_STAMP)

# The nbgrader course in course/ (instructor/README.md): every chapter and the capstone, released.
# One assignment: make course COURSE_ARGS="--only 03_worked_example".
course: setup $(COURSE_STAMP)
	$(BIN)/python -m instructor.kit $(COURSE_ARGS)

test: setup system $(COURSE_STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile

# Benchmark-only packages (micrograd, threadpoolctl, pyinstrument) go into the same venv. The run
# unsets OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE (set on some processors for old OpenBLAS builds; they
# slow numpy's current one); results.json records the BLAS kernel that ran.
bench: setup system
	$(BIN)/python -m pip install --quiet -r benchmarks/requirements.txt
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(BIN)/python -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build .hypothesis
