/*
 * Istio PeerAuthentication and AuthorizationPolicy (security.istio.io/v1), read from Istio's reference:
 * the destination's mTLS mode is the most specific PeerAuthentication (workload selector, then namespace,
 * then root namespace; port-level overrides), PERMISSIVE when none. Under STRICT a caller without a mesh
 * identity is refused. Then authorization: a matching DENY refuses; if any ALLOW policy applies to the
 * workload, one of its rules must match (an ALLOW policy without rules, `spec: {}`, matches nothing);
 * with no ALLOW policy the request passes. Sources: principals, namespaces (and their not-forms), ipBlocks;
 * operations: ports and notPorts. HTTP attributes (hosts, methods, paths) are not modelled: a rule that
 * names them is treated as matching some request, so an ALLOW with them counts as allowing.
 */
import { Pod, podOf, Query, selects } from './world';

export interface MeshSettings {
  readonly rootNamespace: string;
  readonly trustDomain: string;
}

export const DEFAULT_MESH: MeshSettings = { rootNamespace: 'istio-system', trustDomain: 'cluster.local' };

function applies(policy: any, pod: Pod, mesh: MeshSettings): boolean {
  const ns = policy.metadata.namespace;
  if (ns !== pod.namespace && ns !== mesh.rootNamespace) return false;
  if (policy.spec?.targetRefs || policy.spec?.targetRef) return false; // waypoint-bound: not enforced at the pod
  return selects(policy.spec?.selector ?? {}, pod.labels);
}

/** The effective mTLS mode on the destination port. */
export function mtlsMode(objects: any[], dest: Pod, port: number, mesh: MeshSettings = DEFAULT_MESH): string {
  const pas = objects.filter((o) => o.kind === 'PeerAuthentication');
  const workload = pas.find((p) => p.metadata.namespace === dest.namespace && p.spec?.selector && selects(p.spec.selector, dest.labels));
  const namespaceWide = pas.find((p) => p.metadata.namespace === dest.namespace && !p.spec?.selector);
  const root = pas.find((p) => p.metadata.namespace === mesh.rootNamespace && !p.spec?.selector);
  const portLevel = workload?.spec?.portLevelMtls?.[String(port)]?.mode;
  const mode = portLevel ?? [workload, namespaceWide, root].map((p) => p?.spec?.mtls?.mode).find((m) => m !== undefined && m !== 'UNSET');
  return mode ?? 'PERMISSIVE';
}

interface Caller { principal?: string; namespace?: string; ip?: string }

function wildcard(pattern: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (pattern === '*') return true;
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  return pattern === value;
}

function sourceMatches(source: any, caller: Caller): boolean {
  const known = ['principals', 'notPrincipals', 'namespaces', 'notNamespaces', 'ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks', 'requestPrincipals'];
  for (const k of Object.keys(source)) if (!known.includes(k)) throw new Error(`evaluator: AuthorizationPolicy source field ${k} not modelled`);
  if (source.principals && !source.principals.some((p: string) => wildcard(p, caller.principal))) return false;
  if (source.notPrincipals && source.notPrincipals.some((p: string) => wildcard(p, caller.principal))) return false;
  if (source.namespaces && !source.namespaces.some((n: string) => wildcard(n, caller.namespace))) return false;
  if (source.notNamespaces && source.notNamespaces.some((n: string) => wildcard(n, caller.namespace))) return false;
  if (source.requestPrincipals) return false; // no JWTs in this model
  for (const k of ['ipBlocks', 'remoteIpBlocks']) {
    if (source[k] && !(caller.ip !== undefined && source[k].some((c: string) => c === caller.ip || c === `${caller.ip}/32`))) return false;
  }
  return true;
}

function operationMatches(operation: any, port: number): boolean {
  if (operation.ports && !operation.ports.map(String).includes(String(port))) return false;
  if (operation.notPorts && operation.notPorts.map(String).includes(String(port))) return false;
  return true;
}

function ruleMatches(rule: any, caller: Caller, port: number): boolean {
  if (rule.when) throw new Error('evaluator: AuthorizationPolicy conditions (when) are not modelled');
  const fromOk = !rule.from || rule.from.some((f: any) => sourceMatches(f.source ?? {}, caller));
  const toOk = !rule.to || rule.to.some((t: any) => operationMatches(t.operation ?? {}, port));
  return fromOk && toOk;
}

/**
 * The mesh verdict for a query whose destination is a meshed pod: true when the destination's proxy
 * (sidecar or ztunnel) lets it in. A destination outside the mesh has no proxy: always true.
 */
export function meshAllows(objects: any[], q: Query, mesh: MeshSettings = DEFAULT_MESH): boolean {
  const dest = podOf(q.destination);
  if (!dest || (dest.mesh ?? 'none') === 'none') return true;
  const src = podOf(q.source);
  const mode = mtlsMode(objects, dest, q.port, mesh);
  const mtls = src !== undefined && (src.mesh ?? 'none') !== 'none' && mode !== 'DISABLE';
  if (mode === 'STRICT' && !mtls) return false;
  const caller: Caller = mtls
    ? { principal: `${mesh.trustDomain}/ns/${src!.namespace}/sa/${src!.serviceAccount ?? 'default'}`, namespace: src!.namespace }
    : { ip: 'ip' in q.source ? q.source.ip : undefined };
  const policies = objects.filter((o) => o.kind === 'AuthorizationPolicy' && applies(o, dest, mesh));
  const byAction = (a: string) => policies.filter((p) => (p.spec?.action ?? 'ALLOW') === a);
  if (byAction('DENY').some((p) => (p.spec.rules ?? []).some((r: any) => ruleMatches(r, caller, q.port)))) return false;
  const allows = byAction('ALLOW');
  if (allows.length === 0) return true;
  return allows.some((p) => (p.spec?.rules ?? []).some((r: any) => ruleMatches(r, caller, q.port)));
}
