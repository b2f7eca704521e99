"""A class on a real JupyterHub (``make hub``'s hub: instructor/hub/), driven as its users would.

The hub runs on 127.0.0.1 with one instructor and two students, each a Unix account created here
(and removed at the end, with the hub and every server, pass or fail). Through the hub's REST API
and the users' servers behind it: the instructor releases chapter 01 from the Formgrader; both
students fetch it with the Assignments tab's API, answer (one with the instructor's solutions,
one with a typical mistake in the last exercise) and submit; the instructor collects, autogrades,
generates and releases feedback; each student fetches theirs. The scores must be exactly the kit's
points; a student must not reach the Formgrader, another student's work, the instructor's source
notebooks or the gradebook.

The live part needs root (to create the accounts and to run the hub, which starts each server as
its user). The rest checks, without a hub: the student environment against the book's pins, the
two roles' configurations, the Zero to JupyterHub values file and Dockerfile (never deployed or
built here), the course settings that survive a rebuild, and the self-study links' branch.
"""
import html
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import pytest
import requests

from instructor.hub import chapters_branch, environment
from instructor.hub import site as hub
from instructor.kit.build import assignments, venv_env
from instructor.kit.chapter import REPO, load_material
from instructor.kit.render import grade_id
from tests.jupyter_isolation import isolated

GUIDE = REPO / "instructor" / "README.md"
ASSIGNMENT = "01_chain_rule"
COURSE_ID = "bpbook"
REQUEST_S = 120  # one request: autograding runs the chapter
READY_S = 120  # a server's start


class Client:
    """Requests to the hub with one token (a user's, or the test's service's)."""

    def __init__(self, url, token, user=None):
        self.url, self.user = url, user
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"token {token}"

    def hub(self, method, path, **kw):
        return self.http.request(method, f"{self.url}/hub/api/{path}", timeout=REQUEST_S, **kw)

    def server(self, method, path, owner=None, **kw):
        """A request to ``owner``'s server (default: this user's own)."""
        return self.http.request(method, f"{self.url}/user/{owner or self.user}/{path}",
                                 timeout=REQUEST_S, allow_redirects=False, **kw)

    def ok(self, method, path, **kw):
        r = self.server(method, path, **kw)
        assert r.status_code == 200, f"{method} {path}: {r.status_code} {r.text[:2000]}"
        return r.json()


def start_servers(driver, users):
    for user in users:
        r = driver.hub("POST", f"users/{user}/server")
        assert r.status_code in (201, 202), r.text
    deadline = time.monotonic() + READY_S
    waiting = set(users)
    while waiting and time.monotonic() < deadline:
        for user in sorted(waiting):
            info = driver.hub("GET", f"users/{user}").json()
            if info["servers"].get("", {}).get("ready"):
                waiting.discard(user)
        time.sleep(1)
    assert not waiting, f"servers not ready within {READY_S} s: {sorted(waiting)}"


def answer(nb, wrong_last):
    """The fetched notebook with every answer cell holding the instructor's solution (the last
    one the typical mistake, when ``wrong_last``)."""
    exercises, _ = load_material(ASSIGNMENT, assignments()[ASSIGNMENT][1])
    ids = list(exercises)
    for cell in nb["cells"]:
        gid = cell["metadata"].get("nbgrader", {}).get("grade_id")
        for ex_id in ids:
            if gid == grade_id(ex_id):
                use_wrong = wrong_last and ex_id == ids[-1]
                cell["source"] = exercises[ex_id]["wrong" if use_wrong else "solution"]
    return nb, ids[-1]


