import { cidrStrictlyContains, parseCidr, ParsedCidr } from './cidr';
import { netsecError } from './errors';
import { checkDns1123Label } from './names';
import { compareStrings, describeSelector, LabelSelector, normalizeLabels, normalizeSelector } from './selector';

/** The label every namespace carries with its own name (Kubernetes 1.21+). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** An IP block: a CIDR and the sub-blocks excluded from it. */
export interface IpBlockConfig {
  /** The block, in canonical CIDR form. */
  readonly cidr: string;
  /**
   * Sub-blocks of `cidr` that are not part of the peer, each strictly inside `cidr`.
   * @default - none
   */
  readonly excluded?: string[];
}

/**
 * What a peer selects, independent of any NetworkPolicy. Exactly one of `ipBlock` or the pod/namespace
 * fields is set. For pods, at most one of `namespace`, `namespaceSelector` is set; when neither is set
 * and `allNamespaces` is not true, the pods are in the namespace of the policy that names the peer.
 */
export interface PeerConfig {
  /**
   * Addresses, for traffic to or from outside the cluster (or pods by IP).
   * @default - not an IP block
   */
  readonly ipBlock?: IpBlockConfig;
  /**
   * The pods selected. Undefined (with a namespace field set) means every pod of those namespaces.
   * @default - every pod of the selected namespaces
   */
  readonly podSelector?: LabelSelector;
  /**
   * The one namespace the pods are in, by name.
   * @default - see `namespaceSelector` and `allNamespaces`
   */
  readonly namespace?: string;
  /**
   * The namespaces the pods are in, by namespace labels.
   * @default - see `namespace` and `allNamespaces`
   */
  readonly namespaceSelector?: LabelSelector;
  /**
   * The pods may be in any namespace.
   * @default false
   */
  readonly allNamespaces?: boolean;
}

/**
 * Something traffic can come from or go to: pods, namespaces, IP blocks, or an `IsolatedTier`.
 */
export interface IPeer {
  /** What the peer selects. */
  toPeerConfig(): PeerConfig;
  /** A short human-readable description, used in errors and diagrams. */
  toString(): string;
}

/** Options for `Peer.clusterDns()`. */
export interface ClusterDnsPeerOptions {
  /**
   * Labels of the DNS server pods.
   * @default { 'k8s-app': 'kube-dns' } (CoreDNS and kube-dns on most distributions)
   */
  readonly podLabels?: { [key: string]: string };
  /**
   * Namespace of the DNS server pods.
   * @default 'kube-system'
   */
  readonly namespace?: string;
}

/**
 * Factories for the peers of a flow.
 *
 * Pods and namespaces are selected by labels; a peer that names both pods and a namespace selects the
 * pods of that namespace only (one NetworkPolicy peer with both selectors: AND, never OR).
 */
export class Peer {
  /**
   * An IPv4 or IPv6 block, optionally with excluded sub-blocks.
   *
   * Use it for addresses outside the cluster: pod IPs change, and a CNI may not apply ipBlock rules to
   * pod traffic. In egress rules, the cloud metadata endpoints (169.254.169.254, fd00:ec2::254) are
   * excluded from any larger block; allow them by naming them as a block of their own.
   *
   * @param cidr e.g. '203.0.113.0/24' or '2001:db8::/32'; a single address needs '/32' or '/128'
   * @param excluded sub-blocks strictly inside `cidr` to exclude (rendered as `ipBlock.except`)
   */
  public static ipBlock(cidr: string, excluded?: string[]): IPeer {
    return new IpBlockPeer(normalizeIpBlock('Peer.ipBlock', cidr, excluded ?? []));
  }

  /** Every IPv4 address (0.0.0.0/0). Pods are addresses too: prefer narrower blocks. */
  public static anyIpv4(): IPeer {
    return Peer.ipBlock('0.0.0.0/0');
  }

