import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ExposedPort } from './exposed-port';
import { IIsolatedTier, isIsolatedTier } from './tier-contract';
import { serviceFieldsOf } from '../core/app-protocol';
import { checkedInput, readPropsOnce } from '../core/checked-input';
import { netsecError } from '../core/errors';
import { checkDns1123Label, toDnsLabel } from '../core/names';
import { normalizeIpBlock, Peer } from '../core/peer';
import { checkServedPorts, Port } from '../core/port';
import { defaultName } from '../core/scope-defaults';
import { compareStrings } from '../core/selector';
import { IntentModel } from '../model/intent-model';

export type { ExposedPort } from './exposed-port';
import { renderService } from '../render/service';

/** How a Service is reachable. */
export enum ServiceType {
  /** A cluster-internal virtual IP: reachable only from inside the cluster. */
  CLUSTER_IP = 'ClusterIP',
  /** A cloud load balancer, restricted to `loadBalancerSourceRanges`. */
  LOAD_BALANCER = 'LoadBalancer',
  /** A port on every node, restricted by NetworkPolicy to `nodePortSourceRanges`. */
  NODE_PORT = 'NodePort',
}

/** Where a LoadBalancer or NodePort Service sends external traffic (`spec.externalTrafficPolicy`). */
export enum ExternalTrafficPolicy {
  /**
   * Only to pods on the node that received the traffic. The client's source address is kept, so the
   * ipBlock rules written for the source ranges match it.
   */
  LOCAL = 'Local',
  /**
   * To pods on any node. Traffic forwarded between nodes is SNATed to a node address, so NetworkPolicy
   * sees the node, not the client, and the source-range ipBlock rules no longer match it.
   */
  CLUSTER = 'Cluster',
}

/** One port of a `TierService`. */
export interface TierServicePort {
  /** The tier's container port the Service forwards to: one numeric port or a named port. */
  readonly targetPort: Port;
  /**
   * The port clients connect to.
   * @default - the target port's number; required for a named target port
   */
  readonly port?: number;
  /**
   * The Service port's name (a DNS-1123 label, unique in the Service).
   * @default - the target port's name, or `<protocol>-<port>` such as `tcp-8080`
   */
  readonly name?: string;
}

/** Options for exposing a tier as a Service. */
export interface TierServiceOptions {
  /**
   * How the Service is reachable.
   * @default ServiceType.CLUSTER_IP
   */
  readonly serviceType?: ServiceType;
  /**
   * The ports to expose.
   * @default - every single numeric port the tier declares, each on the same Service port
   */
  readonly ports?: TierServicePort[];
  /**
   * The Service name (a DNS-1035 label: it must start with a letter).
   * @default - `tier.expose()`: the tier's name for ClusterIP, `<tier>-loadbalancer` or `<tier>-nodeport`
   * otherwise; `new TierService()`: derived from the construct id
   */
  readonly name?: string;
  /**
   * The client address ranges a LoadBalancer accepts. Required for `ServiceType.LOAD_BALANCER`: they are
   * written to the Service (enforced by the cloud load balancer or kube-proxy) and as ipBlock ingress
   * rules on the tier, so the NetworkPolicy admits exactly these clients on the exposed ports.
   * @default - none; an error for a LoadBalancer
   */
  readonly loadBalancerSourceRanges?: string[];
  /**
   * The client address ranges a NodePort Service accepts. Required for `ServiceType.NODE_PORT`: a node
   * port has no source filter of its own, so these become the tier's ipBlock ingress rules.
   * @default - none; an error for a NodePort
   */
  readonly nodePortSourceRanges?: string[];
  /**
   * Where external traffic goes (LoadBalancer and NodePort only). The default keeps the client's address
   * visible, which the source-range NetworkPolicy rules need; with `CLUSTER`, traffic relayed through
   * another node arrives from that node's address and those rules do not admit it.
   * @default ExternalTrafficPolicy.LOCAL
   */
  readonly externalTrafficPolicy?: ExternalTrafficPolicy;
}

/** Properties of a `TierService`. */
export interface TierServiceProps extends TierServiceOptions {
  /** The tier whose pods back the Service (the Service selects exactly the tier's pod labels). */
  readonly tier: IIsolatedTier;
}

const SERVICE_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * A Service for an `IsolatedTier`: its selector is the tier's pod labels and it forwards to the tier's
 * container ports. ClusterIP unless asked; a LoadBalancer must name its source ranges and a NodePort is
 * an explicit choice with its own ranges. For those two, the tier's NetworkPolicy admits exactly the
 * source ranges on the exposed ports, and nothing more.
 *
 * The Service is recorded in the app's intent model (`IntentModel.services`).
 *
 * @example
 * web.expose();                                                             // ClusterIP "web"
 * web.expose({ serviceType: ServiceType.LOAD_BALANCER, loadBalancerSourceRanges: ['203.0.113.0/24'] });
 */
