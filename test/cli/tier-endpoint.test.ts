/*
 * eval --from/--to name a tier by its construct id whatever workload it was made from: synthesized YAML
 * models a cdk8s-plus workload's pods under the workload's hashed name, and the tier's NetworkPolicy
 * carries the id. Proven on the synth output directory of a real app (with the construct-metadata.json
 * cdk8s writes next to the manifests), for each cdk8s-plus line the library accepts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { cli } from './run-cli';
import { IsolatedTier, NamespaceIsolation, Port } from '../../src';

const LINES: { [line: string]: any } = {};
for (const line of ['cdk8s-plus-28', 'cdk8s-plus-33', 'cdk8s-plus-34']) {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    LINES[line] = require(line);
  } catch {
    // eslint-disable-next-line no-console
    console.warn(`!! SKIPPED: ${line} is not installed (a devDependency: run npm install); its eval case does not run.`);
  }
}

let outdir: string;
afterEach(() => outdir && fs.rmSync(outdir, { recursive: true, force: true }));

/** Synthesizes shop: web and api tiers from `plus` Deployments (api accepts web on 9090), a plain db tier. */
function synthShop(plus: any): string {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsec-tier-endpoint-'));
  const app = new App({ outdir, recordConstructMetadata: true });
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  new NamespaceIsolation(chart, 'baseline');
  const web = IsolatedTier.fromWorkload(chart, 'web', new plus.Deployment(chart, 'web-deployment', { containers: [{ image: 'nginx:1.27', portNumber: 8080 }] }));
  const api = IsolatedTier.fromWorkload(chart, 'api', new plus.Deployment(chart, 'api-deployment', { containers: [{ image: 'shop/api:1', portNumber: 9090 }] }));
  const db = new IsolatedTier(chart, 'db', { podLabels: { app: 'db' }, ports: [Port.tcp(5432)] });
  api.allowFrom(web, Port.tcp(9090));
  db.allowFrom(api, Port.tcp(5432));
  app.synth();
  expect(fs.existsSync(path.join(outdir, 'construct-metadata.json'))).toBe(true);
  return outdir;
}

describe.each(Object.keys(LINES))('eval names a tier made from a %s workload by its construct id', (line) => {
  test('allowed and denied flows answer as for the workload pods, with a note naming them', () => {
    const dir = synthShop(LINES[line]);
    const allowed = cli(['eval', '--from', 'shop/web', '--to', 'shop/api', '--port', 'tcp/9090', dir]);
    expect(allowed.status).toBe(0);
    expect(allowed.stdout.split('\n')[0]).toMatch(/^shop\/shop-web-deployment-c8[0-9a-f]{6} -> shop\/shop-api-deployment-c8[0-9a-f]{6} on TCP 9090: allowed$/);
    expect(allowed.stderr).toMatch(/^Note: --from shop\/web is the tier whose NetworkPolicy selects the pods of shop\/shop-web-deployment-c8[0-9a-f]{6}\.\n/);
    expect(allowed.stderr).toMatch(/Note: --to shop\/api is the tier whose NetworkPolicy selects the pods of shop\/shop-api-deployment-c8[0-9a-f]{6}\.\n$/);
    // The reverse direction, another port, and the database from web stay denied.
    expect(cli(['eval', '--from', 'shop/api', '--to', 'shop/web', '--port', 'tcp/8080', dir]).status).toBe(1);
    expect(cli(['eval', '--from', 'shop/web', '--to', 'shop/api', '--port', 'tcp/9091', dir]).status).toBe(1);
    expect(cli(['eval', '--from', 'shop/web', '--to', 'shop/db', '--port', 'tcp/5432', dir]).status).toBe(1);
    // A plain tier (an inferred pod named after its policy) is found directly, without a note.
    const db = cli(['eval', '--from', 'shop/api', '--to', 'shop/db', '--port', 'tcp/5432', dir]);
    expect(db.status).toBe(0);
    expect(db.stderr).toMatch(/^Note: --from shop\/api is the tier/);
    expect(db.stderr).not.toContain('--to');
  });
});

test('the whole-namespace baseline policy is no tier: its name stays an unknown pod', () => {
  const dir = synthShop(LINES['cdk8s-plus-28']);
  const run = cli(['eval', '--from', 'shop/baseline', '--to', 'shop/api', '--port', 'tcp/9090', dir]);
  expect(run.status).toBe(2);
  expect(run.stderr).toContain('names a pod that is not modelled ("shop/baseline")');
});

test('a policy that selects the pods of two workloads is refused, naming both', () => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsec-tier-endpoint-'));
  const deployment = (name: string) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'shop' },
    spec: { selector: { matchLabels: { app: 'web', name } }, template: { metadata: { labels: { app: 'web', name } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
  });
  const policy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'web', namespace: 'shop' }, spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] } };
  fs.writeFileSync(path.join(outdir, 'all.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [deployment('blue'), deployment('green'), policy] }));
  const run = cli(['eval', '--from', 'shop/web', '--to', 'shop/blue', '--port', 'tcp/80', outdir]);
  expect(run.status).toBe(2);
  expect(run.stderr).toBe('Error: cdk8s-netsec eval --from: names the NetworkPolicy of a tier whose pods come from 2 workloads ("shop/web"). Name one of them: shop/blue, shop/green.\n');
});
