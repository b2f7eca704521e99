"""Chapter modules as one student sees them: :mod:`bpbook.variants` draws a chapter's exercise
inputs when the module is imported, so a test reloads the modules with ``BPBOOK_STUDENT`` set, and
reloads them again afterwards, for a reader alone (the book's numbers)."""
import contextlib
import importlib

STUDENTS = [f"student{i:02d}" for i in range(25)] + ["ann", "ben", "chloé", "d.o'brien"]


@contextlib.contextmanager
def as_student(monkeypatch, who, *modules):
    """Inside the block, ``modules`` (reloaded in this order) hold ``who``'s numbers."""
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.setenv("BPBOOK_STUDENT", who)
    try:
        for module in modules:
            importlib.reload(module)
        yield
    finally:
        monkeypatch.delenv("BPBOOK_STUDENT", raising=False)
        for module in modules:
            importlib.reload(module)
