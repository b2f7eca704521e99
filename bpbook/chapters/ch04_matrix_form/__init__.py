"""Chapter 04, the matrix form: a sigmoid network with several units per layer on a batch, its
shapes, outer products and explorer (`matrix`), and the exercise check (`exercises`)."""
