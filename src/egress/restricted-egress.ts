import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Destination, DestinationKind } from './destination';
import { FqdnEnforcement, fqdnEnforcer } from './fqdn';
import { enforcementObjectName, FqdnEgressRequest, FqdnEntry, IpEntry } from './fqdn-enforcer';
import { EVERY_IPV4, INSTANCE_METADATA_CIDRS, IPV4_NON_PUBLIC, IPV6_INTERNET } from '../core/addresses';
import { checkedInput, madeByLibrary, readPropsOnce } from '../core/checked-input';
import { cidrContains, metadataEndpointNamedBy, parseCidr, ParsedCidr } from '../core/cidr';
import { netsecError, validationProblem } from '../core/errors';
import { Block, coversInternet } from '../core/internet-coverage';
import { checkDns1123Label, checkDns1123Subdomain } from '../core/names';
import { IPeer, Peer } from '../core/peer';
import { checkServedPorts, Port, Protocol } from '../core/port';
import { defaultName } from '../core/scope-defaults';
import { compareStrings } from '../core/selector';
import { MetadataEndpointAccess } from '../guardrails/metadata-endpoint-access';
import { IntentModel } from '../model/intent-model';
import { IsolatedPods } from '../tiers/isolated-pods';
import { NamespaceIsolation } from '../tiers/namespace-isolation';
import { IsolatedTier } from '../tiers/tier';


/** Properties of a `RestrictedEgress`. Exactly one of `tier`, `tiers` and `namespace` is set. */
export interface RestrictedEgressProps {
  /**
   * The tier whose egress is restricted. It must isolate egress (the default).
   * @default - see `tiers` and `namespace`
   */
  readonly tier?: IsolatedTier;
  /**
   * Several tiers that get the same allowlist.
   * @default - see `tier` and `namespace`
   */
  readonly tiers?: IsolatedTier[];
  /**
   * A whole namespace: the destinations are opened for every pod of it (its NetworkPolicies add up with
   * the tiers' own).
   * @default - see `tier` and `tiers`
   */
  readonly namespace?: NamespaceIsolation;
  /**
   * Where the pods may connect, besides DNS. Everything else stays denied.
   */
  readonly allow: Destination[];
  /**
   * Permit `Destination.internet()` and blocks of every address (0.0.0.0/0, ::/0). Without it they are
   * an error, so that the open internet is never allowed by accident.
   * @default false
   */
  readonly allowInternet?: boolean;
  /**
   * Internet destinations (and, with Istio, the L3 rule behind FQDN destinations) also cover the IPv6
   * internet, 2000::/3.
   * @default false - IPv4 only
   */
  readonly includeIpv6?: boolean;
  /**
   * Further blocks that internet destinations exclude: the cluster's pod, Service or node ranges, or a
   * VPC, when they are public addresses and therefore not among the excluded non-public ranges.
   * @default - only the non-public ranges are excluded
   */
  readonly internetExcept?: string[];
  /**
   * Allow TCP 80 to the cloud instance metadata endpoints (169.254.169.254, 100.100.100.200,
   * fd00:a9fe:a9fe::1, fd00:ec2::254, fd20:ce::254), which hand out the node's cloud credentials. Without it
   * every metadata endpoint is excluded from every broader block and naming one is an error. Azure's
   * WireServer (168.63.129.16) stays excluded either way: no workload needs it.
   * @default false
   */
  readonly allowMetadataEndpoint?: boolean;
  /**
   * Where FQDN destinations are enforced; NetworkPolicy cannot match names.
   * @default - none: an FQDN destination is an error
   */
  readonly fqdnEnforcement?: FqdnEnforcement;
  /**
   * The cluster's DNS domain, used to name in-cluster Services in Istio Sidecar hosts.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
  /**
   * The base name of the emitted Istio objects.
   * @default - derived from the construct id
   */
  readonly name?: string;
}

