import { ApiObject, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ClusterDns } from './dns';
import { netsecError } from './errors';
import { IntentModel } from './intent';
import { checkDns1123Label } from './names';
import { IPeer, PeerConfig } from './peer';
import { Port } from './port';
import { renderPolicySpec, RuleEntry } from './render/network-policy';
import { LabelSelector } from './selector';

/** What every isolated group of pods is configured with. */
export interface IsolatedPodsProps {
  /** The namespace of the pods. */
  readonly namespace: string;
  /** The NetworkPolicy name. */
  readonly policyName: string;
  /** Deny all ingress except declared flows. */
  readonly isolateIngress: boolean;
  /** Deny all egress except declared flows and DNS. */
  readonly isolateEgress: boolean;
  /** Where the pods resolve names. */
  readonly dns: ClusterDns;
}

/**
 * Pods that one NetworkPolicy isolates and that open exactly the flows declared on them: the shared
 * mechanism behind `IsolatedTier` (pods selected by labels) and `NamespaceIsolation` (every pod of a
 * namespace). Flows are recorded in the app's `IntentModel`; the policy is rendered from it at synth.
 */
export abstract class IsolatedPods extends Construct implements IPeer {
  /** The namespace of the pods. */
  public readonly namespace: string;
  /** Whether ingress is denied except for declared flows. */
  public readonly isolatesIngress: boolean;
  /** Whether egress is denied except for declared flows and DNS. */
  public readonly isolatesEgress: boolean;
  /** Where the pods resolve names. */
  public readonly dns: ClusterDns;
  /** The NetworkPolicy object. */
  public readonly policy: ApiObject;
  /** The app's intent model. */
  protected readonly model: IntentModel;

  /**
   * @param scope the parent construct
   * @param id the construct id, unique among its siblings
   * @param props the configuration (`IsolatedPodsProps`)
   */
  protected constructor(scope: Construct, id: string, props: IsolatedPodsProps) {
    const path = `${scope.node.path}/${id}`;
    if (!props.isolateIngress && !props.isolateEgress) {
      throw netsecError(path, 'isolation must cover ingress, egress or both', { isolateIngress: false, isolateEgress: false },
        'Leave isolateIngress or isolateEgress at its default (true).');
    }
    const badName = checkDns1123Label(props.policyName);
    if (badName) {
      throw netsecError(path, `NetworkPolicy name ${badName}`, props.policyName, 'Pass a name such as "web" or "default-deny".');
    }
    super(scope, id);
    this.model = IntentModel.of(this);
    this.namespace = props.namespace;
    this.isolatesIngress = props.isolateIngress;
    this.isolatesEgress = props.isolateEgress;
    this.dns = props.dns;
    this.model.claimName('NetworkPolicy', this.namespace, props.policyName, this);
    this.policy = new ApiObject(this, 'NetworkPolicy', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: props.policyName, namespace: this.namespace },
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });
  }

  /**
   * Allows `peer` to connect to these pods on `ports` (no ports: every port).
   * When `peer` is isolated by this library too (a tier or namespace), its egress rule is written as well.
   */
  public allowFrom(peer: IPeer, ...ports: Port[]): void {
    this.declare(peer, this, ports);
  }

  /**
   * Allows these pods to connect to `peer` on `ports` (no ports: every port).
   * When `peer` is isolated by this library too (a tier or namespace), its ingress rule is written as well.
   */
  public allowTo(peer: IPeer, ...ports: Port[]): void {
    this.declare(this, peer, ports);
  }

  /**
   * True when ingress to these pods is denied except for declared flows: by this policy, or by a
   * namespace baseline of the same app. Declared ingress flows are written whenever this holds.
   */
  public isIngressIsolated(): boolean {
    return this.isolatesIngress || this.model.namespaceIsolatesIngress(this.namespace);
  }

  /**
   * True when egress from these pods is denied except for declared flows and DNS: by this policy, or by
   * a namespace baseline of the same app. Declared egress flows are written whenever this holds.
   */
  public isEgressIsolated(): boolean {
    return this.isolatesEgress || this.model.namespaceIsolatesEgress(this.namespace);
  }

  /** What the pods are, as a peer. */
  public abstract toPeerConfig(): PeerConfig;

  /** The pods this policy selects, in its namespace. */
  protected abstract get podSelector(): LabelSelector;

  /** Fails when a destination port cannot be served by these pods; the default accepts every port. */
  protected checkServes(_caller: IConstruct, _ports: Port[]): void {}

  private declare(source: IPeer, destination: IPeer, ports: Port[]): void {
    for (const port of ports) {
      if (!(port instanceof Port)) {
        throw netsecError(this, 'ports must be Port values', port, 'Use Port.tcp(8080), Port.udp(53) and the other Port factories.');
      }
    }
    for (const peer of [source, destination]) {
      if (peer instanceof Construct && peer.node.root !== this.node.root) {
        throw netsecError(this, 'the peer belongs to another cdk8s app', peer.node.path,
          'Declare flows only between constructs of the same App, or use Peer.pods() for pods managed elsewhere.');
      }
    }
    if (destination instanceof IsolatedPods) destination.checkServes(this, ports);
    this.model.addFlow({ source, destination, ports: [...ports], declaredBy: this });
  }

  private renderSpec(): any {
    const entry = (peer: IPeer, ports: Port[]): RuleEntry => ({ peer: peer.toPeerConfig(), ports });
    // A direction isolated by a namespace baseline is isolated here too: write its declared flows, or the
    // baseline would silently deny them.
    // Platform traffic (e.g. mesh sidecars to their control plane) is added wherever a direction is isolated.
    const ingress = this.isIngressIsolated()
      ? [
        ...this.model.flowsTo(this).map((f) => entry(f.source, f.ports)),
        ...this.model.requiredIngress(this.namespace).map((r) => entry(r.peer, r.ports)),
      ]
      : undefined;
    const egress = this.isEgressIsolated()
      ? [
        ...this.model.flowsFrom(this).map((f) => entry(f.destination, f.ports)),
        ...this.dns.destinations.map((d) => entry(d.peer, d.ports)),
        ...this.model.requiredEgress(this.namespace).map((r) => entry(r.peer, r.ports)),
      ]
      : undefined;
    return renderPolicySpec({ namespace: this.namespace, podSelector: this.podSelector, ingress, egress });
  }
}
