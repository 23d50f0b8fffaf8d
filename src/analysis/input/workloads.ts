import { ManifestModel, ModelPod, namespaceOf } from './manifest-model';

/*
 * Workloads: the pods of one controller are one workload, named `namespace/name[Kind]` after the
 * controller that owns them (`metadata.ownerReferences` with `controller: true`), as np-guard/
 * netpol-analyzer names them; a Pod without a controller (or owned by its Node, a static pod) stands for
 * itself.
 */

/**
 * One workload, one set of pods, in a dump that holds both (`kubectl get all`): where Pods of a
 * controller are given, its own representative pod and those of the controllers above it (the
 * Deployment above a ReplicaSet) are dropped, and the Pods are named after the top controller given.
 * Where only workload objects are given, a workload owned by another given workload (a ReplicaSet of a
 * Deployment) is represented by its owner.
 */
export function collapseWorkloads(model: ManifestModel): void {
  const templates = new Map<string, ModelPod>();
  for (const pod of model.pods) if (pod.kind !== 'Pod' && pod.workload !== undefined) templates.set(pod.workload, pod);
  if (templates.size === 0) return;
  const chain = (start: string | undefined): string[] => {
    const keys: string[] = [];
    for (let key = start; key !== undefined && !keys.includes(key); key = templates.get(key)?.ownedBy) keys.push(key);
    return keys;
  };
  const covered = new Set<string>();
  const renamed = new Map<ModelPod, ModelPod>();
  for (const pod of model.pods) {
    if (pod.kind !== 'Pod' || pod.workload === undefined) continue;
    const keys = chain(pod.workload);
    keys.forEach(k => covered.add(k));
    const top = keys[keys.length - 1];
    if (top !== pod.workload) renamed.set(pod, { ...pod, workload: top });
  }
  const kept = model.pods
    .filter(pod => pod.kind === 'Pod' || pod.workload === undefined
      || (!covered.has(pod.workload) && !(pod.ownedBy !== undefined && templates.has(pod.ownedBy))))
    .map(pod => renamed.get(pod) ?? pod);
  if (kept.length === model.pods.length && renamed.size === 0) return;
  const keptSet = new Set(kept);
  for (const pod of model.pods) {
    if (!keptSet.has(renamed.get(pod) ?? pod)) model.podSources.delete(`${pod.namespace}/${pod.name}`);
  }
  model.pods.splice(0, model.pods.length, ...kept);
}

/** A Pod's workload: its controller owner (`ns/owner[Kind]`), or the Pod itself. */
export function ownerWorkload(object: any, name: string): string {
  return controllerOf(object) ?? `${namespaceOf(object)}/${name}[Pod]`;
}

/** `{ ownedBy }` for a workload object with a controller owner, else nothing. */
export function ownerReference(object: any): { ownedBy?: string } {
  const owner = controllerOf(object);
  return owner === undefined ? {} : { ownedBy: owner };
}

/** The controller owner of an object as `ns/owner[Kind]`; a Node (of a static pod) is not a controller. */
function controllerOf(object: any): string | undefined {
  const owners = Array.isArray(object.metadata?.ownerReferences) ? object.metadata.ownerReferences : [];
  const candidates = owners.filter((o: any) => typeof o?.name === 'string' && o.kind !== 'Node');
  const owner = candidates.find((o: any) => o.controller === true) ?? candidates[0];
  if (owner === undefined) return undefined;
  return `${namespaceOf(object)}/${owner.name}[${typeof owner.kind === 'string' && owner.kind.length > 0 ? owner.kind : 'Pod'}]`;
}
