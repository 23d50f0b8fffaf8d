import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { enforcementObjectName, FqdnEgressRequest, FqdnEnforcementOutput, FqdnEnforcer, FqdnEntry, IpEntry } from './fqdn-enforcer';
import { parseCidr, ParsedCidr } from '../core/cidr';
import { netsecError, validationProblem } from '../core/errors';
import { toDistinctDnsLabel, toDnsLabel } from '../core/names';
import { IPeer, PeerConfig } from '../core/peer';
import { Port, Protocol } from '../core/port';
import { compareStrings } from '../core/selector';
import type { ServiceEntrySpec } from '../imports/networking.istio.io';
import { MeshInjection } from '../mesh/mesh-injection';
import { IntentModel } from '../model/intent-model';
import { istioNetworking } from '../render/l1';
import { istioProtocol, renderServiceEntry } from '../render/service-entry';
import { renderSidecar } from '../render/sidecar';
import { IsolatedPods } from '../tiers/isolated-pods';
import { NamespaceIsolation } from '../tiers/namespace-isolation';
import { IsolatedTier } from '../tiers/tier';

/*
 * FqdnEnforcement.ISTIO: ServiceEntries and a REGISTRY_ONLY Sidecar per target, for pods that run a sidecar.
 */

/** The Istio enforcement point. */
export const ISTIO_ENFORCER: FqdnEnforcer = {
  check: checkIstio,
  fqdnNetworkPeers: (internet) => internet,
  render: (owner, request, fqdnPeers) => new IstioEgress(owner, 'Istio', request, fqdnPeers),
};

function checkIstio(where: string, request: FqdnEgressRequest): void {
  request.targets.forEach((target) => checkSidecarPossible(where, target, request.model));
  const plainTcp = new Map<number, string>();
  for (const { hostname, ports } of request.fqdns) {
    for (const port of ports) {
      if (port.protocol !== Protocol.TCP || !port.isNumeric || port.endPort !== undefined) {
        throw netsecError(where, `${hostname}: the Istio sidecar enforces names only on single TCP ports`, port.toString(),
          'Use Port.tcp(n) for each port: the sidecar does not proxy UDP or SCTP, and a ServiceEntry lists single port numbers.');
      }
      if (istioProtocol(port.startPort!) !== 'TCP') continue;
      if (hostname.startsWith('*.')) {
        throw netsecError(where, 'a wildcard name can be enforced only on TLS (443) or HTTP (80): plain TCP carries no name, so the sidecar would pass any address on that port',
          `${hostname} on ${port}`, 'Use port 443 or 80 for the wildcard, or list each name with its port.');
      }
      const other = plainTcp.get(port.startPort!);
      if (other !== undefined && other !== hostname) {
        throw netsecError(where, 'two names share a plain TCP port; plain TCP carries no name, so the sidecar cannot tell them apart',
          `${other} and ${hostname} on ${port}`, 'Give each service its own port, or use Destination.cidr() with their address ranges.');
      }
      plainTcp.set(port.startPort!, hostname);
    }
  }
  for (const entry of request.ipEntries) {
    if (entry.internet || (parseCidr(entry.cidr) as ParsedCidr).prefixLength === 0) {
      throw netsecError(where, 'open internet egress cannot be combined with FqdnEnforcement.ISTIO: the sidecar would have to pass every address, which defeats REGISTRY_ONLY',
        entry.internet ? 'Destination.internet' : entry.cidr,
        'Allow the services by name with Destination.fqdn(), or restrict the pods that need the open internet in a RestrictedEgress without fqdnEnforcement.');
    }
    if (entry.ports.length === 0 || entry.ports.some((p) => p.protocol === Protocol.TCP && (!p.isNumeric || p.endPort !== undefined))) {
      throw netsecError(where, 'with FqdnEnforcement.ISTIO every TCP port of an IP destination must be a single number, because the sidecar passes only the ports a ServiceEntry registers',
        `${entry.cidr} on ${entry.ports.length === 0 ? 'all ports' : entry.ports.join(', ')}`,
        `Name the TCP ports, e.g. Destination.cidr("${entry.cidr}", Port.tcp(443)).`);
    }
  }
}

