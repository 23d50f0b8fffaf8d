import { ClusterIndex } from './cluster';
import { evaluateClasses } from './engine';
import { externalFlows, PositionedFlow } from './external-flows';
import { Port, Protocol } from '../../core/port';
import { describePortIntervals, Interval, LAST_PORT, PROTOCOLS } from '../policies/port-intervals';
import { AllowedFlow } from '../report/allowed-flow';
import { FlowEndpointKind } from '../report/flow-endpoint-kind';
import { AddressRanges, FlowsOptions } from '../report/flows-options';
import { ClassCells } from '../report/matrix-cells';

/** A piece of one protocol's port space in which every verdict is the same, and the verdicts. */
interface Piece extends Interval { protocol: Protocol; cells: ClassCells }

/**
 * Every allowed flow between two distinct modelled pods, sorted by source then destination.
 *
 * Within one protocol, the verdict for a pair can only change at a port some policy names (a port, or
 * the ends of a range) or some pod declares (named ports resolve to those). So the port space is cut at
 * those boundaries and each piece is judged once, at its first port; adjacent allowed pieces are merged.
 * Pairs allowed on the same pieces share one `ports` list and description.
 */
export function computeFlows(index: ClusterIndex, objects: readonly any[] = [], options: FlowsOptions = {}): AllowedFlow[] {
  const positions: number[] = [];
  const pairs = podPairs(index, options.byWorkload ? positions : undefined);
  if (!options.includeExternal && !options.byWorkload) return pairs;
  const external = options.includeExternal ? externalFlows(index, objects, options.addressRanges ?? AddressRanges.MAXIMAL) : [];
  if (!options.byWorkload) {
    const kinds = { sourceKind: FlowEndpointKind.POD, destinationKind: FlowEndpointKind.POD };
    return sortFlows([...pairs.map(f => ({ ...f, ...kinds })), ...external.map(e => e.flow)]);
  }
  return byWorkload(index, pairs.map((flow, k) => ({ from: positions[2 * k], to: positions[2 * k + 1], flow })), external);
}

interface PairFlow {
  readonly from: number;
  readonly to: number;
  readonly flow: AllowedFlow;
}

/**
 * Orders flows by source, then destination: pods and workloads by namespace then name, then address
 * ranges by first address, then names, then the ingress data plane.
 */
function sortFlows(flows: AllowedFlow[]): AllowedFlow[] {
  const keyed = flows.map(flow => ({
    flow,
    key: [...endpointKey(flow.source, flow.sourceKind), ...endpointKey(flow.destination, flow.destinationKind)],
  }));
  keyed.sort((a, b) => {
    for (let k = 0; k < a.key.length; k++) {
      if (a.key[k] !== b.key[k]) return a.key[k] < b.key[k] ? -1 : 1;
    }
    return 0;
  });
  return keyed.map(k => k.flow);
}

function endpointKey(name: string, kind: FlowEndpointKind | undefined): [number, string, string] {
  switch (kind) {
    case FlowEndpointKind.ADDRESS_RANGE:
      return [1, name.split('-')[0].split('.').map(o => o.padStart(3, '0')).join('.'), name];
    case FlowEndpointKind.FQDN:
      return [2, name, ''];
    case FlowEndpointKind.INGRESS_CONTROLLER:
      return [3, name, ''];
    default: {
      const slash = name.indexOf('/');
      return [0, name.slice(0, slash), name.slice(slash + 1)];
    }
  }
}

/** Flows between workloads: the union of the ports of their pods' flows; nothing inside one workload. */
function byWorkload(index: ClusterIndex, pairs: PairFlow[], external: PositionedFlow[]): AllowedFlow[] {
  const workloadOf = (position: number) => index.pods[position].workload ?? `${index.podIds[position]}[${index.pods[position].kind}]`;
  type Group = { source: string; destination: string; sourceKind: FlowEndpointKind; destinationKind: FlowEndpointKind; ports: Port[] };
  const grouped = new Map<string, Group>();
  const add = (source: string, destination: string, sourceKind: FlowEndpointKind, destinationKind: FlowEndpointKind, ports: Port[]) => {
    const key = `${source}\n${destination}`;
    const entry = grouped.get(key) ?? { source, destination, sourceKind, destinationKind, ports: [] };
    entry.ports.push(...ports);
    grouped.set(key, entry);
  };
  for (const pair of pairs) {
    const from = workloadOf(pair.from);
    const to = workloadOf(pair.to);
    if (from !== to) add(from, to, FlowEndpointKind.WORKLOAD, FlowEndpointKind.WORKLOAD, pair.flow.ports);
  }
  for (const { flow, position, podIs } of external) {
    if (podIs === 'source') add(workloadOf(position), flow.destination, FlowEndpointKind.WORKLOAD, flow.destinationKind!, flow.ports);
    else add(flow.source, workloadOf(position), flow.sourceKind!, FlowEndpointKind.WORKLOAD, flow.ports);
  }
  return sortFlows([...grouped.values()].map(g => ({ ...g, ...describePortIntervals(portIntervals(g.ports)) })));
}

