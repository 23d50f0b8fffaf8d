import * as ipaddr from 'ipaddr.js';
import { ClusterIndex } from './cluster';
import { INGRESS_CONTROLLER_LABEL, judgeSide, ResolvedEndpoint } from './explain';
import { ingressTargets } from './ingress-routes';
import { ParsedCidr } from '../../core/cidr';
import { Protocol } from '../../core/port';
import { CompiledRule, Direction } from '../policies/policy-model';
import { describePortIntervals, Interval, LAST_PORT, PROTOCOLS } from '../policies/port-intervals';
import { AllowedFlow } from '../report/allowed-flow';
import { FlowEndpointKind } from '../report/flow-endpoint-kind';
import { AddressRanges } from '../report/flows-options';

/*
 * Flows with the outside of the cluster, judged per pod with the same side evaluation as `explain`:
 * - address ranges: the IPv4 space is cut at every boundary of a CIDR some rule of that direction names
 *   (NetworkPolicy ipBlock and except, admin `networks`, Cilium CIDRs). Within one piece every rule
 *   matches all addresses or none, so judging its first address judges the piece. Pieces are merged per
 *   flow when they share the answer (AddressRanges.MAXIMAL), or kept (POLICY_BLOCKS).
 * - the ingress data plane: to the pods an Ingress or Route leads to, on the ports it leads to, where
 *   the pod's ingress side admits `{ingress-controller}`.
 * - Cilium `toFQDNs`: per pod whose egress a Cilium rule with names governs, the names and that rule's
 *   ports. Names are not addresses, so they never make an address flow allowed.
 */

const V4_END = 2 ** 32;

/** One allowed flow with its pod position, before grouping by workload. */
export interface PositionedFlow {
  readonly flow: AllowedFlow;
  /** The pod position of the in-cluster end. */
  readonly position: number;
  /** Which end the pod is. */
  readonly podIs: 'source' | 'destination';
}

/** Every allowed flow between a pod and the outside of the cluster. */
export function externalFlows(index: ClusterIndex, objects: readonly any[], ranges: AddressRanges): PositionedFlow[] {
  return [
    ...addressFlows(index, 'ingress', ranges),
    ...addressFlows(index, 'egress', ranges),
    ...ingressControllerFlows(index, objects),
    ...fqdnFlows(index),
  ];
}

/** The IPv4 address ranges of a matrix on one port, and per range which pods it reaches and is reached by. */
export interface AddressMatrix {
  /** `first-last`, in address order: the largest ranges in which every pod's answer is the same. */
  readonly ranges: string[];
  /** Per range: per pod position, 1 when the range may connect to the pod. */
  readonly inbound: Uint8Array[];
  /** Per range: per pod position, 1 when the pod may connect to the range. */
  readonly outbound: Uint8Array[];
}

/** The address ranges for `Reachability.matrix(port, { includeAddresses: true })`. */
export function addressMatrix(index: ClusterIndex, protocol: Protocol, destinationPorts: Int32Array, uniformPort: number | undefined): AddressMatrix {
  const points = addressCuts(index, 'both');
  const n = index.pods.length;
  const result: { start: number; end: number; inbound: Uint8Array; outbound: Uint8Array }[] = [];
  for (let k = 0; k + 1 < points.length; k++) {
    const address = fromNumber(points[k]);
    const other: ResolvedEndpoint = { kind: 'address', address, label: address.toString() };
    const inbound = new Uint8Array(n);
    const outbound = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const port = destinationPorts[i];
      if (port >= 0 && judgeSide(index, i, 'ingress', '', other, { protocol, port, destination: index.pods[i] }).allowed) inbound[i] = 1;
      // A named port cannot be resolved for an address: only a numeric question reaches one.
      if (uniformPort !== undefined && judgeSide(index, i, 'egress', '', other, { protocol, port: uniformPort }).allowed) outbound[i] = 1;
    }
    const last = result[result.length - 1];
    if (last && equal(last.inbound, inbound) && equal(last.outbound, outbound)) last.end = points[k + 1] - 1;
    else result.push({ start: points[k], end: points[k + 1] - 1, inbound, outbound });
  }
  return {
    ranges: result.map(r => `${fromNumber(r.start).toString()}-${fromNumber(r.end).toString()}`),
    inbound: result.map(r => r.inbound),
    outbound: result.map(r => r.outbound),
  };
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Every IPv4 boundary of the address blocks named by rules of one direction (or both), sorted, 0 and 2^32 included. */
function addressCuts(index: ClusterIndex, direction: Direction | 'both'): number[] {
  const all = [...index.rules.map(r => r.rule), ...index.adminPolicies.flatMap(a => [...a.ingress, ...a.egress])]
    .filter(rule => direction === 'both' || rule.direction === direction);
  return blockCuts(all);
}

