import { AZURE_WIRESERVER, GKE_METADATA_SERVER, METADATA_DNS_CIDRS } from '../core/addresses';
import { lockFields, markMadeByLibrary } from '../core/checked-input';
import { parseAddress } from '../core/cidr';
import { netsecError } from '../core/errors';
import { clusterDnsPeer, guardMetadataEndpoints, IPeer, Peer, resolvePeer } from '../core/peer';
import { checkPortNumber, Port } from '../core/port';
import { checkPlainObject, compareStrings } from '../core/selector';

/** Options for `ClusterDns.kubeDns()`. */
export interface KubeDnsOptions {
  /**
   * Labels of the DNS server pods.
   * @default { 'k8s-app': 'kube-dns' } (CoreDNS and kube-dns on EKS, GKE, AKS, kubeadm)
   */
  readonly podLabels?: { [key: string]: string };
  /**
   * Namespace of the DNS server pods.
   * @default 'kube-system'
   */
  readonly namespace?: string;
  /**
   * Ports the DNS pods listen on, each allowed over UDP and TCP. NetworkPolicy sees the pod port after
   * the Service's DNAT, so this is the container port, not the Service port: OpenShift's DNS pods
   * (`dns.operator.openshift.io/daemonset-dns: default` in `openshift-dns`) listen on 5353.
   * @default [53]
   */
  readonly ports?: number[];
  /**
   * The cloud metadata address the DNS pods forward names outside the cluster to, when they forward to
   * one: '168.63.129.16' for CoreDNS on AKS (Azure DNS, served by the WireServer), '169.254.169.254' for
   * kube-dns on GKE. A `ClusterIsolation` denies every metadata address to every pod; naming it here lets
   * UDP and TCP 53 to it through that deny, and nothing else on it.
   * @default - none: the DNS pods forward to an address that is not a metadata endpoint
   */
  readonly metadataUpstream?: string;
}

/** Options for `ClusterDns.nodeLocalCache()`. */
export interface NodeLocalDnsOptions {
  /**
   * The link-local address NodeLocal DNSCache listens on.
   * @default '169.254.20.10'
   */
  readonly address?: string;
  /**
   * Also allow the cluster DNS pods, which pods reach when the node cache is restarting or when the cache
   * intercepts the kube-dns Service address instead of the link-local one.
   * @default - the kube-dns pods in kube-system on port 53
   */
  readonly upstream?: KubeDnsOptions;
  /**
   * Allow only the link-local address, not the cluster DNS pods.
   * @default false
   */
  readonly cacheOnly?: boolean;
}

/** One destination of the DNS egress rule: a peer and the DNS ports on it. */
export interface DnsDestination {
  /** The DNS server. */
  readonly peer: IPeer;
  /** Its ports (UDP and TCP each). */
  readonly ports: Port[];
}

/**
 * Where pods resolve names. Egress-isolated pods need an egress rule to their DNS server, or every
 * lookup times out; the library writes it for every egress-isolated tier and namespace.
 *
 * @example
 * ClusterDns.kubeDns();                                   // k8s-app=kube-dns in kube-system, port 53
 * ClusterDns.kubeDns({ namespace: 'openshift-dns', podLabels: { 'dns.operator.openshift.io/daemonset-dns': 'default' }, ports: [5353] });
 * ClusterDns.nodeLocalCache();                            // 169.254.20.10 plus kube-dns pods
 * ClusterDns.metadataServer();                            // GKE Cloud DNS on 169.254.169.254, port 53 only
 * ClusterDns.kubeDns({ metadataUpstream: '168.63.129.16' }); // AKS: CoreDNS forwards to Azure DNS on the WireServer
 */
export class ClusterDns {
  /** The cluster DNS pods (CoreDNS or kube-dns). */
  public static kubeDns(options: KubeDnsOptions = {}): ClusterDns {
    return new ClusterDns(kubeDnsDestinations('ClusterDns.kubeDns', options), metadataUpstreams('ClusterDns.kubeDns', options));
  }

