import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Reachability } from '../../src/analysis';
import { parseYamlDocuments } from '../../src/analysis/input/yaml-documents';
import { Port } from '../../src/core/port';
import { NetsecValidation } from '../../src/validation';
import { cli } from '../cli/run-cli';

/*
 * Manifests written to make the proof say "denied" (or "clean") where the cluster, reading the same
 * manifests, allows the connection. Each answer is checked through the library and the command line.
 */

const PODS = `
apiVersion: v1
kind: Pod
metadata: { name: web, namespace: shop, labels: { app: web } }
spec: { containers: [{ name: c, image: x, ports: [{ containerPort: 80 }] }] }
---
apiVersion: v1
kind: Pod
metadata: { name: cli, namespace: shop, labels: { app: cli } }
spec: { containers: [{ name: c, image: x }] }
`;

let scratch: string;
beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'netsec-redteam-'));
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** The verdict on shop/cli -> shop/web TCP 80 from the library, and the exit status of `eval` on the same YAML. */
function judge(extra: string): { verdict: ReturnType<Reachability['verdict']>; status: number; stdout: string } {
  const text = `${PODS}---\n${extra}`;
  const verdict = Reachability.fromManifests(parseYamlDocuments('attack.yaml', text))
    .verdict({ namespace: 'shop', pod: 'cli' }, { namespace: 'shop', pod: 'web' }, Port.tcp(80));
  const file = path.join(scratch, `attack-${Math.random().toString(36).slice(2)}.yaml`);
  fs.writeFileSync(file, text);
  const run = cli(['eval', '--from', 'shop/cli', '--to', 'shop/web', '--port', 'tcp/80', '--fail-on-unknown', file]);
  return { verdict, status: run.status, stdout: run.stdout };
}

const onlyPort = (port: string) => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: only-port, namespace: shop }
spec:
  podSelector: {}
  ingress:
  - ports:
    - port: ${port}
`;

describe('YAML read the way Kubernetes reads it (YAML 1.1 scalars, Go number syntax)', () => {
  test.each([
    ['0120', 'octal'],
    ['0b1010000', 'binary (a valid port name in YAML 1.2)'],
    ['0o120', 'Go octal'],
    ['8_0', 'digits with underscores'],
    ['!!int 0120', 'an explicit int tag'],
  ])('a policy port written %s (%s) is port 80, as the API server reads it', (port) => {
    const { verdict, status, stdout } = judge(onlyPort(port));
    expect(verdict).toEqual({ allowed: true, certain: true, caveats: [] });
    expect(status).toBe(0);
    expect(stdout.split('\n')[0]).toBe('shop/cli -> shop/web on TCP 80: allowed');
  });

  test('a port Kubernetes reads as another number is not read as 80: 0120 is 80, 120 and "0120" are not', () => {
    expect(judge(onlyPort('120')).verdict.allowed).toBe(false);
    expect(() => judge(onlyPort('"0120"'))).toThrow(/is neither a port number nor a valid port name/);
  });

  test.each(['yes', 'on', 'y', 'No', 'OFF'])('a selector label value written %s is a boolean to Kubernetes, which refuses the policy; so does the analyzer', (word) => {
    const policy = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  ingress: [{ from: [{ podSelector: { matchLabels: { trusted: ${word} } } }] }]
`;
    expect(() => judge(policy)).toThrow(/matchLabels\["trusted"\] is not a valid label value \((true|false)\)/);
    expect(judge(policy.replace(`trusted: ${word}`, `trusted: "${word}"`)).verdict).toEqual({ allowed: false, certain: true, caveats: [] });
  });

  test('a tag Kubernetes cannot resolve is refused with its line', () => {
    expect(() => parseYamlDocuments('t.yaml', 'kind: X\nport: !!int eighty\n')).toThrow(/t\.yaml:2:13: holds a value Kubernetes cannot read as its tag tag:yaml.org,2002:int \("eighty"\)/);
  });

  test('quoted strings, timestamps, merge keys and plain words keep their YAML 1.2 meaning where Kubernetes agrees', () => {
    const [object] = parseYamlDocuments('t.yaml', [
      'kind: X', 'base: &b { a: "0120", when: 2001-12-14, word: web, n1: 80, f: 1.5, nul: ~, inf: .inf, hex: 0x50 }',
      'merged: { <<: *b, extra: "yes" }',
    ].join('\n'));
    expect(object.merged).toEqual({ a: '0120', when: '2001-12-14', word: 'web', n1: 80, f: 1.5, nul: null, inf: Infinity, hex: 80, extra: 'yes' });
  });
});