/**
 * An egress allowlist: the selected pods may connect only to the destinations named here (and to DNS),
 * on the ports named here. It stops data exfiltration from compromised or misbehaving workloads.
 *
 * IP, tier and namespace destinations are opened with the target's `allowTo`, so each tier keeps exactly
 * one merged NetworkPolicy, and a tier destination gets its ingress rule too. The cloud metadata endpoint
 * stays unreachable unless `allowMetadataEndpoint` is set. FQDN destinations need `fqdnEnforcement`.
 *
 * @example
 * new RestrictedEgress(chart, 'egress', {
 *   tier: api,
 *   allow: [Destination.tier(db, Port.tcp(5432)), Destination.fqdn('api.stripe.com', Port.tcp(443))],
 *   fqdnEnforcement: FqdnEnforcement.ISTIO,
 * });
 */
export class RestrictedEgress extends Construct {
  /** The base name of the emitted objects. */
  public readonly name: string;
  /** The tiers or namespace isolation whose egress is restricted. */
  public readonly targets: IPeer[];
  /** The allowlist, as given (plus the metadata endpoint with `allowMetadataEndpoint`). */
  public readonly destinations: Destination[];
  /** Where FQDN destinations are enforced; undefined without enforcement. */
  public readonly fqdnEnforcement?: FqdnEnforcement;
  /** The objects emitted for FQDN enforcement (Istio ServiceEntries and Sidecars); empty without it. */
  public readonly enforcementObjects: ApiObject[];

  /**
   * @param scope the parent construct
   * @param id the construct id, unique among its siblings
   * @param props the configuration (`RestrictedEgressProps`)
   */
  public constructor(scope: Construct, id: string, given: RestrictedEgressProps) {
    const props = readPropsOnce(given, 'RestrictedEgressProps');
    const { name, targets, destinations, internet, enforcer, fqdnPeers, request, model }
      = checkedInput(scope, id, (path) => checkEgressProps(scope, id, path, props), { props: { given, struct: 'RestrictedEgressProps' } });
    super(scope, id);
    this.name = name;
    this.fqdnEnforcement = props.fqdnEnforcement;
    this.targets = targets;
    this.destinations = destinations;

    for (const target of targets) {
      for (const destination of destinations) {
        const peers = destination._kind === DestinationKind.FQDN ? fqdnPeers
          : destination._kind === DestinationKind.INTERNET ? internet : [destination._networkPeer!];
        peers.forEach((peer) => target.allowTo(peer, ...destination.ports));
      }
    }
    this.enforcementObjects = enforcer ? enforcer.render(this, request, fqdnPeers).objects : [];
    this.node.addValidation({ validate: () => [...this.isolatedNamespaceDestinations(model), ...this.metadataBehindGuardrail(model, props)] });
  }

  /** The targets as the isolated groups they are (the public property is typed as peers). */
  private get groups(): IsolatedPods[] {
    return this.targets as IsolatedPods[];
  }

  /**
   * `allowMetadataEndpoint` under a ClusterIsolation whose Admin deny covers the pods: the NetworkPolicy
   * rule would be dead unless the guardrail names the pods as an exception.
   */
  private metadataBehindGuardrail(model: IntentModel, props: RestrictedEgressProps): string[] {
    const guardrails = model.clusterBaseline;
    if (!props.allowMetadataEndpoint || !guardrails) return [];
    // The metadata deny covers every namespace, exempt ones included.
    return this.groups.filter((t) => !guardrails.metadataEndpointAccess.some((a) => coversTarget(a, t)))
      .map((t) => validationProblem(`${guardrails.declaredAt} denies the metadata endpoint to ${t} before any NetworkPolicy, so allowMetadataEndpoint would have no effect`,
        t.toString(), IsolatedTier.isIsolatedTier(t)
          ? `Add MetadataEndpointAccess.pods("${t.namespace}", ${JSON.stringify(t.podLabels)}) to the ClusterIsolation's metadataEndpointAccess, or drop allowMetadataEndpoint.`
          : `Add MetadataEndpointAccess.namespace("${t.namespace}") to the ClusterIsolation's metadataEndpointAccess, or drop allowMetadataEndpoint.`));
  }

