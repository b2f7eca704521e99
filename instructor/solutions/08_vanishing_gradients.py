"""Instructor material for chapter 08: solutions, model answers and points."""
PER_STUDENT = True  # exercise 1: each student's own number of hidden layers (bpbook.variants)
EXERCISES = {
    "08.sigmoid-bound": dict(points=2, solution="answer = 0.25 ** (EX_HIDDEN + 1)",
                             wrong="answer = 0.25 ** EX_HIDDEN"),
    "08.clip": dict(points=3, solution=(
        "def clip(grads, max_norm):\n"
        "    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))\n"
        "    return [g * min(1.0, max_norm / norm) if norm > 0 else g for g in grads]"),
        wrong=("def clip(grads, max_norm):\n"
               "    return [g * min(1.0, max_norm / np.linalg.norm(g)) for g in grads]")),
    "08.layernorm-backward": dict(points=4, solution=(
        "def ln_backward(z, u_bar, gamma):\n"
        "    n = z.shape[0]\n"
        "    inv_std = 1 / np.sqrt(z.var(axis=0, keepdims=True) + 1e-5)\n"
        "    z_hat = (z - z.mean(axis=0, keepdims=True)) * inv_std\n"
        "    h = gamma * u_bar\n"
        "    return inv_std / n * (n * h - h.sum(axis=0, keepdims=True)\n"
        "                          - z_hat * (h * z_hat).sum(axis=0, keepdims=True))"),
        wrong=("def ln_backward(z, u_bar, gamma):\n"
               "    n = z.shape[0]\n"
               "    inv_std = 1 / np.sqrt(z.var(axis=0, keepdims=True) + 1e-5)\n"
               "    z_hat = (z - z.mean(axis=0, keepdims=True)) * inv_std\n"
               "    return gamma * inv_std / n * (n * u_bar - u_bar.sum(axis=0, keepdims=True)\n"
               "                                  - z_hat * (u_bar * z_hat).sum(axis=0, keepdims=True))")),
}
THINK = {}
