"""Chapter 9, where initialisation comes from: the variance of a layer's output and of its δ,
derived with SymPy and by quadrature (`derive`), measured layer by layer in deep networks and
checked against torch (`probe`), the pictures with their text descriptions (`plots`), the explorer
(`explore`) and the exercise checks (`exercises`)."""
