"""Instructor material for chapter 14 (a whole network by hand): solutions and points."""
EXERCISES = {
    "14.centering": dict(
        points=1,
        solution="def dz1_from_dzc(dzc):\n    return dzc - dzc.mean(axis=1, keepdims=True)",
        wrong="def dz1_from_dzc(dzc):\n    return dzc"),
    "14.first-layer": dict(
        points=2,
        solution="def dW1(dz1, X):\n    return dz1 @ X.T\n\n\n"
                 "def db1(dz1):\n    return dz1.sum(axis=1, keepdims=True)",
        wrong="def dW1(dz1, X):\n    return dz1 @ X.T\n\n\n"
              "def db1(dz1):\n    return dz1.mean(axis=1, keepdims=True)"),
    "14.tanh": dict(
        points=1,
        solution="def dzbn(dh, zbn):\n    return dh * (1 - np.tanh(zbn) ** 2)",
        wrong="def dzbn(dh, zbn):\n    return dh * (1 - zbn ** 2)"),
    "14.bn-fused": dict(
        points=3,
        solution="def bn_backward(dzbn, zhat, gamma, inv_std):\n"
                 "    m = dzbn.shape[1]\n"
                 "    return gamma * inv_std / m * (m * dzbn - dzbn.sum(axis=1, keepdims=True)\n"
                 "                                  - zhat * (dzbn * zhat).sum(axis=1, "
                 "keepdims=True))",
        wrong="def bn_backward(dzbn, zhat, gamma, inv_std):\n"
              "    return gamma * inv_std * dzbn"),
}
THINK = {}
