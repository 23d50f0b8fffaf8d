import { cdk8s, javascript } from 'projen';
import { releasedVersion } from './projenrc/release';

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
  // Experimental until 1.0: the wheel says "Development Status :: 4 - Beta", not "Production/Stable".
  stability: 'experimental',
  // Peer floors are the lowest versions we support and test (the cdk8s-plus lines' own floors; cdk8s
  // 2.68.11 is not published, so 2.68.12), and what
  // test/package installs): a caret range on the newest patch would upgrade users' cdk8s unasked.
  cdk8sVersion: '2.68.12',
  constructsVersion: '10.3.0',
  // ... so the dev copies are not pinned to the floors: tests run on what `cdk8s init typescript-app`
  // installs today (devDeps below); test/package runs the packed library on the floors.
  peerDependencyOptions: { pinnedDevDependency: false },
  bin: { 'cdk8s-netsec': 'lib/cli/main.js' },
  keywords: ['cdk8s', 'kubernetes', 'networkpolicy', 'istio', 'cert-manager', 'security'],
  // Runtime dependencies that are not jsii modules are bundled into the package.
  deps: ['yaml@^2.6.0', 'ipaddr.js@^2.2.0'],
  // No cdk8s-plus line is a dependency, not even a peer: the renderers use the owned L1 subset in
  // src/imports/k8s.ts, and IsolatedTier.fromWorkload reads any line's workload structurally, so an app
  // (or a Python venv) gets only the cdk8s-plus line it chose.
  bundledDeps: ['yaml', 'ipaddr.js'],
  // The Python target makes jsii check every public name against Python's rules (reserved words, clashes).
  publishToPypi: { distName: 'cdk8s-netsec', module: 'cdk8s_netsec' },
  devDeps: [
    // What `cdk8s init typescript-app` (cdk8s-cli 2.207.60) installs today: tests run on these.
    'cdk8s@2.70.106',
    'constructs@10.8.1',
    'cdk8s-cli@2.207.60',
    'kubernetes-models@4.5.1',
    '@kubernetes-models/cert-manager@4.4.4',
    '@kubernetes-models/istio@2.3.0',
    'fast-check@^3.23.0',
    // Tests validate custom resources against the pinned CRDs' openAPIV3Schema.
    'ajv@8.20.0',
    'typescript@~5.9.0',
    '@types/node@^20',
    // Workloads of every supported cdk8s-plus line: IsolatedTier.fromWorkload must accept each (issue 16, 23).
    'cdk8s-plus-28@2.5.6',
    'cdk8s-plus-33@2.5.57',
    'cdk8s-plus-34@2.0.54',
    // The architecture test: no import cycle in src/, type-only imports included (issue 24).
    'madge@8.0.0',
  ],
  github: false,
  // Releases are cut offline with `npx projen release` (scripts/release.js), never published from here.
  release: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  jestOptions: {
    // Snapshots are assertions: a changed snapshot fails the run. Update them on purpose with `npx jest -u`.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // Coverage only when asked (`npx projen test:coverage`): instrumenting every file slows each worker.
      collectCoverage: false,
      // Generated L1 classes are not ours to cover.
      coveragePathIgnorePatterns: ['/node_modules/', '/src/imports/'],
      // The examples import the package by name, as users do; in tests that name is the sources (examples/tsconfig.json).
      moduleNameMapper: { '^cdk8s-netsec$': '<rootDir>/src/index.ts' },
      // A worker per core. Jest's default (one less than the cores) ran the suite in a single worker on the
      // 2-core CI machine: 242 s of jest in a fresh clone, 145 s with both cores.
      maxWorkers: '100%',
    },
  },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'bench', 'scripts'],
    ignorePatterns: ['src/imports/**', '*.js', '*.d.ts', 'node_modules/', 'examples/*/dist/', 'examples/*/imports/'],
  },
  gitignore: ['examples/*/dist/', 'examples/python/*/dist/', '__pycache__/', '/.venv/', 'bench/out/', 'test/fixtures/*/*/dist/'],
});

