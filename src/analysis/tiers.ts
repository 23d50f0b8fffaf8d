import { IConstruct } from 'constructs';
import { Port } from '../port';
import { ModelPod } from './manifests';

/*
 * IsolatedTiers as representative pods: a tier stands for the pods its labels select, which a chart
 * does not necessarily contain (they may be deployed elsewhere), so each tier becomes one pod named
 * after its construct id.
 */

/** The part of an IsolatedTier the analyzer reads. */
interface TierLike extends IConstruct {
  readonly namespace: string;
  readonly podLabels: { [key: string]: string };
  readonly ports: Port[];
}

const TIER_MARK = Symbol.for('cdk8s-netsec.IsolatedTier');

/** True for IsolatedTier instances (by the mark every instance carries, so also across library copies). */
function isTier(construct: IConstruct): construct is TierLike {
  return construct !== null && typeof construct === 'object' && TIER_MARK in construct;
}

/** One representative pod per IsolatedTier under `root`, in construct-tree order. */
export function tierPods(root: IConstruct): ModelPod[] {
  return root.node.findAll().filter(isTier).map(tier => ({
    namespace: tier.namespace,
    name: tier.node.id,
    labels: { ...tier.podLabels },
    // Only single numeric ports become container ports; ranges and names say nothing about a number.
    ports: tier.ports
      .filter(p => p.port !== undefined && p.endPort === undefined && p.name === undefined)
      .map(p => ({ port: p.port!, protocol: p.protocol })),
    addresses: [],
    source: `IsolatedTier ${tier.node.path}`,
  }));
}
