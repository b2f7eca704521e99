"""Keep a test's Jupyter and nbgrader files out of the user's home: config, data (where nbgrader
keeps its cache of submissions), runtime and IPython folders all go under ``work``."""
from pathlib import Path

FOLDERS = {"JUPYTER_CONFIG_DIR": "config", "JUPYTER_DATA_DIR": "data",
           "JUPYTER_RUNTIME_DIR": "runtime", "IPYTHONDIR": "ipython"}


def isolated(env, work):
    """``env`` with every Jupyter folder under ``work`` (created); nbgrader's cache is then
    ``work/data/nbgrader_cache``."""
    out = dict(env)
    for var, sub in FOLDERS.items():
        path = Path(work) / sub
        path.mkdir(parents=True, exist_ok=True)
        out[var] = str(path)
    return out
