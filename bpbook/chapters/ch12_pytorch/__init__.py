"""Chapter 12, PyTorch: the bridge between bpbook and torch (`bridge`), the explorer (`explore`) and
the exercise checks (`exercises`)."""
