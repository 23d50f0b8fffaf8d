/*
 * The benchmarks (issue #8): `npm run bench [-- options]`. See BENCHMARKS.md for what is measured and the
 * latest numbers.
 *
 *   --sizes 100,1000,5000     mesh sizes N (tiers)
 *   --runs K                  runs per variant and size (default 5, or 3 when N > 1000); the median counts
 *   --variants ours,l1,plus,plain  (a), (b), (c), (d); also l1-wrapped: (b) with one Construct per tier
 *   --layouts namespace,single  charts: one per namespace, and/or one for the whole mesh
 *   --check-sizes 100,1000    sizes whose outputs are compared through Reachability ("none" to skip)
 *   --analyzer 500/250,...    analyzer sizes as pods/policies ("none" to skip); default: a diagonal up to
 *                             20000/10000 (issue 25: its ratios to the targets are printed) and
 *                             one axis each for pods and policies
 *   --analyzer-runs K         runs per analyzer size (default 3)
 *   --profile                 also run (a) and (b) at the largest N under --cpu-prof: where the time goes
 *   --fail-on-miss            exit with status 1 when a target is missed (see bench/targets.ts)
 *   --cdk8s-once              diagnostic: cdk8s validates and resolves dependencies of the whole app once
 *                             per synth instead of once per chart (see bench/synth-worker.ts)
 *   --seed S                  PRNG seed of the mesh graph
 *
 * Results go to stdout as Markdown and to bench/out/results.{md,json}. The output ends with the targets
 * of issues #8 and #25, each measured ratio next to its target, met or missed (bench/targets.ts), and
 * whether (a)'s YAML is still the recorded bytes (bench/output-digest.ts).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { difference, expected, judge, Verdict } from './equivalence';
import { crossNamespaceEdges, DEFAULT_SEED, Layout, LAYOUTS, meshGraph } from './mesh';
import { compareWithRecorded } from './output-digest';
import { compiled, JS_OUT, lastJsonLine, median, OUT, ROOT, runNode, transpileAll } from './process';
import { hotFunctions, jobTable, selfByPackage } from './profile';
import { analyzerVerdicts, synthesisVerdicts, TargetVerdict, verdictTable } from './targets';

const VARIANTS: Record<string, string> = {
  'ours': '(a) cdk8s-netsec IsolatedTier',
  'l1': '(b) hand-written L1 KubeNetworkPolicy',
  'l1-wrapped': '(b\') (b), each policy inside one Construct',
  'plus': '(c) cdk8s-plus-28 NetworkPolicy',
  'plain': '(d) plain objects + yaml (floor)',
};
const LETTER: Record<string, string> = { 'ours': 'a', 'l1': 'b', 'l1-wrapped': 'b\'', 'plus': 'c', 'plain': 'd' };
/** The variants of the issue; l1-wrapped is a diagnostic, run on request. */
const DEFAULT_VARIANTS = ['ours', 'l1', 'plus', 'plain'];
const DEFAULT_ANALYZER = [
  '500/250', '1000/500', '2000/1000', '4000/2000', // pods and policies together
  '5000/2500', '10000/5000', '20000/10000', // the growth curve of issue 25, up to its target size
  '500/1000', '1000/1000', '4000/1000', // pods grow, 1,000 policies
  '2000/250', '2000/500', '2000/2000', // policies grow, 2,000 pods
];

interface Options {
  sizes: number[];
  runs?: number;
  variants: string[];
  layouts: Layout[];
  checkSizes: number[];
  analyzer: string[];
  analyzerRuns: number;
  profile: boolean;
  cdk8sOnce: boolean;
  failOnMiss: boolean;
  seed: number;
}

interface SynthRun {
  readonly variant: string;
  readonly n: number;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly bootMs: number;
  readonly loadMs: number;
  readonly graphMs: number;
  readonly buildMs: number;
  readonly synthMs: number;
  readonly maxRssKiB: number;
}

