import { netsecError } from '../core/errors';
import { Port, Protocol } from '../core/port';

const PROTOCOLS = new Map<string, Protocol>([['tcp', Protocol.TCP], ['udp', Protocol.UDP], ['sctp', Protocol.SCTP]]);

/**
 * Reads a port given on the command line: `tcp/8080`, `udp/53`, `sctp/9000`, or `8080` (TCP); a name in
 * place of the number (`tcp/http`, `http`) is a named container port, resolved per destination pod.
 * The protocol is case-insensitive.
 */
export function parsePortArgument(text: string, option: string): Port {
  const where = `cdk8s-netsec --${option}`;
  const slash = text.indexOf('/');
  const protocolText = slash < 0 ? 'tcp' : text.slice(0, slash).toLowerCase();
  const portText = slash < 0 ? text : text.slice(slash + 1);
  const protocol = PROTOCOLS.get(protocolText);
  if (protocol === undefined) {
    throw netsecError(where, 'names an unknown protocol', text, 'Write <protocol>/<port> with protocol tcp, udp or sctp, e.g. tcp/8080 or udp/53.');
  }
  if (/^\d+-\d+$/.test(portText)) {
    throw netsecError(where, 'is a range; the matrix is about one port', text, 'Give a single port, e.g. tcp/8080; --flows lists every allowed port and range.');
  }
  if (/^\d+$/.test(portText)) {
    const number = Number(portText);
    if (number < 1 || number > 65535) {
      throw netsecError(where, 'is not a port number from 1 to 65535', text, 'Give a port such as tcp/8080.');
    }
    return Port.portRange(protocol, number, number);
  }
  if (/^[a-z0-9-]+$/.test(portText) && /[a-z]/.test(portText)) {
    return Port.named(portText, protocol);
  }
  throw netsecError(where, 'is not a port', text, 'Write <protocol>/<port>, e.g. tcp/8080, udp/53, or a container port name such as tcp/http.');
}
