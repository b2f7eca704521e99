r"""Chapter 03's typesetting: the worked example's arithmetic written out with its factors.

The chapter's cells compute; these functions only lay the computed numbers into LaTeX and
sentences (:func:`bpbook.display.equation`, :func:`bpbook.display.say`), so a student reads the
math and the code, not the formatting. Each takes the settings ``s`` (:data:`bpbook.worked.DEFAULTS`
or changed ones) and plain floats, and returns the displayable objects, in order; the cell shows
them with ``display(*...)``. Nothing here computes a quantity the chapter states, except the
products and differences that the written-out arithmetic itself shows.
"""
from bpbook.display import equation, say, term


def forward(s, z1, a1, z2, y_hat, loss, e1, e2):
    """The forward pass with its factors filled in (``e1``, ``e2``: the powers e^(−z))."""
    return [
        equation(r"z_1 = W_{11}x_1 + W_{12}x_2 + b_1 = "
                 rf"{s['W11']:g}\cdot{s['x1']:g} + {s['W12']:g}\cdot{s['x2']:g} + {s['b1']:g}",
                 z1),
        equation(rf"a_1 = \sigma(z_1) = \frac{{1}}{{1 + e^{{-z_1}}}} = "
                 rf"\frac{{1}}{{1 + e^{{-{term(z1)}}}}} = \frac{{1}}{{1 + {term(e1)}}}", a1),
        equation(rf"z_2 = W_2 a_1 + b_2 = {s['W2']:g}\cdot{term(a1)} + {s['b2']:g}", z2),
        equation(rf"\hat y = \sigma(z_2) = \frac{{1}}{{1 + e^{{-{term(z2)}}}}} = "
                 rf"\frac{{1}}{{1 + {term(e2)}}}", y_hat),
        equation(rf"\mathcal L = \tfrac12(\hat y - y)^2 = \tfrac12\,({term(y_hat)} - {s['y']:g})^2"
                 rf" = \tfrac12\,{term(y_hat - s['y'])}^2", loss)]


def which_side(y_hat, y):
    """Which way the prediction misses, and so which way the loss wants ŷ to move."""
    side = "below" if y_hat < y else "above"
    return [say("$\\hat y$ = {y_hat:.6f} is **{side}** the target $y$ = {y:g}, so the loss falls "
                "when $\\hat y$ moves {way}.", y_hat=y_hat, side=side, y=y,
                way="up" if side == "below" else "down")]


def output_delta(s, y_hat, dl_dy_hat, slope2, delta2):
    """δ₂ = (ŷ − y)·σ′(z₂), factor by factor."""
    return [equation(rf"\frac{{\partial \mathcal L}}{{\partial \hat y}} = \hat y - y = "
                     rf"{term(y_hat)} - {s['y']:g}", dl_dy_hat),
            equation(rf"\sigma'(z_2) = \hat y(1-\hat y) = {term(y_hat)}\,(1 - {term(y_hat)})",
                     slope2),
            equation(rf"\delta_2 = (\hat y - y)\,\sigma'(z_2) = {term(dl_dy_hat)}\,{term(slope2)}",
                     delta2)]


def output_grads(delta2, a1, dW2, db2):
    """The output layer's two gradients."""
    return [equation(rf"\frac{{\partial \mathcal L}}{{\partial W_2}} = \delta_2 a_1 = "
                     rf"{term(delta2)}\,{term(a1)}", dW2),
            equation(r"\frac{\partial \mathcal L}{\partial b_2} = \delta_2", db2)]


def hidden(s, a1, delta2, dl_da1, slope1, delta1, dW11, dW12, db1):
    """The hidden layer: the signal it receives, its δ₁ and its three gradients."""
    return [equation(rf"\frac{{\partial \mathcal L}}{{\partial a_1}} = W_2\,\delta_2 = "
                     rf"{s['W2']:g}\,{term(delta2)}", dl_da1),
            equation(rf"\sigma'(z_1) = a_1(1-a_1) = {term(a1)}\,(1 - {term(a1)})", slope1),
            equation(rf"\delta_1 = \frac{{\partial \mathcal L}}{{\partial a_1}}\,\sigma'(z_1) = "
                     rf"{term(dl_da1)}\,{term(slope1)}", delta1),
            equation(rf"\frac{{\partial \mathcal L}}{{\partial W_{{11}}}} = \delta_1 x_1 = "
                     rf"{term(delta1)}\cdot{s['x1']:g}", dW11),
            equation(rf"\frac{{\partial \mathcal L}}{{\partial W_{{12}}}} = \delta_1 x_2 = "
                     rf"{term(delta1)}\cdot{s['x2']:g}", dW12),
            equation(r"\frac{\partial \mathcal L}{\partial b_1} = \delta_1", db1)]


def shrink(s, ratio, slope1, big_w2, big_ratio):
    """|δ₁|/|δ₂| = |W₂|·σ′(z₁) here, and with a large W₂."""
    return [say("Here $|\\delta_1| / |\\delta_2|$ = {ratio:.4f} = $|W_2|\\,\\sigma'(z_1)$ = "
                "{W2:g} · {slope:.4f}, below the bound $|W_2|/4$ = {bound:.3f}. With $W_2$ = "
                "{big_W2:g} instead, the same ratio is {big_ratio:.4f}: the error signal *grows* "
                "on its way down.", ratio=ratio, W2=s["W2"], slope=slope1,
                bound=abs(s["W2"]) / 4, big_W2=big_w2, big_ratio=big_ratio)]


def signs(negative, n, miss):
    """How many gradients are negative, and the miss ŷ − y."""
    return [say("{k} of the {n} gradients are negative ({names}); the prediction misses its "
                "target by $\\hat y - y$ = {miss:+.6f}.", k=len(negative), n=n,
                names=", ".join(negative) or "none", miss=miss)]


def new_loss(loss, loss_new, lr):
    """The loss before and after the step."""
    drop = loss - loss_new
    return [equation(r"\mathcal L_{\text{new}} = \tfrac12\big(\sigma(z_2^{\text{new}}) - y\big)^2",
                     loss_new),
            say("The loss went from {L:.6f} down to {L_new:.6f}: by {drop:.6f}, or {pct:.1f} % of "
                "its value, in one step with $\\eta$ = {lr:g}.", L=loss, L_new=loss_new,
                drop=drop, pct=100 * drop / loss, lr=lr)]
