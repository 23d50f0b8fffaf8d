import { Port, Protocol } from '../../../src';
import { Reachability } from '../../../src/analysis/reachability';
import { ReachabilityDiff } from '../../../src/analysis/report/diff';
import { FlowEndpointKind } from '../../../src/analysis/report/flow-endpoint-kind';
import { AuditSeverity } from '../../../src/audit/audit-finding';
import { namespace, pod, policy } from '../fixtures';

/*
 * ReachabilityDiff lives in src/analysis/diff.ts; its tests sit with the CLI that is its first user.
 * Two pods, x/a and x/b; `ingress` is the ingress rule list of a policy selecting b (undefined: no policy).
 */
function model(ingress?: any[], extra: any[] = []): Reachability {
  const objects = [namespace('x'), pod('x', 'a', { labels: { app: 'a' } }), pod('x', 'b', { labels: { app: 'b' } }), ...extra];
  if (ingress) objects.push(policy('x', 'b', { podSelector: { matchLabels: { app: 'b' } }, policyTypes: ['Ingress'], ingress }));
  return Reachability.fromManifests(objects);
}

const fromA = (ports: any[]) => [{ from: [{ podSelector: { matchLabels: { app: 'a' } } }], ports }];
const show = (changes: ReachabilityDiff['opened']) => changes.map(c => `${c.source} -> ${c.destination}: ${c.description}${c.wholeFlow ? ' (whole flow)' : ''}`);