def as_user(user, code):
    """Run Python ``code`` as Unix account ``user`` (what that student's kernel may do)."""
    return subprocess.run(["runuser", "-u", user, "--", str(hub.STUDENT_BIN / "python"), "-c",
                           code], capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def site():
    if os.geteuid() != 0:
        pytest.skip("the live hub test creates Unix accounts and runs JupyterHub, which starts "
                    "each server as its user: it needs root (CI runs as root)")
    if not hub.reachable_by_all(hub.STUDENT_BIN):
        pytest.skip(f"the students' servers run {hub.STUDENT_BIN} as their own users, and a "
                    "folder above it is closed to them: clone the book where every user may "
                    "read it (not under /root) to run the live hub test")
    tag = secrets.token_hex(3)
    root = Path(tempfile.mkdtemp(prefix="bpbook-hub-"))
    root.chmod(0o755)
    site = hub.Site(root, root / "home", [f"bpt{tag}i"], [f"bpt{tag}a", f"bpt{tag}b"],
                    port=hub.free_port(), driver_token=secrets.token_hex(32))
    proc = None
    try:
        hub.prepare(site)
        hub.build_course(site, [ASSIGNMENT], env=isolated(venv_env(), root / "build"))
        proc = hub.start(site, site.state / "jupyterhub.log")
        yield site
    finally:
        if proc is not None:
            hub.stop(proc)
            log = (site.state / "jupyterhub.log").read_text(errors="replace")
            print("JupyterHub's log, last lines:\n" + "\n".join(log.splitlines()[-60:]))
        for user in site.instructors + site.students:
            hub.remove_user(user)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def clients(site):
    driver = Client(site.url, site.driver_token)
    users = site.instructors + site.students
    out = {}
    for user in users:
        r = driver.hub("POST", f"users/{user}/tokens", json={"note": "test_hub", "expires_in": 900})
        assert r.status_code == 201, r.text
        out[user] = Client(site.url, r.json()["token"], user)
    start_servers(driver, users)
    return out


@pytest.fixture(scope="module")
def term(site, clients):
    """The whole assignment, from release to feedback; returns what the assertions need."""
    teacher = clients[site.instructors[0]]
    right, wrong = (clients[s] for s in site.students)
    released = teacher.ok("POST", f"formgrader/api/assignment/{ASSIGNMENT}/release")
    assert released["success"], released
    path = f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
    listed = {}
    for student in (right, wrong):
        listed[student.user] = student.ok("GET", f"assignments?course_id={COURSE_ID}")
        fetched = student.ok("POST", "assignments/fetch",
                             json={"course_id": COURSE_ID, "assignment_id": ASSIGNMENT})
        assert fetched["success"], fetched
        nb = student.ok("GET", f"api/contents/{path}")["content"]
        nb, last = answer(nb, wrong_last=student is wrong)
        saved = student.server("PUT", f"api/contents/{path}",
                               json={"type": "notebook", "format": "json", "content": nb})
        assert saved.status_code == 200, saved.text
        submitted = student.ok("POST", "assignments/submit",
                               json={"course_id": COURSE_ID, "assignment_id": ASSIGNMENT})
        assert submitted["success"], submitted
    collected = teacher.ok("POST", f"formgrader/api/assignment/{ASSIGNMENT}/collect")
    assert collected["success"], collected
    for student in site.students:
        graded = teacher.ok("POST", f"formgrader/api/submission/{ASSIGNMENT}/{student}/autograde")
        assert graded["success"], graded
    for step in ("generate_feedback", "release_feedback"):
        done = teacher.ok("POST", f"formgrader/api/assignment/{ASSIGNMENT}/{step}")
        assert done["success"], done
    submissions = teacher.ok("GET", f"formgrader/api/submissions/{ASSIGNMENT}")
    scores = {s["student"]: s for s in submissions}
    # the Formgrader's manual grading page of the first student's notebook, as the grader opens it
    notebooks = teacher.ok("GET", f"formgrader/api/submitted_notebooks/{ASSIGNMENT}/{ASSIGNMENT}")
    first = next(n for n in notebooks if n["student"] == right.user)
    page = teacher.server("GET", f"formgrader/submissions/{first['id']}/")
    assert page.status_code == 200, page.text[:2000]
    feedback = {}
    for student in (right, wrong):
        student.ok("POST", "assignments/fetch_feedback",
                   json={"course_id": COURSE_ID, "assignment_id": ASSIGNMENT})
        folder = student.ok("GET", f"api/contents/{ASSIGNMENT}/feedback")["content"]
        assert len(folder) == 1, folder
        html = student.ok("GET", f"api/contents/{folder[0]['path']}/{ASSIGNMENT}.html")
        feedback[student.user] = html["content"]
    kit = json.loads((site.course() / "kit.json").read_text())[ASSIGNMENT]
    return {"scores": scores, "feedback": feedback, "kit": kit, "last": last, "listed": listed,
            "manual_grading": page.text}


def test_students_see_the_released_chapter(site, term):
    for student in site.students:
        listed = term["listed"][student]
        assert listed["success"], listed
        assert [(a["course_id"], a["assignment_id"], a["status"]) for a in listed["value"]] == [
            (COURSE_ID, ASSIGNMENT, "released")]


def test_scores_are_exact(site, term):
    kit, scores = term["kit"], term["scores"]
    right, wrong = site.students
    last_points = kit["exercises"][term["last"]]["points"]
    assert scores[right]["score"] == kit["points"], scores[right]
    assert scores[wrong]["score"] == kit["points"] - last_points, scores[wrong]
    for student in site.students:
        assert scores[student]["max_score"] == kit["points"] + kit["think_points"]


def test_feedback_reaches_each_student(site, term):
    right, wrong = site.students
    message = term["kit"]["exercises"][term["last"]]["wrong_feedback"]
    # Each student gets their own numbers (a seed of their name): the kit's message was written
    # with the book's, so its words are matched as they are and each number as some number.
    number = r"[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?"
    pattern = number.join(re.escape(part) for part in re.split(number, message))
    assert re.search(pattern, html.unescape(term["feedback"][wrong])), message
    assert "✘ not yet" not in html.unescape(term["feedback"][right])
    for text in term["feedback"].values():
        assert "HIDDEN TESTS" not in text


def test_the_grader_sees_each_model_answer_and_no_student_does(site, term):
    """Beside each think answer on the Formgrader's manual grading page, the model answer and
    grading note; in no student's feedback."""
    _, thinks = load_material(ASSIGNMENT, assignments()[ASSIGNMENT][1])
    page = " ".join(html.unescape(term["manual_grading"]).split())
    assert "Model answer and grading note" in page
    for ex_id, entry in thinks.items():
        words = " ".join(entry["answer"].split()[:8])
        after = page[page.index(f'id="{grade_id(ex_id)}"'):]  # the answer's score box onwards
        assert words in after, ex_id
        for text in term["feedback"].values():
            assert words not in " ".join(html.unescape(text).split()), ex_id


def test_a_student_has_no_formgrader(site, clients):
    student = clients[site.students[0]]
    for path in ("formgrader", "formgrader/api/status", "formgrader/api/submissions/" + ASSIGNMENT):
        assert student.server("GET", path).status_code == 404, path
    status = student.server("GET", "formgrader/api/status", owner=site.instructors[0]).status_code
    assert status in (403, 404), status


def test_a_student_cannot_reach_another_server(site, clients, term):
    a, b = site.students
    for path in (f"api/contents/{ASSIGNMENT}", "api/contents"):
        assert clients[a].server("GET", path, owner=b).status_code in (403, 404), path
        assert clients[a].server("GET", path, owner=site.instructors[0]).status_code in (403, 404)


def test_a_students_account_cannot_read_others_work(site, term):
    """What a student's kernel or terminal may do, as that Unix account."""
    a, b = site.students
    inbound = site.exchange / COURSE_ID / "inbound"
    submissions = sorted(p for p in inbound.iterdir() if p.name.startswith(f"{b}+"))
    assert submissions, "the other student's submission is not in the exchange"
    course = site.course()
    secret = [site.home(b) / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
              course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
              course / "gradebook.db", course / "course_settings.py"]
    for path in secret:
        assert path.exists(), path
        result = as_user(a, f"open({str(path)!r}, 'rb').read()")
        assert "PermissionError" in result.stderr, (path, result.stdout, result.stderr)
    listing = as_user(a, f"import os; print(os.listdir({str(inbound)!r}))")
    assert "PermissionError" in listing.stderr, listing.stdout
    own = site.home(a) / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    mine = as_user(a, f"print(open({str(own)!r}).read()[:1])")
    assert mine.returncode == 0 and mine.stdout.strip() == "{", mine.stderr


def page_config(client):
    page = client.server("GET", "lab").text
    found = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                      page, re.S)
    assert found, page[:2000]
    return json.loads(found.group(1))


