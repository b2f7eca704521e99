"""``python -m instructor.hub.chapters_branch``: the ``chapters`` branch that self-study links pull.

nbgitpuller clones the branch a link names into each user's home. The book's main branch holds
``instructor/`` (every exercise's solution), so the guide's links name this branch instead: one
commit per run whose tree is ``chapters/`` alone (bpbook comes from the hub's image, installed as
a package), each on top of the branch's previous commit, so that nbgitpuller's pull in a home that
already has it is a fast-forward. Push it where the links point: ``git push origin chapters``.
"""
import argparse
import subprocess
import sys

BRANCH = "chapters"


def git(repo, *args, **kw):
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          text=True, **kw).stdout.strip()


def make_branch(repo=".", source="HEAD", branch=BRANCH):
    """Commit ``source``'s ``chapters/`` alone onto ``branch``; return the new commit's id."""
    chapters = git(repo, "rev-parse", f"{source}:chapters")
    tree = git(repo, "mktree", input=f"040000 tree {chapters}\tchapters\n")
    head = subprocess.run(["git", "-C", str(repo), "rev-parse", "--verify", "--quiet",
                           f"refs/heads/{branch}"], capture_output=True, text=True).stdout.strip()
    if head and git(repo, "rev-parse", f"{head}^{{tree}}") == tree:
        return head
    source_id = git(repo, "rev-parse", "--short", source)
    args = ["commit-tree", tree, "-m", f"The chapters of {source_id}, for self-study links"]
    commit = git(repo, *args, *(["-p", head] if head else []))
    git(repo, "update-ref", f"refs/heads/{branch}", commit)
    return commit


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m instructor.hub.chapters_branch",
                                description=__doc__.split("\n")[0])
    p.add_argument("--source", default="HEAD", help="the commit whose chapters to publish")
    args = p.parse_args(argv)
    commit = make_branch(source=args.source)
    print(f"{BRANCH} is at {commit[:12]}; publish it with: git push origin {BRANCH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
