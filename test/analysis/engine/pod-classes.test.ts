import * as fc from 'fast-check';
import { Reachability } from '../../../src/analysis';
import { refineClasses } from '../../../src/analysis/engine/pod-classes';
import { Port } from '../../../src/core/port';
import { namespace, pod, policy } from '../fixtures';

/** Every cell of the matrix against the per-connection path (which judges each pod on its own), and the count. */
function expectMatrixAgreesWithIsAllowed(r: Reachability, port: Port): void {
  const m = r.matrix(port);
  let allowed = 0;
  for (const from of r.pods) {
    for (const to of r.pods) {
      const [fromNamespace, fromPod] = from.split('/');
      const [toNamespace, toPod] = to.split('/');
      const expected = r.isAllowed({ namespace: fromNamespace, pod: fromPod }, { namespace: toNamespace, pod: toPod }, port);
      if (m.isAllowed(from, to) !== expected) throw new Error(`${from} -> ${to} on ${port}: matrix ${!expected}, isAllowed ${expected}`);
      if (expected) allowed++;
    }
  }
  expect(m.allowedCount).toBe(allowed);
}

describe('pods that share labels share matrix answers only when nothing else tells them apart', () => {
  test('a pod IP an ipBlock names: same labels, different answers', () => {
    const r = Reachability.fromManifests([
      pod('x', 'client-in', { labels: { app: 'client' }, ip: '10.1.0.5' }),
      pod('x', 'client-out', { labels: { app: 'client' }, ip: '10.2.0.5' }),
      pod('x', 'server', { labels: { app: 'server' } }),
      policy('x', 'server', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ ipBlock: { cidr: '10.1.0.0/16' } }] }] }),
    ]);
    const m = r.matrix(Port.tcp(80));
    expect(m.isAllowed('x/client-in', 'x/server')).toBe(true);
    expect(m.isAllowed('x/client-out', 'x/server')).toBe(false);
    expect(m.isAllowed('x/client-out', 'x/client-in')).toBe(true);
    expectMatrixAgreesWithIsAllowed(r, Port.tcp(80));
  });

  test('a named port in a rule: same labels, the pod that gives the name another number is denied', () => {
    const r = Reachability.fromManifests([
      pod('x', 'web-8080', { labels: { app: 'web' }, ports: [['http', 8080]] }),
      pod('x', 'web-9090', { labels: { app: 'web' }, ports: [['http', 9090]] }),
      pod('x', 'web-none', { labels: { app: 'web' } }),
      pod('x', 'client', { labels: { app: 'client' } }),
      policy('x', 'web', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 'http' }] }] }),
    ]);
    const numeric = r.matrix(Port.tcp(8080));
    expect(numeric.isAllowed('x/client', 'x/web-8080')).toBe(true);
    expect(numeric.isAllowed('x/client', 'x/web-9090')).toBe(false);
    expect(numeric.isAllowed('x/client', 'x/web-none')).toBe(false);
    const named = r.matrix(Port.named('http'));
    expect(named.isAllowed('x/client', 'x/web-9090')).toBe(true);
    // No port of that name: unreachable on it, even from itself.
    expect(named.isAllowed('x/web-none', 'x/web-none')).toBe(false);
    expect(named.isAllowed('x/web-8080', 'x/web-8080')).toBe(true);
    expectMatrixAgreesWithIsAllowed(r, Port.tcp(8080));
    expectMatrixAgreesWithIsAllowed(r, Port.named('http'));
  });

  test('two interchangeable pods under default deny: each reaches itself, not the other', () => {
    const r = Reachability.fromManifests([
      pod('x', 'a1', { labels: { app: 'a' } }),
      pod('x', 'a2', { labels: { app: 'a' } }),
      policy('x', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    ]);
    const m = r.matrix(Port.tcp(80));
    expect(m.isAllowed('x/a1', 'x/a1')).toBe(true);
    expect(m.isAllowed('x/a2', 'x/a2')).toBe(true);
    expect(m.isAllowed('x/a1', 'x/a2')).toBe(false);
    expect(m.isAllowed('x/a2', 'x/a1')).toBe(false);
    expect(m.allowedCount).toBe(2);
  });

  test('same labels in namespaces with different labels: a namespaceSelector tells them apart', () => {
    const r = Reachability.fromManifests([
      namespace('p', { env: 'prod' }),
      namespace('d', { env: 'dev' }),
      pod('p', 'api', { labels: { app: 'api' } }),
      pod('d', 'api', { labels: { app: 'api' } }),
      pod('p', 'db', { labels: { app: 'db' } }),
      policy('p', 'db', {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { env: 'prod' } }, podSelector: { matchLabels: { app: 'api' } } }] }],
      }),
    ]);
    const m = r.matrix(Port.tcp(5432));
    expect(m.isAllowed('p/api', 'p/db')).toBe(true);
    expect(m.isAllowed('d/api', 'p/db')).toBe(false);
    expectMatrixAgreesWithIsAllowed(r, Port.tcp(5432));
  });

  test('random clusters: every matrix cell agrees with isAllowed, and allowedCount with the cells', () => {
    const labelValue = fc.constantFrom('a', 'b', 'c');
    const selector = fc.oneof(
      fc.record({ matchLabels: fc.record({ app: labelValue }) }),
      fc.record({ matchExpressions: fc.tuple(fc.constantFrom('In', 'NotIn'), labelValue).map(([operator, v]) => [{ key: 'tier', operator, values: [v] }]) }),
    );
    const peer = fc.oneof(
      selector.map(s => ({ podSelector: s })),
      fc.constantFrom('x', 'y').map(ns => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } })),
      fc.constantFrom('10.0.0.0/24', '10.0.1.0/24').map(cidr => ({ ipBlock: { cidr } })),
    );
    const ports = fc.option(fc.constantFrom([{ port: 80 }], [{ port: 'http' }], [{ port: 70, endPort: 90 }]), { nil: undefined });
    const rule = (key: string) => fc.record({ peers: fc.array(peer, { minLength: 0, maxLength: 2 }), ports })
      .map(({ peers, ports: p }) => ({ ...(peers.length > 0 ? { [key]: peers } : {}), ...(p ? { ports: p } : {}) }));
    const np = fc.record({
      ns: fc.constantFrom('x', 'y'),
      podSelector: selector,
      types: fc.constantFrom(['Ingress'], ['Egress'], ['Ingress', 'Egress']),
      ingress: fc.array(rule('from'), { maxLength: 2 }),
      egress: fc.array(rule('to'), { maxLength: 2 }),
    });
    const podSpec = fc.record({
      ns: fc.constantFrom('x', 'y'),
      app: labelValue,
      tier: labelValue,
      ip: fc.option(fc.constantFrom('10.0.0.1', '10.0.1.1', '10.0.2.1'), { nil: undefined }),
      http: fc.option(fc.constantFrom(80, 8080), { nil: undefined }),
    });
    fc.assert(fc.property(fc.array(podSpec, { minLength: 1, maxLength: 8 }), fc.array(np, { maxLength: 4 }), (pods, policies) => {
      const r = Reachability.fromManifests([
        ...pods.map((p, i) => pod(p.ns, `p${i}`, {
          labels: { app: p.app, tier: p.tier }, ...(p.ip ? { ip: p.ip } : {}), ports: p.http ? [['http', p.http]] : [],
        })),
        ...policies.map((p, i) => policy(p.ns, `np${i}`, {
          podSelector: p.podSelector,
          policyTypes: p.types,
          ...(p.types.includes('Ingress') ? { ingress: p.ingress } : {}),
          ...(p.types.includes('Egress') ? { egress: p.egress } : {}),
        })),
      ]);
      expectMatrixAgreesWithIsAllowed(r, Port.tcp(80));
      expectMatrixAgreesWithIsAllowed(r, Port.named('http'));
    }), { numRuns: 150 });
  });
});

describe('refineClasses', () => {
  test('merges classes with the same key and the same membership in every partition, and only those', () => {
    const { mergedOf, count } = refineClasses(['r1', 'r1', 'r1', 'r2'], [Uint8Array.of(1, 1, 0, 1), Uint8Array.of(0, 0, 0, 0)]);
    expect(count).toBe(3);
    expect(mergedOf[0]).toBe(mergedOf[1]);
    expect(mergedOf[2]).not.toBe(mergedOf[0]);
    expect(mergedOf[3]).not.toBe(mergedOf[0]);
    expect(mergedOf[3]).not.toBe(mergedOf[2]);
  });
});
