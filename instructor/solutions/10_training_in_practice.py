"""Instructor material for chapter 10: solutions, model answers and points."""
PER_STUDENT = True  # exercises 4, 5 and 6 draw each student's own numbers (bpbook.variants)
EXERCISES = {
    "10.weight-decay": dict(points=2, solution=(
        "def decayed_step(W, dW, lr, lam):\n"
        "    return W - lr * (dW + lam * W)"),
        wrong=("def decayed_step(W, dW, lr, lam):\n"
               "    return W - lr * dW - lam * W")),
    "10.off-fraction": dict(points=2, solution=(
        "def off_fraction_of(Z):\n"
        "    return np.mean(np.all(Z <= 0, axis=1))"),
        wrong=("def off_fraction_of(Z):\n"
               "    return np.mean(Z <= 0)")),
    "10.activation-memory": dict(points=2,
                                 solution="answer = 8 * EX_M * (2 * EX_DEPTH * EX_WIDTH + 1)",
                                 wrong="answer = 8 * EX_M * (EX_DEPTH * EX_WIDTH + 1)"),
    "10.accumulated": dict(
        points=2, solution="answer = ACCUM_LR * ACCUM_G * ACCUM_STEPS * (ACCUM_STEPS + 1) / 2",
        wrong="answer = ACCUM_LR * ACCUM_G * ACCUM_STEPS"),
    "10.checkpoint-forwards": dict(points=2, solution=(
        "last = EX_LAYERS - (EX_LAYERS - 1) // EX_K * EX_K  # layers in the last segment\n"
        "answer = EX_LAYERS + EX_LAYERS - last"),
        wrong="answer = 2 * EX_LAYERS"),
}
THINK = {
    "10.decay-why": dict(points=1, answer=(
        "W − η(dW + λW) = (1 − ηλ)W − η·dW: before the usual step, every weight is multiplied by "
        "1 − ηλ, a factor a little below one. A weight that the loss does not push (dW = 0) "
        "shrinks geometrically towards zero, by that factor each step: it decays. Weights the "
        "loss needs settle where the push of dW balances the pull λW.")),
}
