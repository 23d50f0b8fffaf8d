#!/usr/bin/env bash
# Installs the packed library into a fresh project and synthesizes the three-tier example against it,
# the way a user would. Run after `npx projen build` (which writes dist/js/*.tgz).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tarball="$(ls "$root"/dist/js/cdk8s-netsec@*.tgz | head -n 1)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund "$tarball" cdk8s@2.70.106 constructs@10.3.0 cdk8s-plus-28@2.5.6 ts-node typescript@5.9 @types/node@20 >/dev/null
sed "s#'../../src'#'cdk8s-netsec'#" "$root/examples/three-tier/main.ts" > main.ts
printf '{ "compilerOptions": { "target": "ES2022", "module": "commonjs", "strict": true, "esModuleInterop": true } }\n' > tsconfig.json
npx ts-node -T main.ts
count="$(grep -c '^kind: NetworkPolicy' dist/three-tier.k8s.yaml)"
echo "package smoke: $(tar tzf "$tarball" | wc -l) files packed; three-tier synthesized $count NetworkPolicies from the installed package"
test "$count" -eq 5
# The command line from the installed package's bin: the example's audit is clean and its flows are there.
npx --no-install cdk8s-netsec analyze --flows dist/ > analyze.txt
grep -q '^Findings: none.$' analyze.txt
grep -q 'shop/web -> shop/api: TCP 9090' analyze.txt
echo "package smoke: cdk8s-netsec analyze ran from the installed bin: $(head -n 1 analyze.txt)"