/** What one ServiceEntry registers with the sidecar for an IP block. */
interface IpRegistration {
  /** The registered block. */
  readonly cidr: string;
  /** The TCP port numbers the ServiceEntry lists. */
  readonly tcpPorts: number[];
}

/**
 * Istio enforcement of one `RestrictedEgress`: ServiceEntries in each target namespace and one Sidecar
 * per target. The Sidecar's egress hosts are rendered at synth from the intent model, so that in-cluster
 * flows declared anywhere on the same pods stay reachable through the sidecar.
 */
class IstioEgress extends Construct implements FqdnEnforcementOutput {
  public readonly objects: ApiObject[] = [];
  public readonly targets: IsolatedPods[];
  /** Peers of the L3 rules behind the FQDN ServiceEntries (not IP destinations of their own). */
  public readonly fqdnPeers: IPeer[];
  private readonly hosts = new Map<string, string[]>();
  private readonly registrations = new Map<string, IpRegistration[]>();
  private readonly clusterDomain: string;
  private readonly model: IntentModel;

  public constructor(owner: Construct, id: string, request: FqdnEgressRequest, fqdnPeers: IPeer[]) {
    super(owner, id);
    this.model = request.model;
    this.targets = request.targets;
    this.fqdnPeers = fqdnPeers;
    this.model.addEgressEnforcement({ enforcer: this, targets: request.targets });
    this.clusterDomain = request.clusterDomain;
    const namespaces = [...new Set(request.targets.map((t) => t.namespace))].sort(compareStrings);
    for (const namespace of namespaces) {
      const dns = request.targets.filter((t) => t.namespace === namespace).flatMap(dnsIpEntries);
      this.hosts.set(namespace, [
        ...request.fqdns.map((f) => this.fqdnServiceEntry(serviceEntryName(request, f.hostname), namespace, f)),
        ...mergeIp([...request.ipEntries, ...dns]).map((e) => this.ipServiceEntry(request.baseName, namespace, e)),
      ]);
    }
    for (const target of request.targets) {
      const name = enforcementObjectName(request, target);
      this.model.names.claim('Sidecar', target.namespace, name, owner);
      this.objects.push(renderSidecar(this, `Sidecar-${target.namespace}-${name}`, {
        name,
        namespace: target.namespace,
        podLabels: IsolatedTier.isIsolatedTier(target) ? target.podLabels : undefined,
        egressHosts: () => this.egressHosts(target),
      }));
    }
    // Reported under the RestrictedEgress that owns this enforcement: its path is the one cdk8s prints.
    owner.node.addValidation({ validate: () => this.checkTree() });
  }

  /** The ServiceEntry hosts this enforcement registered in `namespace`. */
  public hostsIn(namespace: string): string[] {
    return this.hosts.get(namespace) ?? [];
  }

  /** The IP blocks and TCP ports this enforcement registered in `namespace`. */
  public registrationsIn(namespace: string): IpRegistration[] {
    return this.registrations.get(namespace) ?? [];
  }

  private fqdnServiceEntry(name: string, namespace: string, entry: FqdnEntry): string {
    const wildcard = entry.hostname.startsWith('*.');
    const numbers = [...new Set(entry.ports.map((p) => p.startPort!))].sort((a, b) => a - b);
    this.serviceEntry(name, namespace, {
      hosts: [entry.hostname],
      ports: numbers.map((n) => ({ number: n, name: `${istioProtocol(n).toLowerCase()}-${n}`, protocol: istioProtocol(n) })),
      // DNS cannot resolve a wildcard: the sidecar then passes the connection to the address the app chose.
      resolution: wildcard ? istioNetworking().ServiceEntrySpecResolution.NONE : istioNetworking().ServiceEntrySpecResolution.DNS,
    });
    return entry.hostname;
  }

