"""Instructor material for chapter 08: solutions, model answers and points."""
EXERCISES = {
    "08.sigmoid-bound": dict(points=2, solution="answer = 0.25 ** (EX_HIDDEN + 1)",
                             wrong="answer = 0.25 ** EX_HIDDEN"),
    "08.clip": dict(points=3, solution=(
        "def clip(grads, max_norm):\n"
        "    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))\n"
        "    return [g * min(1.0, max_norm / norm) if norm > 0 else g for g in grads]"),
        wrong=("def clip(grads, max_norm):\n"
               "    return [g * min(1.0, max_norm / np.linalg.norm(g)) for g in grads]")),
    "08.off-fraction": dict(points=2, solution=(
        "def off_fraction_of(Z):\n"
        "    return np.mean(np.all(Z <= 0, axis=1))"),
        wrong=("def off_fraction_of(Z):\n"
               "    return np.mean(Z <= 0)")),
    "08.accumulated": dict(points=1, solution="answer = 3 * once", wrong="answer = once"),
    "08.batchnorm-backward": dict(points=4, solution=(
        "def bn_backward(z, g, gamma):\n"
        "    m = z.shape[1]\n"
        "    inv_std = 1 / np.sqrt(z.var(axis=1, keepdims=True) + 1e-5)\n"
        "    z_hat = (z - z.mean(axis=1, keepdims=True)) * inv_std\n"
        "    return gamma * inv_std / m * (m * g - g.sum(axis=1, keepdims=True)\n"
        "                                  - z_hat * (g * z_hat).sum(axis=1, keepdims=True))"),
        wrong=("def bn_backward(z, g, gamma):\n"
               "    return gamma * g / np.sqrt(z.var(axis=1, keepdims=True) + 1e-5)")),
    "08.activation-memory": dict(points=2,
                                 solution="answer = 8 * EX_M * (2 * EX_DEPTH * EX_WIDTH + 1)",
                                 wrong="answer = 8 * EX_M * (EX_DEPTH * EX_WIDTH + 1)"),
    "08.weight-decay": dict(points=2, solution=(
        "def decayed_step(W, dW, lr, lam):\n"
        "    return W - lr * (dW + lam * W)"),
        wrong=("def decayed_step(W, dW, lr, lam):\n"
               "    return W - lr * dW - lam * W")),
}
THINK = {
    "08.decay-why": dict(points=1, answer=(
        "W − η(dW + λW) = (1 − ηλ)W − η·dW: before the usual step, every weight is multiplied by "
        "1 − ηλ, a factor a little below one. A weight that the loss does not push (dW = 0) "
        "shrinks geometrically towards zero, by that factor each step: it decays. Weights the "
        "loss needs settle where the push of dW balances the pull λW.")),
}
