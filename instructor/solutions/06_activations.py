"""Instructor material for chapter 06 (activation functions): solutions and points."""
PER_STUDENT = True  # exercises 1 and 3: each student's own β and z (bpbook.variants)
EXERCISES = {
    "06.swish-prime": dict(
        points=2,
        solution=("def swish_prime(z):\n"
                  "    s = 1 / (1 + np.exp(-SWISH_BETA * z))\n"
                  "    return s + SWISH_BETA * z * s * (1 - s)"),
        wrong=("def swish_prime(z):\n"
               "    s = 1 / (1 + np.exp(-SWISH_BETA * z))\n"
               "    return s + z * s * (1 - s)")),
    "06.log-softmax-vjp": dict(
        points=2,
        solution="def log_softmax_vjp(s, v):\n    return v - s * np.sum(v)",
        wrong="def log_softmax_vjp(s, v):\n    return v - s @ v"),
    "06.tanh-chain": dict(
        points=1,
        solution="import math\n\nanswer = (1 - math.tanh(TANH_CHAIN_AT) ** 2) ** 10",
        wrong="import math\n\nanswer = 10 * (1 - math.tanh(TANH_CHAIN_AT) ** 2)"),
}
THINK = {}