export class TierService extends Construct {
  /** The Service name. */
  public readonly name: string;
  /** The Service namespace (the tier's). */
  public readonly namespace: string;
  /** How the Service is reachable. */
  public readonly serviceType: ServiceType;
  /** The tier whose pods back the Service. */
  public readonly tier: IIsolatedTier;
  /** The Service ports. */
  public readonly ports: ExposedPort[];
  /** The Service object. */
  public readonly apiObject: ApiObject;

  /**
   * @param scope the parent construct
   * @param id the construct id, unique among its siblings
   * @param props the configuration (`TierServiceProps`)
   */
  public constructor(scope: Construct, id: string, props: TierServiceProps) {
    const { tier, serviceType, name, ports, sourceRanges, externalTrafficPolicy }
      = checkedInput(scope, id, (path) => checkServiceProps(scope, id, path, readPropsOnce(props, 'TierServiceProps')),
        { props: { given: props, struct: 'TierServiceProps' } });
    super(scope, id);
    this.tier = tier;
    this.namespace = tier.namespace;
    this.serviceType = serviceType;
    this.name = name;
    this.ports = ports;
    IntentModel.of(this).addService({
      name: this.name,
      namespace: this.namespace,
      backend: this.tier,
      targetPorts: this.ports.map((p) => p.targetPort),
      owner: this,
    });
    const targetPorts = this.ports.map((p) => p.targetPort);
    for (const cidr of sourceRanges) this.tier.allowFrom(Peer.ipBlock(cidr), ...targetPorts);
    this.apiObject = renderService(this, 'Resource', {
      name: this.name,
      namespace: this.namespace,
      serviceType,
      selector: this.tier.podLabels,
      ports: this.ports,
      externalTrafficPolicy,
      loadBalancerSourceRanges: serviceType === ServiceType.LOAD_BALANCER ? sourceRanges : undefined,
    });
  }

  /** `Service shop/web (ClusterIP)`. */
  public toString(): string {
    return `Service ${this.namespace}/${this.name} (${this.serviceType})`;
  }
}

function resolvePorts(path: string, tier: IIsolatedTier, requested: TierServicePort[] | undefined): ExposedPort[] {
  if (requested !== undefined && !Array.isArray(requested)) {
    throw netsecError(path, 'ports must be a list of Service ports', requested, 'Pass e.g. ports: [{ targetPort: Port.tcp(8080) }], or leave ports out for the tier\'s own.');
  }
  const bad = (requested ?? []).findIndex((p) => p === null || typeof p !== 'object');
  if (bad >= 0) {
    throw netsecError(path, 'ports holds something that is not a Service port', requested![bad], 'Write each port as an object, e.g. { targetPort: Port.tcp(8080) }.');
  }
  const wanted = requested ?? tier.ports
    .filter((p) => p.isNumeric && p.endPort === undefined)
    .map((p) => ({ targetPort: p }));
  if (wanted.length === 0) {
    throw netsecError(path, `${tier} declares no single port to expose`, tier.ports.map(String),
      'Pass ports, e.g. ports: [{ targetPort: Port.tcp(8080) }], or declare the tier\'s ports.');
  }
  const ports = wanted.map((p) => resolvePort(path, tier, p));
  for (const [i, p] of ports.entries()) {
    const earlier = ports.slice(0, i);
    if (earlier.some((q) => q.port === p.port && q.targetPort.protocol === p.targetPort.protocol)) {
      throw netsecError(path, 'two Service ports use the same port and protocol', `${p.targetPort.protocol} ${p.port}`,
        'Expose each port once, or give one of them another port.');
    }
    if (earlier.some((q) => q.name === p.name)) {
      throw netsecError(path, 'two Service ports have the same name', p.name, 'Give each port its own name.');
    }
  }
  return ports;
}

function resolvePort(path: string, tier: IIsolatedTier, spec: TierServicePort): ExposedPort {
  const given = spec.targetPort;
  // A target port without an application protocol takes the one the tier declared for the same port.
  const declared = given instanceof Port && given.appProtocol === undefined
    ? tier.ports.find((p) => p.appProtocol !== undefined && p.protocol === given.protocol && p.startPort === given.startPort
      && p.endPort === undefined && given.endPort === undefined && p.name === given.name)
    : undefined;
  const target = declared ? given.withAppProtocol(declared.appProtocol!) : given;
  if (!(target instanceof Port) || target.isAllPorts || target.endPort !== undefined) {
    throw netsecError(path, 'a Service forwards to one port, not a range or a whole protocol', String(target),
      'Use a single port such as Port.tcp(8080), or a named port with an explicit port.');
  }
  checkServedPorts(path, String(tier), tier.ports, [target], 'Expose', true);
  const port = spec.port ?? target.startPort;
  if (port === undefined) {
    throw netsecError(path, `the named target port ${target.name} needs a Service port number`, spec,
      `Pass port, e.g. { targetPort: Port.named("${target.name}"), port: 80 }.`);
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw netsecError(path, 'Service port must be an integer from 1 to 65535', port, 'Use a valid port number.');
  }
  // Istio picks the protocol from the name prefix: `tcp-` unless the port declares another.
  const prefix = target.appProtocol !== undefined ? serviceFieldsOf(target.appProtocol).namePrefix : target.protocol.toLowerCase();
  const name = spec.name ?? target.name ?? `${prefix}-${port}`;
  const bad = checkDns1123Label(name);
  if (bad) throw netsecError(path, `Service port name ${bad}`, name, 'Use a name such as "http".');
  return { name, port, targetPort: target };
}

