import type { IPv4, IPv6 } from 'ipaddr.js';
import { ClusterIndex, IndexedAdminRule, PodRules, PodTierRules } from './cluster';
import { Port } from '../../core/port';
import { ModelPod } from '../input/manifests';
import { peerMatchesAddress, peerMatchesIngressController, peerMatchesPod, PortQuery, rulePortsMatch } from '../policies/matching';
import { CompiledRule } from '../policies/policy-model';
import { DirectionVerdict, Explanation } from '../report/explanation';

/** A resolved end of a connection: a modelled pod or an address outside the cluster. */
export type ResolvedEndpoint =
  | { readonly kind: 'pod'; readonly position: number; readonly pod: ModelPod; readonly label: string }
  | { readonly kind: 'address'; readonly address: IPv4 | IPv6; readonly label: string }
  | { readonly kind: 'ingressController'; readonly label: string };

/** The label of the ingress data plane pseudo-endpoint in explanations and flows. */
export const INGRESS_CONTROLLER_LABEL = '{ingress-controller}';

/**
 * Judges one connection by walking the policies directly (no precomputed sets), naming the rules that
 * decide it. `port` must be a single numeric port or a named port.
 */
export function explainConnection(index: ClusterIndex, from: ResolvedEndpoint, to: ResolvedEndpoint, port: Port): Explanation {
  const destination = to.kind === 'pod' ? to.pod : undefined;
  const portNumber = resolvePort(port, destination);
  const selfTraffic = from.kind === 'pod' && to.kind === 'pod' && from.position === to.position;
  const heading = `${from.label} -> ${to.label} on ${describePort(port, portNumber)}`;
  if (portNumber === undefined) {
    const reason = destination === undefined
      ? `the named port "${port.name}" cannot be resolved for an address outside the cluster`
      : `${to.label} declares no ${port.protocol} container port named "${port.name}"`;
    const verdict = unresolved(reason, from, to, index);
    return {
      allowed: false,
      selfTraffic,
      egress: verdict.egress,
      ingress: verdict.ingress,
      text: `${heading}: denied\n  ${reason}, so no connection on it is possible`,
    };
  }
  const query: PortQuery = { protocol: port.protocol, port: portNumber, destination };
  const egress = from.kind === 'pod'
    ? judgeSide(index, from.position, 'egress', from.label, to, query)
    : from.kind === 'ingressController'
      ? outside(from.label, 'source', 'the destination\'s ingress policies', 'is the ingress data plane, modelled without policies of its own')
      : outside(from.label, 'source', 'the destination\'s ingress policies');
  const ingress = to.kind === 'pod'
    ? judgeSide(index, to.position, 'ingress', to.label, from, query)
    : outside(to.label, 'destination', 'the source\'s egress policies');
  const allowed = selfTraffic || (egress.allowed && ingress.allowed);
  const lines = [
    `${heading}: ${allowed ? 'allowed' : 'denied'}`,
    ...(selfTraffic ? ['  a pod can always connect to itself; NetworkPolicy does not apply to such traffic'] : []),
    `  egress of ${from.label}: ${egress.reason}`,
    `  ingress of ${to.label}: ${ingress.reason}`,
  ];
  return { allowed, selfTraffic, egress, ingress, text: lines.join('\n') };
}

/** The number a connection on `port` uses at the destination; undefined when a named port does not resolve. */
export function resolvePort(port: Port, destination: ModelPod | undefined): number | undefined {
  if (port.name === undefined) return port.startPort;
  return destination?.ports.find(p => p.name === port.name && p.protocol === port.protocol)?.port;
}

function describePort(port: Port, resolved: number | undefined): string {
  return port.isNamed && resolved !== undefined ? `${port.toString()} (port ${resolved})` : port.toString();
}

/**
 * One side of a connection whose pod is in the cluster: admin rules in order, then NetworkPolicy (and
 * Cilium policies) when the pod is isolated on this side, then baseline rules in order, then allowed.
 */