  /** Every IPv6 address (::/0). Pods are addresses too: prefer narrower blocks. */
  public static anyIpv6(): IPeer {
    return Peer.ipBlock('::/0');
  }

  /** Every pod of one namespace, selected by its automatic `kubernetes.io/metadata.name` label. */
  public static namespace(name: string): IPeer {
    return new SelectorPeer({ namespace: checkNamespace('Peer.namespace', name) });
  }

  /** Every pod of the namespaces that carry these labels. */
  public static namespaces(namespaceLabels: { [key: string]: string }): IPeer {
    return new SelectorPeer({ namespaceSelector: { matchLabels: normalizeLabels('Peer.namespaces', namespaceLabels) } });
  }

  /** Every pod of every namespace (not addresses outside the cluster). */
  public static allPods(): IPeer {
    return new SelectorPeer({ allNamespaces: true });
  }

  /**
   * Pods with these labels, in one namespace.
   *
   * @param podLabels labels the pods must carry
   * @param namespace the pods' namespace @default - the namespace of the tier the peer is used with
   */
  public static pods(podLabels: { [key: string]: string }, namespace?: string): IPeer {
    return new SelectorPeer({
      podSelector: { matchLabels: normalizeLabels('Peer.pods', podLabels) },
      ...(namespace !== undefined ? { namespace: checkNamespace('Peer.pods', namespace) } : {}),
    });
  }

  /** Pods with these labels in the namespaces with those labels (one peer: both must match). */
  public static podsInNamespaces(podLabels: { [key: string]: string }, namespaceLabels: { [key: string]: string }): IPeer {
    return new SelectorPeer({
      podSelector: { matchLabels: normalizeLabels('Peer.podsInNamespaces', podLabels) },
      namespaceSelector: { matchLabels: normalizeLabels('Peer.podsInNamespaces', namespaceLabels) },
    });
  }

  /**
   * Pods matching a full label selector (labels and expressions), optionally in namespaces matching
   * another selector.
   *
   * @param podSelector which pods
   * @param namespaceSelector which namespaces @default - the namespace of the tier the peer is used with
   */
  public static podsMatching(podSelector: LabelSelector, namespaceSelector?: LabelSelector): IPeer {
    return new SelectorPeer({
      podSelector: normalizeSelector('Peer.podsMatching', podSelector),
      ...(namespaceSelector ? { namespaceSelector: normalizeSelector('Peer.podsMatching', namespaceSelector) } : {}),
    });
  }

  /**
   * The cluster DNS server pods: `k8s-app: kube-dns` in `kube-system` unless configured.
   * See `ClusterDns` for the egress rule (ports, NodeLocal DNSCache) that isolated tiers get.
   */
  public static clusterDns(options: ClusterDnsPeerOptions = {}): IPeer {
    return new SelectorPeer({
      podSelector: { matchLabels: normalizeLabels('Peer.clusterDns', options.podLabels ?? { 'k8s-app': 'kube-dns' }) },
      namespace: checkNamespace('Peer.clusterDns', options.namespace ?? 'kube-system'),
    });
  }

  /** Wraps a peer description produced elsewhere (validated again). */
  public static fromConfig(config: PeerConfig): IPeer {
    if (config.ipBlock) {
      if (config.podSelector || config.namespace || config.namespaceSelector || config.allNamespaces) {
        throw netsecError('Peer.fromConfig', 'an IP block peer cannot also select pods or namespaces', config,
          'Use two peers: one Peer.ipBlock() and one pod or namespace peer.');
      }
      return new IpBlockPeer(normalizeIpBlock('Peer.fromConfig', config.ipBlock.cidr, config.ipBlock.excluded ?? []));
    }
    const scopes = [config.namespace !== undefined, config.namespaceSelector !== undefined, config.allNamespaces === true];
    if (scopes.filter((x) => x).length > 1) {
      throw netsecError('Peer.fromConfig', 'a peer names its namespaces in more than one way', config,
        'Set only one of namespace, namespaceSelector or allNamespaces.');
    }
    if (!scopes.some((x) => x) && !config.podSelector) {
      throw netsecError('Peer.fromConfig', 'a peer selects nothing', config,
        'Set ipBlock, podSelector, or a namespace field.');
    }
    return new SelectorPeer({
      ...(config.podSelector ? { podSelector: normalizeSelector('Peer.fromConfig', config.podSelector) } : {}),
      ...(config.namespace !== undefined ? { namespace: checkNamespace('Peer.fromConfig', config.namespace) } : {}),
      ...(config.namespaceSelector ? { namespaceSelector: normalizeSelector('Peer.fromConfig', config.namespaceSelector) } : {}),
      ...(config.allNamespaces ? { allNamespaces: true } : {}),
    });
  }

