/*
 * Variant (a): this library. One IsolatedTier per tier, one allowFrom per caller; the library writes both
 * sides of each flow and the DNS egress rule, one NetworkPolicy per tier.
 */
import { IsolatedTier, Port } from '../../src';
import { APP_LABEL, APP_PORT, Layout, MeshGraph } from '../mesh';
import { makeCharts } from './charts';

export function build(graph: MeshGraph, outdir: string, layout: Layout): () => void {
  const charts = makeCharts(graph, outdir, layout);
  const tiers = graph.tiers.map((t) => new IsolatedTier(charts.chartOf(t), t.name, {
    podLabels: { [APP_LABEL]: t.name },
    namespace: t.namespace,
    ports: [Port.tcp(APP_PORT)],
  }));
  graph.callers.forEach((callers, target) => {
    for (const caller of callers) tiers[target].allowFrom(tiers[caller], Port.tcp(APP_PORT));
  });
  return () => charts.app.synth();
}
