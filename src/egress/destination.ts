import { EVERY_IPV4 } from '../core/addresses';
import { lockFields, markMadeByLibrary } from '../core/checked-input';
import { parseAddress } from '../core/cidr';
import { netsecError } from '../core/errors';
import { checkHostname, isWildcardHostname } from '../core/hostname';
import { checkNamespace, checkPortsTowards, IPeer, Peer, normalizeIpBlock, PeerConfig, resolvePeer } from '../core/peer';
import { checkPorts, Port } from '../core/port';
import { IsolatedTier } from '../tiers/tier';

/** What a `Destination` names. */
export enum DestinationKind {
  /** An IP block, optionally with excluded sub-blocks. */
  CIDR = 'CIDR',
  /** Every public address: 0.0.0.0/0 (and 2000::/3 with IPv6) minus the non-public ranges. */
  INTERNET = 'INTERNET',
  /** The pods of an `IsolatedTier`. */
  TIER = 'TIER',
  /** Every pod of one namespace. */
  NAMESPACE = 'NAMESPACE',
  /** A DNS name outside the cluster, enforced by a name-aware proxy (see `FqdnEnforcement`). */
  FQDN = 'FQDN',
  /** Any other peer (pods, namespaces by labels, a `NamespaceIsolation`). */
  PEER = 'PEER',
}

/**
 * One entry of a `RestrictedEgress` allowlist: where the selected pods may connect, and on which ports.
 *
 * IP, tier and namespace destinations become NetworkPolicy egress rules. An FQDN destination needs an
 * enforcement point that understands names (NetworkPolicy does not); `RestrictedEgress` refuses it unless
 * `fqdnEnforcement` names one. No ports means the declared ports of a tier destination, and is an error
 * for every other kind: every port is opened only on purpose, with `Port.allTraffic()`.
 *
 * @example
 * Destination.cidr('203.0.113.0/24', Port.tcp(443));
 * Destination.tier(db, Port.tcp(5432));
 * Destination.fqdn('api.stripe.com', Port.tcp(443));
 * Destination.internet(Port.tcp(443)); // needs allowInternet: true
 */
export class Destination {
  /**
   * An IPv4 or IPv6 block. In egress rules the cloud metadata endpoints (169.254.169.254, fd00:ec2::254
   * and the others the library knows) are excluded from any larger block; naming one itself needs
   * `allowMetadataEndpoint`, and 0.0.0.0/0 or ::/0 needs `allowInternet`.
   *
   * @param cidr e.g. '203.0.113.0/24'; a single address needs '/32' (IPv4) or '/128' (IPv6)
   */
  public static cidr(cidr: string, ...ports: Port[]): Destination {
    return Destination.cidrExcept(cidr, [], ...ports);
  }

  /**
   * An IP block without some of its sub-blocks (rendered as `ipBlock.except`).
   *
   * @param cidr the block
   * @param excluded sub-blocks strictly inside `cidr` that stay unreachable
   */
  public static cidrExcept(cidr: string, excluded: string[], ...ports: Port[]): Destination {
    const block = normalizeIpBlock('Destination.cidr', cidr, checkStrings('Destination.cidr', excluded));
    const checked = checkPorts('Destination.cidr', ports);
    checkPortsTowards('Destination.cidr', { ipBlock: block }, checked);
    const peer = Peer.fromConfig({ ipBlock: block });
    return new Destination(DestinationKind.CIDR, portsOrDefault('Destination.cidr', peer, checked), peer);
  }

  /**
   * Every public address on these ports: 0.0.0.0/0 without the private, shared (CGNAT 100.64.0.0/10),
   * loopback, link-local (169.254.0.0/16, so the metadata endpoint too), multicast and reserved ranges;
   * with `includeIpv6`, also 2000::/3, the global unicast space (ULA fc00::/7, link-local fe80::/10 and
   * the other non-public IPv6 ranges lie outside it). Needs `allowInternet: true` on the
   * `RestrictedEgress`, and at least one port: open every port explicitly with `Port.allTcp()`.
   */
  public static internet(...ports: Port[]): Destination {
    const checked = checkPorts('Destination.internet', ports);
    checkPortsTowards('Destination.internet', INTERNET_BLOCK, checked);
    if (checked.length === 0) {
      throw netsecError('Destination.internet', 'internet egress needs at least one port', ports,
        'Name the ports, e.g. Destination.internet(Port.tcp(443)); to open every port say so with Port.allTcp() and Port.allUdp().');
    }
    return new Destination(DestinationKind.INTERNET, checked);
  }

