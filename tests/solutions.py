"""The instructor's material (``instructor/solutions/NN_slug.py``) for chapter tests: load a
chapter's solutions module, and list the exercise ids a chapter's cells carry."""
import importlib.util
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def load(stem):
    """The module ``instructor/solutions/<stem>.py`` (``EXERCISES``, ``THINK``)."""
    path = REPO / "instructor" / "solutions" / f"{stem}.py"
    spec = importlib.util.spec_from_file_location(f"solutions_{stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def exercise_ids(stem):
    """The ids of the ``exercise="NN.name"`` cells of ``chapters/<stem>.py``."""
    text = (REPO / "chapters" / f"{stem}.py").read_text()
    return set(re.findall(r'exercise="(\d\d\.[a-z0-9-]+)"', text))
