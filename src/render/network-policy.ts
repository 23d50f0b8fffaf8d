import { ApiObjectProps, Lazy } from 'cdk8s';
import { excludeMetadataEndpoints } from '../core/cidr';
import { IpBlockConfig, IPeer, NAMESPACE_NAME_LABEL, PeerConfig } from '../core/peer';
import { Port, Protocol } from '../core/port';
import { compareStrings, isEmptySelector, LabelSelector } from '../core/selector';
import * as k8s from '../imports/k8s';
import type { IntentModel } from '../model/intent-model';
import type { IsolatedGroup } from '../model/isolated-group';
import type { Flow } from '../model/records';

/*
 * Renders NetworkPolicy specs from intent: which peers may reach (or be reached by) the selected pods on
 * which ports. Output is canonical: one peer appears once per set of ports, rules with the same ports
 * are merged, and peers, ports and rules are sorted, so that declaration order never changes the YAML.
 */

/** One allowance for one direction: a peer and the ports (empty = all ports). */
export interface RuleEntry {
  readonly peer: IPeer;
  readonly ports: Port[];
}

/** What one NetworkPolicy says. An undefined direction is not isolated by this policy. */
export interface PolicyIntent {
  readonly namespace: string;
  readonly podSelector: LabelSelector;
  readonly ingress?: RuleEntry[];
  readonly egress?: RuleEntry[];
}

/**
 * The object props of the NetworkPolicy of one isolated group of pods. The group is that object (one
 * construct per group, not two: cdk8s walks the whole tree once per chart, so each construct costs every
 * chart of the app); its spec is read from the intent model when the app synthesizes, so flows declared
 * after the group are included. `group` is called only then, once the group is constructed.
 */
export function networkPolicyProps(name: string, namespace: string, model: IntentModel, group: () => IsolatedGroup): ApiObjectProps {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace },
    spec: Lazy.any({ produce: () => renderPolicySpec(policyIntentOf(group(), model), renderedPeersOf(model)) }),
  };
}

/**
 * What the group's policy says: in each direction it isolates (by itself, or through a namespace
 * baseline of the app, which would otherwise deny them silently), the flows declared on it, the flows
 * whose other side selects all its pods, DNS, and the platform traffic the app requires.
 */
function policyIntentOf(group: IsolatedGroup, model: IntentModel): PolicyIntent {
  const mirrored = model.mirrors.flowsOnto(group);
  const fromSource = (f: Flow): RuleEntry => ({ peer: f.source, ports: f.ports });
  const toDestination = (f: Flow): RuleEntry => ({ peer: f.destination, ports: f.ports });
  const ingress = group.isIngressIsolated()
    ? [
      ...model.flowsTo(group).map(fromSource),
      ...mirrored.ingress.map(fromSource),
      ...model.requiredIngress(group.namespace),
    ]
    : undefined;
  const egress = group.isEgressIsolated()
    ? [
      ...model.flowsFrom(group).map(toDestination),
      ...mirrored.egress.map(toDestination),
      ...group.dns._destinations,
      ...model.requiredEgress(group.namespace),
    ]
    : undefined;
  const labels = group._podScope().podLabels;
  return { namespace: group.namespace, podSelector: Object.keys(labels).length > 0 ? { matchLabels: labels } : {}, ingress, egress };
}

/** A peer as one NetworkPolicy names it, and the canonical text that orders and merges it. */
interface RenderedPeer {
  readonly json: k8s.NetworkPolicyPeer;
  readonly key: string;
}

/**
 * Rendered peers by peer and by where they are named (direction and policy namespace): a tier is a peer
 * in the policies of all its callers and callees. Kept by the model until the intent changes. Peers do
 * not change once recorded (the library's own are immutable; others are frozen copies, see
 * `resolvePeer`); the JSON is shared between policies, and cdk8s copies it when it resolves each object.
 */
type RenderedPeers = Map<IPeer, { readonly ingress: Map<string, RenderedPeer>; readonly egress: Map<string, RenderedPeer> }>;

function renderedPeersOf(model: IntentModel): RenderedPeers {
  return model.checks.memo('NetworkPolicy peers', () => new Map());
}

function renderedPeer(cache: RenderedPeers, peer: IPeer, policyNamespace: string, egress: boolean): RenderedPeer {
  let byDirection = cache.get(peer);
  if (byDirection === undefined) cache.set(peer, byDirection = { ingress: new Map(), egress: new Map() });
  const byNamespace = egress ? byDirection.egress : byDirection.ingress;
  let rendered = byNamespace.get(policyNamespace);
  if (rendered === undefined) {
    const json = renderPeer(peer.toPeerConfig(), policyNamespace, egress);
    byNamespace.set(policyNamespace, rendered = { json, key: canonicalJson(json) });
  }
  return rendered;
}

/**
 * Renders the `spec` of a NetworkPolicy as plain JSON, ready for an ApiObject (which sorts its keys).
 * `peers` keeps rendered peers across the policies of an app; by default each call renders its own.
 */
