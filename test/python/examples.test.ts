/*
 * The Python package, end to end, the way a Python user gets it: the wheel is built with the documented
 * commands (npx projen compile, npx projen package:python), installed with its dependencies from PyPI into
 * a fresh virtualenv (scripts/python-venv.sh), and the Python examples run with `python main.py`. What they
 * write must be byte-identical to what the TypeScript examples synthesize in this same run, so an API
 * change that the Python mirror does not follow fails here.
 *
 * Needs python3 (3.10+) and the PyPI registry. Without python3 the tests are skipped with a loud warning;
 * every other failure (build, install, registry) fails them.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import * as plus33 from 'cdk8s-plus-33';
import { buildComplete } from '../../examples/complete/main';
import { buildThreeTier } from '../../examples/three-tier/main';
import { AuditSeverity, IsolatedTier, NamespaceIsolation, Port, Reachability } from '../../src';

const ROOT = path.join(__dirname, '..', '..');
const PYTHON_EXAMPLES = path.join(ROOT, 'examples', 'python');
const PYTHON = process.env.PYTHON ?? 'python3';
const pythonVersion = spawnSync(PYTHON, ['--version'], { encoding: 'utf8' });
const HAS_PYTHON = pythonVersion.status === 0;
// Node's end-of-life notice from the jsii runtime would otherwise fill the Python examples' stderr.
const ENV: NodeJS.ProcessEnv = { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0] };
delete ENV.CDK8S_OUTDIR;

if (!HAS_PYTHON) {
  const banner = '!'.repeat(100);
  // eslint-disable-next-line no-console
  console.warn(`${banner}\n!! SKIPPED: the Python package tests (test/python/examples.test.ts) need ${PYTHON}, which is not on PATH.\n`
    + `!! Install Python 3.10+ (or set PYTHON) to build the wheel and run examples/python/*.\n${banner}`);
}
const describePython = HAS_PYTHON ? describe : describe.skip;

/** Synthesizes `build` with the TypeScript library into a fresh folder and returns { file name: YAML }. */
function synthTypeScript(build: (app: App) => unknown): { [file: string]: string } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsec-ts-'));
  const app = new App({ outdir });
  build(app);
  app.synth();
  const files = readYamlFiles(outdir);
  fs.rmSync(outdir, { recursive: true, force: true });
  return files;
}

function readYamlFiles(dir: string): { [file: string]: string } {
  const files: { [file: string]: string } = {};
  for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.k8s.yaml')).sort()) {
    files[name] = fs.readFileSync(path.join(dir, name), 'utf8');
  }
  return files;
}

/** The ```python blocks of a Markdown file (relative to the repository), with the line each starts on. */
function pythonBlocks(file: string): { file: string; line: number; code: string }[] {
  const lines = fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  const blocks: { file: string; line: number; code: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```python') continue;
    const end = lines.indexOf('```', i + 1);
    blocks.push({ file, line: i + 2, code: lines.slice(i + 1, end).join('\n') + '\n' });
    i = end;
  }
  return blocks;
}

/** The TypeScript twin of examples/python/cdk8s-plus-33/main.py (a cdk8s-plus-33 app is no TypeScript example). */
function buildPlus33(app: App): Chart {
  const chart = new Chart(app, 'plus33', { namespace: 'shop' });
  new NamespaceIsolation(chart, 'baseline');
  const web = new plus33.Deployment(chart, 'web-deployment', { containers: [{ image: 'nginx:1.27', portNumber: 8080 }] });
  const api = new plus33.Deployment(chart, 'api-deployment', {
    serviceAccount: new plus33.ServiceAccount(chart, 'api-sa', { metadata: { name: 'api' } }),
    containers: [{ image: 'shop/api:1.0', portNumber: 9090 }],
  });
  const webTier = IsolatedTier.fromWorkload(chart, 'web', web);
  const apiTier = IsolatedTier.fromWorkload(chart, 'api', api);
  apiTier.allowFrom(webTier, Port.tcp(9090));
  apiTier.expose();
  return chart;
}

