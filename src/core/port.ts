import { IConstruct } from 'constructs';
import { AppProtocol, isAppProtocol } from './app-protocol';
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
    return Port.single(Protocol.TCP, checkPortNumber('Port.tcp', port));
  }

  /** A single UDP port. */
  public static udp(port: number): Port {
    return Port.single(Protocol.UDP, checkPortNumber('Port.udp', port));
  }

  /** A single SCTP port. */
  public static sctp(port: number): Port {
    return Port.single(Protocol.SCTP, checkPortNumber('Port.sctp', port));
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
    const checked = checkProtocol('Port.portRange', protocol);
    const start = checkPortNumber('Port.portRange', startPort);
    const end = checkPortNumber('Port.portRange', endPort);
    if (end < start) {
      throw netsecError('Port.portRange', 'endPort is lower than the start port', `${start}-${end}`,
        'Give the lower port first, e.g. Port.tcpRange(8000, 8100).');
    }
    return start === end ? new Port(checked, start) : new Port(checked, start, end);
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
    const problem = typeof name === 'string' ? checkPortName(name) : 'must be a string';
    if (problem) {
      throw netsecError('Port.named', `port name ${problem}`, name,
        'Use the container port name from the pod spec, e.g. Port.named("http").');
    }
    const checked = protocol === undefined ? Protocol.TCP : checkProtocol('Port.named', protocol);
    return new Port(checked, undefined, undefined, name);
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
    return new Port(checkProtocol('Port.allPorts', protocol));
  }

  /**
   * Every port of every protocol (TCP, UDP and SCTP). A flow declared without ports opens only the
   * destination tier's declared ports; this is how every port is opened, on purpose.
   */
  public static allTraffic(): Port {
    return new Port(Protocol.TCP, undefined, undefined, undefined, true);
  }

  // Single ports made so far, one per protocol and number. A Port cannot change once made, and making one
  // (six read-only fields) costs microseconds: thousands of flows on Port.tcp(8080) share one.
  private static readonly singles = new Map<string, Port>();

  private static single(protocol: Protocol, port: number): Port {
    const key = `${protocol} ${port}`;
    let made = Port.singles.get(key);
    if (made === undefined) Port.singles.set(key, made = new Port(protocol, port));
    return made;
  }

  /** The protocol. */
  public readonly protocol: Protocol;
  /** The port number, or the first port of a range; undefined for named ports and whole protocols. */
  public readonly startPort?: number;
  /** The last port of an inclusive range; undefined unless this is a range. */
  public readonly endPort?: number;
  /** The container port name; undefined unless this is a named port. */
  public readonly name?: string;
  // Every port of every protocol (`Port.allTraffic()`): its own kind of port. `protocol` still reads TCP,
  // so code that does not ask `isAllTraffic` sees a narrower port, never a wider one.
  private readonly everyProtocol: boolean;
  /**
   * The application protocol the port carries (see `withAppProtocol`); undefined means plain TCP.
   * It names Service ports and sets their `appProtocol`; NetworkPolicy rules are the same either way.
   */
  public readonly appProtocol?: AppProtocol;

  private constructor(protocol: Protocol, port?: number, endPort?: number, name?: string, everyProtocol = false, appProtocol?: AppProtocol) {
    this.protocol = protocol;
    this.startPort = port;
    this.endPort = endPort;
    this.name = name;
    this.everyProtocol = everyProtocol;
    this.appProtocol = appProtocol;
    // Read-only fields: a Port checked once cannot be turned into another (or into "no port") from
    // JavaScript. Not frozen: the jsii kernel tags the objects it hands to other languages.
    for (const key of ['protocol', 'startPort', 'endPort', 'name', 'appProtocol']) {
      Object.defineProperty(this, key, { writable: false, configurable: false });
    }
    // Not enumerable either, so that messages and JSON show a Port as its public fields.
    Object.defineProperty(this, 'everyProtocol', { writable: false, configurable: false, enumerable: false });
  }

  /**
   * This port, declared to carry an application protocol: Services made for a tier then name it
   * `<protocol>-<port>` (e.g. `http-8080`, `grpc-9090`) and set `appProtocol`, so that Istio and gateways
   * route it at L7. Only a single TCP port (by number or name) carries one.
   *
   * @example
   * new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090).withAppProtocol(AppProtocol.GRPC)] });
   */
  public withAppProtocol(appProtocol: AppProtocol): Port {
    if (!isAppProtocol(appProtocol)) {
      throw netsecError('Port.withAppProtocol', 'is not an application protocol', appProtocol,
        'Use AppProtocol.HTTP, HTTP2, GRPC or TCP.');
    }
    if (this.protocol !== Protocol.TCP || this.isAllTraffic || this.isAllPorts || this.endPort !== undefined) {
      throw netsecError('Port.withAppProtocol', 'only a single TCP port carries an application protocol', this.toString(),
        'Declare it on a port such as Port.tcp(8080) or Port.named("http").');
    }
    return new Port(this.protocol, this.startPort, undefined, this.name, false, appProtocol);
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
    if (this.isAllTraffic) return 'all traffic';
    if (this.name !== undefined) return `${this.protocol} ${this.name}`;
    if (this.startPort === undefined) return `${this.protocol} all ports`;
    if (this.endPort !== undefined) return `${this.protocol} ${this.startPort}-${this.endPort}`;
    return `${this.protocol} ${this.startPort}`;
  }
}

