"""JupyterHub's configuration for a class on one machine (``make hub``, ``tests/test_hub.py``).

Everything that differs from one hub to another (addresses, accounts, folders) comes from the
site file named by ``BPBOOK_HUB_SITE``, which :mod:`instructor.hub.site` writes. Each user is a
Unix account, logged in with its password (PAM); each server runs as its user, from the student
environment. The group "instructors" gets the instructor's configuration (Formgrader), the group
"students" the students' (Assignments tab, no Formgrader): ``jupyter_config/hub/``.
"""
import json
import os
from pathlib import Path

site = json.loads(Path(os.environ["BPBOOK_HUB_SITE"]).read_text())
state = Path(site["state"])
c = get_config()  # noqa: F821 (given by traitlets)

c.JupyterHub.ip = site["ip"]
c.JupyterHub.port = site["port"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = site["hub_port"]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{site['proxy_api_port']}"
c.ConfigurableHTTPProxy.command = [site["proxy"]]
c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every user's server

c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = set(site["instructors"] + site["students"])
c.JupyterHub.load_groups = {
    "instructors": {"users": site["instructors"]},
    "students": {"users": site["students"]},
}

c.Spawner.cmd = [str(Path(site["python_bin"]) / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.environment = {"PATH": os.pathsep.join([site["python_bin"], "/usr/bin", "/bin"])}


def role_config(spawner):
    """Put the user's role configuration, then the site's nbgrader settings (exchange, course
    id), on JUPYTER_CONFIG_PATH; a user in neither group gets the students'."""
    groups = {group.name for group in spawner.user.groups}
    role = "instructor" if "instructors" in groups else "student"
    spawner.environment["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
        [site["roles"][role], site["site_config"]])


c.Spawner.pre_spawn_hook = role_config

if site.get("driver_token"):  # tests/test_hub.py drives the hub as a service with this token
    c.JupyterHub.services = [{"name": "bpbook-driver", "api_token": site["driver_token"]}]
    c.JupyterHub.load_roles = [{"name": "bpbook-driver", "services": ["bpbook-driver"],
                                "scopes": ["admin:users", "admin:servers", "tokens",
                                           "read:users", "list:users"]}]