interface SynthRow {
  readonly variant: string;
  readonly layout: Layout;
  readonly n: number;
  readonly runs: number;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly loadAverage: number;
  readonly wallMinMs: number;
  readonly wallMaxMs: number;
  readonly loadMs: number;
  readonly buildMs: number;
  readonly synthMs: number;
  readonly peakRssMiB: number;
  readonly objects: number;
  readonly yamlKiB: number;
  /** For (a): whether its YAML is the recorded one. */
  readonly bytes?: string;
}

function parseOptions(argv: string[]): Options {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument "${arg}" (options start with --)`);
    const [key, inline] = arg.slice(2).split('=', 2);
    if (key === 'profile' || key === 'cdk8s-once' || key === 'fail-on-miss') values.set(key, 'true');
    else values.set(key, inline ?? argv[++i] ?? '');
  }
  const known = ['sizes', 'runs', 'variants', 'layouts', 'check-sizes', 'analyzer', 'analyzer-runs', 'profile', 'cdk8s-once', 'fail-on-miss', 'seed'];
  for (const key of values.keys()) {
    if (!known.includes(key)) throw new Error(`unknown option --${key} (known: ${known.map((k) => `--${k}`).join(', ')})`);
  }
  const list = (key: string, fallback: string) => {
    const text = values.get(key) ?? fallback;
    return text === 'none' || text === '' ? [] : text.split(',').map((s) => s.trim());
  };
  const numbers = (key: string, fallback: string) => list(key, fallback).map((s) => {
    const n = Number(s.replace(/_/g, ''));
    if (!Number.isInteger(n) || n < 2) throw new Error(`--${key}: "${s}" is not a size`);
    return n;
  });
  const variants = list('variants', DEFAULT_VARIANTS.join(','));
  for (const v of variants) if (!(v in VARIANTS)) throw new Error(`--variants: unknown variant "${v}" (${Object.keys(VARIANTS).join(', ')})`);
  const layouts = list('layouts', 'namespace,single') as Layout[];
  for (const l of layouts) if (!LAYOUTS.includes(l)) throw new Error(`--layouts: unknown layout "${l}" (${LAYOUTS.join(', ')})`);
  const count = (key: string, fallback?: number) => {
    if (!values.has(key)) return fallback;
    const n = Number(values.get(key));
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${key}: "${values.get(key)}" is not a positive integer`);
    return n;
  };
  for (const size of list('analyzer', DEFAULT_ANALYZER.join(','))) {
    if (!/^\d+\/\d+$/.test(size)) throw new Error(`--analyzer: "${size}" is not pods/policies`);
  }
  return {
    sizes: numbers('sizes', '100,1000,5000'),
    runs: count('runs'),
    variants,
    layouts,
    checkSizes: numbers('check-sizes', '100,1000'),
    analyzer: list('analyzer', DEFAULT_ANALYZER.join(',')),
    analyzerRuns: count('analyzer-runs', 3)!,
    profile: values.has('profile'),
    cdk8sOnce: values.has('cdk8s-once'),
    failOnMiss: values.has('fail-on-miss'),
    seed: count('seed', DEFAULT_SEED)!,
  };
}

const fixed = (x: number, digits = 0) => x.toFixed(digits);
const ratio = (x: number, y: number) => (y > 0 ? (x / y).toFixed(2) : 'n/a');

function outdirOf(variant: string, n: number, layout: Layout): string {
  return path.join(OUT, 'synth', `${layout}-${variant}-${n}`);
}

/** Output directories written by this process; anything else in bench/out is left over from an earlier run. */
const written = new Set<string>();

/** Set from --cdk8s-once: every worker runs with cdk8s's per-chart app-wide passes removed. */
let cdk8sOnce = false;

function synthOnce(variant: string, n: number, layout: Layout, seed: number, nodeArgs: string[] = []): SynthRun {
  const dir = outdirOf(variant, n, layout);
  fs.rmSync(dir, { recursive: true, force: true });
  const args = [variant, String(n), dir, String(seed), layout, ...(cdk8sOnce ? ['cdk8s-once'] : [])];
  const result = runNode(compiled('bench/synth-worker.ts'), args, nodeArgs);
  written.add(dir);
  const inside = lastJsonLine(result.stdout);
  return { ...inside, wallMs: result.wallMs };
}

