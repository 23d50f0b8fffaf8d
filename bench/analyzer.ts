/*
 * Benchmark of the reachability analyzer on synthetic clusters.
 *
 *   npx ts-node --transpile-only bench/analyzer.ts [pods/policies[/clusterPolicies] ...]
 *
 * Each size builds a deterministic pseudo-random cluster (20 namespaces, workloads with labels and named
 * container ports, NetworkPolicies mixing default-deny, pod/namespace/AND peers, matchExpressions, named
 * ports, ranges and ipBlocks; with a third number, that many ClusterNetworkPolicies in the Admin and
 * Baseline tiers with namespace, pod and network peers and Accept/Deny/Pass), then times the model build, full matrices on one numeric and one named
 * port, and flows() (every allowed pair with all its ports). Without arguments every default size runs in its own process, so that each peak RSS (getrusage
 * maxRSS, which includes the Node.js runtime and ts-node) belongs to one size only.
 */
import { spawnSync } from 'child_process';
import { cpus } from 'os';
import { Reachability } from '../src/analysis';
import { Port } from '../src/core/port';

const NAMESPACES = 20;
const APPS = ['web', 'api', 'db', 'cache', 'worker', 'auth', 'search', 'queue', 'gateway', 'report'];
const TEAMS = ['red', 'blue', 'green', 'gold'];
const PORTS: [string, number][] = [['http', 8080], ['grpc', 9090], ['metrics', 9100], ['admin', 8443]];

/** Park-Miller minimal standard generator: deterministic, and no bitwise operators. */
class Random {
  private state: number;
  public constructor(seed: number) {
    this.state = seed % 2147483647 || 1;
  }
  public next(): number {
    this.state = (this.state * 48271) % 2147483647;
    return this.state / 2147483647;
  }
  public int(n: number): number {
    return Math.floor(this.next() * n);
  }
  public pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

function generate(podCount: number, policyCount: number, clusterPolicyCount = 0, seed = 42): any[] {
  const random = new Random(seed);
  const objects: any[] = [];
  const ns = (i: number) => `ns-${String(i).padStart(2, '0')}`;
  for (let i = 0; i < NAMESPACES; i++) {
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns(i), labels: { team: TEAMS[i % TEAMS.length], env: i % 2 ? 'prod' : 'dev' } } });
  }
  for (let p = 0; p < podCount; p++) {
    const app = random.pick(APPS);
    const ports = PORTS.filter(() => random.next() < 0.5).map(([name, port]) => ({ name, containerPort: port }));
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `${app}-${p}`, namespace: ns(p % NAMESPACES) },
      spec: { template: { metadata: { labels: { app, tier: `t${random.int(5)}`, version: `v${random.int(3)}` } }, spec: { containers: [{ name: 'c', ports }] } } },
    });
  }
  const selector = () => (random.next() < 0.7
    ? { matchLabels: { app: random.pick(APPS) } }
    : { matchExpressions: [{ key: 'tier', operator: random.pick(['In', 'NotIn']), values: [`t${random.int(5)}`, `t${random.int(5)}`] }] });
  const peer = () => {
    const roll = random.next();
    if (roll < 0.4) return { podSelector: selector() };
    if (roll < 0.6) return { namespaceSelector: { matchLabels: { team: random.pick(TEAMS) } } };
    if (roll < 0.9) return { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns(random.int(NAMESPACES)) } }, podSelector: selector() };
    return { ipBlock: { cidr: '10.0.0.0/8', except: [`10.${random.int(256)}.0.0/16`] } };
  };
  const ports = () => {
    const roll = random.next();
    if (roll < 0.5) return [{ port: 8080 }];
    if (roll < 0.7) return [{ port: random.pick(PORTS)[0] }];
    if (roll < 0.85) return [{ port: 9000, endPort: 9200 }, { protocol: 'UDP', port: 53 }];
    return undefined;
  };
  const rules = (key: string) => Array.from({ length: 1 + random.int(2) }, () => {
    const rule: any = { [key]: Array.from({ length: 1 + random.int(2) }, peer) };
    const p = ports();
    if (p) rule.ports = p;
    return rule;
  });
  for (let k = 0; k < policyCount; k++) {
    const namespace = ns(k % NAMESPACES);
    if (k < NAMESPACES) {
      objects.push({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'default-deny', namespace },
        spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
      });
      continue;
    }
    const types = random.pick([['Ingress'], ['Egress'], ['Ingress', 'Egress']]);
    const spec: any = { podSelector: selector(), policyTypes: types };
    if (types.includes('Ingress')) spec.ingress = rules('from');
    if (types.includes('Egress')) spec.egress = rules('to');
    objects.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `np-${k}`, namespace }, spec });
  }
  const adminPeer = () => {
    const roll = random.next();
    if (roll < 0.4) return { namespaces: { matchLabels: { team: random.pick(TEAMS) } } };
    if (roll < 0.8) return { pods: { namespaceSelector: { matchLabels: { env: random.pick(['dev', 'prod']) } }, podSelector: selector() } };
    return { networks: [`10.${random.int(256)}.0.0/16`] };
  };
  for (let k = 0; k < clusterPolicyCount; k++) {
    const tier = k % 3 === 2 ? 'Baseline' : 'Admin';
    const actions = tier === 'Admin' ? ['Accept', 'Deny', 'Pass'] : ['Accept', 'Deny'];
    const rule = (key: string) => ({
      action: random.pick(actions),
      [key]: [adminPeer()],
      ...(random.next() < 0.5 ? { protocols: [{ tcp: { destinationPort: { number: random.pick([8080, 9090, 9100]) } } }] } : {}),
    });
    objects.push({
      apiVersion: 'policy.networking.k8s.io/v1alpha2',
      kind: 'ClusterNetworkPolicy',
      metadata: { name: `cnp-${k}` },
      spec: { tier, priority: k, subject: { namespaces: { matchLabels: { team: random.pick(TEAMS) } } }, ingress: [rule('from')], egress: [rule('to')] },
    });
  }
  return objects;
}

