/*
 * Kubernetes NetworkPolicy (networking.k8s.io/v1), read naively from the API reference: a pod is isolated
 * in a direction when a policy selecting it has that policyType; it then accepts exactly the union of the
 * rules of those policies. Peers: podSelector (policy namespace), namespaceSelector, both (AND), ipBlock
 * (addresses outside the cluster, minus except). Ports: number, endPort, named (the destination pod's
 * container port), protocol defaulting to TCP; a missing port list means every port.
 */
import { Endpoint, inCidr, ipOf, Pod, podOf, Query, selects } from './world';

export type Direction = 'ingress' | 'egress';

/** The namespace labels of a pod's namespace: its own name label plus what Namespace objects say. */
export type NamespaceLabels = (namespace: string) => { [key: string]: string };

/** The policyTypes a policy has, with the API server's defaults. */
export function policyTypes(spec: any): Direction[] {
  if (Array.isArray(spec.policyTypes)) return spec.policyTypes.map((t: string) => t.toLowerCase() as Direction);
  const types: Direction[] = ['ingress'];
  if (Array.isArray(spec.egress) && spec.egress.length > 0) types.push('egress');
  return types;
}

function peerMatches(peer: any, policyNamespace: string, other: Endpoint, nsLabels: NamespaceLabels): boolean {
  const pod = podOf(other);
  if (peer.ipBlock) {
    const ip = ipOf(other);
    if (ip === undefined) return false; // pod addresses are not modelled: ipBlock names the outside
    if (!inCidr(ip, peer.ipBlock.cidr)) return false;
    return !(peer.ipBlock.except ?? []).some((e: string) => inCidr(ip, e));
  }
  if (!pod) return false;
  if (peer.namespaceSelector === undefined && peer.podSelector === undefined) return false;
  const nsOk = peer.namespaceSelector !== undefined
    ? selects(peer.namespaceSelector, nsLabels(pod.namespace))
    : pod.namespace === policyNamespace;
  const podOk = peer.podSelector === undefined || selects(peer.podSelector, pod.labels);
  return nsOk && podOk;
}

/** The numbers a named port stands for on the destination pod, for one protocol. */
export function namedPortNumbers(pod: Pod | undefined, name: string, protocol: string): number[] {
  return (pod?.ports ?? []).filter((p) => p.name === name && (p.protocol ?? 'TCP') === protocol).map((p) => p.containerPort);
}

function portMatches(entry: any, q: Query): boolean {
  if ((entry.protocol ?? 'TCP') !== q.protocol) return false;
  if (entry.port === undefined) return true;
  if (typeof entry.port === 'string') {
    return namedPortNumbers(podOf(q.destination), entry.port, q.protocol).includes(q.port);
  }
  const end = entry.endPort ?? entry.port;
  return q.port >= entry.port && q.port <= end;
}

function ruleMatches(rule: any, direction: Direction, policyNamespace: string, q: Query, nsLabels: NamespaceLabels): boolean {
  const peers = direction === 'ingress' ? rule.from : rule.to;
  const other = direction === 'ingress' ? q.source : q.destination;
  const peerOk = !Array.isArray(peers) || peers.length === 0 || peers.some((p: any) => peerMatches(p, policyNamespace, other, nsLabels));
  const portOk = !Array.isArray(rule.ports) || rule.ports.length === 0 || rule.ports.some((e: any) => portMatches(e, q));
  return peerOk && portOk;
}

/** The NetworkPolicy verdict for one side: undefined when no policy isolates `pod` in `direction`. */
export function networkPolicyVerdict(policies: any[], pod: Pod, direction: Direction, q: Query, nsLabels: NamespaceLabels): boolean | undefined {
  let isolated = false;
  for (const np of policies) {
    if ((np.metadata.namespace ?? 'default') !== pod.namespace) continue;
    if (!selects(np.spec.podSelector ?? {}, pod.labels)) continue;
    if (!policyTypes(np.spec).includes(direction)) continue;
    isolated = true;
    for (const rule of np.spec[direction] ?? []) {
      if (ruleMatches(rule, direction, pod.namespace, q, nsLabels)) return true;
    }
  }
  return isolated ? false : undefined;
}
