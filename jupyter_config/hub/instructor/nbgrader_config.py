"""The instructor's course on the hub: ``~/course``, built there by ``make course`` (or by
``make hub``). The Formgrader and the nbgrader commands run from anywhere then find it, and load
its own nbgrader_config.py and course_settings.py."""
import os

c = get_config()  # noqa: F821 (given by traitlets)
c.CourseDirectory.root = os.path.join(os.path.expanduser("~"), "course")
