import { lockFields, markMadeByLibrary } from '../core/checked-input';
import { netsecError } from '../core/errors';
import { checkNamespace } from '../core/peer';
import { describeSelector, normalizeLabels } from '../core/selector';

/**
 * Pods that keep access to the cloud metadata endpoint under a `ClusterIsolation`: a whole namespace, or
 * the pods with some labels in one namespace. Each one is a named, reviewable exception to the guardrail.
 *
 * The exception lifts only the guardrail: whether the pods reach the endpoint is then decided by their
 * NetworkPolicies (e.g. `RestrictedEgress` with `allowMetadataEndpoint`), and by the Baseline deny when no
 * NetworkPolicy selects them. Nothing is opened that the namespace's own policies do not open.
 *
 * @example
 * MetadataEndpointAccess.pods('kube-system', { 'app.kubernetes.io/name': 'aws-node' });
 * MetadataEndpointAccess.namespace('karpenter');
 */
export class MetadataEndpointAccess {
  /** Every pod of one namespace. */
  public static namespace(name: string): MetadataEndpointAccess {
    return new MetadataEndpointAccess(checkNamespace('MetadataEndpointAccess.namespace', name));
  }

  /**
   * The pods with these labels (all must match) in one namespace.
   * @param namespace the pods' namespace
   * @param podLabels at least one label; every pod of a namespace is `MetadataEndpointAccess.namespace()`
   */
  public static pods(namespace: string, podLabels: { [key: string]: string }): MetadataEndpointAccess {
    const where = 'MetadataEndpointAccess.pods';
    const checkedNamespace = checkNamespace(where, namespace);
    if (podLabels === null || typeof podLabels !== 'object' || Array.isArray(podLabels)) {
      throw netsecError(where, 'podLabels must be a map of labels', podLabels, 'Pass the pods\' labels, e.g. { app: "aws-node" }.');
    }
    const labels = normalizeLabels(where, podLabels);
    if (Object.keys(labels).length === 0) {
      throw netsecError(where, 'podLabels is empty, so the exception would cover every pod of the namespace', podLabels,
        `Name the pods' labels, or write MetadataEndpointAccess.namespace("${checkedNamespace}") on purpose.`);
    }
    return new MetadataEndpointAccess(checkedNamespace, labels);
  }

  /** The namespace of the pods (not `namespace`, which names the factory in every jsii language). */
  public readonly namespaceName: string;
  /** The pods' labels; undefined for the whole namespace. */
  public readonly podLabels?: { [key: string]: string };

  private constructor(namespace: string, podLabels?: { [key: string]: string }) {
    this.namespaceName = namespace;
    this.podLabels = podLabels;
    lockFields(this, ['namespaceName', 'podLabels']);
    markMadeByLibrary(this);
  }

  /** `namespace karpenter` or `pods app=aws-node in kube-system`. */
  public toString(): string {
    return this.podLabels ? `pods ${describeSelector({ matchLabels: this.podLabels })} in ${this.namespaceName}` : `namespace ${this.namespaceName}`;
  }
}
