"""Chapter 02, the computation graph: the backward-pass replay and its explorer (`replay`), a tour
of the `Value` engine's code and the gate patterns (`engine_tour`), a small MLP of Values trained
beside the numpy MLP (`micro_mlp`), the cost of backprop and forward vs reverse mode (`cost`),
and the exercise checks (`exercises`). The worked example's graph is the library's
:func:`bpbook.worked.worked_graph`."""