/** Counts the YAML documents and bytes a variant wrote. */
function outputSize(dir: string): { objects: number; bytes: number } {
  let objects = 0;
  let bytes = 0;
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    bytes += Buffer.byteLength(text);
    if (text.trim().length > 0) objects += 1 + (text.match(/^---$/gm) ?? []).length;
  }
  return { objects, bytes };
}

function benchSynthesis(options: Options, layout: Layout, out: string[]): SynthRow[] {
  const rows: SynthRow[] = [];
  // One discarded run of each variant warms the file cache so that the first measured process is not
  // the one that reads node_modules from disk.
  for (const v of options.variants) synthOnce(v, Math.min(...options.sizes), layout, options.seed);
  for (const n of options.sizes) {
    const runs = options.runs ?? (n > 1000 ? 3 : 5);
    const samples = new Map<string, SynthRun[]>(options.variants.map((v) => [v, []]));
    const loads: number[] = [];
    for (let r = 0; r < runs; r++) {
      // Interleaved, so that drift in the machine's speed spreads over all variants.
      for (const v of options.variants) {
        loads.push(os.loadavg()[0]);
        const run = synthOnce(v, n, layout, options.seed);
        samples.get(v)!.push(run);
        process.stderr.write(`  ${layout} N=${n} run ${r + 1}/${runs} ${v}: ${fixed(run.wallMs)} ms wall, ${fixed(run.cpuMs)} ms CPU, ${fixed(run.maxRssKiB / 1024)} MiB (load ${os.loadavg()[0].toFixed(1)})\n`);
      }
    }
    for (const v of options.variants) {
      const s = samples.get(v)!;
      const size = outputSize(outdirOf(v, n, layout));
      rows.push({
        variant: v,
        layout,
        n,
        runs,
        wallMs: median(s.map((x) => x.wallMs)),
        cpuMs: median(s.map((x) => x.cpuMs)),
        loadAverage: median(loads),
        wallMinMs: Math.min(...s.map((x) => x.wallMs)),
        wallMaxMs: Math.max(...s.map((x) => x.wallMs)),
        loadMs: median(s.map((x) => x.loadMs)),
        buildMs: median(s.map((x) => x.buildMs)),
        synthMs: median(s.map((x) => x.synthMs)),
        peakRssMiB: median(s.map((x) => x.maxRssKiB)) / 1024,
        objects: size.objects,
        yamlKiB: size.bytes / 1024,
        ...(v === 'ours' ? { bytes: compareWithRecorded(outdirOf(v, n, layout), layout, n, options.seed) } : {}),
      });
    }
  }

  const title = layout === 'single' ? 'one chart for the whole mesh' : 'one chart per namespace';
  out.push(`## Synthesis: mesh-N, ${title}${options.cdk8sOnce ? ' (cdk8s patched: app-wide passes once, not once per chart)' : ''}`, '');
  out.push('Median of the runs; wall = whole `node` process, measured by the parent (spawn to exit); CPU = user + system time of the process; load = requiring the variant\'s modules; build = constructing the app; synth = `app.synth()` (for (d): `YAML.stringify` and writing the files); peak RSS = the worker\'s `maxRSS`; load avg = the machine\'s 1-minute load average while the size ran.', '');
  out.push('| N | variant | objects | YAML KiB | wall ms | (min–max) | CPU ms | load ms | build ms | synth ms | peak RSS MiB | load avg |');
  out.push('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    out.push(`| ${r.n} | ${VARIANTS[r.variant]} | ${r.objects} | ${fixed(r.yamlKiB)} | **${fixed(r.wallMs)}** | ${fixed(r.wallMinMs)}–${fixed(r.wallMaxMs)} | ${fixed(r.cpuMs)} | ${fixed(r.loadMs)} | ${fixed(r.buildMs)} | ${fixed(r.synthMs)} | ${fixed(r.peakRssMiB)} | ${r.loadAverage.toFixed(1)} |`);
  }
  out.push('');

  const row = (v: string, n: number) => rows.find((r) => r.variant === v && r.n === n)!;
  const pairs: [string, string][] = [['ours', 'l1'], ['ours', 'plus'], ['l1', 'plain'], ['ours', 'l1-wrapped']]
    .filter(([x, y]) => options.variants.includes(x) && options.variants.includes(y)) as [string, string][];
  if (pairs.length > 0) {
    out.push('Ratios of median wall time; in brackets, of median CPU time:', '');
    out.push(`| N | ${pairs.map(([x, y]) => `(${LETTER[x]})/(${LETTER[y]})`).join(' | ')} | peak RSS ${pairs.map(([x, y]) => `(${LETTER[x]})/(${LETTER[y]})`).join(', ')} |`);
    out.push(`|---:|${pairs.map(() => '---:').join('|')}|---:|`);
    for (const n of options.sizes) {
      const cells = pairs.map(([x, y]) => `${ratio(row(x, n).wallMs, row(y, n).wallMs)} (${ratio(row(x, n).cpuMs, row(y, n).cpuMs)})`);
      const rss = pairs.map(([x, y]) => ratio(row(x, n).peakRssMiB, row(y, n).peakRssMiB)).join(', ');
      out.push(`| ${n} | ${cells.join(' | ')} | ${rss} |`);
    }
    out.push('');
  }

  if (options.sizes.length >= 2) {
    const steps = options.sizes.slice(1).map((n, i) => [options.sizes[i], n]);
    const many = steps.length >= 2;
    // What last / first would be for a cost of N log N or N², for these sizes.
    const slopeOf = (f: (n: number) => number, [a, b]: number[]) => (f(b) - f(a)) / (b - a);
    const shape = (f: (n: number) => number) => ratio(slopeOf(f, steps[steps.length - 1]), slopeOf(f, steps[0]));
    out.push(`Growth: marginal time per tier between consecutive sizes, wall (CPU in brackets). Constant when the cost is linear in N${many ? `; last / first would be ${shape((n) => n * Math.log(n))} for N log N and ${shape((n) => n * n)} for N²` : ''}.`, '');
    out.push(`| variant | ${steps.map(([a, b]) => `ms/tier ${a}→${b}`).join(' | ')}${many ? ' | last / first |' : ' |'}`);
    out.push(`|---|${steps.map(() => '---:').join('|')}|${many ? '---:|' : ''}`);
    for (const v of options.variants) {
      const slopes = steps.map(([a, b]) => (row(v, b).wallMs - row(v, a).wallMs) / (b - a));
      const cpuSlopes = steps.map(([a, b]) => (row(v, b).cpuMs - row(v, a).cpuMs) / (b - a));
      const cells = slopes.map((x, i) => `${x.toFixed(3)} (${cpuSlopes[i].toFixed(3)})`);
      const last = many ? ` ${ratio(slopes[slopes.length - 1], slopes[0])} (${ratio(cpuSlopes[cpuSlopes.length - 1], cpuSlopes[0])}) |` : '';
      out.push(`| ${VARIANTS[v]} | ${cells.join(' | ')} |${last}`);
    }
    out.push('');
  }
  return rows;
}