const DENY_ALL = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny-all, namespace: shop }
spec: { podSelector: {}, policyTypes: [Ingress, Egress] }
`;

describe('network policies of kinds the analyzer does not evaluate make the answers about their pods uncertain', () => {
  test.each([
    ['a Calico GlobalNetworkPolicy (cluster-wide) that allows everything', `
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: allow-all }
spec: { order: 1, selector: all(), types: [Ingress, Egress], ingress: [{ action: Allow }], egress: [{ action: Allow }] }
`, 'GlobalNetworkPolicy allow-all (projectcalico.org/v3)'],
    ['a Calico NetworkPolicy of the CRD group', `
apiVersion: crd.projectcalico.org/v1
kind: NetworkPolicy
metadata: { name: allow, namespace: shop }
spec: { order: 1, selector: all(), ingress: [{ action: Allow }], egress: [{ action: Allow }] }
`, 'NetworkPolicy shop/allow (crd.projectcalico.org/v1)'],
    ['an Antrea ClusterNetworkPolicy', `
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: { name: allow }
spec: { priority: 1, appliedTo: [{ podSelector: {} }], ingress: [{ action: Allow }], egress: [{ action: Allow }] }
`, 'ClusterNetworkPolicy allow (crd.antrea.io/v1beta1)'],
    ['an AdminNetworkPolicy of a group the analyzer does not read', `
apiVersion: policy.networking.x-k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: { name: allow }
spec: { priority: 1, subject: { namespaces: {} }, ingress: [{ action: Allow, from: [{ namespaces: {} }] }] }
`, 'AdminNetworkPolicy allow (policy.networking.x-k8s.io/v1alpha1)'],
  ])('%s next to a deny-all NetworkPolicy: the denial is not certain', (_what, policy, named) => {
    const { verdict, status, stdout } = judge(`${DENY_ALL}---\n${policy}`);
    expect(verdict.allowed).toBe(false);
    expect(verdict.certain).toBe(false);
    expect(verdict.caveats.length).toBeGreaterThan(0);
    expect(verdict.caveats.every(c => c.startsWith(`${named} is a network policy the analyzer does not evaluate; it may select shop/`))).toBe(true);
    expect(status).toBe(3);
    expect(stdout.split('\n')[0]).toBe('shop/cli -> shop/web on TCP 80: denied (uncertain)');
  });

  test('the caveat holds on both sides, so a side the evaluated policies deny for certain does not hide it', () => {
    const { verdict } = judge(`${DENY_ALL}---
apiVersion: crd.projectcalico.org/v1
kind: NetworkPolicy
metadata: { name: allow, namespace: shop }
spec: { selector: all() }
`);
    expect(verdict.caveats).toEqual([
      'NetworkPolicy shop/allow (crd.projectcalico.org/v1) is a network policy the analyzer does not evaluate; it may select shop/cli and allow or deny its egress',
      'NetworkPolicy shop/allow (crd.projectcalico.org/v1) is a network policy the analyzer does not evaluate; it may select shop/web and allow or deny its ingress',
    ]);
  });

  test('an allowed answer is uncertain too (the policy may deny), and one in another namespace leaves the answer certain', () => {
    const elsewhere = `
