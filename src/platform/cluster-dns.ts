import { GKE_METADATA_SERVER } from '../core/addresses';
import { parseAddress } from '../core/cidr';
import { netsecError } from '../core/errors';
import { clusterDnsPeer, guardMetadataEndpoints, IPeer, Peer, resolvePeer } from '../core/peer';
import { checkPortNumber, Port } from '../core/port';
import { checkPlainObject } from '../core/selector';

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
 */
export class ClusterDns {
  /** The cluster DNS pods (CoreDNS or kube-dns). */
  public static kubeDns(options: KubeDnsOptions = {}): ClusterDns {
    return new ClusterDns(kubeDnsDestinations('ClusterDns.kubeDns', options));
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
    return new ClusterDns([cache, ...kubeDnsDestinations(where, options.upstream)]);
  }

  /**
   * A DNS server on the cloud metadata address, as GKE Cloud DNS serves it (169.254.169.254). Only port 53
   * is opened: the metadata HTTP endpoint on the same address stays unreachable.
   */
  public static metadataServer(): ClusterDns {
    return new ClusterDns([{ peer: Peer.ipBlock(`${GKE_METADATA_SERVER}/32`), ports: dnsPorts('ClusterDns.metadataServer', [53]) }]);
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

  private constructor(destinations: DnsDestination[]) {
    this._destinations = destinations;
  }
}

const METADATA_DNS_FIX = 'For GKE Cloud DNS on the metadata address use ClusterDns.metadataServer(), which opens port 53 only; otherwise name the DNS server\'s own address.';

function kubeDnsDestinations(where: string, options: KubeDnsOptions | undefined): DnsDestination[] {
  checkPlainObject(where, 'the options', options ?? {}, ['podLabels', 'namespace', 'ports'],
    'Pass { podLabels, namespace, ports }, or nothing for kube-dns in kube-system on port 53.');
  const peer = clusterDnsPeer(where, { podLabels: options?.podLabels, namespace: options?.namespace });
  return [{ peer, ports: dnsPorts(where, options?.ports ?? [53]) }];
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