/**
 * Issue #8's growth target for one layout (the cost of (a) per tier does not grow faster than N log N),
 * judged on median wall time; the ratio targets are in the table at the end of the output.
 */
function growthTarget(rows: SynthRow[], layout: Layout): string[] {
  const sizes = [...new Set(rows.map((r) => r.n))].sort((a, b) => a - b);
  const wall = (v: string, n: number) => rows.find((r) => r.variant === v && r.n === n)?.wallMs;
  if (!rows.some((r) => r.variant === 'ours') || sizes.length < 3) return [];
  const step = (a: number, b: number) => (wall('ours', b)! - wall('ours', a)!) / (b - a);
  const [a, b, c] = sizes.slice(-3);
  const growth = step(b, c) / step(a, b);
  const nLogN = ((c * Math.log(c) - b * Math.log(b)) / (c - b)) / ((b * Math.log(b) - a * Math.log(a)) / (b - a));
  const patched = cdk8sOnce ? ', cdk8s patched: not the targets\' conditions' : '';
  return [
    `Growth of (a) (${layout === 'single' ? 'one chart' : 'one chart per namespace'}, median wall time${patched}): marginal cost per tier ${a}→${b} vs ${b}→${c} grew ${growth.toFixed(2)}× (linear: 1; N log N would be ${nLogN.toFixed(2)}×): ${growth <= nLogN ? 'met' : '**missed**'}`,
    '',
  ];
}

