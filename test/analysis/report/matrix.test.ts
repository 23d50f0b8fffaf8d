import * as fc from 'fast-check';
import { Reachability } from '../../../src/analysis';
import { Port } from '../../../src/core/port';
import { namespace, pod, policy } from '../fixtures';

function small(): Reachability {
  return Reachability.fromManifests([
    pod('x', 'a', { labels: { app: 'a' }, ports: [['http', 8080]] }),
    pod('x', 'b', { labels: { app: 'b' }, ports: [['http', 8081]] }),
    pod('y', 'c', { labels: { app: 'c' } }),
    policy('x', 'a', { podSelector: { matchLabels: { app: 'a' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'b' } } }], ports: [{ port: 'http' }] }] }),
    policy('y', 'c', { podSelector: {}, policyTypes: ['Egress'] }),
  ]);
}

describe('matrix', () => {
  test('prints a truth table with . for allowed and X for denied', () => {
    expect(small().matrix(Port.tcp(8080)).toString()).toBe([
      'TCP 8080 (. allowed, X denied)',
      'from \\ to x/a x/b y/c',
      'x/a       .   .   .',
      'x/b       .   .   .',
      'y/c       X   X   .',
    ].join('\n'));
  });

  test('lists allowed pairs of distinct pods and counts every allowed cell', () => {
    const m = small().matrix(Port.tcp(9))!;
    expect(m.pods).toEqual(['x/a', 'x/b', 'y/c']);
    expect(m.allowedPairs()).toEqual([
      { source: 'x/a', destination: 'x/b' }, { source: 'x/a', destination: 'y/c' }, { source: 'x/b', destination: 'y/c' },
    ]);
    expect(m.allowedCount).toBe(6);
    expect(m.port.toString()).toBe('TCP 9');
  });

  test('a named port resolves per destination column; a pod without the name is unreachable on it', () => {
    const m = small().matrix(Port.named('http'));
    expect(m.isAllowed('x/b', 'x/a')).toBe(true);
    expect(m.isAllowed('x/a', 'x/b')).toBe(true);
    expect(m.isAllowed('x/a', 'y/c')).toBe(false);
    expect(m.isAllowed('y/c', 'y/c')).toBe(false);
    expect(m.isAllowed('x/a', 'x/a')).toBe(true);
  });

  test('an unknown pod label is an error listing the pods', () => {
    expect(() => small().matrix(Port.tcp(1)).isAllowed('x/a', 'a'))
      .toThrow('ReachabilityMatrix: names a pod that is not in the matrix ("a"). Name a pod as "namespace/pod"; the matrix has: x/a, x/b, y/c.');
  });
});

/*
 * The matrix engine (precomputed pod sets, unions shared between pods) against the per-connection
 * evaluation (explain), on random clusters and policies: both must give the same verdict for every pair.
 */