  private ipServiceEntry(baseName: string, namespace: string, entry: IpRegistration): string {
    const parsed = parseCidr(entry.cidr) as ParsedCidr;
    const address = parsed.family === 'ipv6' ? parsed.address.toNormalizedString() : parsed.network;
    const name = toDnsLabel([baseName, 'ip', `${address}-${parsed.prefixLength}`.replace(/[.:]/g, '-')]);
    // IP destinations have no name; the host only identifies the entry (".internal" never resolves publicly).
    const host = `${name}.${namespace}.netsec.internal`;
    this.serviceEntry(name, namespace, {
      hosts: [host],
      addresses: [entry.cidr],
      ports: entry.tcpPorts.map((n) => ({ number: n, name: `tcp-${n}`, protocol: 'TCP' })),
      resolution: istioNetworking().ServiceEntrySpecResolution.NONE,
    });
    this.registrations.set(namespace, [...this.registrationsIn(namespace), entry]);
    return host;
  }

  private serviceEntry(name: string, namespace: string, spec: Omit<ServiceEntrySpec, 'location' | 'exportTo'>): void {
    this.model.names.claim('ServiceEntry', namespace, name, this.node.scope!);
    this.objects.push(renderServiceEntry(this, `ServiceEntry-${namespace}-${name}`, name, namespace, spec));
  }

  /**
   * The hosts a target's Sidecar imports, exactly what the pods may reach: the ServiceEntries of the
   * Istio-enforced RestrictedEgresses that cover them (by host, never `./*`, which would import every
   * ServiceEntry of the namespace), and the Kubernetes Services of the namespaces their in-cluster flows
   * and DNS go to.
   */
  private egressHosts(target: IsolatedPods): string[] {
    const hosts: string[] = [];
    for (const enforcement of enforcementsCovering(target, this.model)) {
      enforcement.hostsIn(target.namespace).forEach((h) => hosts.push(`./${h}`));
    }
    for (const group of coveredGroups(target, this.model)) {
      for (const { peer } of egressEntries(group, this.model)) {
        const namespace = inClusterNamespace(peer.toPeerConfig(), group.namespace);
        if (namespace === '*') hosts.push(`*/*.svc.${this.clusterDomain}`);
        else if (namespace !== undefined) hosts.push(`${namespace}/*.${namespace}.svc.${this.clusterDomain}`);
      }
    }
    return hosts;
  }

  private checkTree(): string[] {
    const errors: string[] = [];
    const all = istioEnforcements(this.model);
    for (const target of this.targets) {
      // A mesh mode declared after this construct: the namespace may have turned ambient since.
      const ambient = ambientProblem(undefined, target, this.model);
      if (ambient) errors.push(ambient.message);
      const earlier = all.slice(0, all.indexOf(this)).find((e) => e.targets.some((t) => sameSidecarScope(t, target)));
      if (earlier) {
        errors.push(validationProblem(`${target} already gets a Sidecar from ${earlier.node.scope!.node.path}; Istio leaves it undefined which of two Sidecars applies`,
          target.toString(), 'List all destinations of these pods in one RestrictedEgress.'));
      }
      errors.push(...this.unregisteredIpEgress(target));
    }
    return errors;
  }