function time<T>(work: () => T): [T, number] {
  const start = process.hrtime.bigint();
  const result = work();
  return [result, Number(process.hrtime.bigint() - start) / 1e6];
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

function run(podCount: number, policyCount: number, clusterPolicyCount: number): void {
  const manifests = generate(podCount, policyCount, clusterPolicyCount);
  const before = process.memoryUsage().rss;
  const [r, build] = time(() => Reachability.fromManifests(manifests));
  const [numeric, numericMs] = time(() => r.matrix(Port.tcp(8080)));
  const [named, namedMs] = time(() => r.matrix(Port.named('grpc')));
  // flows() materializes one object per allowed pair (millions at 4000 pods), so it is timed up to 2000.
  const [flows, flowsMs] = podCount <= 2000 ? time(() => r.flows()) : [undefined, 0];
  const cells = podCount * podCount;
  console.log([
    `${String(podCount).padStart(5)} pods ${String(policyCount).padStart(5)} policies${clusterPolicyCount > 0 ? ` ${clusterPolicyCount} cluster policies` : ''}`,
    `build ${build.toFixed(0).padStart(5)} ms`,
    `matrix TCP 8080 ${numericMs.toFixed(0).padStart(5)} ms (${(100 * numeric.allowedCount / cells).toFixed(1)}% allowed)`,
    `matrix named grpc ${namedMs.toFixed(0).padStart(5)} ms (${(100 * named.allowedCount / cells).toFixed(1)}% allowed)`,
    flows ? `flows ${flowsMs.toFixed(0).padStart(5)} ms (${flows.length} pairs)` : 'flows not timed',
    `rss ${mb(before)} before model, ${mb(process.memoryUsage().rss)} after`,
    `peak rss ${mb(process.resourceUsage().maxRSS * 1024)}`,
  ].join(' | '));
}

const DEFAULT_SIZES = ['500/250', '1000/500', '2000/1000', '4000/2000'];
const sizes = process.argv.slice(2);
if (sizes.length === 0) {
  console.log(`node ${process.version}, ${cpus().length} CPUs`);
  for (const size of DEFAULT_SIZES) {
    spawnSync('npx', ['ts-node', '--transpile-only', __filename, size], { stdio: 'inherit' });
  }
} else {
  for (const size of sizes) {
    const [pods, policies, clusterPolicies] = size.split('/').map(Number);
    run(pods, policies, clusterPolicies ?? 0);
  }
}
