import { IConstruct } from 'constructs';
import { netsecError } from '../core/errors';
import { toDistinctDnsLabel, toDnsLabel } from '../core/names';
import { describePeerConfig, IPeer, resolvePeer } from '../core/peer';
import { checkPorts, Port, Protocol } from '../core/port';
import { isEmptySelector } from '../core/selector';
import { IsolatedTier } from '../tiers/tier';

/*
 * Peer authentication: the mTLS mode workloads accept connections with, and the port-level exceptions
 * that PeerAuthentication can only express for pods chosen by a workload selector.
 */

/** How workloads accept connections from other workloads (`PeerAuthentication` mode). */
export enum MtlsMode {
  /** Only mutual TLS: plaintext connections are refused, and every caller has a verified identity. */
  STRICT = 'STRICT',
  /** Mutual TLS and plaintext both accepted: for migrating workloads into the mesh. Plaintext callers have no identity. */
  PERMISSIVE = 'PERMISSIVE',
  /** Plaintext only: mutual TLS is turned off. Not supported by the ambient data plane. */
  DISABLE = 'DISABLE',
}

/** A different mTLS mode for some ports of some pods, such as a metrics port scraped from outside the mesh. */
export interface MtlsPortException {
  /**
   * The pods: a tier, or `Peer.pods(labels, namespace)`. Istio selects them by labels only (no expressions).
   */
  readonly workload: IPeer;
  /** The container ports (single TCP ports; not the Service port). */
  readonly ports: Port[];
  /**
   * The mode on those ports. With PERMISSIVE or DISABLE, callers on these ports may have no identity, so
   * mesh authorization allows the flows declared on them by port alone (their NetworkPolicy still names
   * the callers).
   * @default MtlsMode.PERMISSIVE
   */
  readonly mode?: MtlsMode;
}

/** The port exceptions of one workload, checked: one workload-scoped PeerAuthentication. */
export interface ResolvedPortException {
  readonly namespace: string;
  readonly labels: { [key: string]: string };
  /** The PeerAuthentication name. */
  readonly name: string;
  /** Mode per container port number. */
  readonly ports: { [port: string]: MtlsMode };
}

/** What port exceptions are checked against: the `MeshMtls` that declares them. */
export interface PortExceptionScope {
  /** The mesh's mode, which every exception must change. */
  readonly mode: MtlsMode;
  /** The base name of the mesh's objects. */
  readonly baseName: string;
  /** The namespace covered; undefined when mesh-wide. */
  readonly namespace?: string;
  /** True for the ambient data plane, which has no DISABLE mode. */
  readonly ambient: boolean;
}

/** Checks port exceptions and merges them per workload (same namespace and labels). */
export function resolvePortExceptions(owner: IConstruct | string, exceptions: MtlsPortException[],
  scope: PortExceptionScope): ResolvedPortException[] {
  const byWorkload = new Map<string, { namespace: string; labels: { [key: string]: string }; name: string; ports: { [port: string]: MtlsMode } }>();
  for (const exception of exceptions) {
    if (exception === null || typeof exception !== 'object') {
      throw netsecError(owner, 'a port exception must be an object', exception, 'Pass { workload: tier, ports: [Port.tcp(9102)] }.');
    }
    const config = resolvePeer(owner, exception.workload).toPeerConfig();
    checkPorts(owner, exception.ports);
    const labels = config.podSelector?.matchLabels ?? {};
    if (config.ipBlock || !config.podSelector || isEmptySelector(config.podSelector) || config.podSelector.matchExpressions) {
      throw netsecError(owner, 'a port exception must select pods by labels (Istio selectors take no expressions)',
        describePeerConfig(config), 'Use a tier or Peer.pods({ app: "..." }, "namespace") as the workload.');
    }
    if (config.namespaceSelector || config.allNamespaces || (config.namespace === undefined && scope.namespace === undefined)) {
      throw netsecError(owner, 'a port exception must name the namespace of its pods', describePeerConfig(config),
        'Use a tier or Peer.pods(labels, "namespace") as the workload.');
    }
    const namespace = config.namespace ?? scope.namespace!;
    if (scope.namespace !== undefined && namespace !== scope.namespace) {
      throw netsecError(owner, `a port exception is for namespace ${namespace}, outside namespace ${scope.namespace}`,
        describePeerConfig(config), 'Declare the exception on the MeshMtls that covers that namespace.');
    }
    const mode = exception.mode ?? MtlsMode.PERMISSIVE;
    if (!Object.values(MtlsMode).includes(mode) || mode === scope.mode) {
      throw netsecError(owner, `a port exception must change the mesh's mode (${scope.mode})`, mode,
        `Use another MtlsMode than ${scope.mode}, e.g. MtlsMode.PERMISSIVE for a metrics port.`);
    }
    if (mode === MtlsMode.DISABLE && scope.ambient) {
      throw netsecError(owner, 'the ambient data plane does not support mode DISABLE', mode, 'Use MtlsMode.PERMISSIVE for the port.');
    }
    if (exception.ports.length === 0) {
      throw netsecError(owner, 'a port exception names no ports', [], 'List the container ports, e.g. ports: [Port.tcp(9102)].');
    }
    const key = `${namespace}|${JSON.stringify(labels)}`;
    // A name from label values is lossy ({ app: "a-b" } and { app: "a", tier: "b" }): a hash keeps them apart.
    const name = IsolatedTier.isIsolatedTier(exception.workload) ? toDnsLabel([scope.baseName, exception.workload.name])
      : toDistinctDnsLabel([scope.baseName, ...Object.values(labels)], Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(','));
    const slot = byWorkload.get(key) ?? { namespace, labels: { ...labels }, name, ports: {} };
    for (const port of exception.ports) {
      if (!(port instanceof Port) || port.protocol !== Protocol.TCP || !port.isNumeric || port.endPort !== undefined) {
        throw netsecError(owner, 'a port exception takes single TCP container ports', String(port),
          'Name each port by number, e.g. Port.tcp(9102); Istio proxies only TCP.');
      }
      const earlier = slot.ports[String(port.startPort)];
      if (earlier !== undefined && earlier !== mode) {
        throw netsecError(owner, `port ${port.startPort} of ${describePeerConfig(config)} has two exception modes`, [earlier, mode],
          'Give each port one mode.');
      }
      slot.ports[String(port.startPort)] = mode;
    }
    byWorkload.set(key, slot);
  }
  return [...byWorkload.values()];
}

/** The exceptions whose selector selects (at least) the pods of `peer`, when it is a tier. */
export function exceptionsFor(exceptions: ResolvedPortException[], peer: IPeer): ResolvedPortException[] {
  if (!IsolatedTier.isIsolatedTier(peer)) return [];
  return exceptions.filter((e) => e.namespace === peer.namespace
    && Object.entries(e.labels).every(([k, v]) => peer.podLabels[k] === v));
}

/** The container ports of `peer` where an exception makes mTLS optional (PERMISSIVE or DISABLE), sorted. */
export function plaintextPortsOf(exceptions: ResolvedPortException[], peer: IPeer): number[] {
  const ports = exceptionsFor(exceptions, peer)
    .flatMap((e) => Object.entries(e.ports).filter(([, mode]) => mode !== MtlsMode.STRICT).map(([port]) => Number(port)));
  return [...new Set(ports)].sort((a, b) => a - b);
}
