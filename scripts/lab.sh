#!/bin/bash
# `make lab`: JupyterLab on the book, opened on chapters/, with the book's JupyterLab
# configuration (jupyter_config/: a double-click on a chapter opens it as a notebook, bpbook's
# modules open as code). Extra arguments go to `jupyter lab` (e.g. --no-browser, --port=8890).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export JUPYTER_CONFIG_PATH="${repo}/jupyter_config${JUPYTER_CONFIG_PATH:+:${JUPYTER_CONFIG_PATH}}"
args=(--ServerApp.root_dir="${repo}" --LabApp.default_url=/lab/tree/chapters)
if [ "$(id -u)" = 0 ]; then
  args+=(--allow-root)  # Jupyter refuses to run as root without it (containers, CI machines)
fi
exec "${repo}/.venv/bin/jupyter" lab "${args[@]}" "$@"
