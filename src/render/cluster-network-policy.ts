import { normalizePorts, renderSelector } from './network-policy';
import { EVERY_IPV4, EVERY_IPV6 } from '../core/addresses';
import { NAMESPACE_NAME_LABEL, PeerConfig } from '../core/peer';
import { Port } from '../core/port';
import { compareStrings, LabelOperator, LabelSelector } from '../core/selector';

/*
 * Renders ClusterNetworkPolicy objects (policy.networking.k8s.io/v1alpha2, network-policy-api v0.2.0).
 *
 * Tiers are evaluated Admin, then NetworkPolicy, then Baseline; inside a tier, policies by ascending
 * priority and rules in the order written. Accept and Deny end the evaluation; Pass skips the rest of its
 * tier. Constructs check their input with `clusterPeerProblem` before they build anything, so rendering
 * cannot fail.
 */

/** The API version and kind of every object rendered here. */
export const CLUSTER_NETWORK_POLICY = { apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy' };

/** Every address, for rules that must match all traffic (pods included: `networks` covers them too). */
export const ALL_NETWORKS = [EVERY_IPV4, EVERY_IPV6];

/** A ClusterNetworkPolicy tier. */
export enum ClusterTier {
  ADMIN = 'Admin',
  BASELINE = 'Baseline',
}

/** What a rule does with the traffic it matches. */
export enum ClusterAction {
  ACCEPT = 'Accept',
  DENY = 'Deny',
  PASS = 'Pass',
}

/** One peer of a rule: exactly one of the fields. */
export interface ClusterPeer {
  readonly namespaces?: LabelSelector;
  readonly pods?: { namespaceSelector: LabelSelector; podSelector: LabelSelector };
  readonly networks?: string[];
}

/** One rule; no ports match every port and protocol. */
export interface ClusterRule {
  readonly name: string;
  readonly action: ClusterAction;
  readonly peers: ClusterPeer[];
  readonly ports?: Port[];
}

/** What one ClusterNetworkPolicy says. */
export interface ClusterPolicyIntent {
  readonly name: string;
  readonly tier: ClusterTier;
  readonly priority: number;
  /** The pods the policy applies to. */
  readonly subject: ClusterPeer;
  readonly ingress?: ClusterRule[];
  readonly egress?: ClusterRule[];
}

/** Every namespace except these, as a namespace selector (empty: every namespace). */
export function namespacesExcept(exempt: string[]): LabelSelector {
  if (exempt.length === 0) return {};
  return { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: LabelOperator.NOT_IN, values: [...exempt].sort(compareStrings) }] };
}

/** One namespace by name. */
export function namespaceNamed(namespace: string): LabelSelector {
  return { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } };
}

/** What stops a library peer from being a ClusterNetworkPolicy peer, or undefined. */
export function clusterPeerProblem(peer: PeerConfig, egress: boolean): string | undefined {
  if (peer.ipBlock) {
    if (!egress) return 'is an address block, which ClusterNetworkPolicy ingress rules cannot name';
    if ((peer.ipBlock.excluded ?? []).length > 0) return 'excludes sub-blocks, which ClusterNetworkPolicy networks cannot express';
    return undefined;
  }
  if (peer.namespace === undefined && !peer.namespaceSelector && !peer.allNamespaces) {
    return 'names no namespace, which a cluster-wide policy needs';
  }
  return undefined;
}

/** A library peer (checked with `clusterPeerProblem`) as a ClusterNetworkPolicy peer. */
export function clusterPeerOf(peer: PeerConfig): ClusterPeer {
  if (peer.ipBlock) return { networks: [peer.ipBlock.cidr] };
  const namespaceSelector = peer.namespace !== undefined ? namespaceNamed(peer.namespace) : peer.namespaceSelector ?? {};
  if (!peer.podSelector) return { namespaces: namespaceSelector };
  return { pods: { namespaceSelector, podSelector: peer.podSelector } };
}

/** Renders one ClusterNetworkPolicy as a plain manifest. */
export function renderClusterPolicy(intent: ClusterPolicyIntent): any {
  return {
    ...CLUSTER_NETWORK_POLICY,
    metadata: { name: intent.name },
    spec: {
      tier: intent.tier,
      priority: intent.priority,
      subject: renderPeer(intent.subject),
      ...(intent.ingress ? { ingress: intent.ingress.map((r) => renderRule(r, 'from')) } : {}),
      ...(intent.egress ? { egress: intent.egress.map((r) => renderRule(r, 'to')) } : {}),
    },
  };
}

function renderRule(rule: ClusterRule, side: 'from' | 'to'): any {
  const protocols = renderProtocols(rule.ports ?? []);
  return {
    name: rule.name,
    action: rule.action,
    [side]: rule.peers.map(renderPeer),
    ...(protocols.length > 0 ? { protocols } : {}),
  };
}

function renderPeer(peer: ClusterPeer): any {
  if (peer.networks) return { networks: [...peer.networks] };
  if (peer.pods) {
    return { pods: { namespaceSelector: renderSelector(peer.pods.namespaceSelector), podSelector: renderSelector(peer.pods.podSelector) } };
  }
  return { namespaces: renderSelector(peer.namespaces ?? {}) };
}

/** Ports merged and sorted; a whole protocol is the range 1-65535 (a CNP range needs start < end). */
function renderProtocols(ports: Port[]): any[] {
  return normalizePorts(ports).map((p) => {
    if (p.isNamed) return { destinationNamedPort: p.name };
    const start = p.isAllPorts ? 1 : p.startPort!;
    const end = p.isAllPorts ? 65535 : p.endPort;
    const destinationPort = end !== undefined && end > start ? { range: { start, end } } : { number: start };
    return { [p.protocol.toLowerCase()]: { destinationPort } };
  });
}