describe('ReachabilityDiff', () => {
  test('overlapping ranges: only the ports outside the overlap open and close', () => {
    const change = ReachabilityDiff.between(model(fromA([{ port: 80, endPort: 90 }])), model(fromA([{ port: 85, endPort: 95 }])));
    expect(show(change.opened)).toEqual(['x/a -> x/b: TCP 91-95']);
    expect(show(change.closed)).toEqual(['x/a -> x/b: TCP 80-84']);
    expect(change.opened[0].ports.map(p => p.toString())).toEqual(['TCP 91-95']);
    expect(change.isEmpty).toBe(false);
  });

  test('narrowing a whole protocol to one port closes the rest of it, as two ranges', () => {
    const change = ReachabilityDiff.between(model(fromA([{ protocol: 'TCP' }])), model(fromA([{ port: 443 }])));
    expect(change.opened).toEqual([]);
    expect(show(change.closed)).toEqual(['x/a -> x/b: TCP 1-442, 444-65535']);
    expect(change.closed[0].ports.map(p => [p.protocol, p.startPort, p.endPort])).toEqual([[Protocol.TCP, 1, 442], [Protocol.TCP, 444, 65535]]);
  });

  test('a pair that could not connect and now may on everything opens as a whole flow of all traffic', () => {
    const change = ReachabilityDiff.between(model([]), model());
    // Dropping the policy also opens b to every address outside the cluster.
    expect(show(change.opened)).toEqual(['x/a -> x/b: all traffic (whole flow)', '0.0.0.0-255.255.255.255 -> x/b: all traffic (whole flow)']);
    expect(change.opened[1].sourceKind).toBe(FlowEndpointKind.ADDRESS_RANGE);
    expect(change.opened[0].ports.map(p => p.toString())).toEqual(['TCP all ports', 'UDP all ports', 'SCTP all ports']);
    expect(change.opened[0].ports.every(p => p.isAllPorts)).toBe(true);
    expect(change.closed).toEqual([]);
  });

  test('closing a flow entirely is a whole flow; partial changes per protocol keep the protocol order', () => {
    const before = model(fromA([{ port: 53, protocol: 'UDP' }, { port: 80 }]));
    const closing = ReachabilityDiff.between(before, model([]));
    expect(show(closing.closed)).toEqual(['x/a -> x/b: TCP 80; UDP 53 (whole flow)']);
    const partial = ReachabilityDiff.between(before, model(fromA([{ port: 53, protocol: 'TCP' }, { protocol: 'UDP' }])));
    expect(show(partial.opened)).toEqual(['x/a -> x/b: TCP 53; UDP 1-52, 54-65535']);
    expect(show(partial.closed)).toEqual(['x/a -> x/b: TCP 80']);
  });

  test('changes are sorted by source, then destination, by namespace then name', () => {
    const pods = (ns: string[]) => ns.map(n => pod(n, 'p'));
    const change = ReachabilityDiff.between(Reachability.fromManifests([]), Reachability.fromManifests(pods(['a-b', 'a', 'b'])));
    expect(change.opened.filter(c => c.sourceKind === undefined && c.destinationKind === undefined).map(c => `${c.source} ${c.destination}`)).toEqual([
      'a/p a-b/p', 'a/p b/p', 'a-b/p a/p', 'a-b/p b/p', 'b/p a/p', 'b/p a-b/p',
    ]);
  });

  test('the same manifests are no change, and say so in Markdown', () => {
    const change = ReachabilityDiff.between(model(fromA([{ port: 80 }])), model(fromA([{ port: 80 }])));
    expect(change.isEmpty).toBe(true);
    expect(change.toMarkdown()).toBe('No change: the same flows are allowed and the audit reports the same findings.\n');
  });

  test('findings are compared by rule, object and message: added, resolved, and kept ones left out', () => {
    const lb = (name: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'x' }, spec: { type: 'LoadBalancer' } });
    const change = ReachabilityDiff.between(model([], [lb('old'), lb('kept')]), model([], [lb('kept'), lb('new')]));
    expect(change.opened).toEqual([]);
    expect(change.findingsAdded.map(f => `${f.ruleId} ${f.resource}`)).toEqual(['NETSEC006 Service x/new']);
    expect(change.findingsResolved.map(f => `${f.ruleId} ${f.resource}`)).toEqual(['NETSEC006 Service x/old']);
    expect(change.isEmpty).toBe(false);
  });

  test('the audit options apply to both sides', () => {
    const lb = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb', namespace: 'x' }, spec: { type: 'LoadBalancer' } };
    expect(ReachabilityDiff.between(model([]), model([], [lb]), { ignore: ['NETSEC006'] }).isEmpty).toBe(true);
    expect(ReachabilityDiff.between(model([]), model([], [lb]), { minSeverity: AuditSeverity.CRITICAL }).isEmpty).toBe(true);
    expect(ReachabilityDiff.between(model([]), model([], [lb])).findingsAdded).toHaveLength(1);
  });

  test('toMarkdown has a table per direction and a list per finding change, leaving empty sections out', () => {
    const lb = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb', namespace: 'x' }, spec: { type: 'LoadBalancer' } };
    const change = ReachabilityDiff.between(model(fromA([{ port: 80 }])), model(fromA([{ port: 80, endPort: 81 }]), [lb]),
      { minSeverity: AuditSeverity.MEDIUM });
    const markdown = change.toMarkdown();
    expect(markdown).toBe([
      '### Flows opened (1)',
      '',
      '| From | To | Ports | Change |',
      '| --- | --- | --- | --- |',
      '| `x/a` | `x/b` | TCP 81 | more ports |',
      '',
      '### Findings added (1)',
      '',
      `- **HIGH** NETSEC006 load-balancer-without-source-ranges: Service x/lb: ${change.findingsAdded[0].message}`,
      '',
    ].join('\n'));
    expect(markdown).not.toContain('closed');
  });

  test('FlowChange ports are ordinary Port values', () => {
    const change = ReachabilityDiff.between(model([]), model(fromA([{ port: 8080 }])));
    expect(change.opened[0].ports[0].isCoveredBy(Port.tcp(8080))).toBe(true);
  });

  test('address flows are compared address by address: a narrowed ipBlock closes exactly the addresses it no longer allows', () => {
    const egress = (cidr: string, except: string[] = []) => [namespace('x'), pod('x', 'a', { labels: { app: 'a' } }),
      policy('x', 'a-out', { podSelector: { matchLabels: { app: 'a' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr, except } }], ports: [{ port: 443 }] }] })];
    const change = ReachabilityDiff.between(Reachability.fromManifests(egress('10.0.0.0/8')), Reachability.fromManifests(egress('10.0.0.0/8', ['10.1.0.0/16'])));
    expect(change.opened).toEqual([]);
    expect(show(change.closed)).toEqual(['x/a -> 10.1.0.0-10.1.255.255: TCP 443 (whole flow)']);
    expect(change.closed[0].destinationKind).toBe(FlowEndpointKind.ADDRESS_RANGE);

    const widened = ReachabilityDiff.between(Reachability.fromManifests(egress('10.0.0.0/8')), Reachability.fromManifests(egress('0.0.0.0/0', ['169.254.169.254/32'])));
    expect(show(widened.opened)).toEqual([
      'x/a -> 0.0.0.0-9.255.255.255: TCP 443 (whole flow)',
      'x/a -> 11.0.0.0-169.254.169.253: TCP 443 (whole flow)',
      'x/a -> 169.254.169.255-255.255.255.255: TCP 443 (whole flow)',
    ]);
  });
});