  /** NodeLocal DNSCache on its link-local address, plus (by default) the cluster DNS pods behind it. */
  public static nodeLocalCache(options: NodeLocalDnsOptions = {}): ClusterDns {
    const where = 'ClusterDns.nodeLocalCache';
    checkPlainObject(where, 'the options', options ?? {}, ['address', 'upstream', 'cacheOnly'],
      'Pass { address, upstream, cacheOnly }, or nothing for 169.254.20.10 plus the kube-dns pods.');
    options = options ?? {};
    if (options.cacheOnly !== undefined && typeof options.cacheOnly !== 'boolean') {
      throw netsecError(where, 'cacheOnly must be true or false', options.cacheOnly, 'Write cacheOnly: true, or leave it out.');
    }
    const address = options.address ?? '169.254.20.10';
    const peer = guardMetadataEndpoints(where, Peer.ipBlock(asHostCidr(address)), METADATA_DNS_FIX);
    const cache: DnsDestination = { peer, ports: dnsPorts(where, [53]) };
    if (options.cacheOnly) {
      if (options.upstream) {
        throw netsecError('ClusterDns.nodeLocalCache', 'cacheOnly and upstream contradict each other', options,
          'Set cacheOnly: true to allow only the node cache, or give upstream to allow the DNS pods too, not both.');
      }
      return new ClusterDns([cache]);
    }
    return new ClusterDns([cache, ...kubeDnsDestinations(where, options.upstream)], metadataUpstreams(where, options.upstream), true);
  }

  /**
   * A DNS server on a cloud metadata address: GKE's metadata server (169.254.169.254, Cloud DNS for GKE),
   * or Azure DNS on the WireServer (168.63.129.16) for pods that resolve there directly. Only port 53 is
   * opened: the metadata service on the same address stays unreachable.
   *
   * @param address the metadata address that serves DNS @default '169.254.169.254'
   */
  public static metadataServer(address?: string): ClusterDns {
    const where = 'ClusterDns.metadataServer';
    const cidr = metadataDnsCidr(where, address ?? GKE_METADATA_SERVER);
    return new ClusterDns([{ peer: Peer.ipBlock(cidr), ports: dnsPorts(where, [53]) }]);
  }

  /**
   * DNS servers at these peers and ports (each port allowed over UDP and TCP).
   *
   * Each peer is validated as `Peer.fromConfig` validates a config. An address block here never opens
   * the cloud metadata endpoint: a block that is the endpoint is refused (use `metadataServer()`), and a
   * wider block gets it excluded.
   *
   * @param peers the DNS servers: at least one
   * @param ports their container ports, e.g. [53]
   */
  public static custom(peers: IPeer[], ports: number[]): ClusterDns {
    const where = 'ClusterDns.custom';
    if (!Array.isArray(peers) || peers.length === 0) {
      throw netsecError(where, 'no DNS server peers were given', peers,
        'Name at least one peer, e.g. [Peer.ipBlock("10.0.0.10/32")], or use ClusterDns.disabled() to write no DNS rule.');
    }
    const servers = peers.map((peer) => guardMetadataEndpoints(where, resolvePeer(where, peer), METADATA_DNS_FIX));
    const checked = dnsPorts(where, ports);
    return new ClusterDns(servers.map((peer) => ({ peer, ports: checked })));
  }

  /**
   * No DNS rule. Egress-isolated pods then cannot resolve names unless another rule allows it; use this
   * for pods that only connect to IP addresses.
   */
  public static disabled(): ClusterDns {
    return new ClusterDns([]);
  }

  /**
   * The DNS servers and their ports; empty when disabled.
   * @internal
   */
  public readonly _destinations: DnsDestination[];

  /**
   * The metadata addresses (CIDRs) the DNS servers forward to, which the guardrails open on port 53.
   * @internal
   */
  public readonly _metadataUpstreams: string[];

  /**
   * True when a node cache (NodeLocal DNSCache, on the host network) forwards to the DNS pods among the
   * destinations: those pods then take lookups from the nodes' addresses too.
   * @internal
   */
  public readonly _nodeCacheUpstream: boolean;

