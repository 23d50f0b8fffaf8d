/*
 * The same program synthesizes byte-identical YAML in separate processes, and adding unrelated constructs
 * leaves the names and content of existing objects alone.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { buildComplete } from '../examples/complete/main';
import { IsolatedTier, Port } from '../src';

const ROOT = path.join(__dirname, '..');

function synthInChildProcess(): string {
  const script = [
    "const { Testing } = require('cdk8s');",
    "const YAML = require('yaml');",
    "const { buildComplete } = require('./examples/complete/main');",
    'const app = Testing.app();',
    'const charts = buildComplete(app);',
    'process.stdout.write(charts.map((c) => Testing.synth(c).map((o) => YAML.stringify(o)).join("---\\n")).join("---\\n"));',
  ].join('\n');
  const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
    cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, TS_NODE_PROJECT: 'examples/tsconfig.json' },
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout;
}

describe('determinism', () => {
  test('two processes synthesize byte-identical YAML', () => {
    const first = synthInChildProcess();
    expect(first).toContain('kind: NetworkPolicy');
    expect(synthInChildProcess()).toBe(first);
  }, 120_000);

  test('adding unrelated tiers and flows changes no existing object', () => {
    const plain = Testing.app();
    const before = buildComplete(plain).flatMap((c) => Testing.synth(c));

    const extended = Testing.app();
    const [shop] = buildComplete(extended);
    const batch = new IsolatedTier(shop, 'batch', { podLabels: { app: 'batch' }, namespace: 'jobs', serviceAccountName: 'batch' });
    const reports = new IsolatedTier(shop, 'reports', { podLabels: { app: 'reports' }, namespace: 'jobs', ports: [Port.tcp(7000)], serviceAccountName: 'reports' });
    reports.allowFrom(batch, Port.tcp(7000));
    const after = extended.charts.flatMap((c) => Testing.synth(c));

    const key = (o: any) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    const afterByKey = new Map(after.map((o) => [key(o), o]));
    for (const object of before) expect(afterByKey.get(key(object))).toEqual(object);
    expect(after.length).toBeGreaterThan(before.length);
  });
});