export function renderPolicySpec(intent: PolicyIntent, peers: RenderedPeers = new Map()): any {
  const policyTypes: string[] = [];
  if (intent.ingress) policyTypes.push('Ingress');
  if (intent.egress) policyTypes.push('Egress');
  return {
    podSelector: renderSelector(intent.podSelector),
    policyTypes,
    ...(intent.ingress ? {
      ingress: mergeRules(intent.ingress, intent.namespace, false, peers).map((r) => ({
        ...(r.peers.length > 0 ? { from: r.peers } : {}),
        ...(r.ports.length > 0 ? { ports: r.ports } : {}),
      })),
    } : {}),
    ...(intent.egress ? {
      egress: mergeRules(intent.egress, intent.namespace, true, peers).map((r) => ({
        ...(r.peers.length > 0 ? { to: r.peers } : {}),
        ...(r.ports.length > 0 ? { ports: r.ports } : {}),
      })),
    } : {}),
  };
}

/** Renders a peer as a NetworkPolicy peer, relative to the namespace of the policy that names it. */
export function renderPeer(peer: PeerConfig, policyNamespace: string, guardMetadata: boolean): k8s.NetworkPolicyPeer {
  if (peer.ipBlock) return { ipBlock: renderIpBlock(peer.ipBlock, guardMetadata) };
  const podSelector = peer.podSelector ? renderSelector(peer.podSelector) : undefined;
  let namespaceSelector: k8s.LabelSelector | undefined;
  if (peer.namespace !== undefined) {
    // Pods of the policy's own namespace need no namespace selector; anything else is one AND peer.
    if (peer.namespace !== policyNamespace || !podSelector) {
      namespaceSelector = { matchLabels: { [NAMESPACE_NAME_LABEL]: peer.namespace } };
    }
  } else if (peer.namespaceSelector) {
    namespaceSelector = renderSelector(peer.namespaceSelector);
  } else if (peer.allNamespaces) {
    namespaceSelector = {};
  }
  return {
    ...(namespaceSelector ? { namespaceSelector } : {}),
    ...(podSelector ? { podSelector } : {}),
  };
}

/** Normalizes a port list: covered ports dropped, overlapping or adjacent ranges joined, sorted. Empty = all. */
export function normalizePorts(ports: Port[]): Port[] {
  if (ports.length === 0) return [];
  // One numeric or named port is already normal; most rules hold one.
  if (ports.length === 1 && isReusable(ports[0])) return [ports[0]];
  const out: Port[] = [];
  for (const protocol of [Protocol.TCP, Protocol.UDP, Protocol.SCTP]) {
    const mine = ports.filter((p) => p.protocol === protocol);
    if (mine.length === 0) continue;
    if (mine.some((p) => p.isAllPorts)) {
      out.push(Port.allPorts(protocol));
      continue;
    }
    const ranges = mine.filter((p) => p.isNumeric)
      .map((p) => ({ start: p.startPort!, end: p.endPort ?? p.startPort!, given: isReusable(p) ? p : undefined }))
      .sort((a, b) => a.start - b.start || a.end - b.end);
    // Each merged range keeps a given port that spans exactly it, so that no new Port is made for it.
    const merged: { start: number; end: number; given?: Port }[] = [];
    for (const range of ranges) {
      const last = merged[merged.length - 1];
      if (last && range.start <= last.end + 1) {
        if (range.end > last.end) {
          last.end = range.end;
          last.given = range.start === last.start ? range.given : undefined;
        } else if (last.given === undefined && range.start === last.start && range.end === last.end) {
          last.given = range.given;
        }
      } else {
        merged.push({ ...range });
      }
    }
    out.push(...merged.map((m) => m.given ?? Port.portRange(protocol, m.start, m.end)));
    const named = new Map<string, Port>();
    for (const p of mine) {
      if (p.isNamed && !(named.has(p.name!) && isReusable(named.get(p.name!)!))) named.set(p.name!, p);
    }
    out.push(...[...named.keys()].sort(compareStrings).map((name) => {
      const given = named.get(name)!;
      return isReusable(given) ? given : Port.named(name, protocol);
    }));
  }
  return out;
}

/** A port that `normalizePorts` may return as given: a plain number, range or name, nothing more. */
function isReusable(port: Port): boolean {
  return !port.isAllTraffic && port.appProtocol === undefined && (port.isNumeric || port.isNamed);
}

/** Renders one port; a whole protocol has no port number (never `port: 0`). */
export function renderPort(port: Port): k8s.NetworkPolicyPort {
  return {
    protocol: port.protocol,
    ...(port.name !== undefined ? { port: k8s.IntOrString.fromString(port.name) } : {}),
    ...(port.startPort !== undefined ? { port: k8s.IntOrString.fromNumber(port.startPort) } : {}),
    ...(port.endPort !== undefined ? { endPort: port.endPort } : {}),
  };
}