  /**
   * A namespace destination whose namespace denies ingress (a NamespaceIsolation, or the ClusterIsolation
   * of the app) stays closed on its ingress side unless the flow goes to the namespace's isolation.
   */
  private isolatedNamespaceDestinations(model: IntentModel): string[] {
    const errors: string[] = [];
    for (const destination of this.destinations.filter((d) => d._kind === DestinationKind.NAMESPACE)) {
      const namespace = destination._networkPeer!.toPeerConfig().namespace!;
      if (!model.namespaceIsolatesIngress(namespace)) continue;
      const isolations = model.names.owners('NetworkPolicy', namespace)
        .filter((o): o is NamespaceIsolation => o instanceof NamespaceIsolation && o.isIngressIsolated());
      const open = this.groups.every((t) => model.flowsFrom(t).some((f) => isolations.includes(f.destination as NamespaceIsolation)));
      if (open) continue;
      const by = isolations.length > 0 ? isolations[0].node.path : model.clusterBaseline!.declaredAt;
      const fix = isolations.length > 0 ? 'Pass the isolation instead, Destination.peer(isolation, ...ports), which writes both sides.'
        : `Add a NamespaceIsolation for ${namespace} and pass it, Destination.peer(isolation, ...ports), which writes both sides; or exempt the namespace.`;
      errors.push(validationProblem(`namespace ${namespace} denies ingress through ${by}, so Destination.namespace() would open only the egress side`,
        destination.toString(), fix));
    }
    return errors;
  }
}

/** Two targets whose enforcement objects would share a namespace and name (tiers with one name) cannot both get one. */
function checkDistinctObjectNames(path: string, request: FqdnEgressRequest): void {
  const seen = new Map<string, IsolatedPods>();
  for (const target of request.targets) {
    const key = `${target.namespace}/${enforcementObjectName(request, target)}`;
    const other = seen.get(key);
    if (other) {
      throw netsecError(path, `${other} and ${target} would get enforcement objects of the same name`, key,
        'Give the tiers distinct names, or restrict them in separate RestrictedEgress constructs.');
    }
    seen.set(key, target);
  }
}

/**
 * Pods restricted by Istio and by Cilium at once would get both: the REGISTRY_ONLY Sidecar drops the names
 * only Cilium allows, and the L3 rule the Istio side writes opens the FQDN ports to every public address,
 * which Cilium mode promises never to write. Refused at the call, whichever comes first.
 */
function checkOneEnforcementPerPod(path: string, model: IntentModel, targets: IsolatedPods[], enforcement: FqdnEnforcement): void {
  for (const record of model.egressEnforcements) {
    const other = record.enforcer.node.scope;
    if (!(other instanceof RestrictedEgress) || other.fqdnEnforcement === undefined || other.fqdnEnforcement === enforcement) continue;
    for (const target of targets) {
      const shared = record.targets.find((t) => t === target || ((t instanceof NamespaceIsolation || target instanceof NamespaceIsolation)
        && (t as IsolatedPods).namespace === target.namespace));
      if (shared) {
        const who = shared === target ? `${target} is` : `${target} shares pods with ${shared}, which is`;
        throw netsecError(path, `${who} restricted by ${other.node.path} with FqdnEnforcement.${other.fqdnEnforcement}; `
          + `with FqdnEnforcement.${enforcement} as well, each enforcement point would drop or widen what the other allows`, `FqdnEnforcement.${enforcement}`,
        `Enforce the names of these pods in one way: use fqdnEnforcement: FqdnEnforcement.${other.fqdnEnforcement} here too (or change ${other.node.path}), or restrict pods that share no namespace-wide allowlist.`);
      }
    }
  }
}

/** True when a metadata exception covers every pod of the target: its namespace, and labels the target's pods all carry. */
function coversTarget(access: MetadataEndpointAccess, target: IsolatedPods): boolean {
  if (access.namespaceName !== target.namespace) return false;
  if (!access.podLabels) return true;
  if (!IsolatedTier.isIsolatedTier(target)) return false;
  return Object.entries(access.podLabels).every(([key, value]) => target.podLabels[key] === value);
}

