"""The chapters as text (read with Jupytext, not run): every cross-link between chapters leads to a
chapter that exists, links sit in Markdown cells (where the static edition rewrites them), no
Markdown heading has fallen into a code cell (a lost ``# %% [markdown]`` marker), and a topic
kept in one place is not repeated elsewhere."""
import re
from pathlib import Path

import jupytext
import pytest

REPO = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((REPO / "chapters").glob("[0-9][0-9]_*.py"))
LINK = re.compile(r"\]\((\d\d_[a-z0-9_]+)\.py(#[^)\s]*)?\)")
HEADING = re.compile(r"^# #{1,4} \S")


def cells(path):
    return jupytext.read(path).cells


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_every_link_to_a_chapter_leads_to_one(chapter):
    names = {p.stem for p in CHAPTERS}
    for cell in cells(chapter):
        for target, _ in LINK.findall(cell.source):
            assert target in names, f"{chapter.name} links to {target}.py, which does not exist"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_links_to_chapters_sit_in_markdown_cells(chapter):
    for cell in cells(chapter):
        if cell.cell_type == "code":
            assert not LINK.search(cell.source), (
                f"{chapter.name}: a code cell writes a link to a chapter into its output, which "
                f"the static edition does not rewrite:\n{cell.source[:200]}")


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_no_heading_in_a_code_cell(chapter):
    """Issue 21, error 1: a heading and its paragraph rendered as comments under a code cell."""
    for cell in cells(chapter):
        if cell.cell_type == "code":
            lost = [line for line in cell.source.splitlines() if HEADING.match(line)]
            assert not lost, f"{chapter.name}: Markdown heading inside a code cell: {lost}"


def test_the_lost_marker_of_chapter_2_is_back():
    """The section "One more operation, micrograd's way" is a Markdown cell of its own."""
    md = [c.source for c in cells(REPO / "chapters" / "02_computation_graph.py")
          if c.cell_type == "markdown"]
    assert any(s.startswith("### One more operation, micrograd's way") for s in md)


def test_the_split_chapters_link_back_where_each_idea_was_introduced():
    """Chapter 7 uses the matrix form, BCE, tanh and the update step: it links to chapters 4, 6
    and 3; chapters 2 and 12 point at chapter 3's table of the five gradients; chapter 3 points
    at chapter 4 for the matrix form it no longer holds."""
    def links(name):
        return {t for c in cells(REPO / "chapters" / name) if c.cell_type == "markdown"
                for t, _ in LINK.findall(c.source)}
    assert {"02_computation_graph", "03_worked_example", "04_matrix_form",
            "06_activations"} <= links("07_reverse_mode.py")
    assert {"03_worked_example"} <= links("04_matrix_form.py")
    assert {"04_matrix_form", "02_computation_graph",
            "11_gradient_checking"} <= links("03_worked_example.py")
    assert "03_worked_example" in links("02_computation_graph.py")
    assert "03_worked_example" in links("12_pytorch.py")


def test_the_five_gradients_are_tabled_once():
    """Chapters 2 and 12 once repeated chapter 3's table of the worked example's five gradients
    beside SymPy's; the table now lives in chapter 3 alone."""
    def symbolic_five(name):
        code = "\n".join(c.source for c in cells(REPO / "chapters" / name)
                         if c.cell_type == "code")
        return "SymbolicMLP([2, 1, 1])" in code or "worked_symbolic()" in code
    assert symbolic_five("03_worked_example.py")
    assert not symbolic_five("02_computation_graph.py")
    assert not symbolic_five("12_pytorch.py")


def test_chapter_3_does_not_print_the_answer_of_its_exercise_2():
    """Exercise 2 asks for δ₁ at the target y = 0; no cell of the page computes that case."""
    code = [c.source for c in cells(REPO / "chapters" / "03_worked_example.py")
            if c.cell_type == "code" and "exercise" not in c.metadata.get("tags", [])]
    assert not [s for s in code if re.search(r"\by\s*=\s*0(\.0*)?\b", s)]


WORD_LIMIT = 2500  # issue 21: a chapter's prose, the words of its Markdown cells


def prose_words(path):
    return sum(len(c.source.split()) for c in cells(path) if c.cell_type == "markdown")


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_a_chapter_has_at_most_2500_words_of_prose(chapter):
    assert prose_words(chapter) <= WORD_LIMIT, (
        f"{chapter.name} has {prose_words(chapter)} words of prose; split it or say less")


NOTATION_CHAPTERS = ("02_computation_graph.py", "03_worked_example.py", "04_matrix_form.py",
                     "05_xor.py", "06_activations.py", "07_reverse_mode.py",
                     "08_vanishing_gradients.py")


@pytest.mark.parametrize("name", NOTATION_CHAPTERS)
def test_the_loss_is_never_written_l(name):
    """DEVELOPERS.md's notation: the loss is ℒ (``\\mathcal L``), L the number of layers; σ is the
    sigmoid only, so a formula for any layer's δ uses f′."""
    markdown = "\n".join(c.source for c in cells(REPO / "chapters" / name)
                         if c.cell_type == "markdown")
    assert not re.search(r"\\partial\s*L\b|\\frac\{\\partial L\}", markdown)
    assert not re.search(r"(?<!\\mathcal )(?<![\w_])L\s*=\s*\\t?frac", markdown)  # ℒ = ½(ŷ − y)²
    assert not re.search(r"\\delta_l\s*=.*\\sigma'", markdown)


def test_the_history_of_reverse_mode_names_werbos():
    """Issue 21, error 7: Werbos (1974 thesis; 1982, neural networks) beside Linnainmaa (1970) and
    Rumelhart, Hinton and Williams (1986)."""
    text = " ".join(c.source for c in cells(REPO / "chapters" / "07_reverse_mode.py")
                    if c.cell_type == "markdown" and "history" in c.source)
    for name, year in (("Linnainmaa", "1970"), ("Werbos", "1974"), ("Werbos", "1982"),
                       ("Rumelhart, Hinton and Williams", "1986")):
        assert name in text and year in text


def test_batch_norm_keeps_sigma_for_the_sigmoid_and_y_for_targets():
    """Chapter 8's batch norm: its variance is $v$ (σ is only the sigmoid), its output $u_i$ (y is
    a target), its general δ recursion uses $f'$."""
    markdown = "\n".join(c.source for c in cells(REPO / "chapters" / "08_vanishing_gradients.py")
                         if c.cell_type == "markdown")
    assert not re.search(r"\\sigma\^2|y_i\s*&?=\s*\\gamma", markdown)
    assert re.search(r"\\delta_\{l\} = .*f'\(z_l\)", markdown)
