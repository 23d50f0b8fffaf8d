#!/usr/bin/env bash
# Makes a fresh Python virtualenv with this checkout's wheel, the way a Python user installs the package.
#
# The wheel is built from a copy of the working tree (src/, the projen tasks, package.json, ...), with the
# documented commands `npx projen compile` and `npx projen package:python`, so this checkout's lib/ and
# dist/ stay as they are. The wheel and its jsii dependencies are then installed from PyPI at the versions
# the npm build uses (package.json devDependencies): cdk8s, constructs, cdk8s-plus-28 (the peer) and
# cdk8s-plus-33 (what current cdk8s app templates use).
#
# Usage: scripts/python-venv.sh [virtualenv dir, default .venv]   (PYTHON=python3.12 picks another interpreter)
# Build output goes to stderr; the last line on stdout is the virtualenv's python.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${1:-$root/.venv}"
python="${PYTHON:-python3}"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

cp -R "$root/src" "$root/.projen" "$stage/"
cp "$root/package.json" "$root/tsconfig.json" "$root/README.md" "$root/API.md" "$root/LICENSE" "$root/.npmignore" "$stage/"
ln -s "$(cd "$root/node_modules" && pwd -P)" "$stage/node_modules"
(cd "$stage" && npx projen compile && npx projen package:python) >&2
wheel="$(ls "$stage"/dist/python/*.whl)"

pin() { node -p "require('$root/package.json').devDependencies['$1']"; }
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --no-input --disable-pip-version-check "$wheel" \
  "cdk8s==$(pin cdk8s)" "constructs==$(pin constructs)" \
  "cdk8s-plus-28==$(pin cdk8s-plus-28)" "cdk8s-plus-33==$(pin cdk8s-plus-33)" >&2
# The wheel's version does not change between builds: reinstall it, or an existing venv keeps the old code.
"$venv/bin/python" -m pip install --quiet --no-input --disable-pip-version-check --force-reinstall --no-deps "$wheel" >&2
echo "python-venv: installed $(basename "$wheel") into $venv" >&2
echo "$venv/bin/python"
