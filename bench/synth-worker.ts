/*
 * One timed synthesis, run as its own process by run.ts:
 *   node synth-worker.js <variant> <n> <outdir> <seed> <layout> [cdk8s-once]
 * Loads only the variant's modules, builds the mesh, synthesizes YAML into <outdir>, and prints one JSON
 * line with its phases (ms since process start) and its peak RSS.
 *
 * With `cdk8s-once` (a diagnostic, run.ts --cdk8s-once): cdk8s's `App.synth()` validates the whole app and
 * resolves its dependencies once, and then again inside every `chart.toJson()`, so its own cost grows with
 * charts x constructs. The worker replaces the per-chart step by what remains of it once the app-wide
 * passes are done, which is what `App.synth()` would cost if it did them once.
 */
import { performance } from 'perf_hooks';
import { Layout, LAYOUTS, MeshGraph, meshGraph } from './mesh';

interface VariantModule { build(graph: MeshGraph, outdir: string, layout: Layout): () => void }

function main(): void {
  const [variant, size, outdir, seed, layout, patch] = process.argv.slice(2);
  if (!LAYOUTS.includes(layout as Layout)) throw new Error(`unknown layout "${layout}" (${LAYOUTS.join(', ')})`);
  if (patch !== undefined && patch !== 'cdk8s-once') throw new Error(`unknown worker option "${patch}"`);
  const start = performance.now(); // node bootstrap until here
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module: VariantModule = require(`./variants/${variant}`);
  const loaded = performance.now();
  // Variant (d) has no cdk8s app, so there is nothing to patch (and cdk8s stays unloaded).
  if (patch === 'cdk8s-once' && variant !== 'plain') synthesizeChartsOnce();
  const graph = meshGraph(Number(size), Number(seed));
  const generated = performance.now();
  const synth = module.build(graph, outdir, layout as Layout);
  const built = performance.now();
  synth();
  const done = performance.now();
  const cpu = process.cpuUsage();
  process.stdout.write(JSON.stringify({
    variant,
    n: Number(size),
    layout,
    bootMs: start,
    loadMs: loaded - start,
    graphMs: generated - loaded,
    buildMs: built - generated,
    synthMs: done - built,
    insideMs: done,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssKiB: process.resourceUsage().maxRSS,
  }) + '\n');
}

/**
 * Makes `chart.toJson()` skip the app-wide validation and dependency resolution that `App.synth()` has
 * already done before it renders the charts: what is left is cdk8s's own `chartToKube` (the chart's
 * objects in dependency order) and rendering each object. Only valid inside `App.synth()`.
 */
function synthesizeChartsOnce(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cdk8s = require('cdk8s');
  cdk8s.App._synthChart = (chart: any) => new cdk8s.DependencyGraph(chart.node).topology()
    .filter((x: any) => x instanceof cdk8s.ApiObject)
    .filter((x: any) => cdk8s.Chart.of(x) === chart)
    .map((x: any) => x.toJson());
}

main();
