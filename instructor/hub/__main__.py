"""``python -m instructor.hub`` (``make hub``): a class's JupyterHub on this machine, as root.

Creates (or reuses) the accounts ``bp-instructor`` and ``bp-student01`` ... with passwords kept in
``ROOT/state/accounts.json`` (root only), the shared exchange, and the course in the instructor's
``~/course`` (built once; ``--rebuild-course`` builds it again, keeping its course_settings.py).
Prints the address and the accounts, then serves until Ctrl-C (or SIGTERM), which stops the hub
and every user's server. A later run keeps every account an earlier one made. ``--remove`` deletes
the accounts (all of them), their homes and ROOT instead.
"""
import argparse
import json
import shutil
import signal
import sys
from pathlib import Path

from instructor.hub import site as hub

INSTRUCTOR = "bp-instructor"


def parse(argv):
    p = argparse.ArgumentParser(prog="python -m instructor.hub", description=__doc__.split("\n")[0])
    p.add_argument("--students", type=int, default=3, help="student accounts (default 3)")
    p.add_argument("--root", default="/srv/bpbook-hub", help="the site's folder")
    p.add_argument("--homes", default="/home", help="where the accounts' homes go")
    p.add_argument("--ip", default="127.0.0.1",
                   help="address to serve on (default: this machine only; 0.0.0.0 for a class, "
                        "behind HTTPS: instructor/README.md)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--only", nargs="+", metavar="NAME", help="build only these assignments")
    p.add_argument("--rebuild-course", action="store_true", help="build the course again")
    p.add_argument("--remove", action="store_true", help="remove the accounts and the site")
    args = p.parse_args(argv)
    if not 1 <= args.students <= 500:
        p.error(f"--students must be between 1 and 500, got {args.students}")
    return args


def make_site(args):
    root = Path(args.root)
    accounts = root / "state" / "accounts.json"
    saved = json.loads(accounts.read_text()) if accounts.exists() else {}
    # Every account an earlier run made stays in the class (and --remove removes it), whatever
    # --students says now: a smaller number must not lock students out or leave them behind.
    students = sorted({f"bp-student{i:02d}" for i in range(1, args.students + 1)}
                      | {user for user in saved if user.startswith("bp-student")})
    site = hub.Site(root, Path(args.homes), [INSTRUCTOR], students, ip=args.ip, port=args.port)
    site.passwords.update(saved)
    return site, accounts


def remove(site):
    for user in site.instructors + site.students:
        hub.remove_user(user)
    shutil.rmtree(site.root, ignore_errors=True)
    print(f"removed the accounts and {site.root}")


def serve(site, accounts, args):
    hub.prepare(site)
    accounts.write_text(json.dumps(site.passwords, indent=1))
    accounts.chmod(0o600)
    if args.rebuild_course or not (site.course() / "nbgrader_config.py").exists():
        print(f"building the course in {site.course()} (a few minutes) ...", flush=True)
        hub.build_course(site, args.only or ())
    log = site.state / "jupyterhub.log"
    proc = hub.start(site, log)
    width = max(map(len, site.passwords))
    print(f"\nJupyterHub is up: {site.url}  (log: {log})\n")
    for user in site.instructors + site.students:
        role = "instructor" if user in site.instructors else "student"
        print(f"  {user:<{width}}  {site.passwords[user]}  ({role})")
    print("\nCtrl-C stops the hub and every user's server.", flush=True)

    def stop(signum, frame):
        raise KeyboardInterrupt
    # Both explicitly: a shell that starts make in the background leaves SIGINT ignored.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, stop)
    try:
        proc.wait()
        print(f"JupyterHub exited with code {proc.returncode}; see {log}")
        return 1
    except KeyboardInterrupt:
        print("\nstopping the hub and the users' servers ...", flush=True)
        return 0
    finally:
        hub.stop(proc)


def main(argv=None):
    args = parse(argv)
    try:
        hub.require_root()
    except PermissionError as err:
        sys.exit(f"make hub: {err}")
    site, accounts = make_site(args)
    if args.remove:
        remove(site)
        return 0
    return serve(site, accounts, args)


if __name__ == "__main__":
    sys.exit(main())