  /**
   * The pods of a tier. The tier's ingress rule is written too, so the connection is allowed on both
   * sides; a port the tier does not serve is refused.
   */
  public static tier(tier: IsolatedTier, ...ports: Port[]): Destination {
    if (!IsolatedTier.isIsolatedTier(tier)) {
      throw netsecError('Destination.tier', 'is not an IsolatedTier', tier !== null && typeof tier === 'object' ? String(tier) : tier,
        'Pass an IsolatedTier; for other pods use Destination.peer(Peer.pods(...)).');
    }
    // A tier of this app is kept as itself (its flows write both sides); anything else that carries the tier
    // mark (a look-alike from plain JavaScript) becomes a fixed copy of what it selects now, as any peer does.
    const resolved = resolvePeer('Destination.tier', tier);
    return new Destination(DestinationKind.TIER, portsOrDefault('Destination.tier', tier, checkPorts('Destination.tier', ports)), resolved);
  }

  /**
   * Every pod of one namespace, selected by its `kubernetes.io/metadata.name` label. Only the egress side
   * is written; when the namespace is isolated by a `NamespaceIsolation` of the same app, pass that with
   * `Destination.peer(isolation, ...ports)` so that its ingress side is written as well.
   */
  public static namespace(name: string, ...ports: Port[]): Destination {
    const peer = Peer.namespace(checkNamespace('Destination.namespace', name));
    return new Destination(DestinationKind.NAMESPACE, portsOrDefault('Destination.namespace', peer, checkPorts('Destination.namespace', ports)), peer);
  }

  /**
   * A DNS name outside the cluster, on these ports (at least one). `*.example.com` matches every name
   * below example.com, not example.com itself. Needs `fqdnEnforcement` on the `RestrictedEgress`, which
   * also decides which ports and protocols can be enforced by name.
   *
   * @param hostname a fully qualified name in lower case, e.g. 'api.stripe.com', or '*.example.com'
   */
  public static fqdn(hostname: string, ...ports: Port[]): Destination {
    const problem = checkEgressHostname(hostname);
    if (problem) {
      throw netsecError('Destination.fqdn', `hostname ${problem.what}`, hostname, problem.fix);
    }
    const checked = checkPorts('Destination.fqdn', ports);
    const named = checked.find((p) => p.isNamed);
    if (named) {
      throw netsecError('Destination.fqdn', `a named port towards ${hostname} can never match (a host outside the cluster has no pod spec to name ports)`,
        named.toString(), 'Use the port number, e.g. Port.tcp(443).');
    }
    if (checked.length === 0) {
      throw netsecError('Destination.fqdn', 'an FQDN destination needs at least one port', hostname,
        'Name the ports, e.g. Destination.fqdn("api.example.com", Port.tcp(443)).');
    }
    return new Destination(DestinationKind.FQDN, checked, undefined, hostname);
  }

  /**
   * Any peer: pods (`Peer.pods`), namespaces by labels, a `NamespaceIsolation` (its ingress side is
   * written too) or an IP block (with the same checks as `Destination.cidr`). The peer is validated as
   * `Peer.fromConfig` validates a config, whoever wrote it.
   */
  public static peer(peer: IPeer, ...ports: Port[]): Destination {
    const resolved = resolvePeer('Destination.peer', peer);
    const checked = checkPorts('Destination.peer', ports);
    const config = resolved.toPeerConfig();
    checkPortsTowards('Destination.peer', config, checked);
    const kind = IsolatedTier.isIsolatedTier(resolved) ? DestinationKind.TIER
      : config.ipBlock ? DestinationKind.CIDR : DestinationKind.PEER;
    return new Destination(kind, portsOrDefault('Destination.peer', resolved, checked), resolved);
  }

  /**
   * What the destination names.
   * @internal
   */
  public readonly _kind: DestinationKind;
  /**
   * The destination ports: as given, or the ports a tier destination declares; never empty.
   * `Port.allTraffic()` stands for every port of every protocol, written on purpose.
   */
  public readonly ports: Port[];
  /**
   * The NetworkPolicy peer the destination opens, for every kind except `INTERNET` and `FQDN`.
   * @internal
   */
  public readonly _networkPeer?: IPeer;
  /** The DNS name, for `FQDN`. */
  public readonly hostname?: string;

