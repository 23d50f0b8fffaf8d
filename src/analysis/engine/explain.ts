import type { IPv4, IPv6 } from 'ipaddr.js';
import { ClusterIndex, IndexedAdminRule, PodRules, PodTierRules } from './cluster';
import { Port } from '../../core/port';
import { ModelPod } from '../input/manifests';
import { blockMatchesPod, inPodNetwork } from '../input/pod-network';
import { peerMatchesAddress, peerMatchesIngressController, peerMatchesPod, PortQuery, rulePortsMatch } from '../policies/matching';
import { CompiledPolicy, CompiledRule } from '../policies/policy-model';
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
export function explainConnection(index: ClusterIndex, from: ResolvedEndpoint, to: ResolvedEndpoint, port: Port,
  addressCaveats = true): Explanation {
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
      certain: true,
      caveats: [],
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
  const caveats = selfTraffic ? [] : connectionCaveats(index, allowed, egress, ingress, addressCaveats ? [from, to] : [], [from, to]);
  const lines = [
    `${heading}: ${allowed ? 'allowed' : 'denied'}${caveats.length > 0 ? ' (uncertain)' : ''}`,
    ...(selfTraffic ? ['  a pod can always connect to itself; NetworkPolicy does not apply to such traffic'] : []),
    `  egress of ${from.label}: ${egress.reason}`,
    `  ingress of ${to.label}: ${ingress.reason}`,
    ...caveats.map(c => `  uncertain: ${c}`),
  ];
  return { allowed, selfTraffic, egress, ingress, certain: caveats.length === 0, caveats, text: lines.join('\n') };
}

/**
 * The caveats that could change the answer: for an allowed connection, those of both sides (either could
 * turn out to deny); for a denied one, none when a side denies for certain, else those of the denying
 * sides. An address inside the pod network may be a pod the model does not know: always a caveat.
 */
function connectionCaveats(index: ClusterIndex, allowed: boolean, egress: DirectionVerdict, ingress: DirectionVerdict,
  ends: readonly ResolvedEndpoint[], pods: readonly ResolvedEndpoint[]): string[] {
  const sides = [egress, ingress];
  const denied = sides.filter(side => !side.allowed);
  const relevant = allowed ? sides : denied.some(side => side.caveats.length === 0) ? [] : denied;
  const caveats = relevant.flatMap(side => side.caveats);
  // Whatever the policies say, they may not be enforced on a pod on the node's network, nor match its traffic.
  for (const end of pods) {
    if (end.kind === 'pod' && end.pod.hostNetwork === true) {
      caveats.push(`${end.label} runs with hostNetwork: NetworkPolicy does not reliably apply to it (its behaviour there is undefined `
        + 'and most CNIs do not enforce it), and its traffic carries the node\'s address, which pod selectors do not match');
    }
  }
  for (const end of ends) {
    if (end.kind === 'address' && inPodNetwork(end.address, index.podNetwork)) {
      caveats.push(`${end.label} is inside the pod network (${index.podNetwork.map(c => c.text).join(', ')}) but is no modelled pod's address; `
        + 'if it is a pod, its own policies and labels decide');
    }
  }
  return [...new Set(caveats)].sort();
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
  // Tier rules that might match decide nothing, but the answer depends on them unless they would act as it does.
  const maybe: Array<{ rule: IndexedAdminRule; why: string }> = [];
  const ties: string[] = [];
  const firstMatch = (rules: readonly IndexedAdminRule[]) => {
    for (const r of rules) {
      if (!rulePortsMatch(r.rule, query)) continue;
      const match = ruleMatches(r.rule, '', other, index);
      if (match.match === 'yes') {
        ties.push(...tiedRules(rules, r, other, query, index));
        return r;
      }
      if (match.match === 'unknown') maybe.push({ rule: r, why: match.why });
    }
    return undefined;
  };
  const finish = (verdict: Omit<DirectionVerdict, 'caveats'>, ruleCaveats: readonly string[] = []): DirectionVerdict => {
    const tierCaveats = maybe
      .filter(m => m.rule.rule.action === 'pass' || (m.rule.rule.action === 'allow') !== verdict.allowed)
      .map(m => `${m.rule.rule.label} might match ${other.label}: ${m.why}`);
    const denies = verdict.allowed ? deniesNotEvaluated(index, position, direction) : [];
    const unevaluated = policiesNotEvaluated(index, position, direction, subject);
    return { ...verdict, caveats: [...tierCaveats, ...ties, ...ruleCaveats, ...denies, ...unevaluated] };
  };
  const admin = firstMatch(tiers.admin);
  if (admin && admin.rule.action !== 'pass') {
    const allowed = admin.rule.action === 'allow';
    return finish({
      allowed,
      isolated: isolatedBy.length > 0,
      outsideCluster: false,
      allowedBy: allowed ? [admin.rule.label] : [],
      isolatedBy,
      decidedBy: admin.rule.label,
      reason: `${allowed ? 'allowed' : 'denied'} by ${admin.rule.label}, priority ${admin.admin.priority} (admin tier, before any NetworkPolicy)`,
    });
  }
  const passed = admin ? `passed on by ${admin.rule.label}; ` : '';
  if (isolatedBy.length > 0) {
    const { verdict, caveats } = judgeNetworkPolicies(isolation, direction, other, query, index, isolatedBy);
    return finish(passed ? { ...verdict, reason: passed + verdict.reason } : verdict, caveats);
  }
  const baseline = firstMatch(tiers.baseline);
  if (baseline) {
    const allowed = baseline.rule.action !== 'deny';
    return finish({
      allowed,
      isolated: false,
      outsideCluster: false,
      allowedBy: allowed ? [baseline.rule.label] : [],
      isolatedBy,
      decidedBy: baseline.rule.label,
      reason: `${passed}${allowed ? 'allowed' : 'denied'} by ${baseline.rule.label} (baseline tier: no NetworkPolicy isolates ${subject} for ${direction})`,
    });
  }
  const type = direction === 'ingress' ? 'Ingress' : 'Egress';
  return finish({
    allowed: true,
    isolated: false,
    outsideCluster: false,
    allowedBy: [],
    isolatedBy,
    reason: `${passed}not isolated: no NetworkPolicy with policy type ${type} selects ${subject}, so all ${direction} is allowed`,
  });
}