  /** IP egress of the covered pods that the REGISTRY_ONLY sidecar would drop for lack of a ServiceEntry. */
  private unregisteredIpEgress(target: IsolatedPods): string[] {
    const enforcements = enforcementsCovering(target, this.model);
    const exempt = new Set(enforcements.flatMap((e) => e.fqdnPeers));
    const registered = enforcements.flatMap((e) => e.registrationsIn(target.namespace));
    const errors: string[] = [];
    for (const group of coveredGroups(target, this.model)) {
      for (const { peer, ports } of egressEntries(group, this.model)) {
        const block = peer.toPeerConfig().ipBlock;
        if (!block || exempt.has(peer)) continue;
        const tcp = ports.length === 0 ? [Port.allTcp()] : ports.filter((p) => p.protocol === Protocol.TCP && !p.isNamed);
        const covered = (p: Port) => p.isNumeric && p.endPort === undefined
          && registered.some((r) => r.cidr === block.cidr && r.tcpPorts.includes(p.startPort!));
        const missing = tcp.filter((p) => !covered(p));
        if (missing.length > 0) {
          errors.push(validationProblem(`the Sidecar of ${target} passes only registered destinations (REGISTRY_ONLY), so egress from ${group} to ${block.cidr} would be dropped`,
            `${block.cidr} on ${missing.join(', ')}`,
            `Declare it in a RestrictedEgress with fqdnEnforcement: FqdnEnforcement.ISTIO on these pods, e.g. Destination.cidr("${block.cidr}", Port.tcp(443)), or remove it.`));
        }
      }
    }
    return errors;
  }
}

/**
 * The ServiceEntry name of a host: readable (`<base>-api-stripe-com`), and with a hash of the host only
 * when another host of the same allowlist flattens to the same name (`a.b.example.com`, `a-b.example.com`).
 */
function serviceEntryName(request: FqdnEgressRequest, hostname: string): string {
  const plain = (host: string) => toDnsLabel([request.baseName, host.replace(/^\*\./, 'wildcard.')]);
  const shared = request.fqdns.filter((f) => plain(f.hostname) === plain(hostname)).length > 1;
  return shared ? toDistinctDnsLabel([request.baseName, hostname.replace(/^\*\./, 'wildcard.')], hostname) : plain(hostname);
}

/** The DNS servers of a group that are IP blocks: TCP DNS to them passes the sidecar. */
function dnsIpEntries(group: IsolatedPods): IpEntry[] {
  if (!group.isolatesEgress) return [];
  return group.dns._destinations
    .filter((d) => d.peer.toPeerConfig().ipBlock)
    .map((d) => ({ cidr: d.peer.toPeerConfig().ipBlock!.cidr, ports: d.ports, internet: false }));
}

/** IP entries merged by CIDR, with their single TCP port numbers; entries without TCP ports need no ServiceEntry. */
function mergeIp(entries: IpEntry[]): IpRegistration[] {
  const byCidr = new Map<string, Set<number>>();
  for (const entry of entries) {
    const tcp = entry.ports.filter((p) => p.protocol === Protocol.TCP).map((p) => p.startPort!);
    if (tcp.length === 0) continue;
    const slot = byCidr.get(entry.cidr) ?? new Set<number>();
    tcp.forEach((n) => slot.add(n));
    byCidr.set(entry.cidr, slot);
  }
  return [...byCidr.entries()].sort(([a], [b]) => compareStrings(a, b))
    .map(([cidr, ports]) => ({ cidr, tcpPorts: [...ports].sort((a, b) => a - b) }));
}

/** Every egress allowance of a group as its NetworkPolicy renders it: declared flows plus DNS. */
function egressEntries(group: IsolatedPods, model: IntentModel): { peer: IPeer; ports: Port[] }[] {
  if (!group.isolatesEgress) return [];
  return [
    ...model.flowsFrom(group).map((f) => ({ peer: f.destination, ports: f.ports })),
    ...group.dns._destinations.map((d) => ({ peer: d.peer, ports: d.ports })),
  ];
}

/** The namespace of an in-cluster peer ('*' when selected by labels); undefined for IP blocks. */
function inClusterNamespace(config: PeerConfig, groupNamespace: string): string | undefined {
  if (config.ipBlock) return undefined;
  if (config.namespace !== undefined) return config.namespace;
  if (config.namespaceSelector || config.allNamespaces) return '*';
  return groupNamespace;
}

/**
 * The isolated groups whose egress reaches the pods a target's Sidecar applies to. A tier's pods also
 * get the flows of the NamespaceIsolations of their namespace (policies add up); a namespace-wide Sidecar
 * applies to every pod of the namespace that has no Sidecar of its own. Every isolated group owns its
 * namespace's NetworkPolicy names in the model, so that is where they are looked up.
 */
