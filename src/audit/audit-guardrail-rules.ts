import { AuditContext, arrayOf, clusterObjectSubject, listNames, objectsOf, Report, RuleCheck } from './audit-context';
import { CompiledSelector, compileSelector } from '../analysis/policies/selectors';
import { EVERY_IPV4, EVERY_IPV6, METADATA_PROBES } from '../core/addresses';
import { cidrContainsAddress, parseAddress, parseCidr } from '../core/cidr';

/*
 * Guardrails (ClusterNetworkPolicy, policy.networking.k8s.io/v1alpha2, network-policy-api v0.2.0 as
 * pinned): the rules read the objects directly. A Baseline-tier Deny is the cluster's default deny for
 * its subjects; an Admin-tier Accept is decided before any NetworkPolicy or Baseline rule, so an Accept
 * to a metadata endpoint re-opens it for its subjects whatever else says no.
 */

const POLICY_GROUP = 'policy.networking.k8s.io';

function clusterPolicies(c: AuditContext, tier: string): any[] {
  return objectsOf(c, 'ClusterNetworkPolicy', POLICY_GROUP).filter(p => p?.spec?.tier === tier);
}

function selector(raw: unknown, where: string, field: string): CompiledSelector | undefined {
  try {
    return compileSelector(raw, where, field);
  } catch {
    return undefined;
  }
}

/** True when the policy's subject is every pod of the namespace (by namespaces, or pods with an empty podSelector). */
function subjectCoversNamespace(policy: any, labels: Readonly<Record<string, string>>, where: string): boolean {
  const subject = policy?.spec?.subject;
  if (subject?.namespaces !== undefined) return selector(subject.namespaces, where, 'spec.subject.namespaces')?.matches(labels) ?? false;
  if (subject?.pods !== undefined) {
    const namespaces = selector(subject.pods.namespaceSelector, where, 'spec.subject.pods.namespaceSelector');
    const pods = selector(subject.pods.podSelector, where, 'spec.subject.pods.podSelector');
    return (namespaces?.matches(labels) ?? false) && (pods?.matchesAll ?? false);
  }
  return false;
}

/** True when a peer list holds a peer that selects every pod of every namespace. */
function selectsEveryPod(peers: any[], where: string): boolean {
  return peers.some(peer => (peer?.namespaces !== undefined && selector(peer.namespaces, where, 'namespaces')?.matchesAll)
    || (peer?.pods !== undefined && selector(peer.pods.namespaceSelector, where, 'pods.namespaceSelector')?.matchesAll
      && selector(peer.pods.podSelector, where, 'pods.podSelector')?.matchesAll));
}

/** True when a Baseline rule denies every peer of its direction on every port. */
function deniesEverything(rule: any, direction: 'ingress' | 'egress', where: string): boolean {
  if (rule?.action !== 'Deny' || arrayOf(rule?.protocols).length > 0) return false;
  const peers = arrayOf(direction === 'ingress' ? rule?.from : rule?.to);
  if (!selectsEveryPod(peers, where)) return false;
  if (direction === 'ingress') return true;
  const networks = peers.flatMap(peer => arrayOf(peer?.networks).map(String));
  return networks.includes(EVERY_IPV4) && networks.includes(EVERY_IPV6);
}

/**
 * True when a Baseline-tier ClusterNetworkPolicy denies every peer to every pod of the namespace in one
 * direction: the namespace's default deny for that direction, as NETSEC001/002/003 accept it.
 */
export function baselineDenies(c: AuditContext, namespace: string, direction: 'ingress' | 'egress'): boolean {
  const labels = c.index.labelsOf(namespace);
  return clusterPolicies(c, 'Baseline').some(policy => {
    const where = `ClusterNetworkPolicy ${policy.metadata?.name}`;
    return subjectCoversNamespace(policy, labels, where) && arrayOf(policy.spec?.[direction]).some(r => deniesEverything(r, direction, where));
  });
}

