/*
 * The packages as users install them, built once per source state (scripts/build-package.sh: npx projen
 * compile, package:js, package:python; cached, so test/python reuses the same wheel):
 * - npm: the tarball holds exactly what users need, its bin is executable, and installed into a fresh
 *   cdk8s app at the peer floors (cdk8s 2.68.12, constructs 10.3.0) it brings no cdk8s-plus line, runs
 *   `cdk8s-netsec --version` and `analyze`, and synthesizes the three-tier example (scripts/package-smoke.sh);
 * - Python: the wheel in a fresh virtualenv runs the `cdk8s-netsec` console script (`--version`,
 *   `analyze`) and a synth, and requires no cdk8s-plus line.
 *
 * Needs the npm and PyPI registries; without python3 the Python half is skipped with a loud warning.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const PYTHON = process.env.PYTHON ?? 'python3';
const HAS_PYTHON = spawnSync(PYTHON, ['--version']).status === 0;
const VERSION = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
const ENV: NodeJS.ProcessEnv = { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0] };
delete ENV.CDK8S_OUTDIR;

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const result = spawnSync(command, args, { cwd: options.cwd ?? ROOT, env: options.env ?? ENV, encoding: 'utf8', timeout: 1_200_000, maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

test('npm: the packed tarball installs into a fresh cdk8s app at the peer floors; --version, analyze and a synth run from it', () => {
  const smoke = run('bash', [path.join(ROOT, 'scripts', 'package-smoke.sh')]);
  expect({ status: smoke.status, stderr: smoke.status === 0 ? '' : smoke.stderr.slice(-6000) + smoke.stdout.slice(-3000) }).toEqual({ status: 0, stderr: '' });
  expect(smoke.stdout).toContain(`package smoke: cdk8s-netsec ${VERSION} --version and analyze ran from the installed bin`);
  expect(smoke.stdout).toMatch(/three-tier synthesized 5 NetworkPolicies from the installed package/);
}, 1_500_000);

(HAS_PYTHON ? describe : describe.skip)('Python: the wheel in a fresh virtualenv', () => {
  let work: string;
  let bin: string;
  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'netsec-package-py-'));
    const venv = run('bash', [path.join(ROOT, 'scripts', 'python-venv.sh'), path.join(work, 'venv')], { env: { ...ENV, PYTHON } });
    if (venv.status !== 0) throw new Error(`scripts/python-venv.sh failed:\n${venv.stderr.slice(-6000)}`);
    bin = path.join(work, 'venv', 'bin');
  }, 1_500_000);
  afterAll(() => work && fs.rmSync(work, { recursive: true, force: true }));

  test('the console script prints the version and analyzes what a Python app synthesizes', () => {
    expect(run(path.join(bin, 'cdk8s-netsec'), ['--version'])).toEqual({ status: 0, stdout: `${VERSION}\n`, stderr: '' });
    const app = [
      'from cdk8s import App, Chart',
      'from cdk8s_netsec import IsolatedTier, NamespaceIsolation, Port',
      'app = App(outdir="dist")',
      'chart = Chart(app, "shop", namespace="shop")',
      'NamespaceIsolation(chart, "baseline")',
      'web = IsolatedTier(chart, "web", pod_labels={"app": "web"}, ports=[Port.tcp(8080)])',
      'api = IsolatedTier(chart, "api", pod_labels={"app": "api"}, ports=[Port.tcp(9090)])',
      'api.allow_from(web, Port.tcp(9090))',
      'app.synth()',
    ].join('\n');
    fs.writeFileSync(path.join(work, 'main.py'), app + '\n');
    const synth = run(path.join(bin, 'python'), ['main.py'], { cwd: work });
    expect({ status: synth.status, stderr: synth.status === 0 ? '' : synth.stderr }).toEqual({ status: 0, stderr: '' });
    const analyze = run(path.join(bin, 'cdk8s-netsec'), ['analyze', '--flows', 'dist'], { cwd: work });
    expect(analyze.stdout).toContain('shop/web -> shop/api: TCP 9090');
    expect(analyze.stdout).not.toContain('shop/api -> shop/web');
    // The wheel requires no cdk8s-plus line: only the app's choice is installed (python-venv.sh adds 28 and 33 for the examples).
    const requires = run(path.join(bin, 'python'), ['-c', 'import importlib.metadata as m; print("\\n".join(m.requires("cdk8s-netsec") or []))']);
    expect(requires.stdout).not.toMatch(/cdk8s-plus/);
    expect(requires.stdout).toMatch(/^cdk8s\s*[<>=]/m);
  }, 300_000);
});