// The examples import 'cdk8s-netsec' as users do; tsc resolves it to the sources (examples/tsconfig.json
// `paths`, tsconfig.check.json) and proves the import. ESLint leaves it unresolved on purpose. Whether its
// TypeScript resolver finds the name anyway depends on the checkout (after a build, the package's own
// `exports` map resolves it to lib/, and import/order then classes it as internal); the path group pins it
// among the external packages, so `eslint --fix` sorts the same way in a fresh clone and after a build.
project.eslint?.addOverride({
  files: ['examples/**/*.ts'],
  rules: {
    'import/no-unresolved': ['error', { ignore: ['^cdk8s-netsec$'] }],
    'import/order': ['warn', {
      groups: ['builtin', 'external'],
      pathGroups: [{ pattern: 'cdk8s-netsec', group: 'external' }],
      alphabetize: { order: 'asc', caseInsensitive: true },
    }],
  },
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

// The version of the latest release, from CHANGELOG.md (written by `npx projen release`).
project.package.addVersion(releasedVersion());

// Entry points users may import. `.` is the library; the validation plugin's folder is named in docs;
// tools read package.json and the jsii assembly through require.resolve.
project.package.addField('exports', {
  '.': { types: './lib/index.d.ts', default: './lib/index.js' },
  './lib/validation': { types: './lib/validation/index.d.ts', default: './lib/validation/index.js' },
  './package.json': './package.json',
  './.jsii': './.jsii',
});

project.addTask('release', {
  description: 'Bump the version from conventional commits and write CHANGELOG.md (offline; publishes nothing)',
  steps: [{ exec: 'node scripts/release.js', receiveArgs: true }, { spawn: 'default' }],
});

// Type errors fail the suite: ts-jest only transpiles (isolatedModules), which keeps each test file fast.
project.testTask.prependExec('tsc -p tsconfig.check.json');
project.addTask('test:coverage', {
  description: 'Run the tests with coverage (text summary and lcov in coverage/)',
  exec: 'jest --passWithNoTests --ci --coverage',
  receiveArgs: true,
});

// jsii's reserved-word warnings are silenced by the compile task because they include C# keywords the
// design needs (`namespace`); this check fails the build on any name Python, Java or Go cannot carry.
project.postCompileTask.exec('node scripts/check-jsii-names.js');
// Every TypeScript snippet users read compiles (jsii-rosetta --strict, fixtures in rosetta/): the README and
// the API docs' @examples, which the Python package shows translated, and docs/*.md. Writes the tablet
// (.jsii.tabl.json) jsii-pacmak reads for those translations, so it runs after compile, before package.
const rosettaTask = project.addTask('rosetta', {
  description: 'Compile every README, API and docs/*.md TypeScript snippet with jsii-rosetta (strict) and write .jsii.tabl.json',
  exec: 'node scripts/rosetta.js',
  receiveArgs: true,
});
project.postCompileTask.spawn(rosettaTask);
project.gitignore.exclude('/.jsii.tabl.json');
// Errors speak Python to Python callers (src/core/python-spelling.ts) from a table of the API's names that
// is generated from the assembly; the build fails when a public name changed and the table did not.
project.addTask('python-names', {
  description: 'Regenerate src/core/python-names.ts (the Python spelling of every public name) from .jsii',
  exec: 'node scripts/python-names.js',
});
project.postCompileTask.exec('node scripts/python-names.js --check');
// The bin must be executable in the packed tarball: the Python console script runs it directly. Part of
// compile itself, so every build that packs lib/ (package:js, the wheel) has it.
project.compileTask.exec('node -e "require(\'fs\').chmodSync(\'lib/cli/main.js\', 0o755)"');

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

for (const pattern of ['/examples/', '/bench/', '/scripts/', '/.ci/', '/BENCHMARKS.md', '/test-reports/', '/tsconfig.check.json', '/.build-cache/', '/.venv/', '/coverage/', '/CHANGELOG.md.orig', '/rosetta/']) {
  project.npmignore?.exclude(pattern);
}

project.synth();
