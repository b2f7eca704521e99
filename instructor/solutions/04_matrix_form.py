"""Instructor material for chapter 04 (the matrix form): solutions, model answers and points."""
PER_STUDENT = True  # the batches (matrix.SEED, NEW_M, NEW_SEED) are each student's own
EXERCISES = {
    "04.input-grad": dict(points=2, solution="answer = W1.T @ Delta1",
                          wrong="answer = Delta1.T @ W1"),
    "04.new-batch-dW1": dict(
        points=2,
        solution="""\
A1_new = np.tanh(q["W1"] @ q["X"] + q["b1"])
Y_new = sigmoid(q["W2"] @ A1_new + q["b2"])
Delta2_new = (Y_new - q["Y"]) / NEW_M * Y_new * (1 - Y_new)
Delta1_new = (q["W2"].T @ Delta2_new) * (1 - A1_new ** 2)
answer = Delta1_new @ q["X"].T""",
        wrong="""\
A1_new = np.tanh(q["W1"] @ q["X"] + q["b1"])
Y_new = sigmoid(q["W2"] @ A1_new + q["b2"])
Delta2_new = (Y_new - q["Y"]) / NEW_M * Y_new * (1 - Y_new)
Delta1_new = (q["W2"].T @ Delta2_new) * A1_new * (1 - A1_new)
answer = Delta1_new @ q["X"].T"""),
}
THINK = {
    "04.batch-sum": dict(points=1, answer=(
        "Only the factor 1/m goes: Δ_L = (Ŷ − Y) ⊙ σ′(Z_L) without it, and since every other "
        "quantity is linear in Δ_L (Δ_l through W_{l+1}ᵀ, dW = ΔAᵀ, db = Δ·1), every error signal "
        "and every gradient becomes m times larger. The sum still adds the samples' outer "
        "products; nothing else changes. A learning rate η/m takes exactly the step that η "
        "takes with the mean.")),
}