apiVersion: crd.antrea.io/v1beta1
kind: NetworkPolicy
metadata: { name: other, namespace: billing }
spec: { appliedTo: [{ podSelector: {} }], ingress: [{ action: Drop }] }
`;
    expect(judge(elsewhere).verdict).toEqual({ allowed: true, certain: true, caveats: [] });
    const here = judge(elsewhere.replace('namespace: billing', 'namespace: shop')).verdict;
    expect(here.allowed).toBe(true);
    expect(here.certain).toBe(false);
  });

  test('a NetworkPolicy of a retired API version is listed as not analysed, its pods\' exposure carries the caveat, and analyze fails on it', () => {
    const old = `
apiVersion: extensions/v1beta1
kind: NetworkPolicy
metadata: { name: old, namespace: shop }
spec: { podSelector: {} }
`;
    const r = Reachability.fromManifests(parseYamlDocuments('old.yaml', `${PODS}---\n${old}`));
    expect(r.notAnalysed).toEqual(['NetworkPolicy shop/old (extensions/v1beta1): a network policy the analyzer does not evaluate; '
      + 'answers about the pods it may select (namespace shop) are uncertain']);
    const web = r.exposure().find(e => e.workload === 'shop/web')!;
    expect(web.caveats.some(c => c.includes('NetworkPolicy shop/old (extensions/v1beta1) is a network policy the analyzer does not evaluate'))).toBe(true);
    const file = path.join(scratch, 'old.yaml');
    fs.writeFileSync(file, `${PODS}---\n${old}`);
    const run = cli(['analyze', '--fail-on', 'none', '--fail-on-unknown', file]);
    expect(run.stdout).toContain('NetworkPolicy shop/old (extensions/v1beta1): a network policy the analyzer does not evaluate');
    expect(run.status).toBe(3);
  });
});

describe('pods on the node\'s network (hostNetwork) are never the subject of a certain answer', () => {
  const hostPods = (kind: 'Pod' | 'Deployment') => kind === 'Pod'
    ? PODS.replace('spec: { containers: [{ name: c, image: x, ports', 'spec: { hostNetwork: true, containers: [{ name: c, image: x, ports')
    : `${PODS.split('---')[1]}---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { hostNetwork: true, containers: [{ name: c, image: x, ports: [{ containerPort: 80 }] }] }