function namespaceOutsideGuardrails(c: AuditContext, report: Report): void {
  const baseline = clusterPolicies(c, 'Baseline');
  if (baseline.length === 0) return;
  for (const namespace of c.index.namespaces) {
    const pods = c.index.pods.filter(p => p.namespace === namespace);
    if (pods.length === 0) continue;
    const open: string[] = [];
    for (const direction of ['ingress', 'egress'] as const) {
      const guarded = baselineDenies(c, namespace, direction);
      const isolated = c.index.policies.some(p => p.namespace === namespace && p.podSelector.matchesAll && p[direction] !== undefined);
      if (!guarded && !isolated) open.push(direction);
    }
    if (open.length === 0) continue;
    report({ kind: 'Namespace', name: namespace },
      `namespace ${namespace} has ${pods.length} workload${pods.length === 1 ? '' : 's'} (${listNames(pods.map(p => p.name))}) but neither a Baseline-tier `
      + `ClusterNetworkPolicy Deny of every peer (${baseline.map(p => p.metadata?.name).sort().join(', ')} ${baseline.length === 1 ? 'does' : 'do'} not cover it) `
      + `nor a NetworkPolicy default deny isolates its ${open.join(' and ')}`,
      'Remove the namespace from the guardrails\' exemptions (ClusterIsolation exemptNamespaces), or isolate it with NamespaceIsolation; '
      + `a Baseline egress Deny must name every namespace and the networks ${EVERY_IPV4} and ${EVERY_IPV6}.`);
  }
}

function adminAcceptReopensMetadata(c: AuditContext, report: Report): void {
  const endpoints = METADATA_PROBES.map(probe => ({ text: probe.address, address: parseAddress(probe.address)!, ports: probe.ports }));
  for (const policy of clusterPolicies(c, 'Admin')) {
    const opened: string[] = [];
    arrayOf(policy.spec?.egress).forEach((rule, r) => {
      if (rule?.action !== 'Accept') return;
      // An Accept of DNS alone (port 53 on GKE's metadata server or Azure's WireServer) opens none of the secret ports.
      const reachable = endpoints.filter(e => e.ports.some(port => acceptsTcpPort(rule, port)));
      arrayOf(rule.to).forEach((peer, p) => arrayOf(peer?.networks).forEach((network, n) => {
        const cidr = parseCidr(String(network), true);
        if (typeof cidr === 'string') return;
        const covered = reachable.filter(e => cidrContainsAddress(cidr, e.address)).map(e => e.text);
        if (covered.length > 0) opened.push(`spec.egress[${r}].to[${p}].networks[${n}] ${network} covers ${covered.join(' and ')}`);
      }));
    });
    if (opened.length === 0) continue;
    report(clusterObjectSubject(policy),
      `Admin-tier Accept rule re-opens the instance metadata endpoint (priority ${policy.spec?.priority}): ${opened.join('; ')}; `
      + 'no NetworkPolicy or Baseline rule can deny it to the subjects',
      'Exclude the metadata endpoints from the accepted networks (list the ranges around them), or accept them only for the workloads that need them '
      + '(a subject with a podSelector) in a policy named for that exception.');
  }
}

/**
 * True when a ClusterNetworkPolicy rule matches TCP on `port`: no `protocols` matches every port; an
 * entry that cannot be read counts as matching, so a malformed rule is never taken for a narrow one.
 */
function acceptsTcpPort(rule: any, port: number): boolean {
  const protocols = arrayOf(rule?.protocols);
  if (protocols.length === 0) return true;
  return protocols.some(entry => {
    if (entry === null || typeof entry !== 'object') return true;
    if (entry.destinationNamedPort !== undefined) return false; // a named port never matches an address outside the cluster
    if (entry.tcp === undefined) return entry.udp === undefined && entry.sctp === undefined;
    const destination = entry.tcp?.destinationPort;
    if (destination === undefined) return true;
    if (typeof destination.number === 'number') return destination.number === port;
    const range = destination.range;
    if (typeof range?.start === 'number' && typeof range?.end === 'number') return range.start <= port && port <= range.end;
    return true;
  });
}

/** The guardrail rules of the catalogue. */
export const guardrailChecks: Record<string, RuleCheck> = {
  NETSEC020: namespaceOutsideGuardrails,
  NETSEC021: adminAcceptReopensMetadata,
};
