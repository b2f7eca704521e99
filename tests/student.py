"""Chapter tests of per-student numbers (``bpbook.variants``): reload a chapter's exercise module
as one student's kernel would import it."""
import importlib


def reload_as(monkeypatch, module, who):
    """``module`` reloaded with ``BPBOOK_STUDENT = who`` (``None``: a reader alone, no id)."""
    if who is None:
        monkeypatch.delenv("BPBOOK_STUDENT", raising=False)
    else:
        monkeypatch.setenv("BPBOOK_STUDENT", who)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    return importlib.reload(module)
