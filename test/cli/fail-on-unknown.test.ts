import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { cli } from './run-cli';

/*
 * --fail-on-unknown: the command line exits 3 when an answer depends on what the analyzer does not know;
 * --pod-cidr declares the pod network that makes it known.
 */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsec-unknown-'));
const file = path.join(dir, 'app.yaml');
fs.writeFileSync(file, [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'client', namespace: 'x' },
    spec: { selector: { matchLabels: { app: 'client' } }, template: { metadata: { labels: { app: 'client' } }, spec: { containers: [{ name: 'c', image: 'c' }] } } },
  },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'server', namespace: 'x' },
    spec: { selector: { matchLabels: { app: 'server' } }, template: { metadata: { labels: { app: 'server' } }, spec: { containers: [{ name: 's', image: 's' }] } } },
  },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'client', namespace: 'x' },
    spec: { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.1.0.0/16' } }] }] },
  },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'server', namespace: 'x' },
    spec: { podSelector: { matchLabels: { app: 'server' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '10.1.0.0/16' } }] }] },
  },
].map(o => YAML.stringify(o)).join('---\n'));

const evalArgs = ['eval', '--from', 'x/client', '--to', 'x/server', '--port', 'tcp/80'];

test('eval exits 3 on an uncertain answer with --fail-on-unknown, and says why', () => {
  const run = cli([...evalArgs, '--fail-on-unknown', file]);
  expect(run.status).toBe(3);
  expect(run.stdout).toContain('denied (uncertain)');
  expect(run.stdout).toContain('uncertain: x/client egress[0] might admit x/server');
  expect(cli([...evalArgs, file]).status).toBe(1);
});

test('eval --pod-cidr declares the pod network: the answer becomes certain', () => {
  expect(cli([...evalArgs, '--fail-on-unknown', '--pod-cidr', '10.244.0.0/16', file]).status).toBe(1);
  expect(cli([...evalArgs, '--fail-on-unknown', '--pod-cidr', '10.1.0.0/16', file]).status).toBe(0);
  const json = JSON.parse(cli([...evalArgs, '--json', file]).stdout);
  expect([json.allowed, json.certain, json.caveats.length]).toEqual([false, false, 2]);
});

test('analyze --exposure --fail-on-unknown exits 3 when an exposure answer is uncertain', () => {
  expect(cli(['analyze', '--exposure', '--fail-on', 'none', '--fail-on-unknown', file]).status).toBe(3);
  expect(cli(['analyze', '--exposure', '--fail-on', 'none', '--fail-on-unknown', '--pod-cidr', '172.16.0.0/12', file]).status).toBe(0);
});

test('diff --pod-cidr models both sides with the declared pod network, like analyze and eval', () => {
  // The same pods with no policy at all: every connection is open.
  const open = path.join(dir, 'open.yaml');
  fs.writeFileSync(open, fs.readFileSync(file, 'utf8').split('---\n').slice(0, 3).join('---\n'));
  // Under the default pod network (10.0.0.0/8) the 10.1.0.0/16 rules admit client -> server only maybe,
  // which counts as closed, so removing the policies opens it; with the pod network inside 10.1.0.0/16
  // the rules admit it for certain, and removing them opens nothing between the two.
  const byDefault = cli(['diff', '--output', 'csv', file, open]);
  expect(byDefault.status).toBe(0);
  expect(byDefault.stdout).toContain('opened,x/client,x/server,all traffic,whole flow');
  const declared = cli(['diff', '--output', 'csv', '--pod-cidr', '10.1.0.0/16', file, open]);
  expect(declared.status).toBe(0);
  expect(declared.stdout).not.toContain('x/client,x/server');
  expect(cli(['diff', '--pod-cidr', '10.1.0.0/33', file, open]).status).toBe(2);
});
