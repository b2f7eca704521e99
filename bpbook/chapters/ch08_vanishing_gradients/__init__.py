"""Chapter 08, pitfalls: the experiments (`experiments`: deep networks, gradient profiles, dead
ReLUs and their revival, clipping, weight decay, cost counts), batch norm's backward derived by
SymPy (`batchnorm`), the memory of stored activations (`memory`), the pictures (`plots`), the
explorer (`explore`) and the exercise checks (`exercises`)."""
