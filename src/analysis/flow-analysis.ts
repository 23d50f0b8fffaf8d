import { Port, Protocol } from '../port';
import { AllowedFlow } from './allowed-flow';
import { ClusterIndex } from './cluster';
import { evaluateMatrix } from './engine';

const PROTOCOLS: readonly Protocol[] = [Protocol.TCP, Protocol.UDP, Protocol.SCTP];
const LAST_PORT = 65535;

interface Interval { start: number; end: number }

/**
 * Every allowed flow between two distinct modelled pods, sorted by source then destination.
 *
 * Within one protocol, the verdict for a pair can only change at a port some policy names (a port, or
 * the ends of a range) or some pod declares (named ports resolve to those). So the port space is cut at
 * those boundaries and each piece is judged once, at its first port; adjacent allowed pieces are merged.
 */
export function computeFlows(index: ClusterIndex): AllowedFlow[] {
  const n = index.pods.length;
  const allowed = new Map<number, Map<Protocol, Interval[]>>();
  for (const protocol of PROTOCOLS) {
    const cuts = boundaries(index, protocol);
    for (let k = 0; k + 1 < cuts.length; k++) {
      const piece = { start: cuts[k], end: cuts[k + 1] - 1 };
      const cells = evaluateMatrix(index, {
        protocol, destinationPorts: new Int32Array(n).fill(piece.start), uniformPort: piece.start,
      });
      for (let cell = 0; cell < cells.length; cell++) {
        if (cells[cell] === 0 || Math.floor(cell / n) === cell % n) continue;
        let perProtocol = allowed.get(cell);
        if (!perProtocol) allowed.set(cell, perProtocol = new Map());
        const intervals = perProtocol.get(protocol) ?? [];
        perProtocol.set(protocol, intervals);
        const last = intervals[intervals.length - 1];
        if (last && last.end + 1 === piece.start) last.end = piece.end;
        else intervals.push({ ...piece });
      }
    }
  }
  return [...allowed.keys()].sort((a, b) => a - b).map(cell => {
    const perProtocol = allowed.get(cell)!;
    return toFlow(index.podIds[Math.floor(cell / n)], index.podIds[cell % n], perProtocol);
  });
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

function toFlow(from: string, to: string, perProtocol: Map<Protocol, Interval[]>): AllowedFlow {
  const ports: Port[] = [];
  const parts: string[] = [];
  let wholeProtocols = 0;
  for (const protocol of PROTOCOLS) {
    const intervals = perProtocol.get(protocol);
    if (!intervals) continue;
    if (intervals.length === 1 && intervals[0].start === 1 && intervals[0].end === LAST_PORT) {
      wholeProtocols++;
      ports.push(Port.allPorts(protocol));
      parts.push(`all ${protocol}`);
      continue;
    }
    ports.push(...intervals.map(i => Port.range(protocol, i.start, i.end)));
    parts.push(`${protocol} ${intervals.map(i => (i.start === i.end ? `${i.start}` : `${i.start}-${i.end}`)).join(', ')}`);
  }
  const description = wholeProtocols === PROTOCOLS.length ? 'all traffic' : parts.join('; ');
  return { from, to, ports, description };
}
