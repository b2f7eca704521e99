"""The numbers the reference tutorial prints, quoted exactly as printed, for the errata tables.

These are quotations, not results: the book computes every value it shows and compares it with
these. Each quoted number is kept as the string the tutorial prints, so its number of decimals
says how far to round the computed value before comparing.

Keys name quantities of the worked example (see :mod:`bpbook.worked`): forward values ``z1``,
``a1``, ``z2``, ``y_hat``, ``L`` and the powers ``exp(-z1)``, ``exp(-z2)`` inside the sigmoids; backward ``dL/dy_hat``, ``sigma'(z2)``, ``delta2``, ``dW2``,
``db2``, ``dL/da1``, ``sigma'(z1)``, ``delta1``, ``dW11``, ``dW12``, ``db1``; the step
``step W2`` ... (``-lr * gradient``) and the new values ``new W2`` ...
"""

# Where in the tutorial each group of numbers is printed.
NETWORK_DIAGRAM = "Section 05, network diagram"
FORWARD_STEPS = "Section 05, Step 1 (forward, by hand)"
BACKWARD_DIAGRAM = "Section 05, backward-pass diagram"
BACKWARD_STEPS = "Section 05, Step 2 (backward, by hand)"
UPDATE_STEPS = "Section 05, Step 3 (update, by hand)"
LAYER_DIAGRAM = "Section 06, layer-by-layer diagram"
SUMMARY_TABLE = "Section 07, gradient summary table"
NUMPY_OUTPUT = "Section 08, printed output of the numpy program"
TORCH_OUTPUT = "Section 13, printed output of the PyTorch program"

WORKED_PRINTED = {
    NETWORK_DIAGRAM: {"z1": "0.68", "a1": "0.664", "z2": "0.698", "y_hat": "0.668",
                      "L": "0.0554"},
    FORWARD_STEPS: {"z1": "0.68", "exp(-z1)": "0.5066", "a1": "0.6637", "z2": "0.6973",
                    "exp(-z2)": "0.4977", "y_hat": "0.6682", "L": "0.0550"},
    BACKWARD_DIAGRAM: {"dL/dy_hat": "-0.3318", "delta2": "-0.0735", "delta1": "-0.0441",
                       "dW11": "-0.022", "dW12": "-0.035", "dW2": "-0.0488", "db2": "-0.0735",
                       "db1": "-0.0441"},
    BACKWARD_STEPS: {"dL/dy_hat": "-0.3318", "sigma'(z2)": "0.2217", "delta2": "-0.0736",
                     "dW2": "-0.0488", "db2": "-0.0736", "dL/da1": "-0.0662",
                     "sigma'(z1)": "0.2232", "delta1": "-0.0148", "dW11": "-0.0074",
                     "dW12": "-0.0118", "db1": "-0.0148"},
    UPDATE_STEPS: {"step W2": "0.0244", "new W2": "0.9244", "step b2": "0.0368",
                   "new b2": "0.1368", "step W11": "0.0037", "new W11": "0.4037",
                   "step W12": "0.0059", "new W12": "0.6059", "step b1": "0.0074",
                   "new b1": "0.1074"},
    LAYER_DIAGRAM: {"z1": "0.68", "a1": "0.6637", "delta1": "-0.0148", "z2": "0.6973",
                    "y_hat": "0.6682", "L": "0.0550", "delta2": "-0.0736"},
    SUMMARY_TABLE: {"dW2": "-0.0488", "db2": "-0.0736", "dW11": "-0.0074", "dW12": "-0.0118",
                    "db1": "-0.0148", "step W2": "0.0244", "step b2": "0.0368",
                    "step W11": "0.0037", "step W12": "0.0059", "step b1": "0.0074",
                    "new W2": "0.9244", "new b2": "0.1368", "new W11": "0.4037",
                    "new W12": "0.6059", "new b1": "0.1074"},
    NUMPY_OUTPUT: {"z1": "0.6800", "a1": "0.6637", "z2": "0.6973", "y_hat": "0.6682",
                   "L": "0.0550", "delta2": "-0.0736", "dW2": "-0.0488", "db2": "-0.0736",
                   "delta1": "-0.0148", "dW11": "-0.0074", "dW12": "-0.0118", "db1": "-0.0148",
                   "new W2": "0.9244", "new b2": "0.1368", "new W11": "0.4037",
                   "new W12": "0.6059", "new b1": "0.1074"},
    TORCH_OUTPUT: {"dW2": "-0.0488", "db2": "-0.0736", "dW11": "-0.0074", "dW12": "-0.0118",
                   "db1": "-0.0148", "new W2": "0.9244", "new b2": "0.1368",
                   "new W11": "0.4037", "new W12": "0.6059", "new b1": "0.1074"},
}

# The exponent each sigmoid step of Section 05, Step 1 writes in e^(...), where -z belongs:
# step 1.2 writes a1 = 1/(1 + e^(-0.8)) = 1/(1 + 0.5066), step 1.4 ŷ = 1/(1 + e^(-0.973)) =
# 1/(1 + 0.4977). The values of e^(...) it prints are quoted in FORWARD_STEPS (exp(-z1), exp(-z2)).
EXPONENT_PRINTED = {"z1": "-0.8", "z2": "-0.973"}

XOR_SOURCE = "Section 09, printed output of the XOR training loop"
# epoch -> the loss the tutorial prints for it
XOR_PRINTED_LOSS = {0: "0.12834", 1000: "0.08241", 2000: "0.02314", 3000: "0.00812",
                    4000: "0.00401"}
# the final predictions it prints, np.round(y_hat, 2), for the inputs (0,0), (0,1), (1,0), (1,1)
XOR_PRINTED_PREDICTIONS = ("0.03", "0.97", "0.97", "0.03")
# the section's title, and the iteration count it announces (its loop runs range(5000))
XOR_TITLE = "The Full Training Loop — 1000 Iterations"
XOR_TITLE_ITERATIONS = "1000"

PITFALLS_SOURCE = "Section 10, vanishing gradients"
# "0.25 to the 10th is about ..." as printed; and the next sentence's ratio of layer 1's gradient
# to layer 10's, printed in words ("a millionth"), quoted here as the number it names
VANISHING_PRINTED = {"0.25**10": "0.000001", "layer 1 / layer 10": "0.000001"}

GOLDEN_RULES_SOURCE = "Section 11, golden rules"
# rule 4: a gradient check should agree "to within ~1e-7"; rule 7: backprop costs "2–3×" the
# forward pass
GRADCHECK_TOL_PRINTED = "1e-7"
BACKWARD_COST_PRINTED = ("2", "3")
