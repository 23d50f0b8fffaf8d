import type { IPv4, IPv6 } from 'ipaddr.js';
import { Port } from '../port';
import { ClusterIndex, PodRules } from './cluster';
import { DirectionVerdict, Explanation } from './explanation';
import { ModelPod } from './manifests';
import { peerMatchesAddress, peerMatchesPod, PortQuery, rulePortsMatch } from './matching';
import { CompiledRule } from './policy-model';

/** A resolved end of a connection: a modelled pod or an address outside the cluster. */
export type ResolvedEndpoint =
  | { readonly kind: 'pod'; readonly position: number; readonly pod: ModelPod; readonly label: string }
  | { readonly kind: 'address'; readonly address: IPv4 | IPv6; readonly label: string };

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
    ? judge(index.egressOf[from.position], 'egress', from.label, to, query, index)
    : outside(from.label, 'source', 'the destination\'s ingress policies');
  const ingress = to.kind === 'pod'
    ? judge(index.ingressOf[to.position], 'ingress', to.label, from, query, index)
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

/** One side of a connection whose pod is in the cluster. */
function judge(isolation: PodRules, direction: 'ingress' | 'egress', subject: string, other: ResolvedEndpoint,
  query: PortQuery, index: ClusterIndex): DirectionVerdict {
  const isolatedBy = isolation.policies.map(p => p.id).sort();
  if (isolatedBy.length === 0) {
    const type = direction === 'ingress' ? 'Ingress' : 'Egress';
    return {
      allowed: true,
      isolated: false,
      outsideCluster: false,
      allowedBy: [],
      isolatedBy,
      reason: `not isolated: no NetworkPolicy with policy type ${type} selects ${subject}, so all ${direction} is allowed`,
    };
  }
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
  return { allowed: false, isolated: true, outsideCluster: false, allowedBy, isolatedBy, reason: `denied: ${by} and ${none}` };
}

function peersMatch(rule: CompiledRule, policyNamespace: string, endpoint: ResolvedEndpoint, index: ClusterIndex): boolean {
  if (rule.peers === undefined) return true;
  return rule.peers.some(peer => endpoint.kind === 'pod'
    ? peerMatchesPod(peer, policyNamespace, endpoint.pod, index.labelsOf(endpoint.pod.namespace))
    : peerMatchesAddress(peer, endpoint.address));
}

function outside(label: string, role: string, governing: string): DirectionVerdict {
  return {
    allowed: true,
    isolated: false,
    outsideCluster: true,
    allowedBy: [],
    isolatedBy: [],
    reason: `the ${role} ${label} is outside the cluster; only ${governing} apply`,
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
