import { Protocol } from '../port';
import { AllowedFlow } from './allowed-flow';
import { ClusterIndex } from './cluster';
import { evaluateMatrix } from './engine';
import { describePortIntervals, Interval, LAST_PORT, PROTOCOLS } from './port-intervals';

/** A piece of one protocol's port space in which every verdict is the same, and the verdicts. */
interface Piece extends Interval { protocol: Protocol; cells: Uint8Array }

/**
 * Every allowed flow between two distinct modelled pods, sorted by source then destination.
 *
 * Within one protocol, the verdict for a pair can only change at a port some policy names (a port, or
 * the ends of a range) or some pod declares (named ports resolve to those). So the port space is cut at
 * those boundaries and each piece is judged once, at its first port; adjacent allowed pieces are merged.
 * Pairs allowed on the same pieces share one `ports` list and description.
 */
export function computeFlows(index: ClusterIndex): AllowedFlow[] {
  const n = index.pods.length;
  const pieces: Piece[] = [];
  for (const protocol of PROTOCOLS) {
    const cuts = boundaries(index, protocol);
    for (let k = 0; k + 1 < cuts.length; k++) {
      const start = cuts[k];
      const cells = evaluateMatrix(index, { protocol, destinationPorts: new Int32Array(n).fill(start), uniformPort: start });
      pieces.push({ protocol, start, end: cuts[k + 1] - 1, cells });
    }
  }
  const shared = new Map<string, Pick<AllowedFlow, 'ports' | 'description'>>();
  const flows: AllowedFlow[] = [];
  for (let from = 0; from < n; from++) {
    for (let to = 0; to < n; to++) {
      if (from === to) continue;
      const cell = from * n + to;
      const allowed = pieces.filter(piece => piece.cells[cell] === 1);
      if (allowed.length === 0) continue;
      const key = allowed.map(piece => pieces.indexOf(piece)).join(',');
      let ports = shared.get(key);
      if (!ports) shared.set(key, ports = describe(allowed));
      flows.push({ source: index.podIds[from], destination: index.podIds[to], ...ports });
    }
  }
  return flows;
}

function boundaries(index: ClusterIndex, protocol: Protocol): number[] {
  const cuts = new Set<number>([1, LAST_PORT + 1]);
  for (const { rule } of index.rules) {
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
