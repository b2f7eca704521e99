"""Chapter 13, a real classifier: the digits prepared and the training runs (`train`), pictures
(`plots`), the explorer (`explore`) and the exercise checks (`exercises`). The images are the
library's :func:`bpbook.data.digits`."""
