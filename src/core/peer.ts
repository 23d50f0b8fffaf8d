import { Construct, IConstruct } from 'constructs';
import { EVERY_IPV4, EVERY_IPV6 } from './addresses';
import { cidrStrictlyContains, excludeMetadataEndpoints, metadataEndpointNamedBy, parseCidr, ParsedCidr } from './cidr';
import { netsecError } from './errors';
import { checkDns1123Label } from './names';
import { Port } from './port';
import {
  checkPlainObject, compareStrings, describeSelector, LabelSelector, normalizeRequiredLabels, normalizeRequiredSelector,
} from './selector';

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
 * pods of that namespace only (one NetworkPolicy peer with both selectors: AND, never OR). Label maps and
 * selectors must not be empty: an empty selector selects everything, which is asked for on purpose with
 * `Peer.allPods()`, `Peer.namespace(name)`, `Peer.namespaces(labels)` or `Peer.podsInAllNamespaces(labels)`.
 */
export class Peer {
  /**
   * The label the API server writes on every namespace with the namespace's own name
   * (`kubernetes.io/metadata.name`, immutable since Kubernetes 1.22); peers select namespaces by it.
   * The same value as the TypeScript export `NAMESPACE_NAME_LABEL`, for every jsii language.
   */
  public static readonly NAMESPACE_NAME_LABEL: string = NAMESPACE_NAME_LABEL;

  /**
   * An IPv4 or IPv6 block, optionally with excluded sub-blocks.
   *
   * Use it for addresses outside the cluster: pod IPs change, and a CNI may not apply ipBlock rules to
   * pod traffic. In egress rules, the cloud metadata endpoints (169.254.169.254, fd00:ec2::254) are
   * excluded from any larger block; allow them by naming them as a block of their own.
   *
   * @param cidr e.g. '203.0.113.0/24' or '2001:db8::/32'; a single address needs '/32' or '/128'
   * @param excluded sub-blocks strictly inside `cidr` to exclude (rendered as `ipBlock.except`) @default - none
   */
  public static ipBlock(cidr: string, excluded?: string[]): IPeer {
    return new IpBlockPeer(normalizeIpBlock('Peer.ipBlock', cidr, checkCidrList('Peer.ipBlock', excluded ?? [])));
  }

  /** Every IPv4 address (0.0.0.0/0). Pods are addresses too: prefer narrower blocks. */
  public static anyIpv4(): IPeer {
    return Peer.ipBlock(EVERY_IPV4);
  }

  /** Every IPv6 address (::/0). Pods are addresses too: prefer narrower blocks. */
  public static anyIpv6(): IPeer {
    return Peer.ipBlock(EVERY_IPV6);
  }

  /** Every pod of one namespace, selected by its automatic `kubernetes.io/metadata.name` label. */
  public static namespace(name: string): IPeer {
    return new SelectorPeer({ namespace: checkNamespace('Peer.namespace', name) });
  }

  /**
   * Every pod of the namespaces that carry these labels.
   *
   * @param namespaceLabels at least one label; for every namespace use `Peer.allPods()`
   */
  public static namespaces(namespaceLabels: { [key: string]: string }): IPeer {
    return new SelectorPeer({
      namespaceSelector: { matchLabels: requiredNamespaceLabels('Peer.namespaces', namespaceLabels, 'Peer.allPods()') },
    });
  }

  /** Every pod of every namespace (not addresses outside the cluster). */
  public static allPods(): IPeer {
    return new SelectorPeer({ allNamespaces: true });
  }

  /**
   * Pods with these labels, in one namespace.
   *
   * @param podLabels at least one label the pods must carry; for every pod of a namespace use `Peer.namespace(name)`
   * @param namespace the pods' namespace @default - the namespace of the tier the peer is used with
   */
  public static pods(podLabels: { [key: string]: string }, namespace?: string): IPeer {
    return new SelectorPeer({
      podSelector: { matchLabels: requiredPodLabels('Peer.pods', podLabels, 'Peer.namespace("<namespace>")') },
      ...(namespace !== undefined ? { namespace: checkNamespace('Peer.pods', namespace) } : {}),
    });
  }

