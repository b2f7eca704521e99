"""Binder's configuration (binder/): the image repo2docker builds from it runs the book.

No Docker engine runs here, so these check what can be checked without one: the scripts parse,
Binder's pins are the repository's pins, and every package the chapters and bpbook import is
installed by binder/environment.yml (directly or as a dependency of what it installs).
"""
import ast
import importlib.metadata as md
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[1]
BINDER = REPO / "binder"
CONDA_NAMES = {"pytorch-cpu": "torch"}  # conda-forge package -> the distribution it installs


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_pins(lines):
    """{canonical name: version} of the ``name==version`` lines."""
    pins = {}
    for line in lines:
        found = re.fullmatch(r"\s*([A-Za-z0-9_.-]+)\s*==\s*([^\s#;]+)\s*(#.*)?", line)
        if found:
            pins[canonical(found.group(1))] = found.group(2)
    return pins


def binder_pins():
    env = yaml.safe_load((BINDER / "environment.yml").read_text())
    pins = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pins.update(requirement_pins(dep["pip"]))
            continue
        name, _, version = dep.partition("=")
        if name in CONDA_NAMES:
            pins[canonical(CONDA_NAMES[name])] = version
    return pins


def requires_closure(names):
    """The distributions ``names`` install, with everything they require here (this
    environment's metadata and markers; optional extras are not followed)."""
    seen, todo = set(), [canonical(n) for n in names]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for line in md.requires(name) or []:
            req = Requirement(line)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(canonical(req.name))
    return seen


def imported_modules():
    sources = [*(REPO / "chapters").glob("[0-9][0-9]_*.py"), *(REPO / "bpbook").glob("*.py")]
    modules = set()
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                modules.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules.add(node.module.split(".")[0])
    return modules - set(sys.stdlib_module_names) - {"bpbook"}


def test_binder_pins_are_the_repository_pins():
    top = requirement_pins((REPO / "requirements.txt").read_text().splitlines())
    binder = binder_pins()
    assert binder, "binder/environment.yml pins nothing"
    differ = {n: (v, top.get(n)) for n, v in binder.items() if top.get(n) != v}
    assert not differ, f"binder pin vs requirements.txt pin: {differ}"


def test_binder_installs_everything_the_chapters_import():
    installed = requires_closure(binder_pins())
    owners = md.packages_distributions()
    missing = {m: owners.get(m) for m in imported_modules()
               if not {canonical(d) for d in owners.get(m, [])} & installed}
    assert not missing, f"imported but not installed by binder/environment.yml: {missing}"


def test_binder_python_is_the_repository_python():
    env = yaml.safe_load((BINDER / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]
    assert sys.version_info[:2] == (3, 11)


@pytest.mark.parametrize("script", ["postBuild", "start"])
def test_binder_script_parses_and_is_executable(script):
    path = BINDER / script
    result = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert path.stat().st_mode & 0o111, f"{path} is not executable"


def test_start_loads_the_book_lab_config_and_runs_its_command():
    result = subprocess.run([str(BINDER / "start"), "sh", "-c", "echo $JUPYTER_CONFIG_PATH"],
                            capture_output=True, text=True, check=True, env={"PATH": "/usr/bin:/bin"})
    assert result.stdout.strip() == str(REPO / "jupyter_config")
