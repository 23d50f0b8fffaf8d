import { DEFAULT_NAMESPACE, readManifests } from '../analysis/input/manifests';
import { compileSelector } from '../analysis/policies/selectors';
import { ReachabilityEndpoint } from '../analysis/reachability';
import { netsecError } from '../core/errors';

/*
 * Tiers by their construct id. Synthesized YAML names a tier only in its NetworkPolicy (named after the
 * construct id); the pods are modelled under their workload's name, which for a tier made from a
 * cdk8s-plus workload is a hashed one (shop-web-deployment-c8...). So `shop/web`, when no pod of that name
 * is modelled, stands for the pods the NetworkPolicy `web` in `shop` selects, if that is one workload.
 */

/** The endpoint, or the modelled pod the tier named by it stands for, and a note saying so. */
export function resolveTierEndpoint(endpoint: ReachabilityEndpoint, objects: any[], pods: readonly string[], option: string):
{ endpoint: ReachabilityEndpoint; note?: string } {
  if (endpoint.pod === undefined) return { endpoint };
  const namespace = endpoint.namespace ?? DEFAULT_NAMESPACE;
  if (pods.includes(`${namespace}/${endpoint.pod}`)) return { endpoint };
  const model = readManifests(objects);
  const policy = model.policies.map(p => p.object).find(o => o?.kind === 'NetworkPolicy' && o.metadata?.name === endpoint.pod
    && (o.metadata?.namespace || DEFAULT_NAMESPACE) === namespace);
  if (policy === undefined) return { endpoint };
  const selector = compileSelector(policy.spec?.podSelector, `NetworkPolicy ${namespace}/${endpoint.pod}`, 'spec.podSelector');
  // A policy for the whole namespace is no tier: its name says nothing about one workload.
  if (selector.matchesAll) return { endpoint };
  const selected = model.pods.filter(p => p.namespace === namespace && pods.includes(`${namespace}/${p.name}`) && selector.matches(p.labels))
    .map(p => p.name);
  if (selected.length === 0) return { endpoint };
  if (selected.length > 1) {
    throw netsecError(`cdk8s-netsec eval --${option}`, `names the NetworkPolicy of a tier whose pods come from ${selected.length} workloads`,
      `${namespace}/${endpoint.pod}`, `Name one of them: ${selected.map(p => `${namespace}/${p}`).join(', ')}.`);
  }
  return {
    endpoint: { namespace, pod: selected[0] },
    note: `Note: --${option} ${namespace}/${endpoint.pod} is the tier whose NetworkPolicy selects the pods of ${namespace}/${selected[0]}.\n`,
  };
}