describePython('the Python package (wheel, virtualenv, examples/python)', () => {
  const timings: string[] = [];
  let work: string;
  let python: string;

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'netsec-python-'));
    const started = Date.now();
    const result = spawnSync('bash', [path.join(ROOT, 'scripts', 'python-venv.sh'), path.join(work, 'venv')], {
      encoding: 'utf8', env: { ...ENV, PYTHON }, timeout: 840_000, maxBuffer: 64 * 1024 * 1024,
    });
    timings.push(`wheel + virtualenv ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (result.status !== 0) {
      throw new Error(`scripts/python-venv.sh failed (status ${result.status}, signal ${result.signal}):\n${(result.stderr ?? '').slice(-6000)}`);
    }
    python = result.stdout.trim().split('\n').pop()!;
  }, 900_000);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
    // eslint-disable-next-line no-console
    console.log(`Python package test (${pythonVersion.stdout.trim()}): ${timings.join(', ')}`);
  });

  /** Runs `python main.py` in examples/python/<name>, as documented, and returns its stdout and its dist/ files. */
  function runPython(name: string): { stdout: string; files: { [file: string]: string } } {
    const cwd = path.join(PYTHON_EXAMPLES, name);
    fs.rmSync(path.join(cwd, 'dist'), { recursive: true, force: true });
    const started = Date.now();
    const result = spawnSync(python, ['main.py'], { cwd, encoding: 'utf8', env: ENV, timeout: 240_000 });
    timings.push(`${name} ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect({ status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({ status: 0, stderr: '' });
    return { stdout: result.stdout, files: readYamlFiles(path.join(cwd, 'dist')) };
  }

  test('three-tier: python main.py writes the YAML the TypeScript example writes, byte for byte', () => {
    const expected = synthTypeScript(buildThreeTier);
    const { files } = runPython('three-tier');
    expect(Object.keys(files)).toEqual(['three-tier.k8s.yaml']);
    expect(files['three-tier.k8s.yaml']).toMatch(/^kind: NetworkPolicy$/m);
    expect(files).toEqual(expected);
  }, 300_000);

  test('complete: the same YAML as examples/complete, and the analyzer gives the TypeScript answers', () => {
    const expected = synthTypeScript(buildComplete);
    const { stdout, files } = runPython('complete');
    expect(Object.keys(files)).toEqual(['complete-data.k8s.yaml', 'complete.k8s.yaml']);
    expect(files).toEqual(expected);

    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'netsec-ts-')) });
    buildComplete(app);
    const reach = Reachability.fromApp(app);
    const web = { namespace: 'shop', pod: 'web' };
    const allowed = reach.isAllowed(web, { namespace: 'shop', pod: 'api' }, Port.tcp(9090));
    const denied = reach.isAllowed(web, { namespace: 'data', pod: 'db' }, Port.tcp(5432));
    expect([allowed, denied]).toEqual([true, false]);
    const py = (answer: boolean) => (answer ? 'True' : 'False');
    expect(stdout.trim().split('\n')).toEqual([
      `web -> api TCP 9090 allowed: ${py(allowed)}`,
      `web -> db TCP 5432 allowed: ${py(denied)}`,
    ]);
    fs.rmSync(app.outdir, { recursive: true, force: true });
  }, 300_000);

  test('every Python block in README.md and docs/python.md runs against the wheel', () => {
    const snippets = ['README.md', path.join('docs', 'python.md')].flatMap(pythonBlocks);
    expect(snippets.length).toBeGreaterThanOrEqual(8);
    const input = path.join(work, 'snippets.json');
    fs.writeFileSync(input, JSON.stringify(snippets));
    const out = fs.mkdtempSync(path.join(work, 'snippets-'));
    const started = Date.now();
    const result = spawnSync(python, [path.join(ROOT, 'scripts', 'python-snippets.py'), input, out], { encoding: 'utf8', env: ENV, timeout: 240_000 });
    timings.push(`${snippets.length} doc snippets ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect({ status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({ status: 0, stderr: '' });
    const results: string[] = JSON.parse(result.stdout);
    const failed = snippets.map((s, i) => `${s.file}:${s.line} ${results[i]}`).filter((line) => !/ (ok|skipped)$/.test(line));
    expect(failed).toEqual([]);
    expect(results.filter((r) => r === 'ok').length).toBeGreaterThanOrEqual(7);
  }, 300_000);

  test('an error a Python app provokes names the prop as Python spells it (pod_labels, not podLabels)', () => {
    const app = [
      'from cdk8s import App, Chart',
      'from cdk8s_netsec import IsolatedTier',
      'try:',
      '    IsolatedTier(Chart(App(), "shop", namespace="shop"), "api", pod_labels={})',
      'except RuntimeError as error:',
      '    print(error)',
    ].join('\n');
    const result = spawnSync(python, ['-c', app], { encoding: 'utf8', env: ENV, timeout: 120_000 });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    expect(result.stdout.trim()).toBe('shop/api: pod_labels is empty, so the tier would select every pod of its namespace ({}). '
      + 'Give the labels of the tier\'s pods, e.g. { app: "web" }; use NamespaceIsolation for namespace-wide rules.');
  }, 300_000);

  test('cdk8s-plus-33: a tier made in Python from a cdk8s-plus-33 Deployment is the TypeScript one', () => {
    const expected = synthTypeScript(buildPlus33);
    // The app, used as documented, passes the library's own audit at the default failOn (high).
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'netsec-ts-')) });
    const reach = Reachability.fromChart(buildPlus33(app));
    expect(reach.audit({ minSeverity: AuditSeverity.HIGH })).toEqual([]);
    expect(reach.isAllowed({ namespace: 'shop', pod: 'web' }, { namespace: 'shop', pod: 'api' }, Port.tcp(9090))).toBe(true);
    expect(reach.isAllowed({ namespace: 'shop', pod: 'api' }, { namespace: 'shop', pod: 'web' }, Port.tcp(8080))).toBe(false);
    fs.rmSync(app.outdir, { recursive: true, force: true });
    const { files } = runPython('cdk8s-plus-33');
    expect(Object.keys(files)).toEqual(['plus33.k8s.yaml']);
    // The tiers select the Deployments' pods, and the flow is there.
    expect(files['plus33.k8s.yaml']).toMatch(/cdk8s\.io\/metadata\.addr: plus33-api-deployment-/);
    expect(files).toEqual(expected);
  }, 300_000);
});
