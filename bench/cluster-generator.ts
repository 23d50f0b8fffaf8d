/*
 * The synthetic clusters of the analyzer benchmark: a deterministic pseudo-random cluster of pods and
 * policies for a given size (see bench/analyzer.ts). With `addressed` > 0, that share of the pods are
 * Pods with a known IP (status.podIP in 10.0.0.0/8), so ipBlock and network peers select some of them;
 * the default (0) leaves the benchmark's clusters as they always were.
 */

const NAMESPACES = 20;
const APPS = ['web', 'api', 'db', 'cache', 'worker', 'auth', 'search', 'queue', 'gateway', 'report'];
const TEAMS = ['red', 'blue', 'green', 'gold'];
const PORTS: [string, number][] = [['http', 8080], ['grpc', 9090], ['metrics', 9100], ['admin', 8443]];

/** Park-Miller minimal standard generator: deterministic, and no bitwise operators. */
export class Random {
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

export function generate(podCount: number, policyCount: number, clusterPolicyCount = 0, seed = 42, addressed = 0): any[] {
  const random = new Random(seed);
  const objects: any[] = [];
  const ns = (i: number) => `ns-${String(i).padStart(2, '0')}`;
  for (let i = 0; i < NAMESPACES; i++) {
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns(i), labels: { team: TEAMS[i % TEAMS.length], env: i % 2 ? 'prod' : 'dev' } } });
  }
  for (let p = 0; p < podCount; p++) {
    const app = random.pick(APPS);
    const ports = PORTS.filter(() => random.next() < 0.5).map(([name, port]) => ({ name, containerPort: port }));
    const labels = { app, tier: `t${random.int(5)}`, version: `v${random.int(3)}` };
    if (addressed > 0 && (p * 7919) % 1000 < addressed * 1000) {
      objects.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `${app}-${p}`, namespace: ns(p % NAMESPACES), labels },
        spec: { containers: [{ name: 'c', ports }] },
        status: { podIP: `10.${p % 256}.${Math.floor(p / 256) % 256}.${1 + (p % 250)}` },
      });
      continue;
    }
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `${app}-${p}`, namespace: ns(p % NAMESPACES) },
      spec: { template: { metadata: { labels }, spec: { containers: [{ name: 'c', ports }] } } },
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
