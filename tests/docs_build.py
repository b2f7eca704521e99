"""``docs/build.py`` (a script, not a package) loaded as the module ``build`` for the tests."""
import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "bpbook_docs_build", Path(__file__).resolve().parents[1] / "docs" / "build.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)
