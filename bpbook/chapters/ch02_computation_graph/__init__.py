"""Chapter 02, the computation graph: the backward-pass replay and its explorer (`replay`), a tour
of the `Value` engine's code and the gate patterns (`engine_tour`), and the exercise checks
(`exercises`). The worked example's graph is the library's :func:`bpbook.worked.worked_graph`."""
