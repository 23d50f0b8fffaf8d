/*
 * Reading V8 CPU profiles (`node --cpu-prof`) of the synthesis workers: the hottest functions, self time
 * by package, and where the time goes by job — this library's own code, cdk8s's app-wide passes (which it
 * repeats for every chart), the rest of cdk8s and constructs, YAML serialisation, and the runtime.
 */
import * as fs from 'fs';
import * as path from 'path';
import { JS_OUT, ROOT } from './process';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
  readonly children?: number[];
}

/** A profile with each node's self time in ms. */
interface Profile {
  readonly nodes: ProfileNode[];
  readonly selfMs: Map<number, number>;
  readonly totalMs: number;
}

function read(file: string): Profile {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  const interval = (raw.endTime - raw.startTime) / Math.max(1, raw.samples.length) / 1000;
  const selfMs = new Map<number, number>(raw.nodes.map((n: ProfileNode) => [n.id, (n.hitCount ?? 0) * interval]));
  return { nodes: raw.nodes, selfMs, totalMs: [...selfMs.values()].reduce((a, b) => a + b, 0) };
}

const fixed = (x: number, digits = 0) => x.toFixed(digits);
const share = (ms: number, total: number) => `${fixed((100 * ms) / total, 1)}%`;

/** The package of a frame: an npm package, `src` (this library), `bench`, Node.js, or native. */
function packageOf(url: string): string {
  const file = url.replace('file://', '');
  const packages = file.match(/node_modules\/(@[^/]+\/[^/]+|[^/]+)/g);
  if (packages) return packages[packages.length - 1].replace('node_modules/', '');
  if (file.startsWith(path.join(JS_OUT, 'src'))) return 'src';
  if (file.startsWith(JS_OUT)) return 'bench';
  if (file.startsWith('node:')) return 'node.js internals';
  return '(garbage collector, native, idle)';
}

/** Self time per function, hottest first, as Markdown rows. */
export function hotFunctions(file: string, limit = 15): string[] {
  const profile = read(file);
  const self = new Map<string, number>();
  for (const node of profile.nodes) {
    const f = node.callFrame;
    const url = f.url.replace('file://', '');
    const where = url ? `${path.relative(url.startsWith(JS_OUT) ? JS_OUT : ROOT, url)}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + profile.selfMs.get(node.id)!);
  }
  return [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit)
    .map(([k, ms]) => `| ${fixed(ms)} | ${share(ms, profile.totalMs)} | \`${k.replace(/\|/g, '\\|')}\` |`);
}

/** Self time by package, as Markdown rows. */
export function selfByPackage(file: string): string[] {
  const profile = read(file);
  const self = new Map<string, number>();
  for (const node of profile.nodes) {
    const key = packageOf(node.callFrame.url);
    self.set(key, (self.get(key) ?? 0) + profile.selfMs.get(node.id)!);
  }
  return [...self.entries()].sort((x, y) => y[1] - x[1]).filter(([, ms]) => ms >= 1)
    .map(([k, ms]) => `| ${fixed(ms)} | ${share(ms, profile.totalMs)} | ${k} |`);
}

/** The jobs time is split into, in the order they are reported. */
export const JOBS = [
  'this library (src)',
  'cdk8s app-wide passes (validate, resolveDependencies: once per synth and again per chart)',
  'rest of cdk8s and constructs (building the tree, resolving and sorting each object)',
  'YAML serialisation (yaml package)',
  'runtime (garbage collector, module loading, file writes, other native)',
  'benchmark scaffolding and the L1 variant\'s classes (bench, cdk8s-plus-28)',
] as const;

/**
 * Time by job: every sample is charged to this library when its own frame is in src/; otherwise to
 * cdk8s's app-wide passes when it runs inside one of them (its `validate` or `resolveDependencies`,
 * whatever they call, this library's validations excepted); otherwise by its package.
 */
export function timeByJob(file: string): Map<string, number> {
  const profile = read(file);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const jobs = new Map<string, number>(JOBS.map((j) => [j, 0]));
  const passes = (n: ProfileNode) => /\/cdk8s\/lib\/app\.js$/.test(n.callFrame.url)
    && (n.callFrame.functionName === 'validate' || n.callFrame.functionName === 'resolveDependencies');
  const visit = (id: number, inPass: boolean) => {
    const node = byId.get(id)!;
    const pass = inPass || passes(node);
    const pkg = packageOf(node.callFrame.url);
    const job = pkg === 'src' ? JOBS[0]
      : pass ? JOBS[1]
        : pkg === 'cdk8s' || pkg === 'constructs' ? JOBS[2]
          : pkg === 'yaml' ? JOBS[3]
            : pkg === 'bench' || pkg === 'cdk8s-plus-28' ? JOBS[5] : JOBS[4];
    jobs.set(job, jobs.get(job)! + profile.selfMs.get(id)!);
    for (const child of node.children ?? []) visit(child, pass);
  };
  visit(profile.nodes[0].id, false);
  return jobs;
}

/** Time by job for some profiles side by side, as a Markdown table. */
export function jobTable(columns: { name: string; file: string }[]): string[] {
  const split = columns.map((c) => timeByJob(c.file));
  const totals = split.map((s) => [...s.values()].reduce((a, b) => a + b, 0));
  return [
    `| job | ${columns.map((c) => `${c.name} ms | share`).join(' | ')} |`,
    `|---|${columns.map(() => '---:|---:').join('|')}|`,
    ...JOBS.map((job) => `| ${job} | ${split.map((s, i) => `${fixed(s.get(job)!)} | ${share(s.get(job)!, totals[i])}`).join(' | ')} |`),
    `| total sampled | ${totals.map((t) => `${fixed(t)} | 100%`).join(' | ')} |`,
  ];
}
