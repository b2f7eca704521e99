r"""Chapter 04's typesetting: the batch network's arrays and sums laid into LaTeX.

The chapter's cells compute; these functions only write the computed arrays and numbers into
formulas (:func:`bpbook.display.bmatrix`, :func:`bpbook.display.equation`), so the cells a
student reads hold the math and the code. Each returns displayable objects, in order; the cell
shows them with ``display(*...)``. Arrays are shaped as :mod:`.matrix` says (samples in columns).
"""
from IPython.display import Markdown

from bpbook.display import bmatrix, equation, say, term


def problem(sizes, m, seed, p):
    """The settings and the drawn arrays ``p`` (X, Y, W1, b1, W2, b2)."""
    return [say("Settings: layer widths $n_0, n_1, n_2$ = {sizes}, a batch of $m$ = {m} samples, "
                "seed {seed}.", sizes=", ".join(map(str, sizes)), m=m, seed=seed),
            Markdown(f"$$X = {bmatrix(p['X'])},\\qquad Y = {bmatrix(p['Y'], 0)}$$"),
            Markdown(f"$$W_1 = {bmatrix(p['W1'])},\\quad b_1 = {bmatrix(p['b1'])}$$"),
            Markdown(f"$$W_2 = {bmatrix(p['W2'])},\\quad b_2 = {bmatrix(p['b2'])}$$")]


def forward(Y_hat, Y, loss):
    """The batch's predictions beside its targets, and the loss."""
    return [Markdown(f"$$\\hat Y = {bmatrix(Y_hat)},\\qquad Y = {bmatrix(Y, 0)},\\qquad "
                     f"\\mathcal L = {loss:.6f}$$")]


def transpose_sum(W2, Delta2, j, k):
    """∂ℒ/∂a for hidden unit ``j`` and sample ``k`` (0-based), as the sum down column j of W₂,
    next to the entry of W₂ᵀΔ₂."""
    terms = [(W2[i, j], Delta2[i, k]) for i in range(W2.shape[0])]
    return [equation(rf"\frac{{\partial \mathcal L}}{{\partial a_{{1,{j + 1}}}^{{({k + 1})}}}} = "
                     rf"\sum_i W_{{2,i{j + 1}}}\,\delta_{{2,i}}^{{({k + 1})}} = "
                     + " + ".join(f"{term(w, 4)}\\,{term(d, 4)}" for w, d in terms),
                     sum(w * d for w, d in terms)),
            equation(rf"\big(W_2^\top \Delta_2\big)_{{{j + 1},{k + 1}}}", (W2.T @ Delta2)[j, k])]


def bias_sum(Delta2, db2):
    """∂ℒ/∂b₂ = Δ₂·1 written out."""
    return [Markdown(f"$$\\frac{{\\partial \\mathcal L}}{{\\partial b_2}} = \\Delta_2\\mathbf 1 = "
                     f"{bmatrix(Delta2, 5)}\\begin{{bmatrix}}1\\\\ \\vdots\\\\ 1\\end{{bmatrix}} = "
                     f"{bmatrix(db2, 5)}$$")]
