#!/usr/bin/env bash
# Builds the npm tarball and the Python wheel of this checkout ONCE per source state, the way a release
# does (`npx projen compile`, `npx projen rosetta` for the compiled snippet translations the Python package
# shows, `package:js`, `package:python`, from a copy of the tree so lib/ and dist/ stay as they are), and
# prints the directory holding js/*.tgz and python/*.whl.
#
# The result is cached under $NETSEC_BUILD_CACHE (default: $TMPDIR/cdk8s-netsec-build) by a hash of
# everything that goes into the package, and a lock makes concurrent callers (the package and Python
# test files run in parallel jest workers) wait for one build instead of each running jsii.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${NETSEC_BUILD_CACHE:-${TMPDIR:-/tmp}/cdk8s-netsec-build}"
mkdir -p "$cache"
inputs=(src package.json tsconfig.json README.md API.md LICENSE CHANGELOG.md .npmignore .projen/tasks.json scripts/check-jsii-names.js rosetta scripts/rosetta.js)
hash="$(cd "$root" && find "${inputs[@]}" -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
out="$cache/$hash"
exec 9>"$cache/.lock"
flock 9
if [ ! -f "$out/done" ]; then
  stage="$(mktemp -d)"
  trap 'rm -rf "$stage"' EXIT
  cp -R "$root/src" "$root/.projen" "$root/rosetta" "$stage/"
  mkdir -p "$stage/scripts" && cp "$root/scripts/check-jsii-names.js" "$root/scripts/rosetta.js" "$stage/scripts/"
  cp "$root/package.json" "$root/tsconfig.json" "$root/README.md" "$root/API.md" "$root/LICENSE" "$root/CHANGELOG.md" "$root/.npmignore" "$stage/"
  ln -s "$(cd "$root/node_modules" && pwd -P)" "$stage/node_modules"
  (cd "$stage" && npx projen compile && npx projen rosetta --no-docs && npx projen package:js && npx projen package:python) >&2
  rm -rf "$out" && mkdir -p "$out"
  cp -R "$stage/dist/js" "$stage/dist/python" "$out/"
  touch "$out/done"
fi
echo "$out"
