import { normalizePorts } from './network-policy';
import { netsecError } from '../core/errors';
import { checkDns1123Label, checkDns1123Subdomain } from '../core/names';
import { PeerConfig } from '../core/peer';
import { Port, Protocol } from '../core/port';
import { compareStrings, isEmptySelector, LabelSelector, normalizeLabels } from '../core/selector';

/*
 * Renders CiliumNetworkPolicy objects (cilium.io/v2) from intent. Constructs check their input with the
 * `...Problem` functions below before they build anything; the render functions then cannot fail.
 *
 * Cilium adds up every policy that selects an endpoint, NetworkPolicies included: what one allows, no
 * other takes away. So these policies only ever allow, and only what was declared.
 */

/** The API version and kind of every object rendered here. */
export const CILIUM_NETWORK_POLICY = { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy' };

/** The label Cilium gives every endpoint for its namespace; a selector without it means the policy's namespace. */
const CILIUM_NAMESPACE_LABEL = 'k8s:io.kubernetes.pod.namespace';

/** Cilium's own syntax for `toFQDNs` names (the CRD's pattern and length). */
const CILIUM_MATCH_NAME = /^([-a-zA-Z0-9_]+[.]?)+$/;
const CILIUM_MATCH_PATTERN = /^([-a-zA-Z0-9_*]+[.]?)+$/;
const CILIUM_NAME_MAX = 255;

/** The CRD allows at most this many ports in one `toPorts` entry. */
const MAX_PORTS_PER_RULE = 40;

/** A DNS server the selected pods may query, and its ports (UDP and TCP each). */
export interface CiliumDnsServer {
  readonly peer: PeerConfig;
  readonly ports: Port[];
}

/** One FQDN allowance: a name (or a `*.` wildcard) and its ports. */
export interface CiliumFqdnRule {
  readonly hostname: string;
  readonly ports: Port[];
}

/** What one FQDN egress CiliumNetworkPolicy says. */
export interface FqdnEgressPolicyIntent {
  readonly name: string;
  readonly namespace: string;
  /** The pods the policy applies to; empty selects every pod of the namespace (written on purpose). */
  readonly podSelector: LabelSelector;
  /** Where the pods resolve names: Cilium learns the addresses of the names from these answers. */
  readonly dnsServers: CiliumDnsServer[];
  readonly fqdns: CiliumFqdnRule[];
}

/** The backend pods a Cilium gateway (its reserved `ingress` identity) may reach. */
export interface IngressIdentityIntent {
  readonly name: string;
  readonly namespace: string;
  /** The backend's pod labels (at least one). */
  readonly podLabels: { [key: string]: string };
  /** The one backend port. */
  readonly port: Port;
}

/** What is wrong with a name as Cilium's `toFQDNs` accepts it, or undefined. */
export function ciliumFqdnProblem(hostname: string): string | undefined {
  if (typeof hostname !== 'string' || hostname.length === 0) return 'must be a non-empty string';
  if (hostname.length > CILIUM_NAME_MAX) return `must be at most ${CILIUM_NAME_MAX} characters for Cilium`;
  const wildcard = hostname.startsWith('*.');
  const rest = wildcard ? hostname.slice(2) : hostname;
  if (rest.includes('*')) return 'may hold "*" only as the whole leftmost label for Cilium';
  if (!(wildcard ? CILIUM_MATCH_PATTERN : CILIUM_MATCH_NAME).test(hostname)) return 'is not a name Cilium\'s toFQDNs accepts';
  return undefined;
}

/** What is wrong with a destination port for a Cilium `toPorts` entry, or undefined. */
export function ciliumPortProblem(port: Port): string | undefined {
  if (port.isNamed) return 'is a named port, which an address outside the cluster does not have';
  return undefined;
}

/** What stops a DNS server peer from being written as a Cilium egress peer, or undefined. */
export function ciliumPeerProblem(peer: PeerConfig): string | undefined {
  if (peer.namespaceSelector) return 'selects namespaces by labels, which this renderer does not translate to Cilium';
  return undefined;
}

/**
 * The CiliumNetworkPolicy that enforces FQDN egress: one rule per name with exactly its ports, and the
 * DNS rule through which Cilium's DNS proxy learns the names' addresses.
 *
 * The DNS rule allows lookups of every name (`*`): the proxy answers REFUSED to names outside its
 * patterns, and resolvers stop at the first REFUSED while walking the search path (`ndots: 5`), so
 * narrower patterns break both these names and in-cluster Service names. Connections stay limited to
 * the addresses of the allowed names.
 */
export function renderFqdnEgressPolicy(intent: FqdnEgressPolicyIntent): any {
  const dnsRules = intent.dnsServers.map((server) => ({
    ...ciliumPeer(server.peer),
    toPorts: [{ ports: renderPorts(server.ports).flat(), rules: { dns: [{ matchPattern: '*' }] } }],
  }));
  // `Port.allTraffic()` is every port of every protocol: a toFQDNs rule without toPorts (Cilium's L3-only
  // rule), not TCP 1-65535, which would leave UDP, SCTP and ICMP closed.
  const fqdnRules = [...intent.fqdns].sort((a, b) => compareStrings(a.hostname, b.hostname)).map((fqdn) => ({
    toFQDNs: [fqdn.hostname.startsWith('*.') ? { matchPattern: fqdn.hostname } : { matchName: fqdn.hostname }],
    ...(fqdn.ports.some((p) => p.isAllTraffic) ? {} : { toPorts: renderPorts(fqdn.ports).map((ports) => ({ ports })) }),
  }));
  return {
    ...CILIUM_NETWORK_POLICY,
    metadata: { name: intent.name, namespace: intent.namespace },
    spec: {
      endpointSelector: renderSelector(intent.podSelector),
      egress: [...dnsRules, ...fqdnRules],
    },
  };
}

/**
 * The CiliumNetworkPolicy that lets a Cilium gateway or Ingress reach a backend: Cilium's reserved
 * `ingress` identity (the Envoy that implements Cilium's Gateway API and Ingress) to exactly the backend
 * pods on exactly the backend port. Throws, naming `where`, on input it cannot render exactly.
 */
export function renderIngressIdentityPolicy(where: string, intent: IngressIdentityIntent): any {
  const badName = checkDns1123Subdomain(String(intent.name));
  if (badName) throw netsecError(where, `CiliumNetworkPolicy name ${badName}`, intent.name, 'Pass a name such as "web-gateway".');
  const badNamespace = checkDns1123Label(String(intent.namespace));
  if (badNamespace) throw netsecError(where, `namespace ${badNamespace}`, intent.namespace, 'Pass the backend\'s namespace, e.g. "shop".');
  const podLabels = normalizeLabels(where, intent.podLabels ?? {});
  if (Object.keys(podLabels).length === 0) {
    throw netsecError(where, 'the backend has no pod labels, so the policy would admit the gateway to every pod of the namespace', intent.podLabels,
      'Pass the backend tier\'s pod labels, e.g. { app: "web" }.');
  }
  const port = intent.port;
  if (!(port instanceof Port) || port.protocol !== Protocol.TCP || !port.isNumeric || port.endPort !== undefined) {
    throw netsecError(where, 'a gateway reaches its backend on one TCP port', String(port), 'Pass the backend port, e.g. Port.tcp(8080).');
  }
  return {
    ...CILIUM_NETWORK_POLICY,
    metadata: { name: intent.name, namespace: intent.namespace },
    spec: {
      endpointSelector: { matchLabels: podLabels },
      ingress: [{ fromEntities: ['ingress'], toPorts: [{ ports: renderPorts([port]).flat() }] }],
    },
  };
}

/** A DNS server as the peer fields of one egress rule. */
function ciliumPeer(peer: PeerConfig): any {
  if (peer.ipBlock) {
    const except = peer.ipBlock.excluded ?? [];
    return { toCIDRSet: [{ cidr: peer.ipBlock.cidr, ...(except.length > 0 ? { except: [...except].sort(compareStrings) } : {}) }] };
  }
  const selector = renderSelector(peer.podSelector ?? {});
  if (peer.namespace !== undefined) {
    selector.matchLabels = sortKeys({ ...selector.matchLabels, [CILIUM_NAMESPACE_LABEL]: peer.namespace });
  } else if (peer.allNamespaces) {
    selector.matchExpressions = [...selector.matchExpressions ?? [], { key: CILIUM_NAMESPACE_LABEL, operator: 'Exists' }];
  }
  return { toEndpoints: [selector] };
}

/** Ports merged and sorted, in chunks the CRD accepts; a whole protocol is the range 1-65535. */
function renderPorts(ports: Port[]): any[][] {
  const rendered = normalizePorts(ports).map((p) => {
    const start = p.isAllPorts ? 1 : p.startPort!;
    const end = p.isAllPorts ? 65535 : p.endPort;
    return { port: String(start), ...(end !== undefined ? { endPort: end } : {}), protocol: p.protocol };
  });
  const chunks: any[][] = [];
  for (let i = 0; i < rendered.length; i += MAX_PORTS_PER_RULE) chunks.push(rendered.slice(i, i + MAX_PORTS_PER_RULE));
  return chunks;
}

function renderSelector(selector: LabelSelector): any {
  if (isEmptySelector(selector)) return {};
  return {
    ...(selector.matchLabels ? { matchLabels: sortKeys(selector.matchLabels) } : {}),
    ...(selector.matchExpressions ? {
      matchExpressions: selector.matchExpressions.map((e) => ({ key: e.key, operator: e.operator, ...(e.values ? { values: [...e.values] } : {}) })),
    } : {}),
  };
}

function sortKeys(labels: { [key: string]: string }): { [key: string]: string } {
  return Object.fromEntries(Object.keys(labels).sort(compareStrings).map((k) => [k, labels[k]]));
}
