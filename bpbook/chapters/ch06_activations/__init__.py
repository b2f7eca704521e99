"""Chapter 06, activation functions: SymPy derivations and tables (`derive`), the explorer
(`explore`) and the exercise checks (`exercises`)."""