/** Every IPv4 boundary of the address blocks the rules name, sorted, 0 and 2^32 included. */
function blockCuts(rules: readonly CompiledRule[]): number[] {
  const cuts = new Set<number>([0, V4_END]);
  for (const rule of rules) {
    for (const peer of rule.peers ?? []) {
      if (peer.kind !== 'ipBlock' || peer.cidr.family !== 'ipv4') continue;
      // The block's addresses (cidr minus its except blocks) as intervals: their ends are the cuts, so
      // adjacent except blocks make one hole, as netpol-analyzer cuts them.
      for (const interval of blockIntervals(peer.cidr, peer.except)) {
        cuts.add(interval.start);
        cuts.add(interval.end + 1);
      }
    }
  }
  return [...cuts].sort((a, b) => a - b);
}

function addressFlows(index: ClusterIndex, direction: Direction, ranges: AddressRanges): PositionedFlow[] {
  const global = ranges === AddressRanges.POLICY_BLOCKS ? addressCuts(index, direction) : [];
  // Only the pod's own rules can tell two of its addresses apart, so each pod is judged at the cuts of
  // its rules' blocks; pods with the same rules (and, for ingress, the same container ports, which named
  // ports resolve against) share one answer.
  const cache = new Map<string, Piece[]>();
  const flows: PositionedFlow[] = [];
  index.pods.forEach((pod, position) => {
    const rules = indexedRulesOf(index, position, direction);
    const isolatedBy = (direction === 'ingress' ? index.ingressOf[position] : index.egressOf[position]).policies.length > 0;
    const ports = direction === 'ingress' ? pod.ports.map(p => `${p.name}:${p.port}/${p.protocol}`).join(',') : '';
    const key = `${isolatedBy}|${rules.map(r => r.id).join(',')}|${ports}`;
    let pieces = cache.get(key);
    if (!pieces) {
      pieces = judgeAddresses(index, position, direction, rules.map(r => r.rule));
      cache.set(key, pieces);
    }
    for (const piece of pieces) {
      if (piece.key === '') continue;
      const allowed = describePortIntervals(piece.sets);
      const podId = index.podIds[position];
      for (const [start, end] of ranges === AddressRanges.POLICY_BLOCKS ? splitAt(piece.start, piece.end, global) : [[piece.start, piece.end]]) {
        const range = `${fromNumber(start).toString()}-${fromNumber(end).toString()}`;
        const flow: AllowedFlow = direction === 'ingress'
          ? { source: range, destination: podId, sourceKind: FlowEndpointKind.ADDRESS_RANGE, destinationKind: FlowEndpointKind.POD, ...allowed }
          : { source: podId, destination: range, sourceKind: FlowEndpointKind.POD, destinationKind: FlowEndpointKind.ADDRESS_RANGE, ...allowed };
        flows.push({ flow, position, podIs: direction === 'ingress' ? 'destination' : 'source' });
      }
    }
  });
  return flows;
}

/** A range of IPv4 addresses (as numbers) with the ports one pod's side allows for all of it. */
interface Piece {
  start: number;
  end: number;
  readonly key: string;
  readonly sets: Map<Protocol, Interval[]>;
}

