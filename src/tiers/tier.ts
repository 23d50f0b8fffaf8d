import { Construct, IConstruct } from 'constructs';
import { checkIsolatedPodsProps, defaultClusterDns, IsolatedPods } from './isolated-pods';
import { exposeTier, TierService, TierServiceOptions } from './service';
import { IIsolatedTier, isIsolatedTier, markIsolatedTier } from './tier-contract';
import { readWorkload } from './workload';
import { checkedInput, readPropsOnce } from '../core/checked-input';
import { netsecError } from '../core/errors';
import { checkDns1123Subdomain } from '../core/names';
import { PeerConfig } from '../core/peer';
import { checkPorts, checkServedPorts, Port } from '../core/port';
import { defaultName, resolveNamespace } from '../core/scope-defaults';
import { normalizeLabels } from '../core/selector';
import { IntentModel } from '../model/intent-model';
import { GroupScope } from '../model/selection';
import { ClusterDns } from '../platform/cluster-dns';

/** Options shared by every way of making an `IsolatedTier`. */
export interface IsolatedTierOptions {
  /**
   * The namespace of the tier's pods.
   * @default - the namespace of the enclosing chart; an error if the chart has none
   */
  readonly namespace?: string;
  /**
   * The ports the tier's pods serve. A flow into the tier declared without ports opens exactly these;
   * a flow on a numeric port the tier does not serve is an error; Services made for the tier expose them.
   * @default - not declared: every flow into the tier must name its ports
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
   * Whether the tier's pods run in the service mesh (with a sidecar or in ambient mode). `MeshMtls` writes
   * no authorization for tiers outside the mesh, and refuses flows from them into meshed tiers, which
   * could not present an mTLS identity.
   * @default true
   */
  readonly inMesh?: boolean;
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
export class IsolatedTier extends IsolatedPods implements IIsolatedTier {
  /** True when `x` is an `IsolatedTier` (also across copies of this library). */
  public static isIsolatedTier(x: any): x is IsolatedTier {
    return isIsolatedTier(x);
  }

  /**
   * A tier for the pods of a cdk8s-plus workload: its selector labels, namespace (else its chart's), service
   * account and container ports. Options override what the workload says.
   *
   * Any cdk8s-plus line works (cdk8s-plus-28, the library's peer, and newer ones such as cdk8s-plus-33,
   * which current cdk8s app templates use): the workload is read through the public API those lines share.
   * A workload selecting its pods with matchExpressions, or running in the host network, is refused: the
   * tier would select other pods, or look isolated without being so.
   *
   * @param scope the parent construct
   * @param id the construct id, unique among its siblings
   * @param workload a cdk8s-plus Deployment, StatefulSet, DaemonSet or Job (any cdk8s-plus line)
   * @param options overrides of what the workload says, and the tier's other options
   */
  public static fromWorkload(scope: Construct, id: string, workload: IConstruct, options: IsolatedTierOptions = {}): IsolatedTier {
    const path = `${scope?.node?.path}/${id}`;
    if (options === null || typeof options !== 'object') {
      throw netsecError(path, 'options must be an object', options, 'Pass the IsolatedTierOptions as an object, e.g. { isolateEgress: false }, or leave them out.');
    }
    const facts = readWorkload(path, workload);
    return new IsolatedTier(scope, id, {
      ...options,
      podLabels: facts.podLabels,
      namespace: options.namespace ?? facts.namespace,
      serviceAccountName: options.serviceAccountName ?? facts.serviceAccountName,
      ports: options.ports ?? (facts.ports.length > 0 ? facts.ports : undefined),
    });
  }

  /** The labels that select the tier's pods. */
  declare public readonly podLabels: { [key: string]: string };
  /** The ports the tier serves (empty when not declared). */
  declare public readonly ports: Port[];
  /** The service account of the tier's pods, if known. */
  declare public readonly serviceAccountName?: string;
  /** Whether the tier's pods run in the service mesh. */
  declare public readonly inMesh: boolean;

