import { ApiObject, Chart, JsonPatch } from 'cdk8s';

/**
 * Removes the namespace that cdk8s copies from the chart onto every object. Cluster-scoped kinds
 * (Namespace, ClusterIssuer) must not carry one: the API server ignores it, but it misleads readers and
 * schema checks.
 */
export function clusterScoped<T extends ApiObject>(object: T): T {
  if (Chart.of(object).namespace !== undefined) {
    object.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  }
  return object;
}