/** Every tier and peer construct must belong to the app of `scope`: a flow cannot join two apps. */
function checkSameApp(path: string, scope: Construct, targets: IsolatedPods[], destinations: Destination[]): void {
  const candidates: unknown[] = [...targets, ...destinations.map((d) => d._networkPeer)];
  const constructs = candidates.filter((c): c is Construct => c instanceof Construct);
  for (const construct of constructs) {
    if (construct.node.root !== scope.node.root) {
      throw netsecError(path, 'a tier or destination belongs to another cdk8s app', construct.node.path,
        'Use tiers of the same App, or Peer.pods() for pods managed elsewhere.');
    }
  }
}

function resolveTargets(path: string, props: RestrictedEgressProps): IsolatedPods[] {
  const given = [props.tier !== undefined, props.tiers !== undefined, props.namespace !== undefined].filter((x) => x).length;
  if (given !== 1) {
    throw netsecError(path, 'exactly one of tier, tiers and namespace must be set', Object.keys(props).filter((k) => ['tier', 'tiers', 'namespace'].includes(k)),
      'Pass tier for one tier, tiers for several, or namespace (a NamespaceIsolation) for every pod of a namespace.');
  }
  const targets: IsolatedPods[] = props.namespace !== undefined ? [props.namespace] : props.tier !== undefined ? [props.tier] : [...props.tiers!];
  if (targets.length === 0) throw netsecError(path, 'tiers is empty', [], 'List at least one tier.');
  for (const target of targets) {
    if (!(target instanceof IsolatedPods)) {
      throw netsecError(path, 'the target is not an IsolatedTier or NamespaceIsolation', String(target), 'Pass tiers made with new IsolatedTier(...) or a NamespaceIsolation.');
    }
    if (!target.isolatesEgress) {
      throw netsecError(path, `${target} does not isolate egress, so an allowlist would restrict nothing`, 'isolateEgress: false',
        'Leave isolateEgress at its default (true) on the tier or namespace isolation.');
    }
  }
  if (new Set(targets).size !== targets.length) throw netsecError(path, 'a tier is listed twice', targets.map(String), 'List each tier once.');
  return targets;
}

function checkDestinations(path: string, props: RestrictedEgressProps): Destination[] {
  if (!Array.isArray(props.allow)) {
    throw netsecError(path, 'allow must be a list of destinations', props.allow, 'Pass allow: [Destination.cidr(...), ...]; an empty list allows only DNS.');
  }
  for (const destination of props.allow) {
    if (!(destination instanceof Destination) || !madeByLibrary(destination)) {
      throw netsecError(path, 'allow holds something that is not a Destination', String(destination), 'Use the Destination factories, e.g. Destination.fqdn("api.example.com", Port.tcp(443)).');
    }
    const block = destination._networkPeer?.toPeerConfig().ipBlock;
    if (destination._kind === DestinationKind.INTERNET && !props.allowInternet) {
      throw netsecError(path, 'internet egress needs the explicit opt-in', destination.toString(),
        'Set allowInternet: true if these pods really may reach any public address, or name the services with Destination.fqdn() or Destination.cidr().');
    }
    if (block && (parseCidr(block.cidr) as ParsedCidr).prefixLength === 0 && !props.allowInternet) {
      throw netsecError(path, 'a block of every address needs the explicit opt-in', block.cidr,
        'Prefer Destination.internet(...ports), which also excludes private and link-local ranges, with allowInternet: true; or name a narrower block.');
    }
    const endpoint = block ? metadataEndpointNamedBy(block.cidr) : undefined;
    if (block && endpoint) {
      throw netsecError(path, 'the cloud metadata endpoint is named as a destination', block.cidr, INSTANCE_METADATA_CIDRS.includes(endpoint)
        ? 'Set allowMetadataEndpoint: true instead (it opens TCP 80 to the instance metadata endpoints), or remove the destination.'
        : 'Remove the destination: it is a host channel no workload needs (Azure\'s WireServer); for Azure DNS on it, use ClusterDns.metadataServer().');
    }
    if (IsolatedTier.isIsolatedTier(destination._networkPeer)) checkServedPorts(path, String(destination._networkPeer), destination._networkPeer.ports, destination.ports, 'Allow');
    if (isFqdn(destination) && props.fqdnEnforcement === undefined) {
      throw netsecError(path, 'an FQDN destination needs an enforcement point that understands names; NetworkPolicy matches IP addresses only', destination.hostname,
        `Set fqdnEnforcement to one of: ${Object.keys(FqdnEnforcement).map((k) => `FqdnEnforcement.${k}`).join(', ')}; or allow the service's published address ranges with Destination.cidr().`);
    }
  }
  if (!props.allowInternet) refuseBlocksCoveringInternet(path, props.allow);
  const metadata = props.allowMetadataEndpoint ? INSTANCE_METADATA_CIDRS.map((cidr) => Destination.cidr(cidr, Port.tcp(80))) : [];
  return [...props.allow, ...metadata];
}