function checkEquivalence(options: Options, layout: Layout, out: string[]): any[] {
  const results: any[] = [];
  const variants = options.variants;
  out.push(`## Do the variants allow the same flows? (${layout === 'single' ? 'one chart' : 'one chart per namespace'})`, '');
  out.push('Each variant\'s YAML read back with one Pod per tier (containerPort 8080) and one kube-dns Pod, judged by `Reachability.fromManifests`: the full matrix on TCP 8080 and on UDP 53, and `flows()` (every allowed pair with all its ports), compared with the graph and between variants.', '');
  const referenceName = variants.includes('l1') ? 'l1' : variants[0];
  out.push(`| N | variant | NetworkPolicies | pairs TCP 8080 | pairs UDP 53 | flows | vs graph | vs (${LETTER[referenceName]}) | analysis ms |`);
  out.push('|---:|---|---:|---:|---:|---:|---|---|---:|');
  for (const n of options.checkSizes) {
    const graph = meshGraph(n, options.seed);
    const missing = variants.filter((v) => !written.has(outdirOf(v, n, layout)));
    for (const v of missing) synthOnce(v, n, layout, options.seed);
    const want = expected(graph);
    const verdicts = new Map<string, Verdict>(variants.map((v) => [v, judge(v, outdirOf(v, n, layout), graph)]));
    const reference = verdicts.get(referenceName)!;
    for (const v of variants) {
      const verdict = verdicts.get(v)!;
      const vsGraph = [difference(verdict.tcp8080, want.tcp8080, v, 'graph'), difference(verdict.udp53, want.udp53, v, 'graph')];
      const vsReference = difference(verdict.flows, reference.flows, v, reference.variant);
      const describe = (ds: ReturnType<typeof difference>[]) => {
        const count = ds.reduce((sum, d) => sum + d.onlyLeft + d.onlyRight, 0);
        return count === 0 ? 'same' : `**${count} differ**: ${ds.flatMap((d) => d.examples).join('; ')}`;
      };
      out.push(`| ${n} | ${VARIANTS[v]} | ${verdict.policies} | ${verdict.tcp8080.size} | ${verdict.udp53.size} | ${verdict.flows.size} | ${describe(vsGraph)} | ${v === reference.variant ? '—' : describe([vsReference])} | ${verdict.ms} |`);
      results.push({
        n,
        layout,
        variant: v,
        policies: verdict.policies,
        tcp8080: verdict.tcp8080.size,
        udp53: verdict.udp53.size,
        flows: verdict.flows.size,
        vsGraph,
        vsReference,
        ms: verdict.ms,
      });
    }
  }
  out.push('');
  return results;
}

/**
 * The analyzer benchmark is bench/analyzer.ts (owned with the analyzer); it runs one size per process
 * when given `pods/policies` and prints one line per size, which is parsed here.
 */