  private constructor() {}
}

class IpBlockPeer implements IPeer {
  constructor(private readonly config: IpBlockConfig) {}
  public toPeerConfig(): PeerConfig {
    return { ipBlock: this.config };
  }
  public toString(): string {
    const except = this.config.excluded?.length ? ` except ${this.config.excluded.join(', ')}` : '';
    return `${this.config.cidr}${except}`;
  }
}

class SelectorPeer implements IPeer {
  constructor(private readonly config: PeerConfig) {}
  public toPeerConfig(): PeerConfig {
    return this.config;
  }
  public toString(): string {
    return describePeerConfig(this.config);
  }
}

/** Describes a peer config for people, e.g. `pods app=web in namespace shop`. */
export function describePeerConfig(config: PeerConfig): string {
  if (config.ipBlock) {
    const except = config.ipBlock.excluded?.length ? ` except ${config.ipBlock.excluded.join(', ')}` : '';
    return `${config.ipBlock.cidr}${except}`;
  }
  const pods = config.podSelector ? `pods ${describeSelector(config.podSelector)}` : 'all pods';
  if (config.namespace !== undefined) return `${pods} in namespace ${config.namespace}`;
  if (config.namespaceSelector) return `${pods} in namespaces ${describeSelector(config.namespaceSelector)}`;
  if (config.allNamespaces) return `${pods} in all namespaces`;
  return `${pods} in the same namespace`;
}

/** Checks a namespace name (DNS-1123 label) and returns it. */
export function checkNamespace(where: string, name: string): string {
  const bad = typeof name === 'string' ? checkDns1123Label(name) : 'must be a string';
  if (bad) {
    throw netsecError(where, `namespace name ${bad}`, name, 'Use a namespace name like "shop" or "kube-system".');
  }
  return name;
}

/** Validates a CIDR and its except list; returns them canonical and sorted. */
export function normalizeIpBlock(where: string, cidr: string, except: string[]): IpBlockConfig {
  const outer = parseOrThrow(where, cidr, 'cidr');
  const excepts: ParsedCidr[] = [];
  for (const text of except) {
    const inner = parseOrThrow(where, text, 'except');
    if (!cidrStrictlyContains(outer, inner)) {
      throw netsecError(where, `except block is not strictly inside ${outer.text}`, text,
        `List only sub-blocks of ${outer.text} in except (a smaller prefix inside it), or widen the cidr.`);
    }
    excepts.push(inner);
  }
  const unique = [...new Set(excepts.map((e) => e.text))].sort(compareCidrText);
  return { cidr: outer.text, ...(unique.length > 0 ? { excluded: unique } : {}) };
}

function parseOrThrow(where: string, text: string, field: string): ParsedCidr {
  const parsed = parseCidr(text);
  if (typeof parsed === 'string') {
    const hint = typeof text === 'string' && !text.includes('/')
      ? ` For a single address write "${text}/${text.includes(':') ? 128 : 32}".`
      : '';
    throw netsecError(where, `${field} ${parsed}`, text, `Write a CIDR such as "10.0.0.0/8" or "2001:db8::/32".${hint}`);
  }
  return parsed;
}

function compareCidrText(a: string, b: string): number {
  return compareStrings(a, b);
}