/** One pod's side against every address, as the largest ranges with one answer each. */
function judgeAddresses(index: ClusterIndex, position: number, direction: Direction, rules: readonly CompiledRule[]): Piece[] {
  const pod = index.pods[position];
  const points = blockCuts(rules);
  const portCuts = portBoundaries(rules, direction === 'ingress' ? pod.ports : []);
  const pieces: Piece[] = [];
  for (let k = 0; k + 1 < points.length; k++) {
    const address = fromNumber(points[k]);
    const other: ResolvedEndpoint = { kind: 'address', address, label: address.toString() };
    const sets = allowedPorts(portCuts, (protocol, port) => judgeSide(index, position, direction, '', other,
      { protocol, port, destination: direction === 'ingress' ? pod : undefined }).allowed);
    const key = setsKey(sets);
    const last = pieces[pieces.length - 1];
    if (last && last.key === key) last.end = points[k + 1] - 1;
    else pieces.push({ start: points[k], end: points[k + 1] - 1, key, sets });
  }
  return pieces;
}

/** The sub-ranges of [start, end] cut at the given points. */
function splitAt(start: number, end: number, points: readonly number[]): Array<[number, number]> {
  const result: Array<[number, number]> = [];
  let from = start;
  for (const point of points) {
    if (point <= from || point > end) continue;
    result.push([from, point - 1]);
    from = point;
  }
  result.push([from, end]);
  return result;
}

/** The rules of one pod's side, with their ids: NetworkPolicy and Cilium, then admin, then baseline. */
function indexedRulesOf(index: ClusterIndex, position: number, direction: Direction): Array<{ id: number; rule: CompiledRule }> {
  const isolation = direction === 'ingress' ? index.ingressOf[position] : index.egressOf[position];
  const tiers = direction === 'ingress' ? index.tierIngressOf[position] : index.tierEgressOf[position];
  return [...isolation.rules, ...tiers.admin, ...tiers.baseline];
}

function ingressControllerFlows(index: ClusterIndex, objects: readonly any[]): PositionedFlow[] {
  const other: ResolvedEndpoint = { kind: 'ingressController', label: INGRESS_CONTROLLER_LABEL };
  const perPod = new Map<number, Map<Protocol, Interval[]>>();
  for (const target of ingressTargets(objects, index)) {
    const allowed = judgeSide(index, target.position, 'ingress', '', other,
      { protocol: target.protocol, port: target.port, destination: index.pods[target.position] }).allowed;
    if (!allowed) continue;
    const sets = perPod.get(target.position) ?? new Map<Protocol, Interval[]>();
    sets.set(target.protocol, addPort(sets.get(target.protocol) ?? [], target.port));
    perPod.set(target.position, sets);
  }
  return [...perPod.entries()].sort((a, b) => a[0] - b[0]).map(([position, sets]) => ({
    flow: {
      source: INGRESS_CONTROLLER_LABEL,
      destination: index.podIds[position],
      sourceKind: FlowEndpointKind.INGRESS_CONTROLLER,
      destinationKind: FlowEndpointKind.POD,
      ...describePortIntervals(sets),
    },
    position,
    podIs: 'destination' as const,
  }));
}

function fqdnFlows(index: ClusterIndex): PositionedFlow[] {
  const flows: PositionedFlow[] = [];
  index.pods.forEach((_, position) => {
    const byName = new Map<string, Map<Protocol, Interval[]>>();
    for (const { rule } of index.egressOf[position].rules) {
      for (const peer of rule.peers ?? []) {
        if (peer.kind !== 'fqdn') continue;
        for (const name of peer.names) {
          const sets = byName.get(name) ?? new Map<Protocol, Interval[]>();
          for (const protocol of PROTOCOLS) {
            const entries = rule.ports === undefined ? [{ protocol }] : rule.ports.filter(e => e.protocol === protocol && e.name === undefined);
            for (const entry of entries) {
              const start = 'port' in entry && entry.port !== undefined ? entry.port : 1;
              const end = 'port' in entry && entry.port !== undefined ? (entry as any).endPort ?? entry.port : LAST_PORT;
              sets.set(protocol, merge([...(sets.get(protocol) ?? []), { start, end }]));
            }
          }
          byName.set(name, sets);
        }
      }
    }
    for (const name of [...byName.keys()].sort()) {
      const sets = byName.get(name)!;
      if (setsKey(sets) === '') continue;
      flows.push({
        flow: {
          source: index.podIds[position],
          destination: name,
          sourceKind: FlowEndpointKind.POD,
          destinationKind: FlowEndpointKind.FQDN,
          ...describePortIntervals(sets),
        },
        position,
        podIs: 'source',
      });
    }
  });
  return flows;
}

