#!/usr/bin/env node
// Regenerates src/imports/ from the pinned upstream CRDs.
//
// Only the kinds the constructs emit are imported, and only their v1 API version, so the generated
// TypeScript (and jsii compile time) stays small. CRDs of one API group are concatenated into one
// multi-document file first: `cdk8s import` writes one file per group and would otherwise overwrite it.
//
// Usage: CRD_DIR=../shared/crds node scripts/import-crds.js
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const YAML = require('yaml');

const crdDir = path.resolve(process.env.CRD_DIR || path.join(__dirname, '..', '..', 'shared', 'crds'));
const outDir = path.join(__dirname, '..', 'src', 'imports');

/** API group -> [CRD file, kinds to keep]. */
const GROUPS = {
  'cert-manager.io': [
    ['cert-manager.io_certificates.yaml', ['Certificate']],
    ['cert-manager.io_issuers.yaml', ['Issuer']],
    ['cert-manager.io_clusterissuers.yaml', ['ClusterIssuer']],
  ],
  'security.istio.io': [['istio.io_all.yaml', ['PeerAuthentication', 'AuthorizationPolicy']]],
  'networking.istio.io': [['istio.io_all.yaml', ['DestinationRule', 'Sidecar', 'ServiceEntry']]],
  'gateway.networking.k8s.io': [
    ['gateway.networking.k8s.io_gateways.yaml', ['Gateway']],
    ['gateway.networking.k8s.io_httproutes.yaml', ['HTTPRoute']],
    ['gateway.networking.k8s.io_referencegrants.yaml', ['ReferenceGrant']],
    ['gateway.networking.k8s.io_backendtlspolicies.yaml', ['BackendTLSPolicy']],
  ],
};
const VERSION = 'v1';

function selectCrds(file, kinds, group) {
  const text = fs.readFileSync(path.join(crdDir, file), 'utf8');
  return YAML.parseAllDocuments(text)
    .map((d) => d.toJSON())
    .filter((d) => d && d.kind === 'CustomResourceDefinition')
    .filter((d) => d.spec.group === group && kinds.includes(d.spec.names.kind))
    .map((d) => {
      const versions = d.spec.versions.filter((v) => v.name === VERSION);
      if (versions.length !== 1) throw new Error(`${file}: ${d.spec.names.kind} has no ${VERSION} version`);
      return { ...d, spec: { ...d.spec, versions } };
    });
}

fs.mkdirSync(outDir, { recursive: true });
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'netsec-crds-'));
for (const [group, sources] of Object.entries(GROUPS)) {
  const crds = sources.flatMap(([file, kinds]) => selectCrds(file, kinds, group));
  const wanted = sources.flatMap(([, kinds]) => kinds);
  if (crds.length !== wanted.length) throw new Error(`${group}: found ${crds.length} of ${wanted.join(', ')}`);
  const input = path.join(work, `${group}.yaml`);
  fs.writeFileSync(input, crds.map((c) => YAML.stringify(c)).join('---\n'));
  // cdk8s import prints an "http error" from its online version check; the import itself is offline.
  execFileSync('npx', ['cdk8s', 'import', input, '--language', 'typescript', '--output', outDir], {
    stdio: ['ignore', 'inherit', 'ignore'],
  });
  if (!fs.existsSync(path.join(outDir, `${group}.ts`))) throw new Error(`cdk8s import wrote no ${group}.ts`);
  console.log(`imported ${wanted.join(', ')} (${group}/${VERSION})`);
}
fs.rmSync(work, { recursive: true, force: true });
