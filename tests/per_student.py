"""Per-student numbers (:mod:`bpbook.variants`) for chapter tests: a fresh copy of a chapter's
exercise module as one student's kernel sees it, and the instructor's solution or typical wrong
answer run on that student's numbers."""
import importlib.util
import math

import numpy as np


def exercises_as(monkeypatch, module, student):
    """A fresh copy of ``module`` (an exercises module) imported with ``student``'s id (None: a
    reader alone), so its constants are that student's; the imported original stays as it was."""
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    if student is None:
        monkeypatch.delenv("BPBOOK_STUDENT", raising=False)
    else:
        monkeypatch.setenv("BPBOOK_STUDENT", student)
    spec = importlib.util.spec_from_file_location(f"{module.__name__}_as_{student}",
                                                  module.__file__)
    copy = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(copy)
    return copy


def answer_of(code, module, **names):
    """``answer`` after running the solution ``code`` with ``module``'s constants in scope."""
    scope = {"np": np, "math": math, **vars(module), **names}
    exec(code, scope)
    return scope["answer"]
