import { addPod, ManifestModel, ModelPod } from './manifests';
import { ClusterIndex } from '../engine/cluster';

/*
 * Representative pods for policies that select no modelled pod. Synthesized output of the library holds
 * NetworkPolicies for pods that are deployed elsewhere (a tier is a selector, not a workload), so a model
 * made from that YAML alone would have no pods and no flows. Inference gives each distinct podSelector
 * that selects nothing one pod with labels the selector selects, named after the first policy (by
 * namespace and name) that uses it. Empty selectors (the whole namespace) and selectors no labels can
 * satisfy get none.
 */

/** Adds the inferred pods to `model`; returns them. */
export function inferPods(model: ManifestModel): ModelPod[] {
  // Compile the policies once as the analyzer will, over the pods modelled so far.
  const index = new ClusterIndex(model);
  const seen = new Set<string>();
  const inferred: ModelPod[] = [];
  for (const policy of index.policies) {
    // A cluster-wide policy has no namespace to put a pod in.
    if (policy.podSelector.matchesAll || policy.subjectNamespaces !== undefined) continue;
    const key = `${policy.namespace}|${policy.podSelector.key}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (index.selectedBy(policy).length > 0) continue;
    const labels = policy.podSelector.sample();
    if (labels === undefined) continue;
    const pod: ModelPod = {
      namespace: policy.namespace,
      name: freeName(model, policy.namespace, policy.name),
      labels,
      ports: [],
      addresses: [],
      source: `${policy.kind ?? 'NetworkPolicy'} ${policy.kind ? `${policy.namespace}/${policy.name}` : policy.id} (inferred pod)`,
      kind: policy.kind ?? 'NetworkPolicy',
      objectName: policy.name,
    };
    addPod(model, pod);
    inferred.push(pod);
  }
  return inferred;
}

function freeName(model: ManifestModel, namespace: string, base: string): string {
  let name = base;
  for (let n = 2; model.podSources.has(`${namespace}/${name}`); n++) name = `${base}-${n}`;
  return name;
}
