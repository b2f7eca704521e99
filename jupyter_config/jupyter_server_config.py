"""JupyterLab as bpbook's students meet it: `make lab`, Binder and the browser test load this file.

They put this folder on JUPYTER_CONFIG_PATH (`scripts/lab.sh`, `binder/start`,
`tests/labdriver.py`). It points JupyterLab at the book's pieces of configuration, all kept here
in the repository rather than copied into an environment:

- `lab/settings/overrides.json`: the default viewer for a chapter is the notebook;
- `labextensions/bpbook-chapters/`: the extension that tells a chapter (`NN_slug.py`) from any
  other Python file, so that only chapters open as notebooks and bpbook's modules open as code;
- `labconfig/page_config.json` and the end of this file: nbgrader's extensions (installed by the
  course kit) are switched off.
"""
from pathlib import Path

HERE = Path(__file__).resolve().parent

c.LabApp.app_settings_dir = str(HERE / "lab" / "settings")  # noqa: F821 (c is given by traitlets)
c.LabApp.extra_labextensions_path = [str(HERE / "labextensions")]  # noqa: F821

# `make course` and `make test` install nbgrader into the same environment; the book's JupyterLab
# stays the student's, without the instructor's grading menus (an instructor grades with nbgrader
# on a JupyterHub: instructor/README.md).
NBGRADER = ("formgrader", "assignment_list", "course_list", "validate_assignment")
c.ServerApp.jpserver_extensions.update(  # noqa: F821
    {f"nbgrader.server_extensions.{name}": False for name in NBGRADER})
