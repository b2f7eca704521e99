"""Collect every chapter (a Jupytext percent-format ``chapters/NN_slug.py``) as an nbval notebook.

nbval only collects ``.ipynb`` files; the chapters are kept as text. Each chapter is read with
jupytext and handed to nbval's collector, which runs it cell by cell in a fresh kernel from the
current environment. Outputs are not compared (the text files keep none): a cell that raises
fails the suite.
"""
import contextlib
import os
import re

import jupytext
import nbval.kernel
import nbval.plugin
import pytest

from tests.kernels import IPCKernelManager

# The book's matrices are small: one BLAS thread is faster than two fighting for a busy machine.
# Set before any kernel starts, so every chapter's kernel inherits it.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

# nbval's kernels talk over IPC, not TCP ports that parallel workers could both pick.
nbval.kernel.KernelManager = IPCKernelManager

CHAPTER = re.compile(r"^\d\d_[a-z0-9_]+\.py$")


class ChapterNotebook(nbval.plugin.IPyNbFile):
    """nbval's notebook collector, reading the notebook from a Jupytext text file."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.compare_outputs = False

    def collect(self):
        with _nbformat_reads_jupytext():
            yield from super().collect()


@contextlib.contextmanager
def _nbformat_reads_jupytext():
    original = nbval.plugin.nbformat.read
    nbval.plugin.nbformat.read = lambda path, as_version: jupytext.read(path)
    try:
        yield
    finally:
        nbval.plugin.nbformat.read = original


def pytest_configure(config):
    config.option.nbval_current_env = True


def pytest_collect_file(file_path, parent):
    if file_path.parent.name == "chapters" and CHAPTER.match(file_path.name):
        return ChapterNotebook.from_parent(parent, path=file_path)
    return None
