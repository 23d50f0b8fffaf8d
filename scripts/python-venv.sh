#!/usr/bin/env bash
# Makes a fresh Python virtualenv with this checkout's wheel, the way a Python user installs the package.
#
# The wheel is built by scripts/build-package.sh from a copy of the working tree, with the documented
# commands `npx projen compile` and `npx projen package:python` (once per source state, cached), so this
# checkout's lib/ and dist/ stay as they are. The wheel and its jsii dependencies are then installed from PyPI at the versions
# the npm build uses (package.json devDependencies): cdk8s, constructs, and for the examples cdk8s-plus-28 and
# cdk8s-plus-33 (what current cdk8s app templates use).
#
# Usage: scripts/python-venv.sh [virtualenv dir, default .venv]   (PYTHON=python3.12 picks another interpreter)
# Build output goes to stderr; the last line on stdout is the virtualenv's python.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${1:-$root/.venv}"
python="${PYTHON:-python3}"
# The wheel is built once per source state (scripts/build-package.sh caches it).
wheel="$(ls "$(bash "$root/scripts/build-package.sh")"/python/*.whl)"

pin() { node -p "require('$root/package.json').devDependencies['$1']"; }
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --no-input --disable-pip-version-check "$wheel" \
  "cdk8s==$(pin cdk8s)" "constructs==$(pin constructs)" \
  "cdk8s-plus-28==$(pin cdk8s-plus-28)" "cdk8s-plus-33==$(pin cdk8s-plus-33)" >&2
# The wheel's version does not change between builds: reinstall it, or an existing venv keeps the old code.
"$venv/bin/python" -m pip install --quiet --no-input --disable-pip-version-check --force-reinstall --no-deps "$wheel" >&2
echo "python-venv: installed $(basename "$wheel") into $venv" >&2
echo "$venv/bin/python"
