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
    "08.batchnorm-backward": dict(points=4, solution=(
        "def bn_backward(z, g, gamma):\n"
        "    m = z.shape[1]\n"
        "    inv_std = 1 / np.sqrt(z.var(axis=1, keepdims=True) + 1e-5)\n"
        "    z_hat = (z - z.mean(axis=1, keepdims=True)) * inv_std\n"
        "    return gamma * inv_std / m * (m * g - g.sum(axis=1, keepdims=True)\n"
        "                                  - z_hat * (g * z_hat).sum(axis=1, keepdims=True))"),
        wrong=("def bn_backward(z, g, gamma):\n"
               "    return gamma * g / np.sqrt(z.var(axis=1, keepdims=True) + 1e-5)")),
}
THINK = {}
