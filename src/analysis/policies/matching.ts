import type { IPv4, IPv6 } from 'ipaddr.js';
import { CompiledPeer, CompiledPolicyPort, CompiledRule, IpBlockPeer } from './policy-model';
import { cidrContainsAddress } from '../../core/cidr';
import { Protocol } from '../../core/port';
import { ModelPod } from '../input/manifests';

/*
 * The primitive questions of NetworkPolicy evaluation, shared by the set-based matrix engine and the
 * per-connection explanation so both apply one definition.
 */

/** Everything a rule needs to know about the connection's destination port. */
export interface PortQuery {
  readonly protocol: Protocol;
  /** The destination port number. */
  readonly port: number;
  /** The destination pod (named ports resolve against it); undefined for an address outside the cluster. */
  readonly destination?: ModelPod;
}

/** True when one `ports[]` entry admits the connection. */
export function portEntryMatches(entry: CompiledPolicyPort, query: PortQuery): boolean {
  if (entry.protocol !== query.protocol) return false;
  if (entry.name !== undefined) {
    // A named port means "whatever number the destination pod gives this name (for this protocol)".
    const declared = query.destination?.ports.find(p => p.name === entry.name && p.protocol === entry.protocol);
    return declared !== undefined && declared.port === query.port;
  }
  if (entry.port === undefined) return true;
  return entry.port <= query.port && query.port <= (entry.endPort ?? entry.port);
}

/** True when the rule's `ports` admit the connection (no ports = every port). */
export function rulePortsMatch(rule: CompiledRule, query: PortQuery): boolean {
  return rule.ports === undefined || rule.ports.some(entry => portEntryMatches(entry, query));
}

/** True when the rule's ports never depend on the destination pod (no named ports). */
export function rulePortsAreUniform(rule: CompiledRule): boolean {
  return rule.ports === undefined || rule.ports.every(entry => entry.name === undefined);
}

/** True when a peer selects a pod. `policyNamespace` scopes a peer without namespaceSelector. */
export function peerMatchesPod(peer: CompiledPeer, policyNamespace: string, pod: ModelPod,
  namespaceLabels: Readonly<Record<string, string>>): boolean {
  if (peer.kind === 'ipBlock') {
    // An ipBlock matches addresses; a pod matches only through an IP we know.
    return pod.addresses.some(address => ipBlockContains(peer, address));
  }
  if (peer.kind === 'entity') return peer.entity === 'cluster' || peer.entity === 'all';
  if (peer.kind === 'fqdn') return false;
  const namespaceMatches = peer.namespaceSelector === undefined
    ? pod.namespace === policyNamespace
    : peer.namespaceSelector.matches(namespaceLabels);
  return namespaceMatches && (peer.podSelector === undefined || peer.podSelector.matches(pod.labels));
}

/** True when a peer selects an address outside the cluster (only ipBlocks can). */
export function peerMatchesAddress(peer: CompiledPeer, address: IPv4 | IPv6): boolean {
  if (peer.kind === 'entity') {
    return peer.entity === 'world' || peer.entity === 'all' || peer.entity === `world-${address.kind()}`;
  }
  return peer.kind === 'ipBlock' && ipBlockContains(peer, address);
}

/**
 * True when a peer admits the pseudo-endpoint `{ingress-controller}`: the cluster's ingress data plane,
 * modelled as a source in a namespace of its own with no labels, so only peers that select every pod of
 * every namespace (or Cilium's `ingress`, `cluster` and `all` entities) admit it.
 */
export function peerMatchesIngressController(peer: CompiledPeer): boolean {
  if (peer.kind === 'entity') return peer.entity === 'ingress' || peer.entity === 'cluster' || peer.entity === 'all';
  if (peer.kind !== 'pods') return false;
  return peer.namespaceSelector !== undefined && peer.namespaceSelector.matchesAll
    && (peer.podSelector === undefined || peer.podSelector.matchesAll);
}

/** True when the address is in the block's cidr and in none of its except blocks. */
export function ipBlockContains(peer: IpBlockPeer, address: IPv4 | IPv6): boolean {
  return cidrContainsAddress(peer.cidr, address) && !peer.except.some(block => cidrContainsAddress(block, address));
}