`;

  test.each(['Pod', 'Deployment'] as const)('a deny-all NetworkPolicy does not make a connection to a hostNetwork %s a certain "denied"', (kind) => {
    const text = `${hostPods(kind)}---\n${DENY_ALL}`;
    const r = Reachability.fromManifests(parseYamlDocuments('host.yaml', text));
    const caveat = 'shop/web runs with hostNetwork: NetworkPolicy does not reliably apply to it (its behaviour there is undefined '
      + 'and most CNIs do not enforce it), and its traffic carries the node\'s address, which pod selectors do not match';
    expect(r.verdict({ namespace: 'shop', pod: 'cli' }, { namespace: 'shop', pod: 'web' }, Port.tcp(80)))
      .toEqual({ allowed: false, certain: false, caveats: [caveat] });
    // As the client too: its egress is not policed and its packets carry the node's address.
    expect(r.verdict({ namespace: 'shop', pod: 'web' }, { namespace: 'shop', pod: 'cli' }, Port.tcp(80)).certain).toBe(false);
    expect(r.notAnalysed.some(line => line.includes('runs with hostNetwork'))).toBe(true);
    expect(r.exposure().find(e => e.workload === 'shop/web')!.caveats.some(c => c.endsWith(caveat))).toBe(true);
    const file = path.join(scratch, `host-${kind}.yaml`);
    fs.writeFileSync(file, text);
    const run = cli(['eval', '--from', 'shop/cli', '--to', 'shop/web', '--port', 'tcp/80', '--fail-on-unknown', file]);
    expect(run.stdout.split('\n')[0]).toBe('shop/cli -> shop/web on TCP 80: denied (uncertain)');
    expect(run.status).toBe(3);
  });

  test('hostNetwork written as a string is refused, as the API server refuses it', () => {
    expect(() => Reachability.fromManifests(parseYamlDocuments('host.yaml',
      PODS.replace('spec: { containers: [{ name: c, image: x, ports', 'spec: { hostNetwork: "true", containers: [{ name: c, image: x, ports'))))
      .toThrow(/Pod shop\/web: spec.hostNetwork is not a boolean \("true"\)/);
  });
});

describe('admin policies of one tier with the same priority: the API does not define their order', () => {
  const admin = (name: string, action: string, priority = 10) => `
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: { name: ${name} }
spec: { priority: ${priority}, subject: { namespaces: {} }, ingress: [{ name: r, action: ${action}, from: [{ namespaces: {} }] }] }
`;

  test.each([
    ['Deny', 'Allow', false],
    ['Allow', 'Deny', true],
    ['Pass', 'Deny', true],
  ] as const)('%s in one and %s in the other: the answer of the one checked first by name is not certain', (first, second, allowed) => {
    const { verdict, status } = judge(`${admin('a', first)}---${admin('b', second)}`);
    expect(verdict).toEqual({
      allowed,
      certain: false,
      caveats: ['AdminNetworkPolicy a and AdminNetworkPolicy b have the same admin priority 10, whose order the API does not define: '
        + `AdminNetworkPolicy b ingress[0] "r" (${second}) may decide instead of AdminNetworkPolicy a ingress[0] "r" (${first})`],
    });
    expect(status).toBe(3);
  });

  test('the same action, or distinct priorities, leave the answer certain', () => {
    expect(judge(`${admin('a', 'Deny')}---${admin('b', 'Deny')}`).verdict).toEqual({ allowed: false, certain: true, caveats: [] });
    expect(judge(`${admin('a', 'Deny', 10)}---${admin('b', 'Allow', 11)}`).verdict).toEqual({ allowed: false, certain: true, caveats: [] });
  });
});

describe('the audit does not read clean over what the analyzer cannot see (NETSEC022 outside-the-analysis)', () => {
  const calico = `
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: allow-all }
spec: { order: 1, selector: all(), types: [Ingress, Egress], ingress: [{ action: Allow }], egress: [{ action: Allow }] }
`;
  const old = `
apiVersion: extensions/v1beta1
kind: NetworkPolicy
metadata: { name: old, namespace: shop }
spec: { podSelector: {} }
`;
  const hostPods = PODS.replace('spec: { containers: [{ name: c, image: x, ports', 'spec: { hostNetwork: true, containers: [{ name: c, image: x, ports');

  test('each unevaluated policy and each hostNetwork pod is a high finding naming it', () => {
    const r = Reachability.fromManifests(parseYamlDocuments('a.yaml', `${hostPods}---\n${DENY_ALL}---\n${calico}---\n${old}`));
    expect(r.audit().filter(f => f.ruleId === 'NETSEC022').map(f => [f.severity, f.resource, f.message])).toEqual([
      ['high', 'GlobalNetworkPolicy allow-all', 'is a network policy the analyzer does not evaluate (projectcalico.org/v3); it may allow what every '
        + 'evaluated policy denies, so answers about the pods it may select (any namespace) are uncertain'],
      ['high', 'NetworkPolicy shop/old', 'is a network policy the analyzer does not evaluate (extensions/v1beta1); it may allow what every '
        + 'evaluated policy denies, so answers about the pods it may select (namespace shop) are uncertain'],
      ['high', 'Pod shop/web', 'runs with hostNetwork: NetworkPolicy does not reliably apply to it and its traffic carries the node\'s address, '
        + 'so no isolation the analyzer finds for it holds'],
    ]);
  });

  test('a deny-all namespace with a Calico allow-all fails analyze at the default --fail-on; without it, it is clean', () => {
    const clean = path.join(scratch, 'clean.yaml');
    fs.writeFileSync(clean, `${PODS}---\n${DENY_ALL}`);
    expect(cli(['analyze', clean]).status).toBe(0);
    const opened = path.join(scratch, 'opened.yaml');
    fs.writeFileSync(opened, `${PODS}---\n${DENY_ALL}---\n${calico}`);
    const run = cli(['analyze', opened]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('NETSEC022');
  });

  test('the cdk8s validation plugin fails on it', async () => {
    const file = path.join(scratch, 'plugin.yaml');
    fs.writeFileSync(file, `${PODS}---\n${DENY_ALL}---\n${calico}`);
    const violations: any[] = [];
    const submitted: string[] = [];
    await new NetsecValidation().validate({
      manifests: [file],
      report: { addViolation: (v: any) => violations.push(v), submit: (status: string) => submitted.push(status) },
      logger: { log: () => undefined },
    });
    expect(submitted).toEqual(['failure']);
    expect(violations.map(v => v.ruleName)).toContain('NETSEC022 outside-the-analysis');
  });
});

describe('a pod stands for an address only by the status the manifests give it', () => {
  const withDecoy = (ip: string) => `${PODS}---