  /**
   * Pods with these labels in the namespaces with those labels (one peer: both must match).
   *
   * @param podLabels at least one label the pods must carry; for every pod of the namespaces use `Peer.namespaces(namespaceLabels)`
   * @param namespaceLabels at least one namespace label; for these pods in every namespace use `Peer.podsInAllNamespaces(podLabels)`
   */
  public static podsInNamespaces(podLabels: { [key: string]: string }, namespaceLabels: { [key: string]: string }): IPeer {
    return new SelectorPeer({
      podSelector: { matchLabels: requiredPodLabels('Peer.podsInNamespaces', podLabels, 'Peer.namespaces(namespaceLabels)') },
      namespaceSelector: {
        matchLabels: requiredNamespaceLabels('Peer.podsInNamespaces', namespaceLabels, 'Peer.podsInAllNamespaces(podLabels)'),
      },
    });
  }

  /**
   * Pods with these labels in every namespace (rendered as an empty `namespaceSelector` next to the pod
   * selector). Any namespace can start pods with these labels: prefer naming the namespace.
   *
   * @param podLabels at least one label the pods must carry; for every pod of every namespace use `Peer.allPods()`
   */
  public static podsInAllNamespaces(podLabels: { [key: string]: string }): IPeer {
    return new SelectorPeer({
      podSelector: { matchLabels: requiredPodLabels('Peer.podsInAllNamespaces', podLabels, 'Peer.allPods()') },
      allNamespaces: true,
    });
  }

  /**
   * Pods matching a full label selector (labels and expressions), optionally in namespaces matching
   * another selector. Neither selector may be empty.
   *
   * @param podSelector which pods: at least one label or expression
   * @param namespaceSelector which namespaces: at least one label or expression @default - the namespace of the tier the peer is used with
   */
  public static podsMatching(podSelector: LabelSelector, namespaceSelector?: LabelSelector): IPeer {
    return new SelectorPeer({
      podSelector: normalizeRequiredSelector('Peer.podsMatching', podSelector, EMPTY_POD_SELECTOR,
        'Give at least one label or expression; for every pod of the namespaces use Peer.namespaces(labels) or Peer.fromConfig({ namespaceSelector }).'),
      ...(namespaceSelector !== undefined ? {
        namespaceSelector: normalizeRequiredSelector('Peer.podsMatching', namespaceSelector, EMPTY_NAMESPACE_SELECTOR,
          'Give at least one label or expression, or leave namespaceSelector out for the tier\'s own namespace; for every namespace use Peer.fromConfig({ podSelector, allNamespaces: true }).'),
      } : {}),
    });
  }

  /**
   * The cluster DNS server pods: `k8s-app: kube-dns` in `kube-system` unless configured.
   * See `ClusterDns` for the egress rule (ports, NodeLocal DNSCache) that isolated tiers get.
   */
  public static clusterDns(options: ClusterDnsPeerOptions = {}): IPeer {
    return clusterDnsPeer('Peer.clusterDns', options);
  }

  /**
   * Wraps a peer description produced elsewhere, validated and normalized again: a valid CIDR with its
   * `excluded` blocks strictly inside it, valid label keys and values, non-empty selectors, at most one
   * of `namespace`, `namespaceSelector` and `allNamespaces`, and no pod or namespace field next to
   * `ipBlock`. Unknown fields are refused (a misspelt field would otherwise drop a requirement).
   */
  public static fromConfig(config: PeerConfig): IPeer {
    return peerOf(normalizePeerConfig('Peer.fromConfig', snapshotConfig('Peer.fromConfig', config, 0)));
  }

  private constructor() {}
}

