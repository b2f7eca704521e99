"""The instructor's course settings file (``course/course_settings.py``), kept across rebuilds.

:func:`install` copies the template ``instructor/course_settings.py`` into a course folder that has
none and leaves an existing one alone; :data:`LOAD` is the line course/nbgrader_config.py ends with.
"""
import shutil
from pathlib import Path

NAME = "course_settings.py"
TEMPLATE = Path(__file__).resolve().parent / NAME
LOAD = f'''
# The instructor's settings (course id, gradebook, late policy, exchange): {NAME}, written
# once from instructor/{NAME} and never overwritten. Loaded last: its values win.
load_subconfig("{NAME}")  # noqa: F821 (given by traitlets)
'''


def install(course):
    """Write ``course/course_settings.py`` from the template unless it exists; return its path."""
    path = Path(course) / NAME
    if not path.exists():
        shutil.copyfile(TEMPLATE, path)
    return path
