/*
 * CiliumNetworkPolicy (cilium.io/v2), read from Cilium's policy documentation: the endpointSelector picks
 * pods of the policy's namespace; a policy with an ingress (egress) section puts them in default deny for
 * that direction (unless enableDefaultDeny says otherwise); rules allow peers (endpoints, CIDRs, entities,
 * FQDNs) AND toPorts; *Deny sections win over every allow. Cilium enforces NetworkPolicies too, and the
 * allows of both kinds add up: the caller combines the verdicts.
 */
import { Direction, NamespaceLabels, namedPortNumbers } from './network-policy';
import { Endpoint, inCidr, ipOf, Pod, podOf, Query, selects } from './world';

const NAMESPACE_KEY = 'io.kubernetes.pod.namespace';
const NAMESPACE_LABEL_PREFIX = 'io.cilium.k8s.namespace.labels.';

/** The labels Cilium sees on a pod's identity, `k8s:` prefix removed. */
function identityLabels(pod: Pod, nsLabels: NamespaceLabels): { [key: string]: string } {
  const out: { [key: string]: string } = { ...pod.labels, [NAMESPACE_KEY]: pod.namespace };
  for (const [k, v] of Object.entries(nsLabels(pod.namespace))) out[`${NAMESPACE_LABEL_PREFIX}${k}`] = v;
  if (pod.serviceAccount) out['io.cilium.k8s.policy.serviceaccount'] = pod.serviceAccount;
  return out;
}

function strip(selector: any): any {
  const unprefix = (k: string) => (k.startsWith('k8s:') ? k.slice(4) : k);
  return {
    matchLabels: Object.fromEntries(Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => [unprefix(k), v])),
    matchExpressions: (selector?.matchExpressions ?? []).map((e: any) => ({ ...e, key: unprefix(e.key) })),
  };
}

/** An endpoint selector of a namespaced policy: without a namespace key it stays in the policy's namespace. */
function endpointSelects(selector: any, policyNamespace: string, pod: Pod, nsLabels: NamespaceLabels): boolean {
  const s = strip(selector);
  const namesNamespace = NAMESPACE_KEY in s.matchLabels || s.matchExpressions.some((e: any) => e.key === NAMESPACE_KEY);
  if (!namesNamespace && pod.namespace !== policyNamespace) return false;
  return selects(s, identityLabels(pod, nsLabels));
}

function entityMatches(entity: string, other: Endpoint): boolean {
  switch (entity) {
    case 'all': return true;
    case 'world': return 'ip' in other;
    case 'cluster': return 'pod' in other;
    default: return 'entity' in other && other.entity === entity;
  }
}

function fqdnMatches(rule: any, other: Endpoint): boolean {
  if (!('ip' in other) || other.fqdn === undefined) return false;
  if (rule.matchName !== undefined) return rule.matchName.toLowerCase() === other.fqdn.toLowerCase();
  const pattern = new RegExp(`^${String(rule.matchPattern).split('*').map((p) => p.replace(/[.]/g, '\\.')).join('[-a-z0-9.]*')}$`, 'i');
  return pattern.test(other.fqdn);
}

function cidrSetMatches(set: any, ip: string | undefined): boolean {
  return ip !== undefined && inCidr(ip, set.cidr) && !(set.except ?? []).some((e: string) => inCidr(ip, e));
}

function peerOk(rule: any, direction: Direction, policyNamespace: string, other: Endpoint, nsLabels: NamespaceLabels): boolean {
  const pre = direction === 'ingress' ? 'from' : 'to';
  const kinds = ['Endpoints', 'CIDR', 'CIDRSet', 'Entities', 'FQDNs'].filter((k) => rule[`${pre}${k}`] !== undefined);
  if (kinds.length === 0) return true; // a rule with only toPorts applies to every peer
  const pod = podOf(other);
  const ip = ipOf(other);
  return kinds.some((k) => {
    const list: any[] = rule[`${pre}${k}`];
    switch (k) {
      case 'Endpoints': return pod !== undefined && list.some((s) => endpointSelects(s, policyNamespace, pod, nsLabels));
      case 'CIDR': return list.some((c) => cidrSetMatches({ cidr: c }, ip));
      case 'CIDRSet': return list.some((c) => cidrSetMatches(c, ip));
      case 'Entities': return list.some((e) => entityMatches(e, other));
      default: return list.some((f) => fqdnMatches(f, other));
    }
  });
}

function portOk(rule: any, q: Query): boolean {
  if (!Array.isArray(rule.toPorts) || rule.toPorts.length === 0) return true;
  return rule.toPorts.some((tp: any) => (tp.ports ?? [{}]).some((p: any) => {
    const proto = p.protocol ?? 'ANY';
    if (proto !== 'ANY' && proto !== q.protocol) return false;
    if (p.port === undefined || p.port === '0' || p.port === 0) return true;
    if (!/^[0-9]+$/.test(String(p.port))) return namedPortNumbers(podOf(q.destination), String(p.port), q.protocol).includes(q.port);
    const start = Number(p.port);
    return q.port >= start && q.port <= (p.endPort ?? start);
  }));
}

/** Cilium's verdict for one side: undefined when no CiliumNetworkPolicy isolates `pod` in `direction`. */
export function ciliumVerdict(objects: any[], pod: Pod, direction: Direction, q: Query, nsLabels: NamespaceLabels): boolean | undefined {
  const other = direction === 'ingress' ? q.source : q.destination;
  let isolated = false;
  let allowed = false;
  for (const cnp of objects) {
    if (cnp.kind !== 'CiliumNetworkPolicy') continue;
    const ns = cnp.metadata.namespace ?? 'default';
    const specs = cnp.specs ?? [cnp.spec];
    for (const spec of specs) {
      if (!endpointSelects(spec.endpointSelector ?? {}, ns, pod, nsLabels)) continue;
      const denies = spec[`${direction}Deny`] ?? [];
      if (denies.some((r: any) => peerOk(r, direction, ns, other, nsLabels) && portOk(r, q))) return false;
      const rules = spec[direction];
      if (rules !== undefined && spec.enableDefaultDeny?.[direction] !== false) isolated = true;
      if ((rules ?? []).some((r: any) => peerOk(r, direction, ns, other, nsLabels) && portOk(r, q))) allowed = true;
    }
  }
  if (allowed) return true;
  return isolated ? false : undefined;
}

/** True when some CiliumNetworkPolicy denies this side outright (deny beats NetworkPolicy allows too). */
export function ciliumDenies(objects: any[], pod: Pod, direction: Direction, q: Query, nsLabels: NamespaceLabels): boolean {
  return ciliumVerdict(objects.filter((o) => o.kind === 'CiliumNetworkPolicy').map((o) => ({
    ...o,
    spec: { ...o.spec, ingress: undefined, egress: undefined },
    specs: o.specs?.map((s: any) => ({ ...s, ingress: undefined, egress: undefined })),
  })), pod, direction, q, nsLabels) === false;
}
