/*
 * ClusterNetworkPolicy (policy.networking.k8s.io/v1alpha2), read from the pinned CRD: policies of one tier
 * are evaluated by ascending priority, rules in order, and the first rule whose peer and protocol match
 * decides. Admin: Accept (allowed, NetworkPolicy not consulted), Deny, Pass (on to NetworkPolicy).
 * Baseline: only consulted when no NetworkPolicy isolates the pod; Accept or Deny, no match allows.
 */
import { Direction, NamespaceLabels, namedPortNumbers } from './network-policy';
import { Endpoint, inCidr, ipOf, Pod, podOf, Query, selects } from './world';

export type ClusterAction = 'Accept' | 'Deny' | 'Pass';

function subjectSelects(subject: any, pod: Pod, nsLabels: NamespaceLabels): boolean {
  if (subject?.namespaces) return selects(subject.namespaces, nsLabels(pod.namespace));
  if (subject?.pods) {
    return selects(subject.pods.namespaceSelector ?? {}, nsLabels(pod.namespace)) && selects(subject.pods.podSelector ?? {}, pod.labels);
  }
  throw new Error(`evaluator: ClusterNetworkPolicy subject not understood: ${JSON.stringify(subject)}`);
}

function peerMatches(peer: any, other: Endpoint, nsLabels: NamespaceLabels): boolean {
  const pod = podOf(other);
  if (peer.networks) {
    const ip = ipOf(other);
    return ip !== undefined && peer.networks.some((cidr: string) => inCidr(ip, cidr));
  }
  if (!pod) return false;
  if (peer.namespaces) return selects(peer.namespaces, nsLabels(pod.namespace));
  if (peer.pods) {
    return selects(peer.pods.namespaceSelector ?? {}, nsLabels(pod.namespace)) && selects(peer.pods.podSelector ?? {}, pod.labels);
  }
  return false;
}

function protocolMatches(entry: any, q: Query): boolean {
  if (entry.destinationNamedPort !== undefined) {
    return namedPortNumbers(podOf(q.destination), entry.destinationNamedPort, q.protocol).includes(q.port);
  }
  const proto = entry[q.protocol.toLowerCase()];
  if (proto === undefined) return false;
  const dp = proto.destinationPort;
  if (dp === undefined) return true;
  if (dp.number !== undefined) return dp.number === q.port;
  if (dp.range) return q.port >= dp.range.start && q.port <= dp.range.end;
  return false;
}

/** The first matching action of a tier for one side, or undefined when no rule matches. */
export function clusterVerdict(objects: any[], tier: 'Admin' | 'Baseline', pod: Pod, direction: Direction, q: Query, nsLabels: NamespaceLabels): ClusterAction | undefined {
  const policies = objects
    .filter((o) => o.kind === 'ClusterNetworkPolicy' && o.spec?.tier === tier)
    .sort((a, b) => a.spec.priority - b.spec.priority);
  const other = direction === 'ingress' ? q.source : q.destination;
  for (const policy of policies) {
    if (!subjectSelects(policy.spec.subject, pod, nsLabels)) continue;
    for (const rule of policy.spec[direction] ?? []) {
      const peers = direction === 'ingress' ? rule.from : rule.to;
      if (!(peers ?? []).some((p: any) => peerMatches(p, other, nsLabels))) continue;
      if (Array.isArray(rule.protocols) && !rule.protocols.some((e: any) => protocolMatches(e, q))) continue;
      return rule.action;
    }
  }
  return undefined;
}