const EMPTY_POD_SELECTOR = 'the pod selector is empty (it would select every pod)';
const EMPTY_NAMESPACE_SELECTOR = 'the namespace selector is empty (it would select every namespace)';

function requiredPodLabels(where: string, labels: { [key: string]: string }, everyPod: string): { [key: string]: string } {
  return normalizeRequiredLabels(where, labels, 'pod labels are empty (they would select every pod)',
    `Name at least one label, e.g. { app: "web" }; to select every pod on purpose use ${everyPod}.`);
}

function requiredNamespaceLabels(where: string, labels: { [key: string]: string }, everyNamespace: string): { [key: string]: string } {
  return normalizeRequiredLabels(where, labels, 'namespace labels are empty (they would select every namespace)',
    `Name at least one label, e.g. { team: "payments" }; to select every namespace on purpose use ${everyNamespace}.`);
}

/** The DNS server pods; `where` is the factory the options were given to. */
export function clusterDnsPeer(where: string, options: ClusterDnsPeerOptions | undefined): IPeer {
  checkPlainObject(where, 'the options', options ?? {}, ['podLabels', 'namespace'],
    'Pass { podLabels, namespace }, or nothing for kube-dns in kube-system.');
  const podLabels = options?.podLabels ?? { 'k8s-app': 'kube-dns' };
  return new SelectorPeer({
    podSelector: {
      matchLabels: normalizeRequiredLabels(where, podLabels, 'DNS pod labels are empty (they would select every pod of the namespace)',
        'Give the DNS pods\' labels, e.g. { "k8s-app": "kube-dns" }, or leave podLabels out for that default.'),
    },
    namespace: checkNamespace(where, options?.namespace ?? 'kube-system'),
  });
}

/**
 * Validates and normalizes a peer config exactly as `Peer.fromConfig` does, with `where` in the errors.
 * The result is deeply frozen: a peer checked once stays as checked.
 */
export function normalizePeerConfig(where: string, config: PeerConfig): PeerConfig {
  checkPlainObject(where, 'a peer config', config, ['ipBlock', 'podSelector', 'namespace', 'namespaceSelector', 'allNamespaces'],
    'Use the Peer factories, e.g. Peer.pods({ app: "web" }) or Peer.ipBlock("203.0.113.0/24").');
  if (config.allNamespaces !== undefined && typeof config.allNamespaces !== 'boolean') {
    throw netsecError(where, 'allNamespaces must be true or false', config.allNamespaces, 'Write allNamespaces: true, or leave it out.');
  }
  if (config.ipBlock !== undefined) {
    if (config.podSelector !== undefined || config.namespace !== undefined || config.namespaceSelector !== undefined || config.allNamespaces) {
      throw netsecError(where, 'an IP block peer cannot also select pods or namespaces', config,
        'Use two peers: one Peer.ipBlock() and one pod or namespace peer.');
    }
    checkPlainObject(where, 'ipBlock', config.ipBlock, ['cidr', 'excluded'], 'Write ipBlock: { cidr: "10.0.0.0/8", excluded: ["10.1.0.0/16"] }.');
    return deepFreeze({ ipBlock: normalizeIpBlock(where, config.ipBlock.cidr, checkCidrList(where, config.ipBlock.excluded ?? [])) });
  }
  const scopes = [config.namespace !== undefined, config.namespaceSelector !== undefined, config.allNamespaces === true];
  if (scopes.filter((x) => x).length > 1) {
    throw netsecError(where, 'a peer names its namespaces in more than one way', config,
      'Set only one of namespace, namespaceSelector or allNamespaces.');
  }
  if (!scopes.some((x) => x) && config.podSelector === undefined) {
    throw netsecError(where, 'a peer selects nothing', config,
      'Set ipBlock, podSelector, or a namespace field.');
  }
  return deepFreeze({
    ...(config.podSelector !== undefined ? {
      podSelector: normalizeRequiredSelector(where, config.podSelector, EMPTY_POD_SELECTOR,
        'Give at least one label or expression, or leave podSelector out to select every pod of the namespaces named (Peer.namespace(name), Peer.allPods()).'),
    } : {}),
    ...(config.namespace !== undefined ? { namespace: checkNamespace(where, config.namespace) } : {}),
    ...(config.namespaceSelector !== undefined ? {
      namespaceSelector: normalizeRequiredSelector(where, config.namespaceSelector, EMPTY_NAMESPACE_SELECTOR,
        'Give at least one label or expression; for every namespace set allNamespaces: true instead.'),
    } : {}),
    ...(config.allNamespaces ? { allNamespaces: true } : {}),
  });
}

