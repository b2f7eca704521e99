"""Instructor material for chapter 03 (the worked example): solutions, model answers and points."""
PER_STUDENT = True  # the exercises' inputs are each student's own (bpbook.variants)
EXERCISES = {
    "03.dW2": dict(
        points=2,
        solution="""\
import math
s = {**DEFAULTS, **DW2_INPUT}
sig = lambda t: 1 / (1 + math.exp(-t))
a1 = sig(s["W11"] * s["x1"] + s["W12"] * s["x2"] + s["b1"])
y_hat = sig(s["W2"] * a1 + s["b2"])
delta2 = (y_hat - s["y"]) * y_hat * (1 - y_hat)
answer = delta2 * a1""",
        wrong="""\
import math
s = {**DEFAULTS, **DW2_INPUT}
sig = lambda t: 1 / (1 + math.exp(-t))
a1 = sig(s["W11"] * s["x1"] + s["W12"] * s["x2"] + s["b1"])
y_hat = sig(s["W2"] * a1 + s["b2"])
answer = (y_hat - s["y"]) * a1"""),
    "03.delta1": dict(
        points=2,
        solution="""\
import math
s = {**DEFAULTS, "y": DELTA1_Y}
sig = lambda t: 1 / (1 + math.exp(-t))
a1 = sig(s["W11"] * s["x1"] + s["W12"] * s["x2"] + s["b1"])
y_hat = sig(s["W2"] * a1 + s["b2"])
delta2 = (y_hat - s["y"]) * y_hat * (1 - y_hat)
answer = delta2 * s["W2"] * a1 * (1 - a1)""",
        wrong="""\
import math
s = {**DEFAULTS, "y": DELTA1_Y}
sig = lambda t: 1 / (1 + math.exp(-t))
a1 = sig(s["W11"] * s["x1"] + s["W12"] * s["x2"] + s["b1"])
y_hat = sig(s["W2"] * a1 + s["b2"])
answer = (y_hat - s["y"]) * y_hat * (1 - y_hat) * s["W2"]"""),
    "03.new-b2": dict(
        points=1,
        solution='answer = DEFAULTS["b2"] - NEW_B2_LR * r["delta2"]',
        wrong='answer = DEFAULTS["b2"] + NEW_B2_LR * r["delta2"]'),
}
THINK = {
    "03.symmetry": dict(points=2, answer="""\
No. If every weight of a layer starts at the same value, every hidden neuron of that layer
computes the same output, receives the same δ (the same weights carry the error back to each),
and so gets the same gradient and the same update. After any number of steps they are still
identical copies: the layer behaves like a single neuron, however wide it is. (With all weights
zero it is worse at first: W₂ = 0 sends no gradient to the hidden layer at the first step, as
the explorer shows; after it W₂ has moved, but the hidden neurons still move in step.)
Random initial weights break this symmetry, so that different neurons can learn different
features.

Grading: 1 point for "they stay identical" with the reason (same inputs, same δ, same update),
1 point for "random weights break the symmetry"."""),
}
