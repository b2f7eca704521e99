"""JupyterLab as bpbook's students meet it: `make lab`, Binder and the browser test load this file.

They put this folder on JUPYTER_CONFIG_PATH (`scripts/lab.sh`, `binder/start`,
`tests/labdriver.py`). It points JupyterLab at the book's two pieces of configuration, both
kept here in the repository rather than copied into an environment:

- `lab/settings/overrides.json`: the default viewer for a chapter is the notebook;
- `labextensions/bpbook-chapters/`: the extension that tells a chapter (`NN_slug.py`) from any
  other Python file, so that only chapters open as notebooks and bpbook's modules open as code.
"""
from pathlib import Path

HERE = Path(__file__).resolve().parent

c.LabApp.app_settings_dir = str(HERE / "lab" / "settings")  # noqa: F821 (c is given by traitlets)
c.LabApp.extra_labextensions_path = [str(HERE / "labextensions")]  # noqa: F821