  private constructor(destinations: DnsDestination[], upstreams: string[] = [], nodeCacheUpstream = false) {
    this._destinations = destinations;
    this._metadataUpstreams = upstreams;
    this._nodeCacheUpstream = nodeCacheUpstream;
    // Every isolated group renders its DNS rule from these at synth: they cannot change after the checks.
    lockFields(this, ['_destinations', '_metadataUpstreams', '_nodeCacheUpstream']);
    markMadeByLibrary(this);
  }

  /**
   * The metadata addresses (CIDRs) this DNS reaches on port 53: a server on one, or an upstream of the
   * DNS pods. The guardrails let exactly these through their metadata deny, on port 53 only.
   * @internal
   */
  public _metadataDnsCidrs(): string[] {
    const servers = this._destinations.map((d) => d.peer.toPeerConfig().ipBlock?.cidr)
      .filter((c): c is string => c !== undefined && METADATA_DNS_CIDRS.includes(c));
    return [...new Set([...servers, ...this._metadataUpstreams])].sort(compareStrings);
  }
}

const METADATA_DNS_FIX = `For DNS served on a metadata address use ClusterDns.metadataServer() (GKE, ${GKE_METADATA_SERVER}) or ClusterDns.metadataServer("${AZURE_WIRESERVER}") (Azure DNS), `
  + 'which open port 53 only; otherwise name the DNS server\'s own address.';

/** The CIDR of a metadata address that serves DNS, or a refusal naming those that do. */
function metadataDnsCidr(where: string, address: unknown): string {
  const cidr = typeof address === 'string' && parseAddress(address) ? `${address}/${address.includes(':') ? 128 : 32}` : undefined;
  if (cidr === undefined || !METADATA_DNS_CIDRS.includes(cidr)) {
    throw netsecError(where, 'the address is not a cloud metadata address that serves DNS', address,
      `Give one of ${METADATA_DNS_CIDRS.map((c) => c.split('/')[0]).join(', ')}; for another DNS server use ClusterDns.custom().`);
  }
  return cidr;
}

function kubeDnsDestinations(where: string, options: KubeDnsOptions | undefined): DnsDestination[] {
  checkPlainObject(where, 'the options', options ?? {}, ['podLabels', 'namespace', 'ports', 'metadataUpstream'],
    'Pass { podLabels, namespace, ports, metadataUpstream }, or nothing for kube-dns in kube-system on port 53.');
  const peer = clusterDnsPeer(where, { podLabels: options?.podLabels, namespace: options?.namespace });
  return [{ peer, ports: dnsPorts(where, options?.ports ?? [53]) }];
}

function metadataUpstreams(where: string, options: KubeDnsOptions | undefined): string[] {
  return options?.metadataUpstream === undefined ? [] : [metadataDnsCidr(`${where} (metadataUpstream)`, options.metadataUpstream)];
}

function dnsPorts(where: string, ports: number[]): Port[] {
  if (!Array.isArray(ports) || ports.length === 0) {
    throw netsecError(where, 'no DNS ports were given', ports, 'Give the DNS pods\' container port, usually [53] (a list of numbers).');
  }
  const numbers = ports.map((p) => checkPortNumber(where, p));
  return [...new Set(numbers)].sort((a, b) => a - b).flatMap((p) => [Port.udp(p), Port.tcp(p)]);
}

function asHostCidr(address: string): string {
  if (typeof address !== 'string') {
    throw netsecError('ClusterDns.nodeLocalCache', 'address must be a string', address,
      'Give the node cache address, e.g. "169.254.20.10".');
  }
  if (address.includes('/')) {
    throw netsecError('ClusterDns.nodeLocalCache', 'address must be a single IP address, not a CIDR', address,
      'Give the node cache address, e.g. "169.254.20.10".');
  }
  if (!parseAddress(address)) {
    throw netsecError('ClusterDns.nodeLocalCache', 'address is not an IP address', address,
      'Give the node cache address, e.g. "169.254.20.10".');
  }
  return `${address}/${address.includes(':') ? 128 : 32}`;
}