  /**
   * @param scope the parent construct
   * @param id the construct id, unique among its siblings
   * @param props the configuration (`IsolatedTierProps`)
   */
  public constructor(scope: Construct, id: string, props: IsolatedTierProps) {
    const given = readPropsOnce(props, 'IsolatedTierProps');
    const input = checkedInput(scope, id, (path) => checkTierProps(scope, id, path, given), { props: { given: props, struct: 'IsolatedTierProps' } });
    super(scope, id, input.pods);
    markIsolatedTier(this);
    this.podLabels = Object.freeze(input.podLabels);
    this.ports = input.ports;
    this.serviceAccountName = input.serviceAccountName;
    this.inMesh = input.inMesh;
    IntentModel.of(this).namespaces.use(this.namespace, this, String(this));
    this._addToModel();
  }

  /** The tier as a peer: its pod labels in its namespace. */
  public toPeerConfig(): PeerConfig {
    return { podSelector: { matchLabels: { ...this.podLabels } }, namespace: this.namespace };
  }

  /**
   * Exposes the tier's pods through a Service that selects the tier's labels and forwards to its ports.
   *
   * ClusterIP unless `type` says otherwise; a LoadBalancer must name `loadBalancerSourceRanges` and a
   * NodePort `nodePortSourceRanges`, which are also written as ipBlock ingress rules on this tier.
   *
   * @param options type, ports and name; by default a ClusterIP Service named after the tier, on every
   * port the tier declares
   */
  public expose(options: TierServiceOptions = {}): TierService {
    return exposeTier(this, options);
  }

  /** `tier <namespace>/<name>`. */
  public toString(): string {
    return `tier ${this.namespace}/${this.name}`;
  }

  /** @internal */
  public _podScope(): GroupScope {
    return { namespace: this.namespace, podLabels: this.podLabels };
  }

  protected get declaredPorts(): Port[] {
    return this.ports;
  }

  /** Fails when a numeric port is outside the ports this tier declared it serves. */
  protected checkServes(caller: IConstruct, ports: Port[]): void {
    checkServedPorts(caller, String(this), this.ports, ports, 'Allow');
  }

}


/** Checks every prop of a tier before it joins the tree. */
function checkTierProps(scope: Construct, id: string, path: string, props: IsolatedTierProps) {
  if (props === null || typeof props !== 'object') {
    throw netsecError(path, 'props must be an object', props, 'Pass { podLabels: { app: "web" }, ports: [Port.tcp(8080)] }.');
  }
  const podLabels = normalizeLabels(path, props.podLabels ?? {});
  if (Object.keys(podLabels).length === 0) {
    throw netsecError(path, 'podLabels is empty, so the tier would select every pod of its namespace', props.podLabels,
      'Give the labels of the tier\'s pods, e.g. { app: "web" }; use NamespaceIsolation for namespace-wide rules.');
  }
  if (props.serviceAccountName !== undefined) {
    const bad = typeof props.serviceAccountName === 'string' ? checkDns1123Subdomain(props.serviceAccountName) : 'must be a string';
    if (bad) {
      throw netsecError(path, `serviceAccountName ${bad}`, props.serviceAccountName, 'Use the service account\'s metadata.name.');
    }
  }
  if (props.ports !== undefined && !Array.isArray(props.ports)) {
    throw netsecError(path, 'ports must be a list of Ports', String(props.ports), 'Pass e.g. ports: [Port.tcp(8080)].');
  }
  checkPorts(path, props.ports ?? []);
  if (props.inMesh !== undefined && typeof props.inMesh !== 'boolean') {
    throw netsecError(path, 'inMesh must be true or false', props.inMesh, 'Pass inMesh: false for pods outside the mesh, or leave it out.');
  }
  const pods = checkIsolatedPodsProps(path, {
    namespace: resolveNamespace(scope, id, props.namespace),
    policyName: props.name ?? defaultName(scope, id),
    isolateIngress: props.isolateIngress ?? true,
    isolateEgress: props.isolateEgress ?? true,
    dns: props.dns ?? defaultClusterDns(),
  });
  return { pods, podLabels, ports: [...props.ports ?? []], serviceAccountName: props.serviceAccountName, inMesh: props.inMesh ?? true };
}