function benchAnalyzer(options: Options, out: string[]): any[] {
  const script = compiled('bench/analyzer.ts');
  out.push('## Analyzer: full matrix', '');
  if (!fs.existsSync(script)) {
    out.push('bench/analyzer.ts is missing; skipped.', '');
    return [];
  }
  const rows: any[] = [];
  const number = (line: string, pattern: RegExp) => {
    const m = line.match(pattern);
    return m ? Number(m[1]) : NaN;
  };
  for (const size of options.analyzer) {
    const [pods, policies] = size.split('/').map(Number);
    const samples: any[] = [];
    for (let r = 0; r < options.analyzerRuns; r++) {
      const result = runNode(script, [size]);
      const line = result.stdout.trim().split('\n').pop() ?? '';
      samples.push({
        wallMs: result.wallMs,
        buildMs: number(line, /build\s+(\d+) ms/),
        matrixMs: number(line, /matrix TCP 8080\s+(\d+) ms/),
        allowedPct: number(line, /TCP 8080\s+\d+ ms \(([\d.]+)% allowed\)/),
        namedMs: number(line, /matrix named \w+\s+(\d+) ms/),
        flowsMs: number(line, /flows\s+(\d+) ms/),
        flowPairs: number(line, /flows\s+\d+ ms \((\d+) pairs\)/),
        peakRssMiB: number(line, /peak rss (\d+) MB/),
        line,
      });
      process.stderr.write(`  analyzer ${size} run ${r + 1}/${options.analyzerRuns}: ${fixed(result.wallMs)} ms\n`);
    }
    const m = (key: string) => median(samples.map((s) => s[key]));
    rows.push({
      pods,
      policies,
      wallMs: m('wallMs'),
      buildMs: m('buildMs'),
      matrixMs: m('matrixMs'),
      namedMs: m('namedMs'),
      flowsMs: m('flowsMs'),
      flowPairs: m('flowPairs'),
      allowedPct: m('allowedPct'),
      peakRssMiB: m('peakRssMiB'),
      line: samples[0].line,
    });
  }
  out.push(`Median of ${options.analyzerRuns} processes per size. build = \`Reachability.fromManifests\` (read, compile, index); matrix = \`matrix(Port.tcp(8080))\` over every ordered pair of pods; named = \`matrix(Port.named('grpc'))\`; flows() = every allowed pair with all its ports (bench/analyzer.ts times it up to 2,000 pods); wall = the whole process, cluster generation included.`, '');
  out.push('| pods | policies | build ms | matrix TCP 8080 ms | allowed | matrix named ms | flows() ms (pairs) | wall ms | peak RSS MiB |');
  out.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const flows = Number.isNaN(r.flowsMs) ? 'not timed' : `${r.flowsMs} (${r.flowPairs})`;
    out.push(`| ${r.pods} | ${r.policies} | ${r.buildMs} | **${r.matrixMs}** | ${r.allowedPct}% | ${r.namedMs} | ${flows} | ${fixed(r.wallMs)} | ${r.peakRssMiB} |`);
  }
  out.push('');
  return rows;
}

/**
 * Profiles (a) at the largest N under --cpu-prof, and (b) as well when it runs: hot functions and self
 * time by package of (a), and where the time goes by job for both side by side.
 */
