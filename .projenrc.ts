import { cdk8s, javascript } from 'projen';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-netsec',
  description:
    'Declare Kubernetes network-security intent once (isolated tiers, TLS ingress, egress allowlists, mesh mTLS) and synthesize NetworkPolicies, Services, Ingresses, cert-manager and Istio resources with proof of what they allow.',
  author: 'cdk8s-netsec maintainers',
  authorAddress: 'maintainers@users.noreply.github.com',
  repositoryUrl: 'https://github.com/cdk8s-netsec/cdk8s-netsec.git',
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  jsiiVersion: '~6.0.0',
  cdk8sVersion: '2.70.106',
  constructsVersion: '10.3.0',
  bin: { 'cdk8s-netsec': 'lib/cli/main.js' },
  keywords: ['cdk8s', 'kubernetes', 'networkpolicy', 'istio', 'cert-manager', 'security'],
  // Runtime dependencies that are not jsii modules are bundled into the package.
  deps: ['yaml@^2.6.0', 'ipaddr.js@^2.2.0'],
  // cdk8s-plus-28 is a jsii module: users bring it (peer), we build against its lowest supported version (dev).
  peerDeps: ['cdk8s-plus-28@^2.5.6'],
  bundledDeps: ['yaml', 'ipaddr.js'],
  // The Python target makes jsii check every public name against Python's rules (reserved words, clashes).
  publishToPypi: { distName: 'cdk8s-netsec', module: 'cdk8s_netsec' },
  devDeps: [
    'cdk8s-cli@2.207.60',
    'kubernetes-models@4.5.1',
    '@kubernetes-models/cert-manager@4.4.4',
    '@kubernetes-models/istio@2.3.0',
    'fast-check@^3.23.0',
    // Tests validate custom resources against the pinned CRDs' openAPIV3Schema.
    'ajv@8.20.0',
    'typescript@~5.9.0',
    '@types/node@^20',
    // A workload from the cdk8s-plus line new cdk8s apps use (issue 16): IsolatedTier.fromWorkload must accept it.
    'cdk8s-plus-33@2.5.57',
    // The architecture test: no import cycle in src/, type-only imports included (issue 24).
    'madge@8.0.0',
  ],
  github: false,
  release: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  jestOptions: {
    // Snapshots are assertions: a changed snapshot fails the run. Update them on purpose with `npx jest -u`.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // Generated L1 classes are not ours to cover.
      coveragePathIgnorePatterns: ['/node_modules/', '/src/imports/'],
    },
  },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'bench', 'scripts'],
    ignorePatterns: ['src/imports/**', '*.js', '*.d.ts', 'node_modules/', 'examples/*/dist/', 'examples/*/imports/'],
  },
  gitignore: ['examples/*/dist/', 'examples/python/*/dist/', '__pycache__/', '/.venv/', 'bench/out/', 'test/fixtures/*/*/dist/'],
});

// unrs-resolver (used by jest and the eslint TypeScript resolver) 1.13.0 is published for Linux only in
// the registry we install from; 1.12.2 has every platform binding, so `npm ci` works from the lockfile.
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

// Regenerate the typed L1 classes for the CRDs the constructs emit. Only the kinds we use are imported,
// so the generated code (and jsii compile time) stays small. CRD_DIR defaults to ../shared/crds.
project.addTask('import-crds', {
  description: 'Regenerate src/imports from pinned upstream CRDs (CRD_DIR, default ../shared/crds)',
  exec: 'node scripts/import-crds.js',
});

// The two Quick start commands. They must work on a fresh clone with only Node and npm, so they
// install dependencies themselves before calling projen.
const bootstrap = 'test -x node_modules/.bin/projen || npm ci --no-audit --no-fund';
project.package.setScript('example', `${bootstrap} && projen synth-example`);
project.package.setScript('check', `${bootstrap} && projen test`);

// jsii's reserved-word warnings are silenced by the compile task because they include C# keywords the
// design needs (`namespace`); this check fails the build on any name Python, Java or Go cannot carry.
project.postCompileTask.exec('node scripts/check-jsii-names.js');

project.addTask('bench', {
  description: 'Benchmarks: synthesis at scale against hand-written alternatives, and the analyzer (see BENCHMARKS.md)',
  exec: 'ts-node -P bench/tsconfig.json -T bench/run.ts',
  receiveArgs: true,
});

project.addTask('package-smoke', {
  description: 'Install the packed tarball (dist/js) into a fresh project and synthesize an example with it',
  exec: 'bash scripts/package-smoke.sh',
});

project.addTask('example-diagrams', {
  description: 'Redraw the allowed-flow diagram in each example README from the synthesized manifests',
  exec: 'ts-node -P examples/tsconfig.json -T examples/diagrams.ts',
});

// Python (issue 16): the wheel comes from `npx projen compile && npx projen package:python` (jsii-pacmak,
// dist/python/). This task builds it from a copy of the tree and installs it, with its dependencies from
// PyPI at the npm versions, into a fresh virtualenv (default .venv): what test/python/examples.test.ts does.
project.addTask('python-venv', {
  description: 'Build the Python wheel and install it with cdk8s, constructs, cdk8s-plus-28/-33 into a fresh virtualenv (default .venv)',
  exec: 'bash scripts/python-venv.sh',
  receiveArgs: true,
});

project.addTask('synth-example', {
  description: 'Synthesize examples/three-tier with the real cdk8s CLI',
  cwd: 'examples/three-tier',
  exec: 'cdk8s synth && echo "Wrote examples/three-tier/dist/three-tier.k8s.yaml"',
});

for (const pattern of ['/examples/', '/bench/', '/scripts/', '/.ci/', '/BENCHMARKS.md', '/test-reports/']) {
  project.npmignore?.exclude(pattern);
}

project.synth();
