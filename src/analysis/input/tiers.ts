import { IConstruct } from 'constructs';
import { ModelPod } from './manifests';
import { IsolatedTier } from '../../tiers/tier';

/*
 * IsolatedTiers as representative pods: a tier stands for the pods its labels select, which a chart
 * does not necessarily contain (they may be deployed elsewhere), so each tier becomes one pod named
 * after its construct id, with the tier's namespace, pod labels and ports.
 */

/** One representative pod per IsolatedTier under `root`, in construct-tree order. */
export function tierPods(root: IConstruct): ModelPod[] {
  return root.node.findAll().filter(c => IsolatedTier.isIsolatedTier(c)).map(c => {
    const tier = c as IsolatedTier;
    return {
      namespace: tier.namespace,
      name: tier.node.id,
      labels: { ...tier.podLabels },
      // Only single numeric ports become container ports; ranges and names say nothing about one number.
      ports: tier.ports
        .filter(p => p.startPort !== undefined && p.endPort === undefined && p.name === undefined)
        .map(p => ({ port: p.startPort!, protocol: p.protocol })),
      addresses: [],
      source: `IsolatedTier ${tier.node.path}`,
      kind: 'IsolatedTier',
      constructPath: tier.node.path,
    };
  });
}
