"""Instructor material for chapter 9 (where initialisation comes from): solutions and points."""
PER_STUDENT = True  # the exercises' inputs are each student's own (bpbook.variants)
EXERCISES = {
    "09.he-variance": dict(
        points=1,
        solution="answer = 2 / HE_N_IN",
        wrong="answer = 1 / HE_N_IN"),
    "09.layer-factor": dict(
        points=1,
        solution="answer = FACTOR_WIDTH * FACTOR_S ** 2 / 2",
        wrong="answer = FACTOR_WIDTH * FACTOR_S ** 2"),
    "09.relu-moment": dict(
        points=1,
        solution="answer = MOMENT_T ** 2 / 2",
        wrong="answer = MOMENT_T / 2"),
}
THINK = {
    "09.tanh-slow": dict(points=2, answer=(
        "ReLU is positively homogeneous: relu(cz) = c relu(z) for c > 0, so E[relu(z)²] is "
        "exactly Var(z)/2 at every scale, and with n s² = 2 the factor n s² E[relu(z)²]/Var(z) "
        "is exactly 1 whatever the variance is. tanh is the identity only near 0; everywhere "
        "else |tanh z| < |z|, so E[tanh(z)²] < Var(z) and the factor n s² E[tanh(z)²]/q is below "
        "1 for every q > 0. Its series is q − 2q² + …, so the factor is about 1 − 2q: it tends "
        "to 1 as the variance shrinks. Each layer removes less than the one before "
        "(q_{l+1} ≈ q_l − 2q_l²), which makes q fall like 1/(2l), polynomially, instead of by a "
        "fixed factor per layer.")),
}