  private constructor(kind: DestinationKind, ports: Port[], peer?: IPeer, hostname?: string) {
    this._kind = kind;
    this.ports = ports;
    this._networkPeer = peer;
    this.hostname = hostname;
    // A RestrictedEgress checks a destination and then opens it: it must be the same destination both times.
    lockFields(this, ['_kind', 'ports', '_networkPeer', 'hostname']);
    markMadeByLibrary(this);
  }

  /** E.g. `api.stripe.com on TCP 443`. */
  public toString(): string {
    const what = this._kind === DestinationKind.FQDN ? this.hostname!
      : this._kind === DestinationKind.INTERNET ? 'the internet' : String(this._networkPeer);
    return `${what} on ${this.ports.length === 0 ? 'all ports' : this.ports.join(', ')}`;
  }
}

/** What `Destination.internet` opens, for the checks that only need to know it is addresses. */
const INTERNET_BLOCK: PeerConfig = { ipBlock: { cidr: EVERY_IPV4 } };

/**
 * Top-level domains reserved for names that never resolve publicly: `internal` (ICANN, 2024, for private
 * use: metadata.google.internal, *.ec2.internal), `local` (mDNS, RFC 6762), `localhost` (RFC 6761) and
 * `arpa` (reverse lookups and home.arpa).
 */
const NON_EXTERNAL_TOP_LEVEL = ['internal', 'local', 'localhost', 'arpa'];

/** Egress-specific rules on top of the RFC 1123 syntax (`checkHostname`): an external, fully qualified name. */
function checkEgressHostname(value: string): { what: string; fix: string } | undefined {
  if (typeof value === 'string' && parseAddress(value)) {
    return { what: 'is an IP address, not a name', fix: `Use Destination.cidr("${value}/${value.includes(':') ? 128 : 32}") for an address.` };
  }
  const syntax = checkHostname(value, true);
  if (syntax) return { what: syntax, fix: 'Write a fully qualified name such as "api.example.com" or "*.example.com".' };
  const labels = value.split('.');
  const named = isWildcardHostname(value) ? labels.slice(1) : labels;
  if (isWildcardHostname(value) && named.length < 2) {
    return { what: 'puts a wildcard directly over a top-level domain', fix: 'Name the domain under the wildcard, e.g. "*.example.com".' };
  }
  if (named.length < 2) {
    return { what: 'is a single label, not a fully qualified name', fix: 'Give the full name, e.g. "api.example.com"; for pods in the cluster use Destination.tier() or Destination.namespace().' };
  }
  if (/^[0-9]+$/.test(named[named.length - 1])) {
    return { what: 'has an all-numeric top-level label', fix: 'Write the name with its real top-level domain, e.g. "api.example.com".' };
  }
  if (value === 'cluster.local' || value.endsWith('.cluster.local')) {
    return { what: 'is an in-cluster name', fix: 'Use Destination.tier() or Destination.namespace() for pods and Services in the cluster.' };
  }
  const top = named[named.length - 1];
  if (NON_EXTERNAL_TOP_LEVEL.includes(top)) {
    return {
      what: `is under .${top}, a top-level domain no public name has: it resolves only inside a network or a host (metadata.google.internal is the cloud metadata server, `
        + 'which an FQDN rule would open by the address it resolves to, past allowMetadataEndpoint)',
      fix: 'Name a public host, e.g. "api.example.com"; for the metadata endpoint use allowMetadataEndpoint: true, for other private hosts Destination.cidr().',
    };
  }
  return undefined;
}

function checkStrings(where: string, values: string[]): string[] {
  if (!Array.isArray(values)) {
    throw netsecError(where, 'excluded must be a list of CIDRs', values, 'Pass an array, e.g. ["10.0.0.0/8"].');
  }
  return values;
}

/**
 * The ports of a destination: as given, else the ports a tier declares. Nothing to default from is an
 * error at the call: no ports never means every port.
 */
function portsOrDefault(where: string, peer: IPeer, ports: Port[]): Port[] {
  if (ports.length > 0) return ports;
  if (IsolatedTier.isIsolatedTier(peer) && peer.ports.length > 0) return [...peer.ports];
  throw netsecError(where, `names no ports, and ${peer} declares none to default to`, String(peer),
    'Name the ports, e.g. Destination.cidr("203.0.113.0/24", Port.tcp(443)); to open every port say so with Port.allTraffic().');
}