function resolveSourceRanges(path: string, serviceType: ServiceType, props: TierServiceOptions): string[] {
  const required = serviceType === ServiceType.LOAD_BALANCER ? 'loadBalancerSourceRanges'
    : serviceType === ServiceType.NODE_PORT ? 'nodePortSourceRanges' : undefined;
  for (const field of ['loadBalancerSourceRanges', 'nodePortSourceRanges'] as const) {
    if (props[field] !== undefined && field !== required) {
      throw netsecError(path, `${field} does not apply to a ${serviceType} Service`, props[field],
        field === 'loadBalancerSourceRanges' ? 'Drop it, or set serviceType: ServiceType.LOAD_BALANCER.' : 'Drop it, or set serviceType: ServiceType.NODE_PORT.');
    }
  }
  if (required === undefined) return [];
  const ranges = props[required] ?? [];
  if (!Array.isArray(ranges)) {
    throw netsecError(path, `${required} must be a list of CIDRs`, ranges, `Pass e.g. ${required}: ["203.0.113.0/24"].`);
  }
  if (ranges.length === 0) {
    throw netsecError(path, `a ${serviceType} Service must name the client ranges it accepts (${required})`, props[required],
      `Pass ${required}, e.g. ["203.0.113.0/24"]; ["0.0.0.0/0", "::/0"] opens it to everyone and must be written out.`);
  }
  const canonical = ranges.map((cidr) => normalizeIpBlock(path, cidr, []).cidr);
  return [...new Set(canonical)].sort(compareStrings);
}

/**
 * Exposes a tier as a Service named after the tier; the construct is a child of the tier. The body of
 * `IsolatedTier.expose()`.
 */
export function exposeTier(tier: IIsolatedTier & Construct, options: TierServiceOptions): TierService {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw netsecError(tier, 'the options of expose() must be an object', options, 'Pass e.g. { serviceType: ServiceType.CLUSTER_IP }, or nothing for a ClusterIP Service on the tier\'s ports.');
  }
  const type = options.serviceType ?? ServiceType.CLUSTER_IP;
  const name = options.name ?? (type === ServiceType.CLUSTER_IP ? tier.name : toDnsLabel([tier.name, type.toLowerCase()]));
  const id = `Service-${name}`;
  if (tier.node.tryFindChild(id)) {
    throw netsecError(tier, 'the tier already has a Service with this name', name, 'Pass another name in the options of expose().');
  }
  return new TierService(tier, id, { ...options, tier, name });
}


/** Checks every prop of a TierService, each port included, before it joins the tree. */
function checkServiceProps(scope: Construct, id: string, path: string, props: TierServiceProps) {
  if (props === null || typeof props !== 'object' || !isIsolatedTier(props.tier)) {
    throw netsecError(path, 'tier must be an IsolatedTier', String(props?.tier), 'Pass the tier whose pods back the Service.');
  }
  const tier = props.tier;
  const serviceType = props.serviceType ?? ServiceType.CLUSTER_IP;
  if (!Object.values(ServiceType).includes(serviceType)) {
    throw netsecError(path, 'serviceType is not a ServiceType', serviceType, 'Use ServiceType.CLUSTER_IP, LOAD_BALANCER or NODE_PORT.');
  }
  const name = props.name ?? defaultName(scope, id);
  if (typeof name !== 'string' || !SERVICE_NAME.test(name) || name.length > 63) {
    throw netsecError(path, 'Service name must be a DNS-1035 label: lower-case letters, digits and "-", starting with a letter',
      name, 'Pass name, e.g. name: "web".');
  }
  const ports = resolvePorts(path, tier, props.ports);
  const sourceRanges = resolveSourceRanges(path, serviceType, props);
  const external = serviceType !== ServiceType.CLUSTER_IP;
  if (!external && props.externalTrafficPolicy !== undefined) {
    throw netsecError(path, 'externalTrafficPolicy applies only to LoadBalancer and NodePort Services', props.externalTrafficPolicy,
      'Drop externalTrafficPolicy, or choose a LoadBalancer or NodePort type.');
  }
  const externalTrafficPolicy = external ? props.externalTrafficPolicy ?? ExternalTrafficPolicy.LOCAL : undefined;
  if (externalTrafficPolicy !== undefined && !Object.values(ExternalTrafficPolicy).includes(externalTrafficPolicy)) {
    throw netsecError(path, 'externalTrafficPolicy is not an ExternalTrafficPolicy', externalTrafficPolicy, 'Use ExternalTrafficPolicy.LOCAL or CLUSTER.');
  }
  return { tier, serviceType, name, ports, sourceRanges, externalTrafficPolicy };
}