apiVersion: v1
kind: Pod
metadata: { name: decoy, namespace: shop, labels: { app: decoy } }
spec: { containers: [{ name: c, image: x }] }
status: { podIP: ${ip} }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: p, namespace: shop }
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
  ingress: []
  egress: [{ to: [{ ipBlock: { cidr: 169.254.169.254/32 } }] }]
`;

  test('a status podIP outside the pod network (the metadata endpoint) does not make the endpoint a certain "denied"', () => {
    const r = Reachability.fromManifests(parseYamlDocuments('decoy.yaml', withDecoy('169.254.169.254')));
    expect(r.verdict({ namespace: 'shop', pod: 'cli' }, { ip: '169.254.169.254' }, Port.tcp(80))).toEqual({
      allowed: false,
      certain: false,
      caveats: ['169.254.169.254 is shop/decoy\'s address only by its status in the manifests, and lies outside the pod network '
        + '(10.0.0.0/8, 100.64.0.0/10, 172.16.0.0/12, 192.168.0.0/16); as an address outside the cluster, the connection would be allowed'],
    });
    const file = path.join(scratch, 'decoy.yaml');
    fs.writeFileSync(file, withDecoy('169.254.169.254'));
    const run = cli(['eval', '--from', 'shop/cli', '--to', '169.254.169.254', '--port', 'tcp/80', '--fail-on-unknown', file]);
    expect(run.stdout.split('\n')[0]).toBe('shop/cli -> shop/decoy on TCP 80: denied (uncertain)');
    expect(run.status).toBe(3);
  });

  test('a status podIP inside the pod network stands for its pod with certainty', () => {
    const r = Reachability.fromManifests(parseYamlDocuments('decoy.yaml', withDecoy('10.1.2.3')));
    expect(r.verdict({ namespace: 'shop', pod: 'cli' }, { ip: '10.1.2.3' }, Port.tcp(80))).toEqual({ allowed: false, certain: true, caveats: [] });
  });
});

test('a NetworkPolicy of a version the API server does not serve is not modelled as isolating: it is uncertain and a finding', () => {
  const beta = DENY_ALL.replace('networking.k8s.io/v1', 'networking.k8s.io/v1beta1');
  const { verdict } = judge(beta);
  expect(verdict.certain).toBe(false);
  expect(verdict.caveats).toContain('NetworkPolicy shop/deny-all (networking.k8s.io/v1beta1) is a network policy the analyzer does not evaluate; '
    + 'it may select shop/web and allow or deny its ingress');
  const r = Reachability.fromManifests(parseYamlDocuments('beta.yaml', `${PODS}---\n${beta}`));
  expect(r.audit().filter(f => f.ruleId === 'NETSEC022').map(f => f.resource)).toEqual(['NetworkPolicy shop/deny-all']);
  expect(judge(DENY_ALL).verdict).toEqual({ allowed: false, certain: true, caveats: [] });
});
