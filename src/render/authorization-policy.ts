import { istioSecurity } from './l1';
import { netsecError } from '../core/errors';
import { Port, Protocol } from '../core/port';
import { compareStrings } from '../core/selector';
import type { AuthorizationPolicySpec, AuthorizationPolicySpecRules, AuthorizationPolicySpecRulesFrom } from '../imports/security.istio.io';
import { isSourceProblem, meshSourceOf, MeshSource, missingServiceAccount, ResolvedIdentity, SourceProblem } from '../mesh/mesh-identity';
import type { Flow } from '../model/records';
import { IsolatedPods } from '../tiers/isolated-pods';
import { IsolatedTier } from '../tiers/tier';

/*
 * Renders Istio ALLOW AuthorizationPolicies from the flows into one isolated group of pods: the same
 * allow graph as its NetworkPolicy ingress, with callers named by workload identity. Output is canonical:
 * ports are unioned per source, sources with the same ports share one rule, everything is sorted.
 */

/** The largest port range expanded into single ports (AuthorizationPolicy ports cannot express ranges). */
export const MAX_AUTHORIZED_RANGE = 100;

/** What the renderer needs beyond the flows. */
export interface AuthorizationContext {
  /** The mesh trust domain of principals. */
  readonly trustDomain: string;
  /** Service accounts of pods that are not tiers. */
  readonly identities: ResolvedIdentity[];
  /**
   * Ports of the destination where mTLS is optional (port-level exceptions): a caller outside the mesh
   * arrives there in plaintext, without an identity, and is authorized by port alone; callers with an
   * identity keep their identity rule on those ports too.
   */
  readonly plaintextPorts: number[];
  /** True when mTLS is STRICT: plaintext callers (IP blocks outside the mesh) are then rejected. */
  readonly strict: boolean;
}

/** The TCP ports a flow opens, as AuthorizationPolicy operations see them. */
interface OperationPorts {
  /** Every port: the rule needs no `to`. */
  readonly all: boolean;
  /** Single ports, sorted; empty with `all` false means no TCP port (nothing the proxy sees). */
  readonly ports: number[];
}

/**
 * Problems that make the flows into `destination` impossible to authorize exactly, as error messages
 * naming the construct that declared each flow (or the tier that lacks a service account).
 */
export function authorizationProblems(destination: IsolatedPods, flows: Flow[], context: AuthorizationContext): string[] {
  const problems: string[] = [];
  const fail = (where: IsolatedPods | Flow, p: SourceProblem) =>
    problems.push(netsecError(where instanceof IsolatedPods ? where : where.declaredBy, p.what, p.value, p.fix).message);
  if (IsolatedTier.isIsolatedTier(destination) && destination.serviceAccountName === undefined) {
    fail(destination, missingServiceAccount(destination));
  }
  for (const flow of flows) {
    const ports = operationPortsOf(flow.ports);
    if (isSourceProblem(ports)) {
      fail(flow, ports);
      continue;
    }
    // On ports where mTLS is optional the caller is authorized by port alone: its identity is not needed.
    if (!ports.all && ports.ports.every((p) => context.plaintextPorts.includes(p))) continue;
    const source = meshSourceOf(flow.source, destination.namespace, context.trustDomain, context.identities);
    if (isSourceProblem(source)) {
      fail(IsolatedTier.isIsolatedTier(flow.source) ? flow.source : flow, source);
    } else if (source.ipBlock && context.strict) {
      fail(flow, {
        what: `flow from ${flow.source} into ${destination} cannot work under STRICT mTLS: callers outside the mesh send plaintext`,
        value: flow.ports.map(String),
        fix: 'Declare a port exception with MtlsMode.PERMISSIVE for the port on this tier (portExceptions), put a mesh gateway in front, or name in-mesh callers by Peer.pods() or a tier.',
      });
    }
  }
  return problems;
}

/**
 * Renders the spec of the ALLOW policy for `destination`: one rule per set of ports, whose sources are
 * the callers allowed on exactly those ports. Flows without TCP ports add nothing (the proxy only sees
 * TCP). Callers the mesh cannot name are left out here; `authorizationProblems` reports them.
 */