/** A port as JSON: `renderPort` with the number or name written as itself. */
function portJson(port: Port): { protocol: string; port?: number | string; endPort?: number } {
  const json: { protocol: string; port?: number | string; endPort?: number } = { protocol: port.protocol };
  if (port.name !== undefined) json.port = port.name;
  if (port.startPort !== undefined) json.port = port.startPort;
  if (port.endPort !== undefined) json.endPort = port.endPort;
  return json;
}

/** Renders a normalized selector; an empty one becomes `{}` (select all). */
export function renderSelector(selector: LabelSelector): k8s.LabelSelector {
  if (isEmptySelector(selector)) return {};
  return {
    ...(selector.matchLabels ? { matchLabels: { ...selector.matchLabels } } : {}),
    ...(selector.matchExpressions ? {
      matchExpressions: selector.matchExpressions.map((e) => ({
        key: e.key, operator: e.operator, ...(e.values ? { values: [...e.values] } : {}),
      })),
    } : {}),
  };
}

interface MergedRule {
  readonly peers: k8s.NetworkPolicyPeer[];
  readonly ports: ReturnType<typeof portJson>[];
}

/**
 * Joins entries into rules: ports are unioned per peer, then peers with the same ports share one rule.
 * A peer allowed on all ports absorbs its port-specific entries. Egress IP blocks get the metadata guard.
 */
function mergeRules(entries: RuleEntry[], policyNamespace: string, egress: boolean, peers: RenderedPeers): MergedRule[] {
  const byPeer = new Map<string, { peer: RenderedPeer; ports: Port[]; all: boolean }>();
  for (const entry of entries) {
    const peer = renderedPeer(peers, entry.peer, policyNamespace, egress);
    let slot = byPeer.get(peer.key);
    if (slot === undefined) byPeer.set(peer.key, slot = { peer, ports: [], all: false });
    if (entry.ports.length === 0) slot.all = true;
    for (const port of entry.ports) slot.ports.push(port);
  }
  const byPorts = new Map<string, { key: string; ports: Port[]; peers: RenderedPeer[] }>();
  for (const slot of byPeer.values()) {
    const ports = slot.all ? [] : normalizePorts(slot.ports);
    const key = ports.length === 1 ? ports[0].toString() : ports.map(String).join(',');
    let group = byPorts.get(key);
    if (group === undefined) byPorts.set(key, group = { key, ports, peers: [] });
    group.peers.push(slot.peer);
  }
  const groups = [...byPorts.values()];
  if (groups.length > 1) groups.sort(byKey);
  return groups.map((group) => ({
    peers: (group.peers.length > 1 ? group.peers.sort(byKey) : group.peers).map((p) => p.json),
    ports: group.ports.map(portJson),
  }));
}

function byKey(a: { key: string }, b: { key: string }): number {
  return compareStrings(a.key, b.key);
}

/** An ipBlock; in egress rules the cloud metadata endpoints are kept out of any wider block. */
function renderIpBlock(block: IpBlockConfig, guardMetadata: boolean): k8s.IpBlock {
  const except = guardMetadata ? excludeMetadataEndpoints(block.cidr, block.excluded ?? []) : [...(block.excluded ?? [])].sort(compareStrings);
  return { cidr: block.cidr, ...(except.length > 0 ? { except } : {}) };
}

/**
 * JSON with sorted keys: equal peers give equal strings whatever order their fields were built in.
 *
 * Written out instead of a `JSON.stringify` replacer that copies every object, which was a visible share
 * of synthesis at thousands of tiers. The strings are the same as that replacer's (they order peers in
 * the output): keys by `compareStrings`, except array-index keys, which every JavaScript object lists
 * first in numeric order; an IntOrString is its value; undefined object fields are left out.
 */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (typeof (value as any).toJSON === 'function') return canonicalJson((value as any).toJSON());
  if (Array.isArray(value)) return `[${value.map((v) => (isOmitted(v) ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value instanceof k8s.IntOrString) return canonicalJson(value.value);
  // Object.keys lists array-index keys first, in numeric order; only the others are sorted.
  const keys = Object.keys(value);
  let indexes = 0;
  while (indexes < keys.length && isArrayIndex(keys[indexes])) indexes++;
  const ordered = indexes === 0 ? keys.sort(compareStrings) : [...keys.slice(0, indexes), ...keys.slice(indexes).sort(compareStrings)];
  let text = '';
  for (const key of ordered) {
    const field = (value as any)[key];
    if (isOmitted(field)) continue;
    text += `${text === '' ? '' : ','}${JSON.stringify(key)}:${canonicalJson(field)}`;
  }
  return `{${text}}`;
}

/** Values JSON leaves out of objects (and writes as null in arrays). */
function isOmitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

function isArrayIndex(key: string): boolean {
  const first = key.charCodeAt(0);
  return first >= 48 && first <= 57 && /^(0|[1-9]\d*)$/.test(key) && Number(key) < 4294967295;
}
