"""The course's own settings, which are yours to edit: course/course_settings.py.

`make course` copies this file into the course folder once, when the course has none, and never
overwrites it; course/nbgrader_config.py (which `make course` rewrites) loads it last, so what is
set here wins. Keep in it what belongs to your class rather than to the book:

- the course id, which students' fetch and submit commands name (`--course=...`);
- the gradebook's database (SQLite in the course folder unless you set another URL, e.g.
  "postgresql://grader@db.example/bpbook" for several graders at once);
- what a late submission costs: "none" (it is only marked late) or "zero" (it scores 0); a
  deadline is set per assignment in the Formgrader;
- on a shared machine, the exchange directory where releases and submissions meet: add
  `c.Exchange.root = "/srv/nbgrader/exchange"` (every user's server must name the same one; the
  hub's site configuration does so for the students, instructor/README.md).
"""
import os

c = get_config()  # noqa: F821 (given by traitlets)
c.CourseDirectory.course_id = "bpbook"
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                       "gradebook.db")
c.LateSubmissionPlugin.penalty_method = "none"
