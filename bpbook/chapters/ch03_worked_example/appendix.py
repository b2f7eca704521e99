"""Chapter 03's appendix: what the reference tutorial's copy of the worked example prints, read
against the computed numbers.

:func:`inserted_digits` finds the one-character insertions that turn a printed string into
another (the exponents of the tutorial's sigmoid steps are its own ``−z`` with one digit
missing); :func:`exponent_facts` checks, per sigmoid, which of the two readings the printed power
belongs to, and returns the numbers the chapter states. The quoted strings themselves live in
:mod:`bpbook.reference`.
"""
import math

from bpbook.reference import EXPONENT_PRINTED, FORWARD_STEPS, WORKED_PRINTED


def inserted_digits(written, wanted):
    """``[(position, digit), ...]``: each way one digit inserted into ``written`` gives
    ``wanted`` (both strings, e.g. ``"-0.8"`` and ``"-0.68"`` give ``[(3, "6")]``)."""
    if not (isinstance(written, str) and isinstance(wanted, str)):
        raise TypeError(f"inserted_digits: written and wanted must be strings, got "
                        f"{type(written).__name__} and {type(wanted).__name__}")
    return [(i, d) for i in range(len(written) + 1) for d in "0123456789"
            if written[:i] + d + written[i:] == wanted]


def exponent_facts(printed=WORKED_PRINTED[FORWARD_STEPS], exponents=EXPONENT_PRINTED):
    """Per sigmoid (``"z1"``, ``"z2"``): the exponent the copy writes, the text's own z, the digit
    insertions that turn the written exponent into −z, e to the written exponent, e^(−z) with the
    text's z, and the power the text prints (a string, as quoted) with its value."""
    facts = {}
    for key, written in exponents.items():
        z_text = printed[key]
        shown = printed[f"exp(-{key})"]
        facts[key] = {"written": written, "z": z_text,
                      "insertions": inserted_digits(written, "-" + z_text),
                      "e^written": math.exp(float(written)), "e^-z": math.exp(-float(z_text)),
                      "shown": shown, "shown value": float(shown)}
    return facts