def test_each_role_gets_its_jupyterlab(site, clients):
    student = page_config(clients[site.students[0]])
    teacher = page_config(clients[site.instructors[0]])
    for config in (student, teacher):
        assert "bpbook-chapters" in {e["name"] for e in config["federated_extensions"]}
        assert "@jupyter/nbgrader" in {e["name"] for e in config["federated_extensions"]}
    off = set(student["disabledExtensions"])
    assert {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"} <= off
    assert not {"@jupyter/nbgrader", "@jupyter/nbgrader:assignment-list"} & off
    assert not [e for e in teacher["disabledExtensions"] if e.startswith("@jupyter/nbgrader")]


def test_a_student_logs_in_with_the_password(site):
    student = site.students[0]
    wrong = "wrong" + secrets.token_hex(4)
    for password, welcome in ((site.passwords[student], True), (wrong, False)):
        http = requests.Session()
        http.get(f"{site.url}/hub/login", timeout=REQUEST_S)
        r = http.post(f"{site.url}/hub/login", timeout=REQUEST_S, allow_redirects=False,
                      data={"username": student, "password": password,
                            "_xsrf": http.cookies.get("_xsrf", "")})
        assert (r.status_code == 302) == welcome, (r.status_code, r.text[:500])


# ---- Without a hub ----------------------------------------------------------------------------

HUB = REPO / "instructor" / "hub"
ROLE_DIRS = REPO / "jupyter_config" / "hub"
VALUES = HUB / "z2jh-values.yaml"
DOCKERFILE = HUB / "Dockerfile"
IMAGE_CONFIG = "/etc/bpbook/jupyter_config"  # where the Dockerfile copies jupyter_config/


def test_student_requirements_are_the_books_pins_without_test_tools():
    assert environment.STUDENT.read_text() == environment.render(), (
        "instructor/hub/requirements-student.txt is out of date: "
        "python -m instructor.hub.environment")
    student = environment.pins(environment.STUDENT)
    sources = {}
    for path in environment.SOURCES:
        for name, line in environment.pins(path).items():
            sources.setdefault(name, line)
    assert all(sources[name] == line for name, line in student.items())
    assert set(sources) - set(student) == environment.TEST_TOOLS & set(sources)
    assert {"jupyterhub", "nbgrader", "jupyterlab", "torch"} <= set(student)
    assert "-e" not in environment.STUDENT.read_text()


def test_student_environment_has_bpbook_as_a_package_and_no_test_tools():
    python = hub.STUDENT_BIN / "python"
    assert python.exists(), "no student environment: make .venv-student/.installed"
    code = ("import importlib.util as u, bpbook, bpbook.chapters, json; print(json.dumps("
            "[bpbook.__file__, [m for m in ('pytest', 'hypothesis', 'playwright', 'nbval', "
            "'instructor', 'jupyterhub', 'nbgrader', 'torch') if u.find_spec(m)]]))")
    done = subprocess.run([str(python), "-I", "-c", code], cwd="/", capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    where, found = json.loads(done.stdout)
    assert "site-packages" in where and not where.startswith(str(REPO / "bpbook")), where
    assert found == ["jupyterhub", "nbgrader", "torch"]


def server_config(role):
    from traitlets.config import Config, PyFileConfigLoader
    loader = PyFileConfigLoader("jupyter_server_config.py", path=str(ROLE_DIRS / role))
    config = Config()
    config.merge(loader.load_config())
    on = {"nbgrader.server_extensions.formgrader": True}  # nbgrader's own install turns all on
    extensions = config.ServerApp.jpserver_extensions
    extensions = extensions.get_value(on) if hasattr(extensions, "get_value") else extensions
    return config, extensions


def test_the_roles_switch_nbgrader_on_as_each_needs():
    parts = ("formgrader", "assignment_list", "course_list", "validate_assignment")
    _, student = server_config("student")
    _, teacher = server_config("instructor")
    on = {p for p in parts if student.get(f"nbgrader.server_extensions.{p}")}
    assert on == {"assignment_list", "validate_assignment"}
    assert all(teacher.get(f"nbgrader.server_extensions.{p}") for p in parts)
    page = json.loads((ROLE_DIRS / "student" / "labconfig" / "page_config.json").read_text())
    assert set(page["disabledExtensions"]) == {"@jupyter/nbgrader:formgrader",
                                               "@jupyter/nbgrader:course-list",
                                               "@jupyter/nbgrader:create-assignment"}
    assert not (ROLE_DIRS / "instructor" / "labconfig").exists()


def test_a_terminal_keeps_the_environment_the_hub_puts_on_path(tmp_path):
    """Jupyter runs a login shell for a server started without a tty, and Debian's /etc/profile
    resets PATH there (no nbgrader, no python in the terminal); each role's terminal is a plain
    bash, which keeps the PATH the hub gives the server."""
    for role in ("student", "instructor"):
        config, _ = server_config(role)
        shell = config.ServerApp.terminado_settings["shell_command"]
        assert "-l" not in shell and "--login" not in shell
        out = subprocess.run([*shell, "-c", "echo $PATH"], capture_output=True, text=True,
                             env={"PATH": "/opt/bp-env/bin:/usr/bin:/bin", "HOME": str(tmp_path)})
        assert out.stdout.strip().split(":")[0] == "/opt/bp-env/bin", (role, out)


def test_the_roles_keep_the_books_jupyterlab():
    for role in ("student", "instructor"):
        config, _ = server_config(role)
        assert config.LabApp.extra_labextensions_path == [str(REPO / "jupyter_config" /
                                                              "labextensions")]
        assert config.LabApp.app_settings_dir == str(REPO / "jupyter_config" / "lab" / "settings")


def values():
    import yaml
    return yaml.safe_load(VALUES.read_text())


def fake_spawner(groups):
    from types import SimpleNamespace
    user = SimpleNamespace(groups=[SimpleNamespace(name=g) for g in groups])
    return SimpleNamespace(user=user, environment={})


def role_hook(code, site_file=None):
    from traitlets.config import Config
    config = Config()
    env = dict(os.environ, **({"BPBOOK_HUB_SITE": str(site_file)} if site_file else {}))
    old = dict(os.environ)
    os.environ.update(env)
    try:
        exec(compile(code, "config", "exec"), {"c": config, "get_config": lambda: config})
    finally:
        os.environ.clear()
        os.environ.update(old)
    return config.Spawner.pre_spawn_hook


def test_values_file_names_the_keys_zero_to_jupyterhub_reads():
    v = values()
    assert isinstance(v["hub"]["config"]["JupyterHub"], dict)
    # the chart's schema refuses a hub key it does not know (loadGroups is not one)
    assert set(v["hub"]) <= {"config", "extraConfig"}
    assert set(v["hub"]["config"]["JupyterHub"]["load_groups"]) == {"instructors", "students"}
    single = v["singleuser"]
    assert single["image"]["name"] and single["image"]["tag"]
    for kind in ("memory", "cpu"):
        assert {"guarantee", "limit"} <= set(single[kind]), kind
    volumes = {vol["name"]: vol for vol in single["storage"]["extraVolumes"]}
    mounts = {m["name"]: m for m in single["storage"]["extraVolumeMounts"]}
    assert set(mounts) <= set(volumes)
    exchange = re.search(r"c\.Exchange\.root = \"([^\"]+)\"", DOCKERFILE.read_text()).group(1)
    assert [m["mountPath"] for m in mounts.values()] == [exchange]
    assert volumes[next(iter(mounts))]["persistentVolumeClaim"]["claimName"]


def test_values_give_each_group_the_role_make_hub_gives_it(tmp_path):
    (tmp_path / "hub.json").write_text(json.dumps({
        "ip": "127.0.0.1", "port": 1, "hub_port": 2, "proxy_api_port": 3, "state": str(tmp_path),
        "proxy": "chp", "python_bin": "/bin", "roles": hub.ROLES, "site_config": "/site",
        "instructors": ["i"], "students": ["s"]}))
    local = role_hook((HUB / "jupyterhub_config.py").read_text(), tmp_path / "hub.json")
    z2jh = role_hook("\n".join(values()["hub"]["extraConfig"].values()))
    cases = ((["instructors"], "instructor"), (["students"], "student"), ([], "student"))
    for groups, role in cases:
        here, there = fake_spawner(groups), fake_spawner(groups)
        local(here)
        z2jh(there)
        assert here.environment["JUPYTER_CONFIG_PATH"].split(os.pathsep)[0] == hub.ROLES[role]
        path = there.environment["JUPYTER_CONFIG_PATH"]
        assert path == f"{IMAGE_CONFIG}/hub/{role}"
        assert (REPO / "jupyter_config" / Path(path).relative_to(IMAGE_CONFIG)).is_dir()


def test_dockerfile_builds_the_student_environment_without_instructor_material():
    text = DOCKERFILE.read_text()
    copies = re.findall(r"^COPY (?!--from)(.+) (\S+)$", text, re.M)
    sources = [src for srcs, _ in copies for src in srcs.split()]
    assert all((REPO / src).exists() for src in sources), sources
    assert [s for s in sources if s.startswith("instructor")] == [
        "instructor/hub/requirements-student.txt"]
    assert "-r /tmp/requirements-student.txt" in text and "bpbook-*.whl" in text
    assert (f"COPY jupyter_config {IMAGE_CONFIG}" in text
            and f"JUPYTER_CONFIG_PATH={IMAGE_CONFIG}/hub/student" in text)


def test_hub_and_proxy_are_pinned():
    assert re.fullmatch(r"\d+\.\d+\.\d+", environment.pins(HUB / "requirements.txt")[
        "jupyterhub"].split("==")[1])
    package = json.loads((HUB / "package.json").read_text())
    lock = json.loads((HUB / "package-lock.json").read_text())
    wanted = package["dependencies"]["configurable-http-proxy"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", wanted), wanted
    assert lock["packages"]["node_modules/configurable-http-proxy"]["version"] == wanted


def test_course_settings_survive_a_rebuild(tmp_path, monkeypatch):
    from instructor import settings
    from instructor.kit import build as kit
    monkeypatch.setattr(kit, "assignments", dict)  # the config and settings only, no chapter
    kit.build(tmp_path, release=False)
    mine = settings.install(tmp_path)
    mine.write_text(mine.read_text().replace('penalty_method = "none"', 'penalty_method = "zero"')
                    + 'c.CourseDirectory.course_id = "backprop-2027"\n')
    kit.build(tmp_path, release=False)
    assert 'penalty_method = "zero"' in mine.read_text()
    done = subprocess.run(
        [sys.executable, "-c", "from nbgrader.apps.baseapp import NbGrader; a = NbGrader(); "
         "a.load_config_file(); c = a.config; print(c.CourseDirectory.course_id, "
         "c.LateSubmissionPlugin.penalty_method, c.CourseDirectory.root)"],
        cwd=tmp_path, capture_output=True, text=True, env=isolated(os.environ, tmp_path / "j"))
    assert done.stdout.split() == ["backprop-2027", "zero", str(tmp_path)], done.stderr


def test_self_study_branch_holds_the_chapters_alone(tmp_path, monkeypatch):
    for var in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
        monkeypatch.setenv(var, "test")
    for var in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"):
        monkeypatch.setenv(var, "test@localhost")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
    first = chapters_branch.make_branch(clone)
    assert chapters_branch.make_branch(clone) == first  # nothing changed, no new commit
    files = chapters_branch.git(clone, "ls-tree", "-r", "--name-only", first).split()
    assert files == sorted(f"chapters/{p.name}" for p in (clone / "chapters").iterdir()
                           if p.is_file())
    link = re.search(r"https://HUB/hub/user-redirect/git-pull\?\S+", GUIDE.read_text()).group(0)
    query = dict(urllib.parse.parse_qsl(link.split("?", 1)[1]))
    assert query["branch"] == chapters_branch.BRANCH
    prefix = f"lab/tree/{query['targetpath']}/"
    assert query["urlpath"].startswith(prefix), query
    assert query["urlpath"][len(prefix):] in files, (query, files)


def test_a_later_run_keeps_every_account_an_earlier_one_made(tmp_path):
    """``HUB_STUDENTS=5 make hub`` then ``make hub`` (3): all five stay in the class, with their
    passwords, and ``--remove`` would remove all five."""
    from instructor.hub.__main__ import make_site, parse
    (tmp_path / "state").mkdir()
    saved = {"bp-instructor": "p0", **{f"bp-student{i:02d}": f"p{i}" for i in range(1, 6)}}
    (tmp_path / "state" / "accounts.json").write_text(json.dumps(saved))
    site, _ = make_site(parse(["--students", "3", "--root", str(tmp_path)]))
    assert site.students == [f"bp-student{i:02d}" for i in range(1, 6)]
    assert site.passwords == saved
    site, _ = make_site(parse(["--students", "7", "--root", str(tmp_path)]))
    assert site.students == [f"bp-student{i:02d}" for i in range(1, 8)]
