"""Instructor material for chapter 04 (the matrix form): solutions, model answers and points."""
EXERCISES = {
    "04.input-grad": dict(points=2, solution="answer = W1.T @ Delta1",
                          wrong="answer = Delta1.T @ W1"),
}
THINK = {
    "04.batch-sum": dict(points=1, answer=(
        "Only the factor 1/m goes: Δ_L = (Ŷ − Y) ⊙ σ′(Z_L) without it, and since every other "
        "quantity is linear in Δ_L (Δ_l through W_{l+1}ᵀ, dW = ΔAᵀ, db = Δ·1), every error signal "
        "and every gradient becomes m times larger. The sum still adds the samples' outer "
        "products; nothing else changes. A learning rate η/m takes exactly the step that η "
        "takes with the mean.")),
}
