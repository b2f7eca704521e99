"""The instructor's server on the course's JupyterHub (instructor/hub/: the hub puts this folder
first on JUPYTER_CONFIG_PATH for every member of the group "instructors").

The book's own configuration (the folder above: chapters open as notebooks) with every part of
nbgrader switched on: the Formgrader, the course list, the assignment creator and the Assignments
tab. The course is ``~/course`` (nbgrader_config.py beside this file).
"""
from pathlib import Path

BOOK_CONFIG = Path(__file__).resolve().parents[2]
load_subconfig("jupyter_server_config.py", path=str(BOOK_CONFIG))  # noqa: F821 (traitlets)
c.ServerApp.jpserver_extensions.update(  # noqa: F821
    {f"nbgrader.server_extensions.{name}": True
     for name in ("formgrader", "assignment_list", "course_list", "validate_assignment")})