function coveredGroups(target: IsolatedPods, model: IntentModel): IsolatedPods[] {
  const groups = model.names.owners('NetworkPolicy', target.namespace).filter((g): g is IsolatedPods => g instanceof IsolatedPods);
  if (IsolatedTier.isIsolatedTier(target)) {
    return [target, ...groups.filter((g) => g instanceof NamespaceIsolation)];
  }
  const ownSidecar = new Set(istioEnforcements(model).flatMap((e) => e.targets));
  return groups.filter((g) => !IsolatedTier.isIsolatedTier(g) || !ownSidecar.has(g));
}

/** The Istio enforcements whose ServiceEntries a target's Sidecar imports. */
function enforcementsCovering(target: IsolatedPods, model: IntentModel): IstioEgress[] {
  const groups = coveredGroups(target, model);
  return istioEnforcements(model).filter((e) => e.targets.some((t) => groups.includes(t)));
}

/** Every Istio enforcement of the app, in declaration order. */
function istioEnforcements(model: IntentModel): IstioEgress[] {
  return model.egressEnforcements.map((r) => r.enforcer).filter((e): e is IstioEgress => e instanceof IstioEgress);
}

/** True when two targets would get Sidecars for the same workloads (one tier, or one namespace-wide). */
function sameSidecarScope(a: IsolatedPods, b: IsolatedPods): boolean {
  if (a === b) return true;
  return a instanceof NamespaceIsolation && b instanceof NamespaceIsolation && a.namespace === b.namespace;
}

/**
 * A Sidecar applies only to pods that run one: a tier declared outside the mesh has none, so the
 * REGISTRY_ONLY filter would apply to nothing while the L3 rule opens the FQDN ports to every public
 * address. Refused, with the enforcement that does apply.
 */
function checkSidecarPossible(where: string, target: IsolatedPods, model: IntentModel): void {
  if (IsolatedTier.isIsolatedTier(target) && !target.inMesh) {
    throw netsecError(where, `${target} is not in the mesh (inMesh: false), so no sidecar would enforce the names and the pods would reach every public address on the FQDN ports`,
      'FqdnEnforcement.ISTIO', 'Use fqdnEnforcement: FqdnEnforcement.CILIUM where Cilium is the CNI, or put the tier in the mesh (inMesh: true, with sidecar injection).');
  }
  const ambient = ambientProblem(where, target, model);
  if (ambient) throw ambient;
}

/**
 * The refusal for Istio enforcement in an ambient-mode namespace (no sidecars there), or undefined. `where`
 * is undefined in a validation, whose construct path cdk8s prints.
 */
function ambientProblem(where: IConstruct | string | undefined, target: IsolatedPods, model: IntentModel): Error | undefined {
  const ambient = Object.entries(MeshInjection.ambient().namespaceLabels);
  const labelled = (labels: { [key: string]: string }) => ambient.every(([key, value]) => labels[key] === value);
  // Ambient through a MeshMtls (a label it requires), or written by hand on the emitted Namespace object.
  const isolations = model.names.owners('NetworkPolicy', target.namespace).filter((o): o is NamespaceIsolation => o instanceof NamespaceIsolation);
  const isAmbient = model.requiredNamespaceLabels(target.namespace).some((rule) => labelled(rule.labels))
    || isolations.some((isolation) => labelled(isolation.namespaceLabels));
  if (!isAmbient) return undefined;
  return netsecError(where, `namespace ${target.namespace} runs the ambient data plane, whose pods have no sidecar, so a Sidecar would enforce nothing and the pods would reach every public address on the FQDN ports`,
    `${target} with FqdnEnforcement.ISTIO`, 'Use fqdnEnforcement: FqdnEnforcement.CILIUM where Cilium is the CNI, or use sidecar injection in this namespace.');
}
