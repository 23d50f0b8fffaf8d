/*
 * One timed synthesis, run as its own process by run.ts:
 *   node synth-worker.js <variant> <n> <outdir> <seed> <layout>
 * Loads only the variant's modules, builds the mesh, synthesizes YAML into <outdir>, and prints one JSON
 * line with its phases (ms since process start) and its peak RSS.
 */
import { performance } from 'perf_hooks';
import { Layout, LAYOUTS, MeshGraph, meshGraph } from './mesh';

interface VariantModule { build(graph: MeshGraph, outdir: string, layout: Layout): () => void }

function main(): void {
  const [variant, size, outdir, seed, layout] = process.argv.slice(2);
  if (!LAYOUTS.includes(layout as Layout)) throw new Error(`unknown layout "${layout}" (${LAYOUTS.join(', ')})`);
  const start = performance.now(); // node bootstrap until here
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module: VariantModule = require(`./variants/${variant}`);
  const loaded = performance.now();
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

main();