/**
 * Checks a port number (an integer from 1 to 65535) and returns it. `where` names the caller in the error.
 * Strings such as '80', NaN, Infinity, 0 and -0 are refused.
 */
export function checkPortNumber(where: string, port: number): number {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    const asNumber = typeof port === 'string' && /^[0-9]+$/.test(port) ? Number(port) : undefined;
    const hint = asNumber !== undefined && asNumber >= 1 && asNumber <= 65535
      ? ` Pass the number without quotes: ${asNumber}.`
      : '';
    throw netsecError(where, 'port must be an integer from 1 to 65535', port,
      `Use a valid port number; for every port of a protocol use Port.allTcp() (or allUdp/allSctp), or pass no ports at all.${hint}`);
  }
  return port;
}

/** Checks that `protocol` is a member of `Protocol` (JavaScript callers can pass any string). */
export function checkProtocol(where: string, protocol: Protocol): Protocol {
  if (!(Object.values(Protocol) as unknown[]).includes(protocol)) {
    throw netsecError(where, 'protocol is not one of TCP, UDP, SCTP', protocol,
      'Use Protocol.TCP, Protocol.UDP or Protocol.SCTP (the strings "TCP", "UDP", "SCTP", upper case).');
  }
  return protocol;
}

/**
 * Checks a list of ports given by a user and returns a copy: the one check for every place ports arrive
 * (flows, destinations, DNS, exceptions). Refuses anything that is not a `Port` made by a factory: plain
 * numbers (`8080`), strings (`'tcp/80'`), undefined, nested arrays.
 *
 * @param where the construct (or factory name) that received the ports, for the error message
 * @param ports the ports as given
 */
export function checkPorts(where: IConstruct | string, ports: Port[]): Port[] {
  if (!Array.isArray(ports)) {
    throw netsecError(where, 'ports must be a list of Port values', ports, portsFix(undefined));
  }
  for (const port of ports) {
    if (!isWellFormedPort(port)) {
      throw netsecError(where, 'ports must be Port values', port, portsFix(port));
    }
  }
  return [...ports];
}

/** The fix for a value that is not a Port; a plain port number gets its own Port.tcp(n). */
function portsFix(value: unknown): string {
  const n = typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535
    ? `Use Port.tcp(${n}) or Port.udp(${n}) (the Port factories), not a plain number or string.`
    : 'Use Port.tcp(8080), Port.udp(53) or another Port factory.';
}

/** A Port from a factory: the class, a known protocol, and fields in range (JavaScript can forge prototypes). */
function isWellFormedPort(port: unknown): port is Port {
  if (!(port instanceof Port) || Object.getOwnPropertyDescriptor(port, 'protocol')?.writable !== false) return false;
  if (!(Object.values(Protocol) as unknown[]).includes(port.protocol)) return false;
  if (port.appProtocol !== undefined && !isAppProtocol(port.appProtocol)) return false;
  const inRange = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;
  if (port.name !== undefined) return port.startPort === undefined && typeof port.name === 'string' && checkPortName(port.name) === undefined;
  if (port.startPort === undefined) return port.endPort === undefined;
  return inRange(port.startPort) && (port.endPort === undefined || (inRange(port.endPort) && port.endPort > port.startPort));
}

/**
 * The one "does not serve" check: fails when one of `ports` is outside the ports `server` declares it
 * serves (`served`). A server that declares no ports serves every port. Named ports are checked only
 * when `namedToo` (a Service's target must be a declared port; a flow's named port is resolved by the
 * pod itself). `verb` starts the fix: "Allow" for a flow, "Expose" for a Service.
 */
export function checkServedPorts(where: IConstruct | string, server: string, served: readonly Port[], ports: readonly Port[],
  verb: string, namedToo = false): void {
  if (served.length === 0) return;
  for (const port of ports) {
    if ((namedToo || port.isNumeric) && !served.some((s) => port.isCoveredBy(s))) {
      throw netsecError(where, `${server} does not serve ${port}`, port.toString(),
        `${verb} one of the ports the tier serves (${served.join(', ')}), or add the port to its ports.`);
    }
  }
}