/**
 * The isolated groups of pods of the library (tiers, namespace isolations): the only constructs recorded
 * as themselves, so that flows between them write both sides. They register when they are built.
 */
const GROUP_PEERS = new WeakSet<object>();

/**
 * Marks a library construct (an isolated group of pods) as a peer to record as itself. Its config is
 * fixed when it is built (frozen labels and namespace), so reading it again at synth gives the same answer.
 */
export function registerGroupPeer(peer: IPeer): void {
  GROUP_PEERS.add(peer);
}

/**
 * True only for an isolated group the library built and registered: not for an object that merely
 * inherits from one (`Object.create(tier)`), carries its methods, or copies its fields.
 */
export function isRegisteredGroupPeer(candidate: unknown): boolean {
  return candidate !== null && typeof candidate === 'object' && GROUP_PEERS.has(candidate);
}

/**
 * Checks a peer received from a user at the call, before anything is recorded: refuses what is not a
 * peer (undefined, null, numbers, strings, objects without `toPeerConfig`), calls `toPeerConfig()` once,
 * copies what it returned (reading every field once) and validates the copy as `Peer.fromConfig` does.
 * Returns the peer to record: the library's own peers and isolated groups (tiers, namespace isolations)
 * as they are, so that flows between them still write both sides; any other object, a user-written
 * construct included, as a frozen peer of the checked copy, so that later changes to it (or a getter that
 * answers differently on each read) never change the output.
 *
 * @param where the construct (or factory name) that received the peer, for the error message
 * @param peer the peer as given
 */
export function resolvePeer(where: IConstruct | string, peer: IPeer): IPeer {
  if (peer instanceof IpBlockPeer || peer instanceof SelectorPeer) return peer;
  const path = typeof where === 'string' ? where : where.node.path;
  if (peer === null || typeof peer !== 'object' || typeof (peer as IPeer).toPeerConfig !== 'function') {
    throw netsecError(path, 'expected a peer', Construct.isConstruct(peer) ? (peer as IConstruct).node.path : peer,
      'Pass a Peer, an IsolatedTier or a NamespaceIsolation.');
  }
  if (GROUP_PEERS.has(peer)) return peer;
  return peerOf(normalizePeerConfig(path, snapshotConfig(path, peer.toPeerConfig(), 0)));
}

/** Deepest nesting of a peer config: config, selector, expressions, expression, values. */
const MAX_CONFIG_DEPTH = 5;

/**
 * A copy of a config that reads each field exactly once: plain objects and arrays are copied, anything
 * else is kept as it is for the checks to refuse. Getters, proxies and later changes to the original
 * therefore cannot make the checked value differ from the recorded one.
 */
