import { ApiObject, Chart, Lazy } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { ClusterDns } from './dns';
import { netsecError } from './errors';
import { Flow, IntentModel } from './intent';
import { checkDns1123Label, checkDns1123Subdomain, toDnsLabel } from './names';
import { checkNamespace, IPeer, PeerConfig } from './peer';
import { Port, Protocol } from './port';
import { renderPolicySpec, RuleEntry } from './render/network-policy';
import { normalizeLabels } from './selector';

const TIER_MARK = Symbol.for('cdk8s-netsec.IsolatedTier');

/** Options shared by every way of making an `IsolatedTier`. */
export interface IsolatedTierOptions {
  /**
   * The namespace of the tier's pods.
   * @default - the namespace of the enclosing chart; an error if the chart has none
   */
  readonly namespace?: string;
  /**
   * The ports the tier's pods serve. Flows into the tier on a numeric port it does not serve are an
   * error, and Services made for the tier expose these ports.
   * @default - not declared: any port may be allowed
   */
  readonly ports?: Port[];
  /**
   * The service account the tier's pods run as: their identity in the mesh (Istio principals).
   * @default - none; mesh authorization then refuses flows from or to this tier
   */
  readonly serviceAccountName?: string;
  /**
   * Deny all ingress to the tier's pods except the declared flows.
   * @default true
   */
  readonly isolateIngress?: boolean;
  /**
   * Deny all egress from the tier's pods except the declared flows and DNS.
   * @default true
   */
  readonly isolateEgress?: boolean;
  /**
   * Where the tier's pods resolve names; an egress rule to it is written while egress is isolated.
   * @default ClusterDns.kubeDns() - UDP and TCP 53 to k8s-app=kube-dns pods in kube-system
   */
  readonly dns?: ClusterDns;
  /**
   * The name of the tier's NetworkPolicy and the base name of the other objects made for it.
   * @default - derived from the construct id (a DNS-1123 label, shortened with a hash when needed)
   */
  readonly name?: string;
}

/** Properties of an `IsolatedTier` selected by pod labels. */
export interface IsolatedTierProps extends IsolatedTierOptions {
  /** Labels that select the tier's pods (all must match). */
  readonly podLabels: { [key: string]: string };
}

/**
 * A group of pods, selected by labels, that is isolated by default and accepts and opens only the
 * connections declared with `allowFrom` and `allowTo`.
 *
 * The tier renders exactly one NetworkPolicy holding all its rules, merged and sorted. A flow between two
 * tiers writes both sides: the egress rule on the client and the ingress rule on the server, each in its
 * own namespace. A tier is itself a peer.
 *
 * @example
 * const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
 * api.allowFrom(web, Port.tcp(9090));
 */
export class IsolatedTier extends Construct implements IPeer {
  /** True when `x` is an `IsolatedTier` (also across copies of this library). */
  public static isIsolatedTier(x: any): x is IsolatedTier {
    return x !== null && typeof x === 'object' && TIER_MARK in x;
  }

  /**
   * A tier for the pods of a cdk8s-plus workload: its selector labels, namespace, service account and
   * container ports. Options override what the workload says.
   */
  public static fromWorkload(scope: Construct, id: string, workload: plus.Workload, options: IsolatedTierOptions = {}): IsolatedTier {
    const containerPorts = workload.containers.flatMap((c) => c.ports)
      .map((p) => Port.range((p.protocol as string as Protocol) ?? Protocol.TCP, p.number, p.number));
    return new IsolatedTier(scope, id, {
      podLabels: workload.matchLabels,
      namespace: options.namespace ?? workload.metadata.namespace,
      serviceAccountName: options.serviceAccountName ?? workload.serviceAccount?.name,
      ports: options.ports ?? (containerPorts.length > 0 ? containerPorts : undefined),
      ...withoutUndefined(options, ['namespace', 'serviceAccountName', 'ports']),
    });
  }

  /** The base name of the objects rendered for this tier (its NetworkPolicy is named this). */
  public readonly name: string;
  /** The namespace of the tier's pods. */
  public readonly namespace: string;
  /** The labels that select the tier's pods. */
  public readonly podLabels: { [key: string]: string };
  /** The ports the tier serves (empty when not declared). */
  public readonly ports: Port[];
  /** The service account of the tier's pods, if known. */
  public readonly serviceAccountName?: string;
  /** Whether ingress to the tier is denied except for declared flows. */
  public readonly isolatesIngress: boolean;
  /** Whether egress from the tier is denied except for declared flows and DNS. */
  public readonly isolatesEgress: boolean;
  /** Where the tier's pods resolve names. */
  public readonly dns: ClusterDns;
  /** The NetworkPolicy object. */
  public readonly policy: ApiObject;

  private readonly model: IntentModel;