/**
 * Refuses address blocks that together open every public address on some port without `allowInternet`:
 * `0.0.0.0/1` and `128.0.0.0/1`, or the public ranges listed one by one, are the internet as much as
 * `0.0.0.0/0` is. The blocks open on a port change only where a destination's range starts or ends, so
 * one probe per protocol at each such boundary (and at port 1) checks every port.
 */
function refuseBlocksCoveringInternet(path: string, allow: readonly Destination[]): void {
  const open = allow.flatMap((destination) => {
    const block = destination._networkPeer?.toPeerConfig().ipBlock;
    if (!block) return [];
    const parsed: Block = {
      cidr: parseCidr(block.cidr) as ParsedCidr,
      except: (block.excluded ?? []).map((text) => parseCidr(text) as ParsedCidr),
    };
    return [{ block: parsed, text: block.cidr, ports: destination.ports }];
  });
  if (open.length === 0) return;
  const opens = (port: Port, protocol: Protocol, n: number) => port.isAllTraffic || (port.protocol === protocol
    && (port.isAllPorts || (port.startPort !== undefined && port.startPort <= n && n <= (port.endPort ?? port.startPort))));
  for (const protocol of [Protocol.TCP, Protocol.UDP, Protocol.SCTP]) {
    const probes = new Set<number>([1]);
    for (const port of open.flatMap((o) => o.ports)) {
      if (port.protocol !== protocol || port.startPort === undefined) continue;
      probes.add(port.startPort);
      const after = (port.endPort ?? port.startPort) + 1;
      if (after <= 65535) probes.add(after);
    }
    for (const n of probes) {
      const here = open.filter((o) => o.ports.some((port) => opens(port, protocol, n)));
      const blocks = here.map((o) => o.block);
      if (coversInternet(blocks, 'ipv4') || coversInternet(blocks, 'ipv6')) {
        throw netsecError(path, `these blocks together open every public address on ${protocol} ${n}, which needs the explicit opt-in`,
          here.map((o) => o.text),
          'Set allowInternet: true (and prefer Destination.internet(...ports)) if these pods really may reach any public address; or name narrower blocks.');
      }
    }
  }
}

function isFqdn(destination: Destination): boolean {
  return destination._kind === DestinationKind.FQDN;
}

/** The internet blocks: 0.0.0.0/0 without non-public ranges, and 2000::/3 with `includeIpv6`. */
function internetPeers(path: string, props: RestrictedEgressProps): IPeer[] {
  const where = `${path} (internetExcept)`;
  const extra = (props.internetExcept ?? []).map((text) => {
    const parsed = parseCidr(text);
    if (typeof parsed === 'string') throw netsecError(where, `block ${parsed}`, text, 'Write a CIDR such as "203.0.113.0/24".');
    return parsed;
  });
  const v6 = parseCidr(IPV6_INTERNET) as ParsedCidr;
  for (const block of extra) {
    if (block.family === 'ipv6' && !props.includeIpv6) {
      throw netsecError(where, 'an IPv6 block is excluded but IPv6 internet egress is off', block.text, 'Set includeIpv6: true, or remove the block.');
    }
    if (block.family === 'ipv6' && !cidrContains(v6, block)) {
      throw netsecError(where, `block lies outside the IPv6 internet (${IPV6_INTERNET}), so it is never reachable through it`, block.text, 'Remove the block.');
    }
    if (block.prefixLength === 0 || (block.family === 'ipv6' && block.prefixLength <= v6.prefixLength)) {
      throw netsecError(where, 'block would exclude the whole internet', block.text, 'Exclude a smaller block, or do not allow internet egress.');
    }
  }
  const ipv4 = [...IPV4_NON_PUBLIC.map((c) => parseCidr(c) as ParsedCidr), ...extra.filter((b) => b.family === 'ipv4')];
  const peers = [Peer.ipBlock(EVERY_IPV4, outermost(ipv4))];
  if (props.includeIpv6) peers.push(Peer.ipBlock(IPV6_INTERNET, outermost(extra.filter((b) => b.family === 'ipv6'))));
  return peers;
}

