"""Chapter 06, activation functions: SymPy derivations and tables (`derive`), why zero-centred
inputs help the layer above (`centred`), the explorer (`explore`) and the exercise checks
(`exercises`)."""
