"""Kernels for the tests that talk over IPC sockets in a private folder, not over TCP ports.

Two test processes (pytest-xdist workers, a JupyterLab server) starting kernels at the same moment
can pick the same "free" TCP port; a client then talks to the wrong kernel and waits for a reply
that never comes, until the cell timeout. An IPC socket lives in a fresh folder per kernel, so no
two kernels can meet. conftest.py makes nbval use this manager; the repeatability test uses it too.
"""
import atexit
import os
import shutil
import tempfile

from jupyter_client.manager import KernelManager


class IPCKernelManager(KernelManager):
    """A KernelManager whose kernel's sockets are files in a temporary folder of its own."""

    def __init__(self, **kwargs):
        folder = tempfile.mkdtemp(prefix="bpbook-kernel-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        super().__init__(transport="ipc", ip=os.path.join(folder, "k"), **kwargs)
