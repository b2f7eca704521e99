"""Instructor material for chapter 14 (a whole network by hand): solutions and points.

The exercises carry the page's batch-norm network to neighbours the page does not print: layer
normalisation (statistics over the units of each sample), a layer in PyTorch's row layout, tanh's
backward from its pre-activation. Every ``wrong`` is the page's own expression copied over."""
EXERCISES = {
    "14.centering": dict(
        points=1,
        solution="def dz_from_dzc(dzc):\n    return dzc - dzc.mean(axis=0, keepdims=True)",
        wrong="def dz_from_dzc(dzc):\n    return dzc - dzc.mean(axis=1, keepdims=True)"),
    "14.first-layer": dict(
        points=2,
        solution="def dW(dz, X):\n    return dz.T @ X\n\n\n"
                 "def db(dz):\n    return dz.sum(axis=0)",
        wrong="def dW(dz, X):\n    return dz.T @ X\n\n\n"
              "def db(dz):\n    return dz.mean(axis=0)"),
    "14.tanh": dict(
        points=1,
        solution="def dzbn(dh, zbn):\n    return dh * (1 - np.tanh(zbn) ** 2)",
        wrong="def dzbn(dh, zbn):\n    return dh * (1 - zbn ** 2)"),
    "14.bn-fused": dict(
        points=3,
        solution="def ln_backward(dzln, zhat, gamma, inv_std):\n"
                 "    n = dzln.shape[0]\n"
                 "    dzhat = gamma * dzln\n"
                 "    return inv_std / n * (n * dzhat - dzhat.sum(axis=0, keepdims=True)\n"
                 "                          - zhat * (dzhat * zhat).sum(axis=0, keepdims=True))",
        wrong="def ln_backward(dzln, zhat, gamma, inv_std):\n"
              "    n = dzln.shape[0]\n"
              "    return gamma * inv_std / n * (n * dzln - dzln.sum(axis=0, keepdims=True)\n"
              "                                  - zhat * (dzln * zhat).sum(axis=0, "
              "keepdims=True))"),
}
THINK = {}