function snapshotConfig(path: string, value: unknown, depth: number): any {
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_CONFIG_DEPTH) {
    throw netsecError(path, 'a peer config is nested deeper than any peer config can be', '…',
      'Return a config such as { podSelector: { matchLabels: { app: "web" } }, namespace: "shop" } from toPeerConfig().');
  }
  if (Array.isArray(value)) {
    const length = value.length;
    const items: unknown[] = [];
    for (let i = 0; i < length; i++) items.push(snapshotConfig(path, value[i], depth + 1));
    return items;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const copy: { [key: string]: unknown } = {};
  for (const key of Object.keys(value)) {
    Object.defineProperty(copy, key, {
      value: snapshotConfig(path, (value as { [key: string]: unknown })[key], depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

/**
 * Refuses named ports towards an address block: a named port is looked up in the destination pod's
 * spec, and an address outside the cluster has none, so the rule could never match. Only for the
 * destination side: in an ingress rule, a named port is the receiving pod's and works with any source.
 * (Kubernetes API reference, NetworkPolicy v1: `NetworkPolicyPort.port` is "a numerical or named port on
 * a pod".)
 *
 * @param where the construct (or factory name) that received the ports
 * @param destination the destination's peer config
 * @param ports the ports towards it
 */
export function checkPortsTowards(where: IConstruct | string, destination: PeerConfig, ports: Port[]): void {
  if (!destination.ipBlock) return;
  const named = ports.find((p) => p.isNamed);
  if (named) {
    throw netsecError(where, `a named port towards the address block ${destination.ipBlock.cidr} can never match (an address has no pod spec to name ports)`,
      named.toString(), 'Use the port number, e.g. Port.tcp(443).');
  }
}

/**
 * The one metadata check for a peer that opens addresses on a path that does not mean to open the cloud
 * metadata endpoint: a block that is itself an endpoint is refused with `fix`; a wider block gets the
 * endpoints added to its `excluded` list, so every renderer sees the guarded block. Other peers are
 * returned as they are.
 */
export function guardMetadataEndpoints(where: string, peer: IPeer, fix: string): IPeer {
  const block = peer.toPeerConfig().ipBlock;
  if (!block) return peer;
  const named = metadataEndpointNamedBy(block.cidr);
  if (named) {
    throw netsecError(where, `the block opens the cloud metadata endpoint ${named}, where node credentials live`, block.cidr, fix);
  }
  const excluded = excludeMetadataEndpoints(block.cidr, block.excluded ?? []);
  return excluded.length === (block.excluded ?? []).length ? peer : new IpBlockPeer({ cidr: block.cidr, excluded });
}

function peerOf(config: PeerConfig): IPeer {
  return config.ipBlock ? new IpBlockPeer(config.ipBlock) : new SelectorPeer(config);
}

class IpBlockPeer implements IPeer {
  private readonly config: PeerConfig;
  constructor(block: IpBlockConfig) {
    this.config = deepFreeze({ ipBlock: block });
  }
  public toPeerConfig(): PeerConfig {
    return copyOf(this.config);
  }
  public toString(): string {
    return describePeerConfig(this.config);
  }
}

class SelectorPeer implements IPeer {
  private readonly config: PeerConfig;
  constructor(config: PeerConfig) {
    this.config = deepFreeze(config);
  }
  public toPeerConfig(): PeerConfig {
    return copyOf(this.config);
  }
  public toString(): string {
    return describePeerConfig(this.config);
  }
}

/**
 * A fresh, unfrozen copy of a checked config for callers: the peer's own (frozen) config cannot be
 * changed through it, and the jsii kernel can tag it when it hands the config to another language.
 */
function copyOf(config: PeerConfig): PeerConfig {
  return JSON.parse(JSON.stringify(config));
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

function checkCidrList(where: string, values: string[]): string[] {
  if (!Array.isArray(values)) {
    throw netsecError(where, 'excluded blocks must be a list of CIDRs', values, 'Pass an array, e.g. ["10.1.0.0/16"].');
  }
  return values;
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
    const inner = parseOrThrow(where, text, 'excluded block');
    if (!cidrStrictlyContains(outer, inner)) {
      throw netsecError(where, `excluded block is not strictly inside ${outer.text}`, text,
        `List only sub-blocks of ${outer.text} in excluded (a smaller prefix inside it), or widen the cidr.`);
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
