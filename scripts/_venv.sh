# Sourced by scripts/run and scripts/test: create .venv if needed and install the project.
# The install is skipped when setup.py has not changed since the last one (a second run is fast).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  echo "Creating the virtual environment in .venv"
  "$PYTHON" -m venv .venv
fi
ensure_installed() {
  local extras="$1" stamp=".venv/.installed-$1"
  if [ ! -f "$stamp" ] || [ setup.py -nt "$stamp" ]; then
    echo "Installing Safkat ($extras) into .venv"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
    if [ "$extras" = "base" ]; then
      .venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
    else
      .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[$extras]"
    fi
    touch "$stamp"
  fi
  .venv/bin/safkat translations compile >/dev/null
}
