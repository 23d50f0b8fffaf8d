import { Port, Protocol } from '../../core/port';

/** The protocols in the order flows list them. */
export const PROTOCOLS: readonly Protocol[] = [Protocol.TCP, Protocol.UDP, Protocol.SCTP];
/** The highest port number. */
export const LAST_PORT = 65535;

/** An inclusive range of port numbers. */
export interface Interval { start: number; end: number }

/**
 * Ports and words for sorted, merged port intervals per protocol, in the shape `AllowedFlow` uses: one
 * whole-protocol `Port` for a protocol allowed entirely, `all traffic` when every protocol is.
 */
export function describePortIntervals(sets: ReadonlyMap<Protocol, readonly Interval[]>): { ports: Port[]; description: string } {
  const ports: Port[] = [];
  const parts: string[] = [];
  let wholeProtocols = 0;
  for (const protocol of PROTOCOLS) {
    const intervals = sets.get(protocol);
    if (!intervals || intervals.length === 0) continue;
    if (intervals.length === 1 && intervals[0].start === 1 && intervals[0].end === LAST_PORT) {
      wholeProtocols++;
      ports.push(Port.allPorts(protocol));
      parts.push(`all ${protocol}`);
      continue;
    }
    ports.push(...intervals.map(i => Port.portRange(protocol, i.start, i.end)));
    parts.push(`${protocol} ${intervals.map(i => (i.start === i.end ? `${i.start}` : `${i.start}-${i.end}`)).join(', ')}`);
  }
  return { ports, description: wholeProtocols === PROTOCOLS.length ? 'all traffic' : parts.join('; ') };
}
