"""Instructor material for chapter 9 (where initialisation comes from): solutions and points."""
PER_STUDENT = True  # the exercises' inputs are each student's own (bpbook.variants)
EXERCISES = {
    "09.he-variance": dict(
        points=1,
        solution="answer = 2 / ((1 + LEAKY_ALPHA ** 2) * HE_N_IN)",
        wrong="answer = 2 / HE_N_IN"),
    "09.layer-factor": dict(
        points=1,
        solution="answer = FACTOR_WIDTH * FACTOR_S ** 2 / 2",
        wrong="answer = FACTOR_WIDTH * FACTOR_S ** 2"),
    "09.he-uniform": dict(
        points=1,
        solution="answer = (6 / UNIFORM_N_IN) ** 0.5",
        wrong="answer = (2 / UNIFORM_N_IN) ** 0.5"),
}
THINK = {
    "09.bias-floor": dict(points=2, answer=(
        "The bias is one more independent zero-mean term in z_i = Σ_j W_ij a_j + b_i, and "
        "independent variances add: Var(z) = n s² E[a²] + s_b². For tanh at g = 1 (n s² = 1) "
        "and small q the series gives q_next ≈ q − 2q² + s_b²: the layer takes away about 2q² "
        "and the bias puts back s_b². While q is large the loss wins and q falls as before; it "
        "stops where the two balance, 2q² = s_b², so Var(z) settles near s_b/√2 instead of "
        "fading like 1/(2l) towards 0 (and the backward factor, about 1 − 2q there, stays a "
        "little below 1).\n\n"
        "Grading: 1 point for Var(z) = n s² E[a²] + s_b² (the bias's variance adds), 1 point "
        "for the balance 2q² ≈ s_b² (a floor near s_b/√2, the fading stops).")),
}
