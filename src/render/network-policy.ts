import { ApiObject, Lazy } from 'cdk8s';
import { excludeMetadataEndpoints } from '../core/cidr';
import { IpBlockConfig, IPeer, NAMESPACE_NAME_LABEL, PeerConfig } from '../core/peer';
import { Port, Protocol } from '../core/port';
import { compareStrings, isEmptySelector, LabelSelector } from '../core/selector';
import * as k8s from '../imports/k8s';
import type { Flow, IntentModel } from '../model/intent-model';
import type { IsolatedGroup } from '../model/isolated-group';

/*
 * Renders NetworkPolicy specs from intent: which peers may reach (or be reached by) the selected pods on
 * which ports. Output is canonical: one peer appears once per set of ports, rules with the same ports
 * are merged, and peers, ports and rules are sorted, so that declaration order never changes the YAML.
 */

/** One allowance for one direction: a peer and the ports (empty = all ports). */
export interface RuleEntry {
  readonly peer: PeerConfig;
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
 * The NetworkPolicy of one isolated group of pods: its spec is read from the intent model when the app
 * synthesizes, so flows declared after the group are included.
 */
export function renderNetworkPolicy(group: IsolatedGroup, id: string, name: string, model: IntentModel): ApiObject {
  return new ApiObject(group, id, {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: group.namespace },
    spec: Lazy.any({ produce: () => renderPolicySpec(policyIntentOf(group, model)) }),
  });
}

/**
 * What the group's policy says: in each direction it isolates (by itself, or through a namespace
 * baseline of the app, which would otherwise deny them silently), the flows declared on it, the flows
 * whose other side selects all its pods, DNS, and the platform traffic the app requires.
 */
function policyIntentOf(group: IsolatedGroup, model: IntentModel): PolicyIntent {
  const entry = (peer: IPeer, ports: Port[]): RuleEntry => ({ peer: peer.toPeerConfig(), ports });
  const mirrored = model.mirroredFlows(group);
  const fromSource = (f: Flow) => entry(f.source, f.ports);
  const toDestination = (f: Flow) => entry(f.destination, f.ports);
  const ingress = group.isIngressIsolated()
    ? [
      ...model.flowsTo(group).map(fromSource),
      ...mirrored.ingress.map(fromSource),
      ...model.requiredIngress(group.namespace).map((r) => entry(r.peer, r.ports)),
    ]
    : undefined;
  const egress = group.isEgressIsolated()
    ? [
      ...model.flowsFrom(group).map(toDestination),
      ...mirrored.egress.map(toDestination),
      ...group.dns._destinations.map((d) => entry(d.peer, d.ports)),
      ...model.requiredEgress(group.namespace).map((r) => entry(r.peer, r.ports)),
    ]
    : undefined;
  const labels = group._podScope().podLabels;
  return { namespace: group.namespace, podSelector: Object.keys(labels).length > 0 ? { matchLabels: labels } : {}, ingress, egress };
}

/** Renders the `spec` of a NetworkPolicy as JSON, ready for an ApiObject. */
export function renderPolicySpec(intent: PolicyIntent): any {
  const policyTypes: string[] = [];
  if (intent.ingress) policyTypes.push('Ingress');
  if (intent.egress) policyTypes.push('Egress');
  const spec: k8s.NetworkPolicySpec = {
    podSelector: renderSelector(intent.podSelector),
    policyTypes,
    ...(intent.ingress ? {
      ingress: mergeRules(intent.ingress, intent.namespace, false).map((r) => ({
        ...(r.peers.length > 0 ? { from: r.peers } : {}),
        ...(r.ports.length > 0 ? { ports: r.ports } : {}),
      })),
    } : {}),
    ...(intent.egress ? {
      egress: mergeRules(intent.egress, intent.namespace, true).map((r) => ({
        ...(r.peers.length > 0 ? { to: r.peers } : {}),
        ...(r.ports.length > 0 ? { ports: r.ports } : {}),
      })),
    } : {}),
  };
  return k8s.toJson_NetworkPolicySpec(spec);
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
  const out: Port[] = [];
  for (const protocol of [Protocol.TCP, Protocol.UDP, Protocol.SCTP]) {
    const mine = ports.filter((p) => p.protocol === protocol);
    if (mine.length === 0) continue;
    if (mine.some((p) => p.isAllPorts)) {
      out.push(Port.allPorts(protocol));
      continue;
    }
    const ranges = mine.filter((p) => p.isNumeric)
      .map((p) => [p.startPort!, p.endPort ?? p.startPort!])
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const merged: number[][] = [];
    for (const [start, end] of ranges) {
      const last = merged[merged.length - 1];
      if (last && start <= last[1] + 1) last[1] = Math.max(last[1], end);
      else merged.push([start, end]);
    }
    out.push(...merged.map(([start, end]) => Port.portRange(protocol, start, end)));
    const names = [...new Set(mine.filter((p) => p.isNamed).map((p) => p.name!))].sort(compareStrings);
    out.push(...names.map((name) => Port.named(name, protocol)));
  }
  return out;
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
  readonly ports: k8s.NetworkPolicyPort[];
}

/**
 * Joins entries into rules: ports are unioned per peer, then peers with the same ports share one rule.
 * A peer allowed on all ports absorbs its port-specific entries. Egress IP blocks get the metadata guard.
 */
function mergeRules(entries: RuleEntry[], policyNamespace: string, egress: boolean): MergedRule[] {
  const byPeer = new Map<string, { peer: k8s.NetworkPolicyPeer; ports: Port[]; all: boolean }>();
  for (const entry of entries) {
    const peer = renderPeer(entry.peer, policyNamespace, egress);
    const key = canonicalJson(peer);
    const slot = byPeer.get(key) ?? { peer, ports: [], all: false };
    if (entry.ports.length === 0) slot.all = true;
    slot.ports.push(...entry.ports);
    byPeer.set(key, slot);
  }
  const byPorts = new Map<string, { ports: Port[]; peers: Map<string, k8s.NetworkPolicyPeer> }>();
  for (const [peerKey, slot] of byPeer) {
    const ports = slot.all ? [] : normalizePorts(slot.ports);
    const portsKey = ports.map(String).join(',');
    const group = byPorts.get(portsKey) ?? { ports, peers: new Map() };
    group.peers.set(peerKey, slot.peer);
    byPorts.set(portsKey, group);
  }
  return [...byPorts.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([, group]) => ({
      peers: [...group.peers.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([, p]) => p),
      ports: group.ports.map(renderPort),
    }));
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
  const keys = Object.keys(value).sort(compareStrings);
  const indexes = keys.filter(isArrayIndex);
  const ordered = indexes.length === 0 ? keys
    : [...indexes.sort((a, b) => Number(a) - Number(b)), ...keys.filter((k) => !isArrayIndex(k))];
  const fields: string[] = [];
  for (const key of ordered) {
    const field = (value as any)[key];
    if (!isOmitted(field)) fields.push(`${JSON.stringify(key)}:${canonicalJson(field)}`);
  }
  return `{${fields.join(',')}}`;
}

/** Values JSON leaves out of objects (and writes as null in arrays). */
function isOmitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

function isArrayIndex(key: string): boolean {
  return /^(0|[1-9]\d*)$/.test(key) && Number(key) < 4294967295;
}
