"""Chapter 11, gradient checking in practice: ``curve`` (the error of a central difference
against ε, in float64 and float32), ``cases`` (seeded bugs, the floor, kinks, the cost of a
check), ``plots`` (the error curve and its text alternative), ``explore`` (the ε explorer),
``exercises``."""
