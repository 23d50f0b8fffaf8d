/*
 * How the mesh is laid out in charts, the same for every cdk8s variant: one chart per namespace (the
 * chart's namespace is the tiers' namespace), or one chart for the whole mesh (each object names its
 * namespace).
 */
import { App, Chart } from 'cdk8s';
import { Layout, MeshGraph, MeshTier } from '../mesh';

/** The charts of an app, and which chart a tier belongs to. */
export interface Charts {
  readonly app: App;
  /** Every chart, in order. */
  readonly all: Chart[];
  chartOf(tier: MeshTier): Chart;
}

export function makeCharts(graph: MeshGraph, outdir: string, layout: Layout): Charts {
  const app = new App({ outdir });
  if (layout === 'single') {
    const chart = new Chart(app, 'mesh');
    return { app, chartOf: () => chart, all: [chart] };
  }
  const charts = graph.namespaces.map((ns) => new Chart(app, ns, { namespace: ns }));
  return { app, chartOf: (t) => charts[t.namespaceIndex], all: charts };
}
