import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { clusterScoped } from './cluster-scoped';
import { compareStrings } from '../core/selector';
import { IntentModel } from '../model/intent-model';

/** Renders a Namespace object: the given labels plus those the app requires for it, read at synth. */
export function renderNamespace(scope: Construct, id: string, name: string, labels: { [key: string]: string }): ApiObject {
  return clusterScoped(new NamespaceObject(scope, id, name, labels));
}

/**
 * A Namespace object whose labels are the given ones plus those the intent model requires for the
 * namespace (e.g. sidecar injection), read when it renders. A required label never overrides a given one:
 * the construct that requires it reports the conflict.
 */
class NamespaceObject extends ApiObject {
  public constructor(scope: Construct, id: string, private readonly namespaceName: string, private readonly given: { [key: string]: string }) {
    super(scope, id, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespaceName } });
  }

  public toJson(): any {
    const json = super.toJson();
    const labels: { [key: string]: string } = {};
    for (const rule of IntentModel.of(this).requiredNamespaceLabels(this.namespaceName)) Object.assign(labels, rule.labels);
    Object.assign(labels, this.given);
    const keys = Object.keys(labels).sort(compareStrings);
    if (keys.length > 0) {
      // Keep metadata keys in the sorted order cdk8s gives every other object.
      const metadata = { ...json.metadata, labels: Object.fromEntries(keys.map((k) => [k, labels[k]])) };
      json.metadata = Object.fromEntries(Object.keys(metadata).sort(compareStrings).map((k) => [k, (metadata as any)[k]]));
    }
    return json;
  }
}