function judgeNetworkPolicies(isolation: PodRules, direction: 'ingress' | 'egress', other: ResolvedEndpoint,
  query: PortQuery, index: ClusterIndex, isolatedBy: string[]): { verdict: Omit<DirectionVerdict, 'caveats'>; caveats: string[] } {
  const matching = isolation.rules
    .filter(r => rulePortsMatch(r.rule, query))
    .map(r => ({ label: r.rule.label, match: ruleMatches(r.rule, r.policy.namespace, other, index) }));
  const allowedBy = matching.filter(m => m.match.match === 'yes').map(m => m.label).sort();
  const by = `isolated by ${isolatedBy.join(', ')}`;
  if (allowedBy.length > 0) {
    return { verdict: { allowed: true, isolated: true, outsideCluster: false, allowedBy, isolatedBy, reason: `allowed by ${allowedBy.join(', ')} (${by})` }, caveats: [] };
  }
  const caveats = matching.flatMap(m => (m.match.match === 'unknown' ? [`${m.label} might admit ${other.label}: ${m.match.why}`] : []));
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
  // The address may be one those names resolve to, which the analyzer does not know: not a certain "denied".
  if (names.length > 0 && other.kind === 'address') {
    caveats.push(`${other.label} may be an address of ${names.join(', ')}; names are resolved at run time, which the analyzer does not do`);
  }
  return { verdict: { allowed: false, isolated: true, outsideCluster: false, allowedBy, isolatedBy, reason: `denied: ${by} and ${none}${fqdn}` }, caveats };
}

/**
 * The API leaves the order of two policies of one tier with the same priority undefined: when another such
 * policy has a rule that matches (or may match) first among its own and acts otherwise than the deciding
 * rule, the cluster may apply it instead, so the answer is not certain.
 */
