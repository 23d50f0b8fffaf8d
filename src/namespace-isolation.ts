import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { ClusterDns } from './dns';
import { netsecError } from './errors';
import { IntentModel } from './intent';
import { checkDns1123Label } from './names';
import { renderPolicySpec } from './render/network-policy';
import { normalizeLabels } from './selector';
import { defaultName, resolveNamespace } from './tier';

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
 * NetworkPolicies add up: a tier that does not isolate egress is still egress-isolated by this baseline.
 */
export class NamespaceIsolation extends Construct {
  /** The isolated namespace. */
  public readonly namespace: string;
  /** Whether ingress is denied by default. */
  public readonly isolatesIngress: boolean;
  /** Whether egress is denied by default (DNS allowed). */
  public readonly isolatesEgress: boolean;
  /** The deny-all NetworkPolicy. */
  public readonly policy: ApiObject;
  /** The Namespace object, with `createNamespace`. */
  public readonly namespaceObject?: ApiObject;

  public constructor(scope: Construct, id: string, props: NamespaceIsolationProps = {}) {
    super(scope, id);
    this.namespace = resolveNamespace(this, props.namespace);
    this.isolatesIngress = props.isolateIngress ?? true;
    this.isolatesEgress = props.isolateEgress ?? true;
    if (!this.isolatesIngress && !this.isolatesEgress) {
      throw netsecError(this, 'isolation must cover ingress, egress or both', props,
        'Leave isolateIngress or isolateEgress at its default (true), or remove the NamespaceIsolation.');
    }
    if (props.namespaceLabels && !props.createNamespace) {
      throw netsecError(this, 'namespaceLabels are set but the Namespace object is not emitted', props.namespaceLabels,
        'Set createNamespace: true, or label the namespace where it is created.');
    }
    const dns = props.dns ?? ClusterDns.kubeDns();
    const name = props.policyName ?? defaultName(this);
    const badName = checkDns1123Label(name);
    if (badName) throw netsecError(this, `policy name ${badName}`, name, 'Pass a policyName such as "default-deny".');
    const model = IntentModel.of(this);
    model.claimName('NetworkPolicy', this.namespace, name, this);

    this.policy = new ApiObject(this, 'NetworkPolicy', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name, namespace: this.namespace },
      spec: Lazy.any({
        produce: () => renderPolicySpec({
          namespace: this.namespace,
          podSelector: {},
          ingress: this.isolatesIngress ? [] : undefined,
          egress: this.isolatesEgress ? dns.destinations.map((d) => ({ peer: d.peer.toPeerConfig(), ports: d.ports })) : undefined,
        }),
      }),
    });

    if (props.createNamespace) {
      model.claimName('Namespace', '', this.namespace, this);
      const labels = normalizeLabels(this.node.path, props.namespaceLabels ?? {});
      this.namespaceObject = new ApiObject(this, 'Namespace', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: this.namespace, ...(Object.keys(labels).length > 0 ? { labels } : {}) },
      });
    }
  }
}
