"""A student's server on the course's JupyterHub (instructor/hub/: the hub puts this folder first on
JUPYTER_CONFIG_PATH for every member of the group "students").

The book's own configuration (the folder above: chapters open as notebooks) plus nbgrader's
Assignments tab, which fetches, submits and fetches feedback. The Formgrader, the course list and
the assignment creator stay off, on the server (their pages answer 404) and in JupyterLab
(labconfig/page_config.json beside this file).
"""
from pathlib import Path

BOOK_CONFIG = Path(__file__).resolve().parents[2]
load_subconfig("jupyter_server_config.py", path=str(BOOK_CONFIG))  # noqa: F821 (traitlets)
c.ServerApp.jpserver_extensions.update({  # noqa: F821
    "nbgrader.server_extensions.assignment_list": True,
    "nbgrader.server_extensions.validate_assignment": True,
})
# A terminal's shell, not a login shell: the hub starts this server without a tty, so Jupyter would
# run `bash -l`, and Debian's /etc/profile resets PATH, dropping the student environment's bin
# (no nbgrader, no python in the terminal). The server's own PATH, set by the hub, is kept.
c.ServerApp.terminado_settings = {"shell_command": ["/bin/bash"]}  # noqa: F821
