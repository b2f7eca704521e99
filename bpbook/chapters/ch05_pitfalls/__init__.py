"""Chapter 05, pitfalls: the experiments (`experiments`: deep networks, gradient profiles, dead
ReLUs, clipping), the explorer (`explore`) and the exercise checks (`exercises`)."""