function profileSynthesis(options: Options, layout: Layout, out: string[]): void {
  const n = Math.max(...options.sizes);
  const profiled = ['ours', 'l1'].filter((v) => options.variants.includes(v));
  const files = new Map<string, string>();
  const runs = new Map<string, SynthRun>();
  for (const v of profiled) {
    const dir = path.join(OUT, 'prof', `${layout}-${v}`);
    fs.rmSync(dir, { recursive: true, force: true });
    runs.set(v, synthOnce(v, n, layout, options.seed, ['--cpu-prof', `--cpu-prof-dir=${dir}`]));
    files.set(v, path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!));
  }
  out.push(`## Profiles at N = ${n}, ${layout === 'single' ? 'one chart' : 'one chart per namespace'}`, '');
  out.push(`One run of each under \`--cpu-prof\` (${profiled.map((v) => `(${LETTER[v]}): ${fixed(runs.get(v)!.wallMs)} ms wall, build ${fixed(runs.get(v)!.buildMs)} ms, synth ${fixed(runs.get(v)!.synthMs)} ms, \`${path.relative(ROOT, files.get(v)!)}\``).join('; ')}). Sampled time by job:`, '');
  out.push(...jobTable(profiled.map((v) => ({ name: `(${LETTER[v]})`, file: files.get(v)! }))), '');
  if (files.has('ours')) {
    out.push('Self time of (a) by function:', '');
    out.push('| self ms | share | function |', '|---:|---:|---|', ...hotFunctions(files.get('ours')!), '');
    out.push('Self time of (a) by package (src = this library):', '');
    out.push('| self ms | share | package |', '|---:|---:|---|', ...selfByPackage(files.get('ours')!), '');
  }
}

/** The commit measured, and the files under src/ and bench/ that differ from it (they are measured too). */
function sources(): string {
  const git = (args: string[]) => {
    const r = spawnSync('git', ['--no-optional-locks', ...args], { cwd: ROOT, encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trimEnd() : undefined;
  };
  const commit = git(['rev-parse', '--short', 'HEAD']);
  if (commit === undefined) return 'unknown (not a git checkout)';
  const changed = (git(['status', '--porcelain', '--', 'src', 'bench']) ?? '').split('\n').filter((l) => l.length > 0)
    .map((l) => l.slice(3));
  return changed.length === 0 ? commit : `${commit}, with uncommitted changes in ${changed.join(', ')}`;
}

function machine(): string[] {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return [
    `- Date: ${new Date().toISOString().slice(0, 10)}`,
    `- Machine: ${os.cpus().length} × ${cpu}, ${fixed(os.totalmem() / 2 ** 30, 1)} GiB RAM, ${os.type()} ${os.release()}`,
    `- Node.js ${process.version}`,
    `- Sources: ${sources()}`,
  ];
}

function main(): void {
  const options = parseOptions(process.argv.slice(2));
  cdk8sOnce = options.cdk8sOnce;
  fs.mkdirSync(OUT, { recursive: true });
  const t = transpileAll();
  process.stderr.write(`transpiled ${t.transpiled} of ${t.files} files in ${t.ms} ms into ${path.relative(ROOT, JS_OUT)}\n`);

  const out: string[] = ['# Benchmark results', '', ...machine()];
  if (options.cdk8sOnce) out.push('- Diagnostic run (--cdk8s-once): cdk8s `App._synthChart` patched in every worker to skip the app-wide validation and dependency resolution that `App.synth()` has already done; not what users run.');
  const graphs = options.sizes.map((n) => meshGraph(n, options.seed));
  out.push(`- Mesh: ${graphs.map((g) => `N=${g.tiers.length}: ${g.namespaces.length} namespaces, ${g.tiers.length * 3} edges (${crossNamespaceEdges(g)} across namespaces)`).join('; ')}; seed ${options.seed}`, '');

  const results: any = { options, machine: machine() };
  const verdicts: TargetVerdict[] = [];
  if (options.sizes.length > 0 && options.variants.length > 0) {
    results.synthesis = [];
    results.equivalence = [];
    for (const layout of options.layouts) {
      const rows = benchSynthesis(options, layout, out);
      results.synthesis.push(...rows);
      verdicts.push(...synthesisVerdicts(rows, layout, options.cdk8sOnce));
      out.push(...growthTarget(rows, layout));
      if (options.checkSizes.length > 0) results.equivalence.push(...checkEquivalence(options, layout, out));
      if (options.profile) profileSynthesis(options, layout, out);
    }
  }
  if (options.analyzer.length > 0) {
    const load = os.loadavg()[0];
    results.analyzer = benchAnalyzer(options, out);
    verdicts.push(...analyzerVerdicts(results.analyzer, (load + os.loadavg()[0]) / 2));
  }
  results.targets = verdicts;
  if (verdicts.length > 0) {
    out.push('## Targets', '');
    out.push('Each target of issues #8 and #25 this run measured, judged on medians (a ratio of (a) to another variant, or of a time or size to its limit). Numbers from a loaded machine (load average above 2 on 2 cores) are not the targets\' conditions.', '');
    out.push(...verdictTable(verdicts), '');
    out.push(`Rerun: \`npm run bench --${process.argv.slice(2).map((a) => ` ${a}`).join('')}\``, '');
  }

  const text = out.join('\n');
  fs.writeFileSync(path.join(OUT, 'results.md'), text + '\n');
  fs.writeFileSync(path.join(OUT, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(text + '\n');
  process.stderr.write(`wrote ${path.relative(ROOT, path.join(OUT, 'results.md'))} and results.json\n`);
  const missed = verdicts.filter((v) => v.met === false);
  if (options.failOnMiss && missed.length > 0) {
    process.stderr.write(`missed: ${missed.map((v) => v.target).join('; ')}\n`);
    process.exitCode = 1;
  }
}

main();
