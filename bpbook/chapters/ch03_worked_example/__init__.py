"""Chapter 03, the worked example: its explorer (`explore`), its pictures (`plots`) and its exercise
checks (`exercises`). The numbers themselves come from the library: :mod:`bpbook.worked`."""
