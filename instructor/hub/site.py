"""A class's JupyterHub on one machine: accounts, the shared exchange, the course, the hub itself.

``make hub`` (:mod:`instructor.hub.__main__`) and ``tests/test_hub.py`` both use it. A site lives
in one folder (``/srv/bpbook-hub`` for ``make hub``, a temporary one in the test):

- ``exchange/``: nbgrader's exchange, shared by every user: mode 1777 (anyone may create, nobody
  may remove another's files), as nbgrader's documentation sets it up; nbgrader itself makes the
  course's ``inbound/`` 733, so a student can hand in but not list what others handed in;
- ``etc/nbgrader_config.py``: the site's nbgrader settings every server reads (exchange, course id);
- ``state/``: the hub's database, cookie secret, the site file ``hub.json`` (root only) and logs.

Every user is a Unix account with a private home (mode 700): the instructor's holds the course
(``~/course``, its source notebooks and gradebook), a student's their work.
"""
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
STUDENT_BIN = REPO / ".venv-student" / "bin"
PROXY = HERE / "node_modules" / ".bin" / "configurable-http-proxy"
ROLES = {role: str(REPO / "jupyter_config" / "hub" / role) for role in ("student", "instructor")}
START_S = 90  # seconds for the hub to answer
BUILD_S = 3600  # seconds for the whole course's build, on a busy machine


@dataclass
class Site:
    root: Path
    homes: Path
    instructors: list
    students: list
    ip: str = "127.0.0.1"
    port: int = 8000
    course_id: str = "bpbook"
    driver_token: str = ""
    passwords: dict = field(default_factory=dict)

    @property
    def exchange(self):
        return self.root / "exchange"

    @property
    def etc(self):
        return self.root / "etc"

    @property
    def state(self):
        return self.root / "state"

    @property
    def url(self):
        return f"http://{self.ip}:{self.port}"

    def home(self, user):
        return self.homes / user

    def course(self):
        return self.home(self.instructors[0]) / "course"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require_root():
    if os.geteuid() != 0:
        raise PermissionError("a hub with one Unix account per user must be set up as root "
                              "(useradd, and servers that run as their users): run it with sudo")


def user_exists(name):
    return subprocess.run(["id", "-u", name], capture_output=True).returncode == 0


def create_user(name, home, password):
    """A Unix account ``name`` with a private home ``home`` and ``password`` (for the hub's login);
    an existing account keeps its home and gets the password."""
    if not user_exists(name):
        subprocess.run(["useradd", "--create-home", "--home-dir", str(home), "--user-group",
                        "--shell", "/bin/bash", name], check=True)
    os.chmod(home, 0o700)
    subprocess.run(["chpasswd"], input=f"{name}:{password}\n", text=True, check=True)


def remove_user(name):
    """Remove account ``name``, its home and its group, after ending its processes (by their
    ids: only this account's)."""
    if not user_exists(name):
        return
    uid = int(subprocess.run(["id", "-u", name], capture_output=True, text=True).stdout)
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if proc.stat().st_uid == uid:
                    os.kill(int(proc.name), signal.SIGKILL)
            except (FileNotFoundError, ProcessLookupError):
                pass
    subprocess.run(["userdel", "--remove", name], capture_output=True)


def reachable_by_all(path):
    """Whether every user may reach ``path``: it and each folder above it are world-searchable."""
    path = Path(path).resolve()
    return all(p.stat().st_mode & 0o001 for p in (path, *path.parents))


def site_config(site):
    """The nbgrader settings every server reads: the exchange and the course id."""
    return ('"""nbgrader on this hub: where releases and submissions meet, and the course."""\n'
            "c = get_config()  # noqa: F821\n"
            f"c.Exchange.root = {str(site.exchange)!r}\n"
            f"c.CourseDirectory.course_id = {site.course_id!r}\n")


def prepare(site):
    """Accounts, the exchange, the site's nbgrader settings and ``state/hub.json``; return the
    site file's path."""
    require_root()
    for path in (STUDENT_BIN, *ROLES.values()):
        if not reachable_by_all(path):
            raise PermissionError(f"{path} must be reachable by every user (their servers run as "
                                  "them): clone the repository where all may read it, e.g. "
                                  "under /opt or /srv")
    for path, mode in ((site.root, 0o755), (site.exchange, 0o1777), (site.etc, 0o755),
                       (site.state, 0o700), (site.homes, 0o755)):
        path.mkdir(parents=True, exist_ok=True)
        os.chmod(path, mode)
    (site.etc / "nbgrader_config.py").write_text(site_config(site))
    for user in site.instructors + site.students:
        site.passwords.setdefault(user, secrets.token_urlsafe(9))
        create_user(user, site.home(user), site.passwords[user])
    hub = site.state / "hub.json"
    hub.write_text(json.dumps({
        "ip": site.ip, "port": site.port, "hub_port": free_port(), "proxy_api_port": free_port(),
        "state": str(site.state), "proxy": str(PROXY), "python_bin": str(STUDENT_BIN),
        "roles": ROLES, "site_config": str(site.etc), "instructors": site.instructors,
        "students": site.students, "driver_token": site.driver_token}, indent=1))
    os.chmod(hub, 0o600)
    return hub


def build_course(site, only=(), env=None):
    """Build the course in the instructor's ``~/course`` (``make course``'s builder, run from the
    repository, in environment ``env``), owned by the instructor."""
    course = site.course()
    args = [sys.executable, "-m", "instructor.kit", "--course", str(course)]
    subprocess.run(args + (["--only", *only] if only else []), cwd=REPO, check=True, env=env,
                   timeout=BUILD_S)
    owner = site.instructors[0]
    subprocess.run(["chown", "-R", f"{owner}:{owner}", str(course)], check=True)
    return course


def start(site, log):
    """Start JupyterHub (as root: it starts each server as its user); wait until it answers."""
    env = {"PATH": os.pathsep.join([str(STUDENT_BIN), "/usr/bin", "/bin"]),
           "BPBOOK_HUB_SITE": str(site.state / "hub.json"), "LANG": "C.UTF-8"}
    cmd = [str(STUDENT_BIN / "jupyterhub"), "-f", str(HERE / "jupyterhub_config.py")]
    with open(log, "ab") as out:
        proc = subprocess.Popen(cmd, cwd=site.state, env=env, stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    deadline = time.monotonic() + START_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterHub exited with code {proc.returncode}; see {log}")
        try:
            with urllib.request.urlopen(f"{site.url}/hub/api/", timeout=5):
                return proc
        except OSError:
            time.sleep(0.5)
    stop(proc)
    raise TimeoutError(f"JupyterHub did not answer on {site.url} within {START_S} s; see {log}")


def stop(proc, timeout=60):
    """Stop the hub by its process id: on SIGTERM it stops every user's server and its proxy.
    If it hangs, kill its process group (the hub and the proxy)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout)