  public constructor(scope: Construct, id: string, props: IsolatedTierProps) {
    super(scope, id);
    Object.defineProperty(this, TIER_MARK, { value: true });
    this.model = IntentModel.of(this);
    this.namespace = resolveNamespace(this, props.namespace);
    this.podLabels = normalizeLabels(this.node.path, props.podLabels ?? {});
    if (Object.keys(this.podLabels).length === 0) {
      throw netsecError(this, 'podLabels is empty, so the tier would select every pod of its namespace', props.podLabels,
        'Give the labels of the tier\'s pods, e.g. { app: "web" }; use NamespaceIsolation for namespace-wide rules.');
    }
    this.name = props.name ?? defaultName(this);
    const badName = checkDns1123Label(this.name);
    if (badName) {
      throw netsecError(this, `name ${badName}`, this.name, 'Pass a name such as "web" or "api-v2".');
    }
    this.ports = [...(props.ports ?? [])];
    if (props.serviceAccountName !== undefined) {
      const bad = checkDns1123Subdomain(props.serviceAccountName);
      if (bad) {
        throw netsecError(this, `serviceAccountName ${bad}`, props.serviceAccountName, 'Use the service account\'s metadata.name.');
      }
    }
    this.serviceAccountName = props.serviceAccountName;
    this.isolatesIngress = props.isolateIngress ?? true;
    this.isolatesEgress = props.isolateEgress ?? true;
    this.dns = props.dns ?? ClusterDns.kubeDns();
    if (!this.isolatesIngress && !this.isolatesEgress) {
      throw netsecError(this, 'a tier must isolate ingress, egress or both', props,
        'Leave isolateIngress or isolateEgress at its default (true), or do not make the pods a tier.');
    }
    this.model.claimName('NetworkPolicy', this.namespace, this.name, this);
    this.policy = new ApiObject(this, 'NetworkPolicy', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: this.name, namespace: this.namespace },
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });
  }

  /**
   * Allows `peer` to connect to this tier's pods on `ports` (no ports: every port).
   * When `peer` is an `IsolatedTier`, its egress rule is written too.
   */
  public allowFrom(peer: IPeer, ...ports: Port[]): void {
    this.declare(peer, this, ports);
  }

  /**
   * Allows this tier's pods to connect to `peer` on `ports` (no ports: every port).
   * When `peer` is an `IsolatedTier`, its ingress rule is written too.
   */
  public allowTo(peer: IPeer, ...ports: Port[]): void {
    this.declare(this, peer, ports);
  }

  /** The tier as a peer: its pod labels in its namespace. */
  public toPeerConfig(): PeerConfig {
    return { podSelector: { matchLabels: { ...this.podLabels } }, namespace: this.namespace };
  }

  /** `tier <namespace>/<name>`. */
  public toString(): string {
    return `tier ${this.namespace}/${this.name}`;
  }

  private declare(source: IPeer, destination: IPeer, ports: Port[]): void {
    for (const port of ports) {
      if (!(port instanceof Port)) {
        throw netsecError(this, 'ports must be Port values', port, 'Use Port.tcp(8080), Port.udp(53) and the other Port factories.');
      }
    }
    for (const peer of [source, destination]) {
      if (IsolatedTier.isIsolatedTier(peer) && peer.node.root !== this.node.root) {
        throw netsecError(this, 'the peer tier belongs to another cdk8s app', peer.node.path,
          'Declare flows only between tiers of the same App, or use Peer.pods() for pods managed elsewhere.');
      }
    }
    if (IsolatedTier.isIsolatedTier(destination)) destination.checkServes(this, ports);
    const flow: Flow = { source, destination, ports: [...ports], declaredBy: this };
    this.model.addFlow(flow);
  }

  /** Fails when a numeric port is outside the ports this tier declared it serves. */
  private checkServes(caller: IConstruct, ports: Port[]): void {
    if (this.ports.length === 0) return;
    for (const port of ports) {
      if (port.isNumeric && !this.ports.some((served) => port.isCoveredBy(served))) {
        throw netsecError(caller, `${this} does not serve ${port}`, port.toString(),
          `Allow one of the ports the tier serves (${this.ports.join(', ')}), or add the port to its ports.`);
      }
    }
  }

  private renderSpec(): any {
    const toEntry = (peer: IPeer, ports: Port[]): RuleEntry => ({ peer: peer.toPeerConfig(), ports });
    const ingress = this.isolatesIngress
      ? this.model.flowsTo(this).map((f) => toEntry(f.source, f.ports))
      : undefined;
    const egress = this.isolatesEgress
      ? [
        ...this.model.flowsFrom(this).map((f) => toEntry(f.destination, f.ports)),
        ...this.dns.destinations.map((d) => toEntry(d.peer, d.ports)),
      ]
      : undefined;
    return renderPolicySpec({ namespace: this.namespace, podSelector: { matchLabels: this.podLabels }, ingress, egress });
  }
}

/** The namespace from props, else the chart's, else an error that says how to set it. */
export function resolveNamespace(scope: IConstruct, namespace: string | undefined): string {
  const resolved = namespace ?? Chart.of(scope).namespace;
  if (resolved === undefined) {
    throw netsecError(scope, 'no namespace is set', namespace,
      'Pass namespace in the props, or give the chart one: new Chart(app, "id", { namespace: "shop" }).');
  }
  return checkNamespace(scope.node.path, resolved);
}

/** A readable DNS-1123 name from the construct's ids below its chart. */
export function defaultName(scope: IConstruct): string {
  const chart = Chart.of(scope);
  const ids = scope.node.scopes.slice(chart.node.scopes.length).map((s) => s.node.id);
  return toDnsLabel(ids);
}

function withoutUndefined<T extends object>(options: T, skip: string[]): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([k, v]) => v !== undefined && !skip.includes(k))) as Partial<T>;
}