/** Port numbers where any of the rules' verdict may change, per protocol (named ports: the pod's declared ports). */
function portBoundaries(rules: readonly CompiledRule[], declared: readonly { port: number; protocol: Protocol }[]): Map<Protocol, number[]> {
  const result = new Map<Protocol, number[]>();
  for (const protocol of PROTOCOLS) {
    const cuts = new Set<number>([1, LAST_PORT + 1]);
    for (const rule of rules) {
      for (const entry of rule.ports ?? []) {
        if (entry.protocol !== protocol || entry.port === undefined) continue;
        cuts.add(entry.port);
        cuts.add((entry.endPort ?? entry.port) + 1);
      }
    }
    for (const d of declared) {
      if (d.protocol !== protocol) continue;
      cuts.add(d.port);
      cuts.add(d.port + 1);
    }
    result.set(protocol, [...cuts].sort((a, b) => a - b));
  }
  return result;
}

function allowedPorts(cuts: Map<Protocol, number[]>, allows: (protocol: Protocol, port: number) => boolean): Map<Protocol, Interval[]> {
  const sets = new Map<Protocol, Interval[]>();
  for (const protocol of PROTOCOLS) {
    const points = cuts.get(protocol)!;
    const intervals: Interval[] = [];
    for (let k = 0; k + 1 < points.length; k++) {
      if (!allows(protocol, points[k])) continue;
      const last = intervals[intervals.length - 1];
      if (last && last.end + 1 === points[k]) last.end = points[k + 1] - 1;
      else intervals.push({ start: points[k], end: points[k + 1] - 1 });
    }
    if (intervals.length > 0) sets.set(protocol, intervals);
  }
  return sets;
}

function setsKey(sets: Map<Protocol, Interval[]>): string {
  return PROTOCOLS.map(p => (sets.get(p) ?? []).map(i => `${i.start}-${i.end}`).join(',')).join('|').replace(/^\|+$/, '');
}

function addPort(intervals: Interval[], port: number): Interval[] {
  return merge([...intervals, { start: port, end: port }]);
}

function merge(intervals: Interval[]): Interval[] {
  const merged: Interval[] = [];
  for (const next of [...intervals].sort((a, b) => a.start - b.start)) {
    const last = merged[merged.length - 1];
    if (last && next.start <= last.end + 1) last.end = Math.max(last.end, next.end);
    else merged.push({ ...next });
  }
  return merged;
}

function blockIntervals(cidr: ParsedCidr, except: readonly ParsedCidr[]): Interval[] {
  const range = (block: ParsedCidr) => {
    const start = toNumber(block.address as ipaddr.IPv4);
    return { start, end: start + 2 ** (32 - block.prefixLength) - 1 };
  };
  let rest = [range(cidr)];
  for (const hole of except.filter(e => e.family === 'ipv4').map(range)) {
    rest = rest.flatMap(i => [
      ...(i.start < hole.start ? [{ start: i.start, end: Math.min(i.end, hole.start - 1) }] : []),
      ...(i.end > hole.end ? [{ start: Math.max(i.start, hole.end + 1), end: i.end }] : []),
    ]);
  }
  return merge(rest);
}

function toNumber(address: ipaddr.IPv4): number {
  return address.octets.reduce((n, octet) => n * 256 + octet, 0);
}

function fromNumber(value: number): ipaddr.IPv4 {
  const octets = [0, 0, 0, 0];
  let rest = value;
  for (let i = 3; i >= 0; i--) {
    octets[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  return new ipaddr.IPv4(octets);
}
