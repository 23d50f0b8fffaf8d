/*
 * Diagnostic variant (b'): variant (b) with each KubeNetworkPolicy inside one plain Construct per tier,
 * so that the construct tree has as many nodes as (a)'s. It separates what cdk8s charges per construct
 * from what the library's own code costs. Not in the default set: `--variants ours,l1,l1-wrapped`.
 */
import { Layout, MeshGraph } from '../mesh';
import { buildPolicies } from './l1';

export function build(graph: MeshGraph, outdir: string, layout: Layout): () => void {
  return buildPolicies(graph, outdir, layout, true);
}
