/**
 * The application protocol a TCP port carries, so that Services tell meshes and gateways how to proxy it:
 * Istio selects the protocol from the Service port's name prefix (`http-`, `http2-`, `grpc-`, `tcp-`)
 * and from `appProtocol`; Gateway API implementations read `appProtocol` for backends.
 *
 * Without one a port is plain TCP, which is always safe: the proxy then passes bytes and applies no
 * L7 routing. Declaring HTTP on a port that does not speak it breaks the connections instead.
 */
export enum AppProtocol {
  /** Opaque TCP: no L7 routing (the default). */
  TCP = 'TCP',
  /** HTTP/1.1 (and HTTP/2 upgraded from it). */
  HTTP = 'HTTP',
  /** HTTP/2 over cleartext (h2c), without TLS. */
  HTTP2 = 'HTTP2',
  /** gRPC (HTTP/2). */
  GRPC = 'GRPC',
}

/** What a Service port says for one application protocol: its name prefix and its `appProtocol` value. */
interface ServiceProtocolFields {
  /** The prefix Istio reads from the port name. */
  readonly namePrefix: string;
  /** The `appProtocol` field (Kubernetes 1.20+); undefined for plain TCP, which needs none. */
  readonly appProtocol?: string;
}

/**
 * The one table of Service fields per protocol. `kubernetes.io/h2c` is the Kubernetes-defined value for
 * cleartext HTTP/2 (KEP-3726); `http` and `grpc` are the IANA-style names Istio and Gateway API read.
 */
const SERVICE_FIELDS: { [protocol: string]: ServiceProtocolFields } = {
  [AppProtocol.TCP]: { namePrefix: 'tcp' },
  [AppProtocol.HTTP]: { namePrefix: 'http', appProtocol: 'http' },
  [AppProtocol.HTTP2]: { namePrefix: 'http2', appProtocol: 'kubernetes.io/h2c' },
  [AppProtocol.GRPC]: { namePrefix: 'grpc', appProtocol: 'grpc' },
};

/** The Service port fields for `protocol`. */
export function serviceFieldsOf(protocol: AppProtocol): ServiceProtocolFields {
  return SERVICE_FIELDS[protocol];
}

/** True when `value` is a member of `AppProtocol` (JavaScript callers can pass any string). */
export function isAppProtocol(value: unknown): value is AppProtocol {
  return (Object.values(AppProtocol) as unknown[]).includes(value);
}
