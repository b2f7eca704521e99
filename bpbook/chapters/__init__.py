"""Each chapter's own code: one module (or subpackage) per chapter, named after it.

``bpbook.chapters.chNN_slug`` holds what ``chapters/NN_slug.py`` needs and no other chapter does:
its helpers, its explorers' update functions (plain functions; the widgets only wire sliders to
them) and its exercise checks. A module that outgrows about 400 lines becomes a subpackage of the
same name (``ch08_vanishing_gradients/explore.py``, ``ch08_vanishing_gradients/exercises.py``, …).

The rule (``tests/test_layout.py``): the library (everything in ``bpbook`` outside this package)
never imports from here; one chapter's module never imports another chapter's; what two chapters
share moves into the library.
"""
