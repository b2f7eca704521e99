"""Chapter 15, convolutions: the backward pass in index form, checked by SymPy (`index_form`), a
small CNN against an MLP on the book's digits (`cnn`), the feature-map explorer (`explore`) and
the exercise checks (`exercises`)."""