describe('matrix agrees with explain on random clusters', () => {
  const NS = ['n1', 'n2', 'n3'];
  const label = fc.record({ tier: fc.constantFrom('web', 'api', 'db'), env: fc.constantFrom('prod', 'dev', undefined) });
  const labelsOf = (l: { tier: string; env?: string }): Record<string, string> => (l.env ? { tier: l.tier, env: l.env } : { tier: l.tier });
  const inExpression = fc.record({
    key: fc.constantFrom('tier', 'env', 'team'),
    operator: fc.constantFrom('In', 'NotIn'),
    values: fc.subarray(['web', 'api', 'prod', 'n1', 'n2'], { minLength: 1 }),
  });
  const existsExpression = fc.record({
    key: fc.constantFrom('tier', 'env', 'team', 'kubernetes.io/metadata.name'),
    operator: fc.constantFrom('Exists', 'DoesNotExist'),
  });
  const selector = fc.oneof(
    fc.constant({}),
    fc.record({ matchLabels: label.map(labelsOf) }),
    fc.record({ matchExpressions: fc.array(fc.oneof(inExpression, existsExpression), { minLength: 1, maxLength: 2 }) }),
  );
  const nsSelector = fc.oneof(fc.constant({}), fc.record({ matchLabels: fc.constantFrom(...NS).map(n => ({ 'kubernetes.io/metadata.name': n })) }),
    fc.record({ matchLabels: fc.constant({ team: 'blue' }) }));
  const peer = fc.oneof(
    fc.record({ podSelector: selector }),
    fc.record({ namespaceSelector: nsSelector }),
    fc.record({ podSelector: selector, namespaceSelector: nsSelector }),
    fc.record({ ipBlock: fc.constantFrom({ cidr: '10.0.0.0/8', excluded: ['10.0.1.0/24'] }, { cidr: '10.0.2.0/24' }, { cidr: 'fd00::/8' }) }),
  );
  const policyPort = fc.oneof(
    fc.record({ port: fc.constantFrom(80, 81, 443) }),
    fc.record({ protocol: fc.constantFrom('TCP', 'UDP', 'SCTP'), port: fc.constantFrom(80, 81) }),
    fc.record({ port: fc.constant(70), endPort: fc.constantFrom(80, 90) }),
    fc.record({ protocol: fc.constantFrom('TCP', 'UDP') }),
    fc.record({ port: fc.constantFrom('http', 'metrics') }),
  );
  const rule = fc.record({
    peers: fc.option(fc.array(peer, { maxLength: 2 })),
    ports: fc.option(fc.array(policyPort, { minLength: 1, maxLength: 2 })),
  });
  const toRule = (r: { peers: any[] | null; ports: any[] | null }, key: string) => ({
    ...(r.peers ? { [key]: r.peers } : {}), ...(r.ports ? { ports: r.ports } : {}),
  });
  const generatedPolicy = fc.record({
    ns: fc.constantFrom(...NS),
    podSelector: selector,
    types: fc.constantFrom(['Ingress'], ['Egress'], ['Ingress', 'Egress'], undefined),
    ingress: fc.option(fc.array(rule, { maxLength: 2 })),
    egress: fc.option(fc.array(rule, { maxLength: 2 })),
  });
  const generatedPod = fc.record({
    ns: fc.constantFrom(...NS), labels: label, ip: fc.boolean(), named: fc.constantFrom('http', 'metrics', undefined),
  });

  test('for every pair, on a numeric and a named port', () => {
    fc.assert(fc.property(fc.array(generatedPod, { minLength: 1, maxLength: 8 }), fc.array(generatedPolicy, { maxLength: 5 }),
      fc.constantFrom(Port.tcp(80), Port.tcp(75), Port.udp(81), Port.sctp(80), Port.named('http'), Port.named('metrics')),
      (pods, policies, query) => {
        const objects: any[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n2', labels: { team: 'blue' } } }];
        pods.forEach((p, i) => objects.push(pod(p.ns, `p${i}`, {
          labels: labelsOf(p.labels),
          ...(p.ip ? { ips: [`10.0.${i % 3}.${i + 1}`, `fd00::${i + 1}`] } : {}),
          ports: p.named ? [[p.named, i % 2 === 0 ? 80 : 81]] : [],
        })));
        policies.forEach((g, i) => objects.push(policy(g.ns, `np${i}`, {
          podSelector: g.podSelector,
          ...(g.types ? { policyTypes: g.types } : {}),
          ...(g.ingress ? { ingress: g.ingress.map(r => toRule(r, 'from')) } : {}),
          ...(g.egress ? { egress: g.egress.map(r => toRule(r, 'to')) } : {}),
        })));
        const r = Reachability.fromManifests(objects);
        const m = r.matrix(query);
        const endpoint = (id: string) => ({ namespace: id.split('/')[0], pod: id.split('/')[1] });
        for (const from of r.pods) {
          for (const to of r.pods) {
            expect([from, to, m.isAllowed(from, to)]).toEqual([from, to, r.explain(endpoint(from), endpoint(to), query).allowed]);
          }
        }
      }), { numRuns: 300, seed: 20240611 });
  });
});

describe('matrix with address ranges', () => {
  test('rows and columns for the largest ranges in which every pod answers the same', () => {
    const r = Reachability.fromManifests([namespace('x'), pod('x', 'a', { labels: { app: 'a' }, ports: [['http', 80]] }), pod('x', 'b', { labels: { app: 'b' } }),
      policy('x', 'a', {
        podSelector: { matchLabels: { app: 'a' } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }],
        egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/16' } }] }],
      })]);
    const m = r.matrix(Port.tcp(80), { includeAddresses: true });
    expect(m.addressRanges).toEqual(['0.0.0.0-9.255.255.255', '10.0.0.0-10.0.255.255', '10.1.0.0-10.255.255.255', '11.0.0.0-255.255.255.255']);
    expect(m.isAllowed('10.0.0.0-10.0.255.255', 'x/a')).toBe(true);
    expect(m.isAllowed('10.1.0.0-10.255.255.255', 'x/a')).toBe(true);
    expect(m.isAllowed('11.0.0.0-255.255.255.255', 'x/a')).toBe(false);
    expect(m.isAllowed('x/a', '10.0.0.0-10.0.255.255')).toBe(true);
    expect(m.isAllowed('x/a', '10.1.0.0-10.255.255.255')).toBe(false);
    expect(m.isAllowed('x/b', '11.0.0.0-255.255.255.255')).toBe(true);
    expect(m.isAllowed('0.0.0.0-9.255.255.255', '11.0.0.0-255.255.255.255')).toBe(false);
    expect(m.toString().split('\n').pop()).toBe('11.0.0.0-255.255.255.255 X   .   -                     -                     -                       -');
    // A named port never reaches an address: only a pod gives the name a number.
    const named = r.matrix(Port.named('http'), { includeAddresses: true });
    // With no outbound answer left to tell them apart, 10.0.0.0/16 and the rest of 10.0.0.0/8 are one range.
    expect(named.addressRanges).toEqual(['0.0.0.0-9.255.255.255', '10.0.0.0-10.255.255.255', '11.0.0.0-255.255.255.255']);
    expect(named.isAllowed('x/a', '10.0.0.0-10.255.255.255')).toBe(false);
    expect(named.isAllowed('10.0.0.0-10.255.255.255', 'x/a')).toBe(true);
    expect(r.matrix(Port.tcp(80)).pods).toEqual(['x/a', 'x/b']);
  });
});
