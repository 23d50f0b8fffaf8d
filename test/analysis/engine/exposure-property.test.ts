import * as fc from 'fast-check';
import { Port, Reachability } from '../../../src';
import type { WorkloadExposure } from '../../../src';
import { namespace, pod, rawPolicy } from '../fixtures';

/*
 * Property: over random clusters, every exposure claim equals isAllowed for the same source and
 * destination. The sources are real pods added to the manifests (a pod without labels in a namespace no
 * manifest knows, a new pod without labels in the workload's namespace) and outside addresses; the ports
 * probed are every edge of every port entry and a few others.
 */

const LABELS = ['a', 'b'];
const NAMESPACES = ['n1', 'n2'];
const CIDRS = ['10.0.0.0/8', '10.1.0.0/16', '192.0.2.0/24', '0.0.0.0/0'];
const PORTS = [80, 443, 8080];

const labels = fc.dictionary(fc.constantFrom('app', 'tier'), fc.constantFrom(...LABELS), { maxKeys: 2 });
const portEntry = fc.oneof(
  fc.record({ protocol: fc.constantFrom('TCP', 'UDP'), port: fc.constantFrom(...PORTS) }),
  fc.record({ protocol: fc.constant('TCP'), port: fc.constant(8000), endPort: fc.constant(8100) }),
  fc.record({ protocol: fc.constant('TCP'), port: fc.constant('http') }),
);
const peer = fc.oneof(
  fc.record({ podSelector: fc.record({ matchLabels: labels }) }),
  fc.record({ namespaceSelector: fc.constant({}) }),
  fc.record({
    namespaceSelector: fc.record({ matchLabels: fc.record({ 'kubernetes.io/metadata.name': fc.constantFrom(...NAMESPACES) }) }),
    podSelector: fc.record({ matchLabels: labels }),
  }),
  fc.record({ ipBlock: fc.record({ cidr: fc.constantFrom(...CIDRS) }) }),
);
const rule = (key: string) => fc.record(
  { [key]: fc.array(peer, { maxLength: 2 }), ports: fc.array(portEntry, { maxLength: 2 }) }, { requiredKeys: [] });
const policyArb = fc.record({
  namespace: fc.constantFrom(...NAMESPACES),
  podSelector: fc.record({ matchLabels: labels }),
  ingress: fc.option(fc.array(rule('from'), { maxLength: 2 }), { nil: undefined }),
  egress: fc.option(fc.array(rule('to'), { maxLength: 2 }), { nil: undefined }),
});
const cluster = fc.record({
  pods: fc.array(fc.record({ namespace: fc.constantFrom(...NAMESPACES), labels }), { minLength: 1, maxLength: 3 }),
  policies: fc.array(policyArb, { maxLength: 4 }),
  admin: fc.array(fc.record({
    tier: fc.constantFrom('Admin', 'Baseline'),
    action: fc.constantFrom('Accept', 'Deny', 'Pass'),
    port: fc.constantFrom(...PORTS),
    direction: fc.constantFrom('ingress', 'egress'),
  }), { maxLength: 2 }),
});

type Cluster = typeof cluster extends fc.Arbitrary<infer T> ? T : never;

function manifests(c: Cluster): any[] {
  return [
    ...NAMESPACES.map(n => namespace(n)),
    ...c.pods.map((p, i) => pod(p.namespace, `p${i}`, { labels: p.labels, ports: [['http', 8080]] })),
    ...c.policies.map((p, i) => rawPolicy(p.namespace, `np${i}`, {
      podSelector: p.podSelector,
      policyTypes: [...(p.ingress ? ['Ingress'] : []), ...(p.egress ? ['Egress'] : [])],
      ...(p.ingress ? { ingress: p.ingress } : {}),
      ...(p.egress ? { egress: p.egress } : {}),
    })),
    ...c.admin.map((a, i) => ({
      apiVersion: 'policy.networking.k8s.io/v1alpha2',
      kind: 'ClusterNetworkPolicy',
      metadata: { name: `cnp${i}` },
      spec: {
        tier: a.tier,
        priority: i,
        subject: { namespaces: {} },
        [a.direction]: [{
          action: a.tier === 'Baseline' && a.action === 'Pass' ? 'Accept' : a.action,
          [a.direction === 'ingress' ? 'from' : 'to']: [{ namespaces: {} }],
          protocols: [{ tcp: { destinationPort: { number: a.port } } }],
        }],
      },
    })),
  ];
}

const probedPorts = [1, 79, 80, 81, 443, 7999, 8000, 8080, 8100, 8101, 65535].flatMap(n => [Port.tcp(n), Port.udp(n)]);
const claims = (ports: Port[], probe: Port) => ports.some(p => p.protocol === probe.protocol
  && (p.isAllPorts || (p.startPort! <= probe.startPort! && probe.startPort! <= (p.endPort ?? p.startPort!))));

test('every exposure claim equals isAllowed for the same source and destination', () => {
  const counts = { clusters: 0, claims: 0 };
  fc.assert(fc.property(cluster, c => {
    const objects = manifests(c);
    const exposure: WorkloadExposure[] = Reachability.fromManifests(objects).exposure();
    const withProbes = Reachability.fromManifests([...objects, pod('fresh', 'probe'), ...NAMESPACES.map(n => pod(n, 'new-probe'))]);
    counts.clusters++;
    for (const e of exposure) {
      const to = { namespace: e.namespace, pod: e.pod };
      for (const port of probedPorts) {
        expect([e.workload, 'any', port.toString(), claims(e.fromAnyNamespace, port)])
          .toEqual([e.workload, 'any', port.toString(), withProbes.isAllowed({ namespace: 'fresh', pod: 'probe' }, to, port)]);
        expect([e.workload, 'own', port.toString(), claims(e.fromOwnNamespace, port)])
          .toEqual([e.workload, 'own', port.toString(), withProbes.isAllowed({ namespace: e.namespace, pod: 'new-probe' }, to, port)]);
        for (const ip of ['192.0.2.1', '198.51.100.1', '10.1.2.3', '10.200.0.1', '2001:db8::1']) {
          const inRange = e.fromOutside.filter(r => r.cidrs.some(cidr => cidrHolds(cidr, ip)));
          expect([e.workload, ip, port.toString(), inRange.some(r => claims(r.ports, port))])
            .toEqual([e.workload, ip, port.toString(), withProbes.isAllowed({ ip }, to, port)]);
        }
        counts.claims += 7;
      }
    }
  }), { numRuns: 60, seed: 22 });
  // Report the counts: the property was exercised, not vacuously true.
  expect(counts.clusters).toBe(60);
  expect(counts.claims).toBeGreaterThan(2000);
  console.log(`exposure property: ${counts.clusters} clusters, ${counts.claims} claims checked against isAllowed`);
});

function cidrHolds(cidr: string, ip: string): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ipaddr = require('ipaddr.js');
  const address = ipaddr.parse(ip);
  const [network, bits] = ipaddr.parseCIDR(cidr);
  return address.kind() === network.kind() && address.match(network, bits);
}
