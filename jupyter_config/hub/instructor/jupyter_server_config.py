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
# A terminal's shell, not a login shell: the hub starts this server without a tty, so Jupyter would
# run `bash -l`, and Debian's /etc/profile resets PATH, dropping the student environment's bin
# (no nbgrader, no python in the terminal). The server's own PATH, set by the hub, is kept.
c.ServerApp.terminado_settings = {"shell_command": ["/bin/bash"]}  # noqa: F821
