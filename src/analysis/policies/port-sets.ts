import { CompiledPolicyPort } from './policy-model';
import { Interval, LAST_PORT, PROTOCOLS } from './port-intervals';
import { Protocol } from '../../core/port';
import { ModelPod } from '../input/manifests';

/*
 * Sets of ports per protocol, as sorted, merged intervals, for the audit and exposure: a rule's port
 * entries resolved against the pod they are addressed to, unions and intersections. Internal.
 */

/** Ports per protocol; a protocol without entry has no port. */
export type PortSet = Map<Protocol, Interval[]>;

/** One port entry as an interval on one protocol, with its text. */
export interface PortSpan { readonly protocol: Protocol; readonly start: number; readonly end: number; readonly text: string }

/** The port entries of a rule as spans; named ports the destination does not declare are dropped (they match nothing). */
export function spansOf(ports: readonly CompiledPolicyPort[] | undefined, destination: ModelPod): PortSpan[] {
  if (ports === undefined) return PROTOCOLS.map(protocol => ({ protocol, start: 1, end: LAST_PORT, text: `all ${protocol}` }));
  return ports.flatMap((entry): PortSpan[] => {
    if (entry.name !== undefined) {
      const port = destination.ports.find(p => p.name === entry.name && p.protocol === entry.protocol)?.port;
      return port === undefined ? [] : [{ protocol: entry.protocol, start: port, end: port, text: `${entry.protocol} ${port} (${entry.name})` }];
    }
    if (entry.port === undefined) return [{ protocol: entry.protocol, start: 1, end: LAST_PORT, text: `all ${entry.protocol}` }];
    const end = entry.endPort ?? entry.port;
    return [{ protocol: entry.protocol, start: entry.port, end, text: end === entry.port ? `${entry.protocol} ${entry.port}` : `${entry.protocol} ${entry.port}-${end}` }];
  });
}

/** Every port of every protocol. */
export function allPorts(): PortSet {
  return new Map(PROTOCOLS.map(p => [p, [{ start: 1, end: LAST_PORT }]]));
}

/** The union of spans, merged per protocol. */
export function portSetOf(spans: readonly { protocol: Protocol; start: number; end: number }[]): PortSet {
  const set: PortSet = new Map();
  for (const protocol of PROTOCOLS) {
    const sorted = spans.filter(s => s.protocol === protocol).map(s => ({ start: s.start, end: s.end })).sort((a, b) => a.start - b.start);
    const merged: Interval[] = [];
    for (const interval of sorted) {
      const last = merged[merged.length - 1];
      if (last && interval.start <= last.end + 1) last.end = Math.max(last.end, interval.end);
      else merged.push({ ...interval });
    }
    if (merged.length > 0) set.set(protocol, merged);
  }
  return set;
}

/** The ports in both sets. */
export function intersect(a: PortSet, b: PortSet): PortSet {
  const spans: { protocol: Protocol; start: number; end: number }[] = [];
  for (const [protocol, left] of a) {
    for (const x of left) {
      for (const y of b.get(protocol) ?? []) {
        const start = Math.max(x.start, y.start);
        const end = Math.min(x.end, y.end);
        if (start <= end) spans.push({ protocol, start, end });
      }
    }
  }
  return portSetOf(spans);
}

/** True when the set holds the port. */
export function holds(set: PortSet, protocol: Protocol, port: number): boolean {
  return (set.get(protocol) ?? []).some(i => i.start <= port && port <= i.end);
}

/** A canonical key: equal keys, equal sets. */
export function portSetKey(set: PortSet): string {
  return PROTOCOLS.map(p => (set.get(p) ?? []).map(i => `${i.start}-${i.end}`).join(',')).join('|');
}

/** True when the set holds no port. */
export function isEmpty(set: PortSet): boolean {
  return [...set.values()].every(list => list.length === 0);
}
