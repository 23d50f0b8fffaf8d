import { netsecError } from './errors';
import { checkPortName } from './names';

/** The transport protocols a NetworkPolicy port can name. */
export enum Protocol {
  /** Transmission Control Protocol. */
  TCP = 'TCP',
  /** User Datagram Protocol. */
  UDP = 'UDP',
  /** Stream Control Transmission Protocol (needs CNI support). */
  SCTP = 'SCTP',
}

/**
 * A port (or range of ports) of one protocol, as a NetworkPolicy rule names it.
 *
 * Created with the static factories. A `Port` describes the destination pod's port: NetworkPolicy is
 * evaluated after Service DNAT, so a rule names the container port, not the Service port.
 *
 * @example
 * Port.tcp(443);            // TCP 443
 * Port.tcpRange(8000, 8100); // TCP 8000-8100 (rendered with endPort)
 * Port.named('metrics');     // TCP port named "metrics" in the destination pod's spec
 */
export class Port {
  /** A single TCP port. */
  public static tcp(port: number): Port {
    return new Port(Protocol.TCP, checkNumber(port, 'Port.tcp'));
  }

  /** A single UDP port. */
  public static udp(port: number): Port {
    return new Port(Protocol.UDP, checkNumber(port, 'Port.udp'));
  }

  /** A single SCTP port. */
  public static sctp(port: number): Port {
    return new Port(Protocol.SCTP, checkNumber(port, 'Port.sctp'));
  }

  /** An inclusive range of TCP ports, rendered as `port` + `endPort` (Kubernetes 1.25+). */
  public static tcpRange(startPort: number, endPort: number): Port {
    return Port.portRange(Protocol.TCP, startPort, endPort);
  }

  /** An inclusive range of UDP ports, rendered as `port` + `endPort` (Kubernetes 1.25+). */
  public static udpRange(startPort: number, endPort: number): Port {
    return Port.portRange(Protocol.UDP, startPort, endPort);
  }

  /** An inclusive range of ports of any protocol, rendered as `port` + `endPort` (Kubernetes 1.25+). */
  public static portRange(protocol: Protocol, startPort: number, endPort: number): Port {
    const start = checkNumber(startPort, 'Port.portRange');
    const end = checkNumber(endPort, 'Port.portRange');
    if (end < start) {
      throw netsecError('Port.portRange', 'endPort is lower than the start port', `${start}-${end}`,
        'Give the lower port first, e.g. Port.tcpRange(8000, 8100).');
    }
    return start === end ? new Port(protocol, start) : new Port(protocol, start, end);
  }

  /**
   * A port named in the destination pod's container spec (`ports[].name`), resolved per pod.
   *
   * A named port matches only pods that declare a container port with that name and protocol; pods
   * without it are not reachable through this rule.
   *
   * @param name an IANA_SVC_NAME: 1-15 lower-case letters, digits and "-", with at least one letter
   * @param protocol @default Protocol.TCP
   */
  public static named(name: string, protocol?: Protocol): Port {
    const problem = checkPortName(name);
    if (problem) {
      throw netsecError('Port.named', `port name ${problem}`, name,
        'Use the container port name from the pod spec, e.g. Port.named("http").');
    }
    return new Port(protocol ?? Protocol.TCP, undefined, undefined, name);
  }

  /** Every TCP port. */
  public static allTcp(): Port {
    return new Port(Protocol.TCP);
  }

  /** Every UDP port. */
  public static allUdp(): Port {
    return new Port(Protocol.UDP);
  }

  /** Every SCTP port. */
  public static allSctp(): Port {
    return new Port(Protocol.SCTP);
  }

  /** Every port of one protocol. */
  public static allPorts(protocol: Protocol): Port {
    return new Port(protocol);
  }

  /**
   * Every port of every protocol (TCP, UDP and SCTP). A flow declared without ports opens only the
   * destination tier's declared ports; this is how every port is opened, on purpose.
   */
  public static allTraffic(): Port {
    return new Port(Protocol.TCP, undefined, undefined, undefined, true);
  }

  /** The protocol. */
  public readonly protocol: Protocol;
  /** The port number, or the first port of a range; undefined for named ports and whole protocols. */
  public readonly startPort?: number;
  /** The last port of an inclusive range; undefined unless this is a range. */
  public readonly endPort?: number;
  /** The container port name; undefined unless this is a named port. */
  public readonly name?: string;

  // Every port of every protocol: `protocol` then reads TCP, so code that does not know this flag sees
  // a narrower port, never a wider one.
  private readonly everyProtocol: boolean;

  private constructor(protocol: Protocol, port?: number, endPort?: number, name?: string, everyProtocol = false) {
    this.protocol = protocol;
    this.startPort = port;
    this.endPort = endPort;
    this.name = name;
    this.everyProtocol = everyProtocol;
  }

  /** True for `Port.allTraffic()`: every port of every protocol. */
  public get isAllTraffic(): boolean {
    return this.everyProtocol;
  }

  /** True when this covers every port of its protocol. */
  public get isAllPorts(): boolean {
    return this.startPort === undefined && this.name === undefined;
  }

  /** True when this is a numeric port or range (not named, not a whole protocol). */
  public get isNumeric(): boolean {
    return this.startPort !== undefined;
  }

  /** True when this port names a container port. */
  public get isNamed(): boolean {
    return this.name !== undefined;
  }

  /**
   * True when every connection this port allows is also allowed by `other`.
   * A named port is covered only by the same name or by all ports of its protocol.
   */
  public isCoveredBy(other: Port): boolean {
    if (other.isAllTraffic) return true;
    if (this.isAllTraffic) return false;
    if (this.protocol !== other.protocol) return false;
    if (other.isAllPorts) return true;
    if (this.isAllPorts) return false;
    if (this.isNamed || other.isNamed) return this.name === other.name;
    return other.startPort! <= this.startPort! && (this.endPort ?? this.startPort!) <= (other.endPort ?? other.startPort!);
  }

  /** A stable key: equal keys mean equal ports. */
  public toString(): string {
    if (this.everyProtocol) return 'all traffic';
    if (this.name !== undefined) return `${this.protocol} ${this.name}`;
    if (this.startPort === undefined) return `${this.protocol} all ports`;
    if (this.endPort !== undefined) return `${this.protocol} ${this.startPort}-${this.endPort}`;
    return `${this.protocol} ${this.startPort}`;
  }
}

function checkNumber(port: number, factory: string): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw netsecError(factory, 'port must be an integer from 1 to 65535', port,
      'Use a valid port number; for every port of a protocol use Port.allTcp() (or allUdp/allSctp), or pass no ports at all.');
  }
  return port;
}
