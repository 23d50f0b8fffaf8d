import { Protocol } from '../port';
import { AuditContext, listNames, Report } from './audit-context';
import { IndexedRule, PodRules } from './cluster';
import { ModelPod } from './manifests';
import { CompiledRule } from './policy-model';
import { Interval } from './port-intervals';
import { PortSpan, spansOf } from './port-sets';

/*
 * NETSEC015, one-sided flows: a rule on one side of a connection names the other side's pods (a peer
 * with a podSelector), so the flow was meant, while the other side is isolated in its direction and
 * none of its rules admits that pod on any of the rule's ports. The cluster drops such a connection.
 * Peers that name no pods (a whole namespace, an ipBlock, every destination) mention nobody in
 * particular and are never reported. Findings are grouped per rule: one finding lists every pair.
 */

export function oneSidedFlows(c: AuditContext, report: Report): void {
  for (const direction of ['egress', 'ingress'] as const) {
    for (const indexed of c.index.rules) {
      if (indexed.rule.direction !== direction || !namesPods(indexed.rule)) continue;
      const selected = c.index.selectedBy(indexed.policy);
      const others = specificPeerPods(c, indexed);
      const pairs: string[] = [];
      const deciding = new Set<string>();
      for (const own of selected) {
        for (const other of others) {
          if (own === other) continue;
          // The connection goes client -> server; named ports resolve against the server.
          const [client, server] = direction === 'egress' ? [own, other] : [other, own];
          const isolation = direction === 'egress' ? c.index.ingressOf[server] : c.index.egressOf[client];
          if (isolation.policies.length === 0) continue;
          const serverPod = c.index.pods[server];
          const spans = spansOf(indexed.rule.ports, serverPod);
          if (spans.length === 0) continue;
          const admitted = admittedPorts(c, isolation, direction === 'egress' ? client : server, serverPod);
          const dead = spans.filter(span => !overlaps(admitted.get(span.protocol) ?? [], span));
          if (dead.length === 0) continue;
          pairs.push(`${c.index.podIds[client]} -> ${c.index.podIds[server]} on ${dead.map(s => s.text).join(', ')}`);
          isolation.policies.forEach(p => deciding.add(p.id));
        }
      }
      if (pairs.length === 0) continue;
      const policy = indexed.policy;
      const field = `spec.${direction}[${indexed.rule.index}]`;
      const otherSide = direction === 'egress' ? 'ingress' : 'egress';
      const otherPolicies = [...deciding].sort();
      report({ kind: 'NetworkPolicy', namespace: policy.namespace, name: policy.name },
        `${field} of ${policy.id} names the ${direction === 'egress' ? 'server' : 'client'} pods, but their ${otherSide} policies `
        + `(${listNames(otherPolicies)}) admit none of these connections: ${listNames(pairs.sort(), 10)}`,
        direction === 'egress'
          ? 'Add the matching ingress rule on the server (IsolatedTier.allowFrom writes both sides), or remove the egress rule if the flow is not wanted.'
          : 'Add the matching egress rule on the client (IsolatedTier.allowTo writes both sides), or remove the ingress rule if the flow is not wanted.');
    }
  }
}

/** True when a rule has a peer that selects pods by their labels (not a whole namespace, not addresses). */
function namesPods(rule: CompiledRule): boolean {
  return (rule.peers ?? []).some(p => p.kind === 'pods' && p.podSelector !== undefined && !p.podSelector.matchesAll);
}

/** The pods the rule's label-selecting peers select. */
function specificPeerPods(c: AuditContext, indexed: IndexedRule): number[] {
  const out = new Set<number>();
  (indexed.rule.peers ?? []).forEach((peer, p) => {
    if (peer.kind !== 'pods' || peer.podSelector === undefined || peer.podSelector.matchesAll) return;
    // A negative id keys the index's cache apart from the real rules.
    const single: IndexedRule = { id: -1 - (indexed.id * 10000 + p), rule: { ...indexed.rule, peers: [peer] }, policy: indexed.policy };
    const set = c.index.peerSet(single);
    set.forEach((member, i) => { if (member === 1) out.add(i); });
  });
  return [...out].sort((a, b) => a - b);
}

/** The ports the isolating side's rules admit for the other pod, per protocol. */
function admittedPorts(c: AuditContext, isolation: PodRules, otherPod: number, server: ModelPod): Map<Protocol, Interval[]> {
  const admitted = new Map<Protocol, Interval[]>();
  for (const indexed of isolation.rules) {
    if (c.index.peerSet(indexed)[otherPod] !== 1) continue;
    for (const span of spansOf(indexed.rule.ports, server)) {
      admitted.set(span.protocol, [...admitted.get(span.protocol) ?? [], { start: span.start, end: span.end }]);
    }
  }
  return admitted;
}

function overlaps(intervals: readonly Interval[], span: PortSpan): boolean {
  return intervals.some(i => i.start <= span.end && span.start <= i.end);
}