export function judgeSide(index: ClusterIndex, position: number, direction: 'ingress' | 'egress', subject: string,
  other: ResolvedEndpoint, query: PortQuery): DirectionVerdict {
  const isolation = direction === 'ingress' ? index.ingressOf[position] : index.egressOf[position];
  const tiers: PodTierRules = direction === 'ingress' ? index.tierIngressOf[position] : index.tierEgressOf[position];
  const isolatedBy = isolation.policies.map(p => p.id).sort();
  const firstMatch = (rules: readonly IndexedAdminRule[]) =>
    rules.find(r => rulePortsMatch(r.rule, query) && peersMatch(r.rule, '', other, index));
  const admin = firstMatch(tiers.admin);
  if (admin && admin.rule.action !== 'pass') {
    const allowed = admin.rule.action === 'allow';
    return {
      allowed,
      isolated: isolatedBy.length > 0,
      outsideCluster: false,
      allowedBy: allowed ? [admin.rule.label] : [],
      isolatedBy,
      decidedBy: admin.rule.label,
      reason: `${allowed ? 'allowed' : 'denied'} by ${admin.rule.label}, priority ${admin.admin.priority} (admin tier, before any NetworkPolicy)`,
    };
  }
  const passed = admin ? `passed on by ${admin.rule.label}; ` : '';
  if (isolatedBy.length > 0) {
    const verdict = judgeNetworkPolicies(isolation, direction, other, query, index, isolatedBy);
    return passed ? { ...verdict, reason: passed + verdict.reason } : verdict;
  }
  const baseline = firstMatch(tiers.baseline);
  if (baseline) {
    const allowed = baseline.rule.action !== 'deny';
    return {
      allowed,
      isolated: false,
      outsideCluster: false,
      allowedBy: allowed ? [baseline.rule.label] : [],
      isolatedBy,
      decidedBy: baseline.rule.label,
      reason: `${passed}${allowed ? 'allowed' : 'denied'} by ${baseline.rule.label} (baseline tier: no NetworkPolicy isolates ${subject} for ${direction})`,
    };
  }
  const type = direction === 'ingress' ? 'Ingress' : 'Egress';
  return {
    allowed: true,
    isolated: false,
    outsideCluster: false,
    allowedBy: [],
    isolatedBy,
    reason: `${passed}not isolated: no NetworkPolicy with policy type ${type} selects ${subject}, so all ${direction} is allowed`,
  };
}

function judgeNetworkPolicies(isolation: PodRules, direction: 'ingress' | 'egress', other: ResolvedEndpoint,
  query: PortQuery, index: ClusterIndex, isolatedBy: string[]): DirectionVerdict {
  const allowedBy = isolation.rules
    .filter(r => rulePortsMatch(r.rule, query) && peersMatch(r.rule, r.policy.namespace, other, index))
    .map(r => r.rule.label)
    .sort();
  const by = `isolated by ${isolatedBy.join(', ')}`;
  if (allowedBy.length > 0) {
    return { allowed: true, isolated: true, outsideCluster: false, allowedBy, isolatedBy, reason: `allowed by ${allowedBy.join(', ')} (${by})` };
  }
  const which = direction === 'ingress' ? `from ${other.label}` : `to ${other.label}`;
  const ruleCount = isolation.rules.length;
  const none = ruleCount === 0
    ? `their ${direction} rule lists are empty`
    : `none of their ${ruleCount} ${direction} rule${ruleCount === 1 ? '' : 's'} admits ${query.protocol} ${query.port} ${which}`;
  // Cilium toFQDNs rules allow names; an address is judged as an address, so say what they would allow.
  const names = [...new Set(isolation.rules
    .filter(r => rulePortsMatch(r.rule, query))
    .flatMap(r => (r.rule.peers ?? []).flatMap(peer => (peer.kind === 'fqdn' ? peer.names.map(n => `${query.protocol} ${query.port} to ${n} (toFQDNs, ${r.rule.label})`) : []))))].sort();
  const fqdn = names.length > 0 ? `; allowed by name only: ${names.join(', ')}, which an address does not match` : '';
  return { allowed: false, isolated: true, outsideCluster: false, allowedBy, isolatedBy, reason: `denied: ${by} and ${none}${fqdn}` };
}

function peersMatch(rule: CompiledRule, policyNamespace: string, endpoint: ResolvedEndpoint, index: ClusterIndex): boolean {
  if (rule.peers === undefined) return true;
  return rule.peers.some(peer => {
    if (endpoint.kind === 'pod') return peerMatchesPod(peer, policyNamespace, endpoint.pod, index.labelsOf(endpoint.pod.namespace));
    if (endpoint.kind === 'address') return peerMatchesAddress(peer, endpoint.address);
    return peerMatchesIngressController(peer);
  });
}

function outside(label: string, role: string, governing: string, what = 'is outside the cluster'): DirectionVerdict {
  return {
    allowed: true,
    isolated: false,
    outsideCluster: true,
    allowedBy: [],
    isolatedBy: [],
    reason: `the ${role} ${label} ${what}; only ${governing} apply`,
  };
}

function unresolved(reason: string, from: ResolvedEndpoint, to: ResolvedEndpoint, index: ClusterIndex)
  : { egress: DirectionVerdict; ingress: DirectionVerdict } {
  const side = (endpoint: ResolvedEndpoint, isolation: readonly PodRules[]): DirectionVerdict => {
    const isolatedBy = endpoint.kind === 'pod' ? isolation[endpoint.position].policies.map(p => p.id).sort() : [];
    return {
      allowed: false, isolated: isolatedBy.length > 0, outsideCluster: endpoint.kind === 'address', allowedBy: [], isolatedBy, reason,
    };
  };
  return { egress: side(from, index.egressOf), ingress: side(to, index.ingressOf) };
}
