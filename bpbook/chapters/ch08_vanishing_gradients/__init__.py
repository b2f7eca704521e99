"""Chapter 08, vanishing gradients: the experiments (`experiments`: the slopes in δ₁, gradient
profiles, the scale of the signal), batch norm's backward derived by SymPy (`batchnorm`), the
pictures (`plots`), the explorer (`explore`) and the exercise checks (`exercises`). The deep
networks themselves are the library's (`bpbook.deep`)."""
