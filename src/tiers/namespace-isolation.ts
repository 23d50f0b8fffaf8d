import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { defaultClusterDns, IsolatedPods } from './isolated-pods';
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
  public readonly namespaceObject?: ApiObject;
  /** The labels given for the Namespace object (platform labels such as mesh injection are added at synth). */
  public readonly namespaceLabels: { [key: string]: string } = {};

  /**
   * @param scope the parent construct
   * @param id the construct id, unique among its siblings
   * @param props the configuration (`NamespaceIsolationProps`)
   */
  public constructor(scope: Construct, id: string, props: NamespaceIsolationProps = {}) {
    if (props.namespaceLabels && !props.createNamespace) {
      throw netsecError(`${scope.node.path}/${id}`, 'namespaceLabels are set but the Namespace object is not emitted', props.namespaceLabels,
        'Set createNamespace: true, or label the namespace where it is created.');
    }
    const namespaceLabels = normalizeLabels(`${scope.node.path}/${id}`, props.namespaceLabels ?? {});
    super(scope, id, {
      namespace: resolveNamespace(scope, id, props.namespace),
      policyName: props.policyName ?? defaultName(scope, id),
      isolateIngress: props.isolateIngress ?? true,
      isolateEgress: props.isolateEgress ?? true,
      dns: props.dns ?? defaultClusterDns(),
    });
    IntentModel.of(this).addNamespaceBaseline(this.namespace, this.isolatesIngress, this.isolatesEgress);
    IntentModel.of(this).declareNamespace(this.namespace, this);
    if (props.createNamespace) {
      IntentModel.of(this).claimName('Namespace', '', this.namespace, this);
      const labels = namespaceLabels;
      this.namespaceLabels = labels;
      this.namespaceObject = renderNamespace(this, 'Namespace', this.namespace, labels);
    }
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