/** Ports (numeric, ranges, whole protocols) as merged intervals per protocol. */
function portIntervals(ports: readonly Port[]): Map<Protocol, Interval[]> {
  const sets = new Map<Protocol, Interval[]>();
  for (const port of ports) {
    const interval = port.isAllPorts ? { start: 1, end: LAST_PORT } : { start: port.startPort!, end: port.endPort ?? port.startPort! };
    const merged: Interval[] = [];
    for (const next of [...sets.get(port.protocol) ?? [], interval].sort((a, b) => a.start - b.start)) {
      const last = merged[merged.length - 1];
      if (last && next.start <= last.end + 1) last.end = Math.max(last.end, next.end);
      else merged.push({ ...next });
    }
    sets.set(port.protocol, merged);
  }
  return sets;
}

/** Flows between distinct pods, in pod order; `positions` (when given) receives each flow's from and to. */
function podPairs(index: ClusterIndex, positions?: number[]): AllowedFlow[] {
  const n = index.pods.length;
  const pieces: Piece[] = [];
  for (const protocol of PROTOCOLS) {
    const cuts = boundaries(index, protocol);
    for (let k = 0; k + 1 < cuts.length; k++) {
      const start = cuts[k];
      // Per class of pods, not n*n bytes per piece.
      const cells = evaluateClasses(index, { protocol, destinationPorts: new Int32Array(n).fill(start), uniformPort: start });
      pieces.push({ protocol, start, end: cuts[k + 1] - 1, cells });
    }
  }
  const shared = new Map<string, Pick<AllowedFlow, 'ports' | 'description'>>();
  const flows: AllowedFlow[] = [];
  for (let from = 0; from < n; from++) {
    for (let to = 0; to < n; to++) {
      if (from === to) continue;
      const allowed = pieces.filter(piece => piece.cells.cell(from, to) === 1);
      if (allowed.length === 0) continue;
      const key = allowed.map(piece => pieces.indexOf(piece)).join(',');
      let ports = shared.get(key);
      if (!ports) shared.set(key, ports = describe(allowed));
      flows.push({ source: index.podIds[from], destination: index.podIds[to], ...ports });
      positions?.push(from, to);
    }
  }
  return flows;
}

function boundaries(index: ClusterIndex, protocol: Protocol): number[] {
  const cuts = new Set<number>([1, LAST_PORT + 1]);
  const rules = [...index.rules.map(r => r.rule), ...index.adminPolicies.flatMap(a => [...a.ingress, ...a.egress])];
  for (const rule of rules) {
    for (const entry of rule.ports ?? []) {
      if (entry.protocol !== protocol || entry.port === undefined) continue;
      cuts.add(entry.port);
      cuts.add((entry.endPort ?? entry.port) + 1);
    }
  }
  for (const pod of index.pods) {
    for (const declared of pod.ports) {
      if (declared.protocol !== protocol) continue;
      cuts.add(declared.port);
      cuts.add(declared.port + 1);
    }
  }
  return [...cuts].sort((a, b) => a - b);
}

function describe(allowed: Piece[]): Pick<AllowedFlow, 'ports' | 'description'> {
  const sets = new Map<Protocol, Interval[]>();
  for (const protocol of PROTOCOLS) {
    const intervals: Interval[] = [];
    for (const piece of allowed.filter(p => p.protocol === protocol)) {
      const last = intervals[intervals.length - 1];
      if (last && last.end + 1 === piece.start) last.end = piece.end;
      else intervals.push({ start: piece.start, end: piece.end });
    }
    sets.set(protocol, intervals);
  }
  return describePortIntervals(sets);
}
