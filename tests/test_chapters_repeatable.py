"""Every chapter, run twice in fresh kernels, prints the same thing both times.

nbval (see conftest.py) already fails the suite when a cell raises; this test executes each chapter
twice more and compares every text output (streams, plain text, Markdown, LaTeX, HTML). Pictures
and widget model ids are left out: they carry no printed number. Memory addresses are masked.
"""
import pathlib
import re

import jupytext
import nbclient
import pytest

from tests.kernels import IPCKernelManager

CHAPTERS = sorted(pathlib.Path(__file__).parent.parent.joinpath("chapters").glob("[0-9][0-9]_*.py"))
TEXT = ("text/plain", "text/markdown", "text/latex", "text/html")
ADDRESS = re.compile(r"0x[0-9a-f]{6,}")
# a described figure's HTML form embeds its picture, and names its details after a hash of it
PICTURE = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+|bp-fig-[0-9a-f]{12}")


def printed(path):
    nb = jupytext.read(path)
    # cleanup_kc: nbclient shuts down a kernel it was handed, and closes its client's sockets,
    # only when asked (else: "unclosed socket" warnings, and the kernel runs until exit)
    nbclient.NotebookClient(nb, km=IPCKernelManager(kernel_name="python3"), timeout=600,
                            resources={"metadata": {"path": str(path.parent)}}).execute(
                                cleanup_kc=True)
    out = []
    for i, cell in enumerate(nb.cells):
        for o in cell.get("outputs", []):
            texts = [o.get("text", "")] + [o.get("data", {}).get(k, "") for k in TEXT]
            out.append((i, masked("".join(map(str, texts)))))
    return out


def masked(text):
    """``text`` without its pictures and memory addresses. Pictures first: a picture's base64 can
    hold "0x" and six hex digits, and masking that as an address would cut the picture in two,
    leaving half of it to compare."""
    return ADDRESS.sub("0x…", PICTURE.sub("…", text))


def test_a_picture_is_masked_whole_even_where_it_looks_like_an_address():
    picture = '<img src="data:image/png;base64,AAAA0xdeadbeefBBBB==" alt="a">'
    assert masked(f"{picture} at 0x7f00aabbcc") == '<img src="…" alt="a"> at 0x…'


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_chapter_prints_the_same_twice(path):
    first, second = printed(path), printed(path)
    assert len(first) == len(second)
    for (cell, a), (_, b) in zip(first, second):
        assert a == b, f"{path.name}, code cell at index {cell} printed differently:\n{a}\n---\n{b}"
