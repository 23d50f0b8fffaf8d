import { AuditContext, listNames, policySubject, Report } from './audit-context';
import { IndexedRule } from '../analysis/engine/cluster';
import { CompiledPolicyPort, CompiledRule } from '../analysis/policies/policy-model';
import { PortSpan, spansOf } from '../analysis/policies/port-sets';

/*
 * NETSEC015, one-sided flows: a rule on one side of a connection names the other side's pods (a peer
 * with a podSelector), so the flow was meant, while the other side is isolated in its direction and
 * none of its rules admits that pod on any of the rule's ports. The cluster drops such a connection.
 * Peers that name no pods (a whole namespace, an ipBlock, every destination) mention nobody in
 * particular and are never reported. Findings are grouped per rule: one finding lists every pair.
 */

export function oneSidedFlows(c: AuditContext, report: Report): void {
  const admitted = new AdmissionCache(c);
  const selectedCache = new Map<string, number[]>();
  for (const direction of ['egress', 'ingress'] as const) {
    for (const indexed of c.index.rules) {
      if (indexed.rule.direction !== direction || !namesPods(indexed.rule)) continue;
      let selected = selectedCache.get(indexed.policy.id);
      if (selected === undefined) selectedCache.set(indexed.policy.id, selected = c.index.selectedBy(indexed.policy));
      const others = specificPeerPods(c, indexed);
      const pairs: { client: number; server: number; dead: PortSpan[] }[] = [];
      const deciding = new Set<string>();
      // Servers in the outer loop: named ports resolve against the server.
      const [servers, clients] = direction === 'egress' ? [others, selected] : [selected, others];
      for (const server of servers) {
        const serverPod = c.index.pods[server];
        const spans = spansOf(indexed.rule.ports, serverPod);
        if (spans.length === 0) continue;
        for (const client of clients) {
          if (client === server) continue;
          const isolation = direction === 'egress' ? c.index.ingressOf[server] : c.index.egressOf[client];
          if (isolation.policies.length === 0) continue;
          const dead = spans.filter(span => (direction === 'egress'
            ? !admitted.ingress(server, client, span)
            : !admitted.egress(client, server, span)));
          if (dead.length === 0) continue;
          pairs.push({ client, server, dead });
          isolation.policies.forEach(p => deciding.add(p.id));
        }
      }
      if (pairs.length === 0) continue;
      const policy = indexed.policy;
      const field = `spec.${direction}[${indexed.rule.index}]`;
      const otherSide = direction === 'egress' ? 'ingress' : 'egress';
      const otherPolicies = [...deciding].sort();
      report(policySubject(policy),
        `${field} of ${policy.id} names the ${direction === 'egress' ? 'server' : 'client'} pods, but their ${otherSide} policies `
        + `(${listNames(otherPolicies)}) admit none of these connections: ${describePairs(c, pairs)}`,
        direction === 'egress'
          ? 'Add the matching ingress rule on the server (IsolatedTier.allowFrom writes both sides), or remove the egress rule if the flow is not wanted.'
          : 'Add the matching egress rule on the client (IsolatedTier.allowTo writes both sides), or remove the ingress rule if the flow is not wanted.');
    }
  }
}

/**
 * Whether one side admits the other on a span of ports. Each pod's isolating rules are prepared once
 * (the pods their peers select, their ports as spans); a client's egress rules with named ports resolve
 * against each server.
 */
class AdmissionCache {
  private readonly ingressRules = new Map<number, { members: Uint8Array; spans?: PortSpan[] }[]>();
  private readonly egressRules = new Map<number, { members: Uint8Array; ports?: readonly CompiledPolicyPort[]; spans?: PortSpan[] }[]>();
  public constructor(private readonly c: AuditContext) {}

  /** True when the server's ingress rules admit the client on some port of the span. */
  public ingress(server: number, client: number, span: PortSpan): boolean {
    let rules = this.ingressRules.get(server);
    if (rules === undefined) {
      const pod = this.c.index.pods[server];
      rules = this.c.index.ingressOf[server].rules.map(indexed => ({
        members: this.c.index.peerSet(indexed),
        spans: spansOf(indexed.rule.ports, pod),
      }));
      this.ingressRules.set(server, rules);
    }
    return rules.some(r => r.members[client] === 1 && r.spans!.some(s => overlap(s, span)));
  }

  /** True when the client's egress rules allow the server on some port of the span. */
  public egress(client: number, server: number, span: PortSpan): boolean {
    let rules = this.egressRules.get(client);
    if (rules === undefined) {
      rules = this.c.index.egressOf[client].rules.map(indexed => ({
        members: this.c.index.peerSet(indexed),
        ports: indexed.rule.ports,
        spans: (indexed.rule.ports ?? []).some(p => p.name !== undefined) ? undefined : spansOf(indexed.rule.ports, this.c.index.pods[server]),
      }));
      this.egressRules.set(client, rules);
    }
    const pod = this.c.index.pods[server];
    return rules.some(r => r.members[server] === 1
      && (r.spans ?? spansOf(r.ports, pod)).some(s => overlap(s, span)));
  }
}

/** True when two spans share a port. */
function overlap(a: PortSpan, b: PortSpan): boolean {
  return a.protocol === b.protocol && a.start <= b.end && b.start <= a.end;
}

/** The first ten pairs (pods are indexed in id order, so sorting positions sorts ids), then a count. */
function describePairs(c: AuditContext, pairs: { client: number; server: number; dead: PortSpan[] }[]): string {
  pairs.sort((a, b) => a.client - b.client || a.server - b.server);
  const shown = pairs.slice(0, 10).map(p => `${c.index.podIds[p.client]} -> ${c.index.podIds[p.server]} on ${p.dead.map(s => s.text).join(', ')}`);
  return pairs.length > 10 ? `${shown.join(', ')} and ${pairs.length - 10} more` : shown.join(', ');
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
