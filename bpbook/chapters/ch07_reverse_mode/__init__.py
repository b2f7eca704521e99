"""Chapter 07, reverse mode: a small MLP of `Value`s trained beside the numpy MLP (`micro_mlp`), the
cost of backprop against finite differences and forward against reverse mode, counted, with a
tiny forward mode of dual numbers (`cost`), and the exercise checks (`exercises`)."""
