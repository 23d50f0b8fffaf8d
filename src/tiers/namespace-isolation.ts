import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { checkIsolatedPodsProps, defaultClusterDns, IsolatedPods } from './isolated-pods';
import { checkedInput, readPropsOnce } from '../core/checked-input';
import { netsecError } from '../core/errors';
import { PeerConfig } from '../core/peer';
import { Port } from '../core/port';
import { defaultName, resolveNamespace } from '../core/scope-defaults';
import { normalizeLabels } from '../core/selector';
import { IntentModel } from '../model/intent-model';
import { GroupScope } from '../model/selection';
import { ClusterDns } from '../platform/cluster-dns';
import { renderNamespace } from '../render/namespace';

/** Properties of `NamespaceIsolation`. */
export interface NamespaceIsolationProps {
  /**
   * The namespace to isolate.
   * @default - the namespace of the enclosing chart
   */
  readonly namespace?: string;
  /**
   * Deny all ingress to every pod of the namespace (tiers then add what they accept).
   * @default true
   */
  readonly isolateIngress?: boolean;
  /**
   * Deny all egress from every pod of the namespace, except DNS (tiers then add what they open).
   * @default true
   */
  readonly isolateEgress?: boolean;
  /**
   * Where the namespace's pods resolve names; allowed for every pod while egress is isolated.
   * @default ClusterDns.kubeDns()
   */
  readonly dns?: ClusterDns;
  /**
   * Also emit the Namespace object.
   * @default false
   */
  readonly createNamespace?: boolean;
  /**
   * Labels of the emitted Namespace object (with `createNamespace`).
   * @default - none besides the automatic kubernetes.io/metadata.name
   */
  readonly namespaceLabels?: { [key: string]: string };
  /**
   * The name of the deny-all NetworkPolicy.
   * @default - derived from the construct id
   */
  readonly policyName?: string;
}

/**
 * Default deny for a whole namespace: one NetworkPolicy that selects every pod and isolates ingress and
 * egress, allowing only DNS. Tiers in the namespace then open exactly their declared flows.
 *
 * It is also a peer (every pod of the namespace) and can open namespace-wide flows with `allowFrom` and
 * `allowTo`. NetworkPolicies add up: a tier that does not isolate egress is still egress-isolated here.
 */
export class NamespaceIsolation extends IsolatedPods {
  /** The Namespace object, with `createNamespace`. */
  declare public readonly namespaceObject?: ApiObject;
  /** The labels given for the Namespace object (platform labels such as mesh injection are added at synth). */
  declare public readonly namespaceLabels: { [key: string]: string };

  /**
   * @param scope the parent construct
   * @param id the construct id, unique among its siblings
   * @param props the configuration (`NamespaceIsolationProps`)
   */
  public constructor(scope: Construct, id: string, props: NamespaceIsolationProps = {}) {
    const given = readPropsOnce(props, 'NamespaceIsolationProps');
    const input = checkedInput(scope, id, (path) => checkIsolationProps(scope, id, path, given), { props: { given: props, struct: 'NamespaceIsolationProps' } });
    super(scope, id, input.pods);
    const model = IntentModel.of(this);
    model.addNamespaceBaseline(this.namespace, this.isolatesIngress, this.isolatesEgress);
    model.namespaces.declare(this.namespace);
    // Each field is assigned once: the groups' fields refuse a second assignment (see isolated-pods.ts).
    this.namespaceLabels = input.createNamespace ? input.namespaceLabels : {};
    if (input.createNamespace) {
      model.names.claim('Namespace', '', this.namespace, this);
      this.namespaceObject = renderNamespace(this, 'Namespace', this.namespace, input.namespaceLabels);
    }
    this._addToModel();
  }

  /** Every pod of the namespace, as a peer. */
  public toPeerConfig(): PeerConfig {
    return { namespace: this.namespace };
  }

  /** `namespace <name>`. */
  public toString(): string {
    return `namespace ${this.namespace}`;
  }

  /** @internal */
  public _podScope(): GroupScope {
    if (!this.namespaceObject) return { namespace: this.namespace, podLabels: {} };
    // The emitted Namespace carries exactly the given labels plus those the app requires (e.g. mesh injection).
    const namespaceLabels: { [key: string]: string } = {};
    for (const rule of IntentModel.of(this).requiredNamespaceLabels(this.namespace)) Object.assign(namespaceLabels, rule.labels);
    return { namespace: this.namespace, podLabels: {}, namespaceLabels: { ...namespaceLabels, ...this.namespaceLabels } };
  }

  protected get declaredPorts(): Port[] {
    return [];
  }
}


/** Checks every prop of a namespace isolation before it joins the tree. */
function checkIsolationProps(scope: Construct, id: string, path: string, props: NamespaceIsolationProps) {
  if (props === null || typeof props !== 'object') {
    throw netsecError(path, 'props must be an object', props, 'Pass { namespace: "shop" }, or leave the props out to isolate the chart\'s namespace.');
  }
  if (props.createNamespace !== undefined && typeof props.createNamespace !== 'boolean') {
    throw netsecError(path, 'createNamespace must be true or false', props.createNamespace, 'Pass createNamespace: true to emit the Namespace object.');
  }
  if (props.namespaceLabels && !props.createNamespace) {
    throw netsecError(path, 'namespaceLabels are set but the Namespace object is not emitted', props.namespaceLabels,
      'Set createNamespace: true, or label the namespace where it is created.');
  }
  const namespaceLabels = normalizeLabels(path, props.namespaceLabels ?? {});
  const pods = checkIsolatedPodsProps(path, {
    namespace: resolveNamespace(scope, id, props.namespace),
    policyName: props.policyName ?? defaultName(scope, id),
    isolateIngress: props.isolateIngress ?? true,
    isolateEgress: props.isolateEgress ?? true,
    dns: props.dns ?? defaultClusterDns(),
  });
  return { pods, namespaceLabels, createNamespace: props.createNamespace ?? false };
}
