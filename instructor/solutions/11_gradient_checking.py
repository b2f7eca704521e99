"""Instructor material for chapter 11 (gradient checking in practice): solutions, model answers
and points."""
PER_STUDENT = True  # exercises 1, 2 and 3 draw each student's own numbers (bpbook.variants)
EXERCISES = {
    "11.forward-eps": dict(
        points=2,
        solution="answer = (2 * U * abs(F_VALUE) / abs(F_SECOND)) ** 0.5",
        wrong="answer = (U * abs(F_VALUE) / abs(F_SECOND)) ** 0.5"),
    "11.blind-spot": dict(
        points=2,
        solution="answer = NOISE_FACTOR * BLIND_LOSS * (U / EPS + EPS ** 2 / 6) / 2",
        wrong="answer = NOISE_FACTOR * BLIND_LOSS * (U / EPS + EPS ** 2 / 6)"),
    "11.sample-size": dict(
        points=2,
        solution=("import math\n\n"
                  "answer = math.ceil(math.log(MISS) / math.log(1 - P_SPOILED))"),
        wrong="import math\n\nanswer = math.ceil(math.log(MISS) / math.log(P_SPOILED))"),
}
THINK = {
    "11.kink-or-bug": dict(points=2, answer=(
        "Not necessarily. Three entries of one unit, its weights and bias, are exactly the "
        "entries whose nudges move that unit's pre-activation z; if z sits within about ε of 0 "
        "for some sample, each of those checks straddles the ReLU's kink and the central "
        "difference averages the slopes 0 and 1, while backprop takes one of them. A bug in a "
        "formula would spoil whole arrays, not one unit. Look at that unit's z over the batch "
        "(is one value near 0?) and run gradcheck at the same point: it marks entries whose check "
        "straddles a kink; then check again with a smaller ε, another batch or another seed. If the failure "
        "moves away or disappears, backprop was right.")),
}