/** The blocks not inside another block of the list, as sorted text: a canonical except list. */
function outermost(blocks: ParsedCidr[]): string[] {
  const kept = blocks.filter((b, i) => !blocks.some((o, j) => j !== i && cidrContains(o, b) && (o.prefixLength < b.prefixLength || j < i)));
  return [...new Set(kept.map((b) => b.text))].sort(compareStrings);
}

function mergeFqdns(destinations: Destination[]): FqdnEntry[] {
  const byHost = new Map<string, Port[]>();
  for (const d of destinations.filter(isFqdn)) byHost.set(d.hostname!, [...(byHost.get(d.hostname!) ?? []), ...d.ports]);
  return [...byHost.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([hostname, ports]) => ({ hostname, ports }));
}

function ipEntries(destinations: Destination[]): IpEntry[] {
  return destinations.flatMap((d): IpEntry[] => {
    if (d._kind === DestinationKind.INTERNET) return [{ cidr: EVERY_IPV4, ports: d.ports, internet: true }];
    const block = d._networkPeer?.toPeerConfig().ipBlock;
    return block ? [{ cidr: block.cidr, ports: d.ports, internet: false }] : [];
  });
}


/** Checks every prop of a RestrictedEgress, each destination included, before it joins the tree. */
function checkEgressProps(scope: Construct, id: string, path: string, props: RestrictedEgressProps) {
  if (props === null || typeof props !== 'object') {
    throw netsecError(path, 'props are missing', props, 'Pass { tier, allow: [...] }.');
  }
  const targets = resolveTargets(path, props);
  const destinations = checkDestinations(path, props);
  checkSameApp(path, scope, targets, destinations);
  const internet = internetPeers(path, props);
  if (props.fqdnEnforcement !== undefined && !Object.values(FqdnEnforcement).includes(props.fqdnEnforcement)) {
    throw netsecError(path, 'fqdnEnforcement is not a known enforcement option', props.fqdnEnforcement,
      `Use one of: ${Object.keys(FqdnEnforcement).map((k) => `FqdnEnforcement.${k}`).join(', ')}.`);
  }
  const enforcer = props.fqdnEnforcement !== undefined ? fqdnEnforcer(props.fqdnEnforcement) : undefined;
  // The FQDN L3 rule gets peers of its own, so that the enforcement point can tell them from IP destinations.
  const fqdnPeers = enforcer && destinations.some(isFqdn) ? enforcer.fqdnNetworkPeers(internetPeers(path, props)) : [];
  const name = props.name ?? defaultName(scope, id);
  const badName = typeof name === 'string' ? checkDns1123Label(name) : 'must be a string';
  if (badName) throw netsecError(path, `name ${badName}`, name, 'Pass a name such as "egress".');
  const clusterDomain = props.clusterDomain ?? 'cluster.local';
  const badDomain = typeof clusterDomain === 'string' ? checkDns1123Subdomain(clusterDomain) : 'must be a string';
  if (badDomain) throw netsecError(path, `clusterDomain ${badDomain}`, clusterDomain, 'Pass the cluster\'s DNS domain, e.g. "cluster.local".');
  const model = IntentModel.of(scope);
  const request: FqdnEgressRequest = {
    baseName: name, targets, clusterDomain, fqdns: mergeFqdns(destinations), ipEntries: ipEntries(destinations), model,
  };
  if (enforcer) checkDistinctObjectNames(path, request);
  enforcer?.check(path, request);
  if (props.fqdnEnforcement !== undefined) checkOneEnforcementPerPod(path, model, targets, props.fqdnEnforcement);
  return { name, targets, destinations, internet, enforcer, fqdnPeers, request, model };
}