export function renderAllowSpec(destination: IsolatedPods, flows: Flow[], context: AuthorizationContext): any {
  const bySource = new Map<string, { source: MeshSource; all: boolean; ports: Set<number> }>();
  const plaintext = new Set<number>();
  for (const flow of flows) {
    const ports = operationPortsOf(flow.ports);
    // No TCP port: nothing the proxy sees, so nothing to authorize.
    if (isSourceProblem(ports) || (!ports.all && ports.ports.length === 0)) continue;
    const source = meshSourceOf(flow.source, destination.namespace, context.trustDomain, context.identities);
    if (isSourceProblem(source)) {
      // A caller without an identity (outside the mesh) can only be let in by port, and only on ports
      // where mTLS is optional; its NetworkPolicy rule still names it exactly.
      context.plaintextPorts.filter((p) => ports.all || ports.ports.includes(p)).forEach((p) => plaintext.add(p));
      continue;
    }
    const key = sourceKey(source);
    const slot = bySource.get(key) ?? { source, all: false, ports: new Set<number>() };
    slot.all = slot.all || ports.all;
    ports.ports.forEach((p) => slot.ports.add(p));
    bySource.set(key, slot);
  }

  const byPorts = new Map<string, { ports: number[]; sources: MeshSource[] }>();
  for (const slot of bySource.values()) {
    const ports = slot.all ? [] : [...slot.ports].sort((a, b) => a - b);
    const key = ports.join(',');
    const group = byPorts.get(key) ?? { ports, sources: [] };
    group.sources.push(slot.source);
    byPorts.set(key, group);
  }
  const rules: AuthorizationPolicySpecRules[] = [...byPorts.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([, group]) => ({ from: renderSources(group.sources), ...renderTo(group.ports) }));
  if (plaintext.size > 0) {
    rules.push(renderTo([...plaintext].sort((a, b) => a - b)));
  }

  const spec: AuthorizationPolicySpec = {
    action: istioSecurity().AuthorizationPolicySpecAction.ALLOW,
    ...(IsolatedTier.isIsolatedTier(destination) ? { selector: { matchLabels: { ...destination.podLabels } } } : {}),
    ...(rules.length > 0 ? { rules } : {}),
  };
  return istioSecurity().toJson_AuthorizationPolicySpec(spec);
}

/**
 * The TCP ports of a flow as single port numbers. No ports, or every TCP port, means every port. UDP and
 * SCTP ports are dropped: Istio proxies only TCP. Named ports and wide ranges have no equivalent.
 */
function operationPortsOf(ports: Port[]): OperationPorts | SourceProblem {
  if (ports.length === 0) return { all: true, ports: [] };
  const tcp = ports.filter((p) => p.protocol === Protocol.TCP);
  if (tcp.some((p) => p.isAllPorts)) return { all: true, ports: [] };
  const out = new Set<number>();
  for (const port of tcp) {
    if (port.isNamed) {
      return {
        what: `AuthorizationPolicy ports are numbers, and the named port ${port} has no number here`,
        value: port.toString(),
        fix: 'Allow the container port by number, e.g. Port.tcp(9090).',
      };
    }
    const end = port.endPort ?? port.startPort!;
    if (end - port.startPort! + 1 > MAX_AUTHORIZED_RANGE) {
      return {
        what: `AuthorizationPolicy ports cannot express ranges, and ${port} is wider than ${MAX_AUTHORIZED_RANGE} ports`,
        value: port.toString(),
        fix: 'Allow the ports the tier really serves, or all ports (no port arguments).',
      };
    }
    for (let p = port.startPort!; p <= end; p++) out.add(p);
  }
  return { all: false, ports: [...out].sort((a, b) => a - b) };
}

/** Sources as `from` entries: all principals in one, all namespaces in one, IP blocks (each with its exceptions). */
function renderSources(sources: MeshSource[]): AuthorizationPolicySpecRulesFrom[] {
  const unique = (values: string[]) => [...new Set(values)].sort(compareStrings);
  const principals = unique(sources.filter((s) => s.principal !== undefined).map((s) => s.principal!));
  const namespaces = unique(sources.filter((s) => s.namespace !== undefined).map((s) => s.namespace!));
  const blocks = sources.filter((s) => s.ipBlock !== undefined).map((s) => s.ipBlock!);
  const plainBlocks = unique(blocks.filter((b) => !b.excluded?.length).map((b) => b.cidr));
  // notIpBlocks applies to the whole source entry, so a block with exceptions needs an entry of its own.
  const excepted = blocks.filter((b) => b.excluded?.length)
    .sort((a, b) => compareStrings(a.cidr, b.cidr) || compareStrings(a.excluded!.join(','), b.excluded!.join(',')));
  return [
    ...(principals.length > 0 ? [{ source: { principals } }] : []),
    ...(namespaces.length > 0 ? [{ source: { namespaces } }] : []),
    ...(plainBlocks.length > 0 ? [{ source: { ipBlocks: plainBlocks } }] : []),
    ...excepted.map((b) => ({ source: { ipBlocks: [b.cidr], notIpBlocks: [...b.excluded!] } })),
  ];
}

/** `to` naming the ports; nothing for every port. Ports are strings in AuthorizationPolicy. */
function renderTo(ports: number[]): AuthorizationPolicySpecRules {
  return ports.length > 0 ? { to: [{ operation: { ports: ports.map(String) } }] } : {};
}

function sourceKey(source: MeshSource): string {
  if (source.principal !== undefined) return `principal ${source.principal}`;
  if (source.namespace !== undefined) return `namespace ${source.namespace}`;
  return `ipBlock ${source.ipBlock!.cidr} except ${(source.ipBlock!.excluded ?? []).join(',')}`;
}