function tiedRules(rules: readonly IndexedAdminRule[], decisive: IndexedAdminRule, other: ResolvedEndpoint, query: PortQuery,
  index: ClusterIndex): string[] {
  const policy = decisive.admin;
  // A BaselineAdminNetworkPolicy is a singleton; it ties with nothing (cluster.ts reports ties the same way).
  if (policy.kind === 'BaselineAdminNetworkPolicy') return [];
  const caveats: string[] = [];
  const decided = new Set([policy]);
  for (const r of rules) {
    if (decided.has(r.admin) || r.admin.tier !== policy.tier || r.admin.priority !== policy.priority) continue;
    if (!rulePortsMatch(r.rule, query) || ruleMatches(r.rule, '', other, index).match === 'no') continue;
    decided.add(r.admin);
    if (r.rule.action !== decisive.rule.action) {
      caveats.push(`${policy.id} and ${r.admin.id} have the same ${policy.tier} priority ${policy.priority}, whose order the API does not define: `
        + `${r.rule.label} may decide instead of ${decisive.rule.label}`);
    }
  }
  return caveats;
}

/** Whether a rule's peers match an endpoint: `unknown` (with why) when that depends on what the analyzer does not know. */
type RuleMatch = { readonly match: 'yes' | 'no' } | { readonly match: 'unknown'; readonly why: string };

function ruleMatches(rule: CompiledRule, policyNamespace: string, endpoint: ResolvedEndpoint, index: ClusterIndex): RuleMatch {
  if (rule.peers === undefined) return { match: 'yes' };
  const unknown: string[] = [];
  for (const peer of rule.peers) {
    if (endpoint.kind === 'pod' && peer.kind === 'ipBlock') {
      const match = blockMatchesPod(peer, endpoint.pod, index.podNetwork);
      if (match === 'yes') return { match: 'yes' };
      if (match === 'unknown') {
        unknown.push(`${peer.text} covers only part of the pod network (${index.podNetwork.map(c => c.text).join(', ')}) and the address of ${endpoint.label} is not known`);
      }
      continue;
    }
    const matches = endpoint.kind === 'pod'
      ? peerMatchesPod(peer, policyNamespace, endpoint.pod, index.labelsOf(endpoint.pod.namespace))
      : endpoint.kind === 'address' ? peerMatchesAddress(peer, endpoint.address) : peerMatchesIngressController(peer);
    if (matches) return { match: 'yes' };
  }
  const kind = endpoint.kind === 'address' ? 'addresses' : 'pods';
  for (const peer of rule.unevaluated ?? []) {
    if (peer.matches === 'any' || peer.matches === kind) unknown.push(`${peer.text} is not evaluated`);
  }
  return unknown.length > 0 ? { match: 'unknown', why: unknown.join('; ') } : { match: 'no' };
}

/** Deny sections the analyzer does not evaluate, of policies that select the pod: they could deny what is allowed. */
function deniesNotEvaluated(index: ClusterIndex, position: number, direction: 'ingress' | 'egress'): string[] {
  let selected = denySelections.get(index);
  if (selected === undefined) {
    selected = index.policies.filter(p => p.unevaluatedDenies !== undefined).map(p => ({ policy: p, pods: new Set(index.selectedBy(p)) }));
    denySelections.set(index, selected);
  }
  return selected
    .filter(s => s.pods.has(position))
    .flatMap(s => s.policy.unevaluatedDenies![direction].map(text => `${text} could deny it`));
}

/**
 * Policies of kinds the analyzer does not evaluate that may select the pod (Calico, Antrea, ...): they may
 * allow what every evaluated policy denies, or deny what they allow, so neither answer is certain.
 */
function policiesNotEvaluated(index: ClusterIndex, position: number, direction: 'ingress' | 'egress', subject: string): string[] {
  const namespace = index.pods[position].namespace;
  return index.unevaluatedPolicies
    .filter(p => p.namespace === undefined || p.namespace === namespace)
    .map(p => `${p.text} is a network policy the analyzer does not evaluate; it may select ${subject} and allow or deny its ${direction}`);
}

const denySelections = new WeakMap<ClusterIndex, Array<{ policy: CompiledPolicy; pods: Set<number> }>>();

function outside(label: string, role: string, governing: string, what = 'is outside the cluster'): DirectionVerdict {
  return {
    caveats: [],
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
      allowed: false, isolated: isolatedBy.length > 0, outsideCluster: endpoint.kind === 'address', allowedBy: [], isolatedBy, reason, caveats: [],
    };
  };
  return { egress: side(from, index.egressOf), ingress: side(to, index.ingressOf) };
}
