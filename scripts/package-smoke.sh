#!/usr/bin/env bash
# Installs the packed library into a fresh cdk8s app, the way a user does, at the lowest versions the
# peer ranges allow (cdk8s 2.68.12, constructs 10.3.0) with the cdk8s-plus line of the user's choice, and
# checks: the tarball holds what users need and nothing else; the bin is executable; `--version` and
# `analyze` run from the installed bin; the three-tier example synthesizes against the package.
#
# Usage: scripts/package-smoke.sh [tarball]   (default: built once by scripts/build-package.sh)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tarball="${1:-$(ls "$(bash "$root/scripts/build-package.sh")"/js/cdk8s-netsec@*.tgz | head -n 1)}"
version="$(node -p "require('$root/package.json').version")"
# Exactly what users need: lib/ (JavaScript and declarations), the jsii assembly with its translation tablet, and the documents.
stray="$(tar tzf "$tarball" | grep -v -E '^package/(node_modules/(yaml|ipaddr\.js)/.*|lib/.*\.(js|d\.ts)|\.jsii|\.jsii\.tabl\.json|package\.json|README\.md|LICENSE|API\.md|CHANGELOG\.md|docs/[a-z0-9-]+\.md)$' || true)"
if [ -n "$stray" ]; then echo "package smoke: unexpected files in the tarball:"; echo "$stray"; exit 1; fi
tar tvzf "$tarball" package/lib/cli/main.js | grep -q '^-rwx' || { echo "package smoke: lib/cli/main.js is not executable in the tarball"; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund "$tarball" cdk8s@2.68.12 constructs@10.3.0 cdk8s-plus-28@2.5.6 ts-node typescript@5.9 @types/node@20 >/dev/null
# Installing the package pulls in no cdk8s-plus line the app did not choose.
if ls node_modules | grep -q -E '^cdk8s-plus-(2[0-79]|3[0-9])$'; then echo "package smoke: a cdk8s-plus line came with the package"; ls node_modules | grep cdk8s-plus; exit 1; fi
test "$(npx --no-install cdk8s-netsec --version)" = "$version"
cp "$root/examples/three-tier/main.ts" main.ts  # the example imports 'cdk8s-netsec' as written
printf '{ "compilerOptions": { "target": "ES2022", "module": "commonjs", "strict": true, "esModuleInterop": true } }\n' > tsconfig.json
npx ts-node -T main.ts
count="$(grep -c '^kind: NetworkPolicy' dist/three-tier.k8s.yaml)"
echo "package smoke: $(tar tzf "$tarball" | wc -l) files packed; three-tier synthesized $count NetworkPolicies from the installed package"
test "$count" -eq 5
# The command line from the installed package's bin: the example's audit is clean and its flows are there.
npx --no-install cdk8s-netsec analyze --flows dist/ > analyze.txt
grep -q '^Findings: none.$' analyze.txt
grep -q 'shop/web -> shop/api: TCP 9090' analyze.txt
echo "package smoke: cdk8s-netsec $version --version and analyze ran from the installed bin: $(head -n 1 analyze.txt)"
