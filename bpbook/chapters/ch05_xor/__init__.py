"""Chapter 05, XOR: training runs and searches (`train`), pictures and the live trainer (`plots`),
exercise checks (`exercises`). The data are the library's :data:`bpbook.data.XOR_X`, ``XOR_Y``."""
