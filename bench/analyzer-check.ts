/*
 * Checks the analyzer's matrices on the benchmark's synthetic clusters against the naive evaluator of
 * bench/naive-evaluator.ts (written from the raw JSON, no code of src/ shared), and against
 * `Reachability.isAllowed` (the per-connection path):
 *
 *   npx ts-node --transpile-only bench/analyzer-check.ts [pods/policies[/clusterPolicies] ...] \
 *     [--samples K] [--addressed 0.1]
 *
 * For each size and each of TCP 8080 and the named port grpc: K random ordered pairs, K pairs of
 * distinct pods with the same namespace and labels (they share an equivalence class), and K pods to
 * themselves; with at most 400 pods every ordered pair, and `allowedCount` against the naive count.
 * `--addressed` makes that share of the pods Pods with an IP, so ipBlock peers select some of them.
 * Prints one line per size and port and exits 1 on any disagreement.
 */
import { generate, Random } from './cluster-generator';
import { NaiveCluster } from './naive-evaluator';
import { Reachability } from '../src/analysis';
import { Port } from '../src/core/port';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
}

function check(size: string, samples: number, addressed: number): number {
  const [pods, policies, clusterPolicies] = size.split('/').map(Number);
  const objects = generate(pods, policies, clusterPolicies ?? 0, 42, addressed);
  const naive = new NaiveCluster(objects);
  const reach = Reachability.fromManifests(objects);
  const ids = naive.pods.map(p => p.id);
  if (ids.join('\n') !== reach.pods.join('\n')) throw new Error('the analyzer and the naive evaluator model different pods');
  const random = new Random(7);
  const n = ids.length;
  const sameClass = new Map<string, number[]>();
  naive.pods.forEach((p, i) => {
    const key = JSON.stringify([p.namespace, p.labels, p.ip]);
    sameClass.set(key, [...sameClass.get(key) ?? [], i]);
  });
  const groups = [...sameClass.values()].filter(g => g.length > 1);
  let disagreements = 0;
  for (const [port, query] of [[8080, Port.tcp(8080)], ['grpc', Port.named('grpc')]] as const) {
    const matrix = reach.matrix(query);
    const pairs: [number, number][] = [];
    if (n <= 400) {
      for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) pairs.push([a, b]);
    } else {
      for (let k = 0; k < samples; k++) {
        pairs.push([random.int(n), random.int(n)]);
        const self = random.int(n);
        pairs.push([self, self]);
        if (groups.length > 0) {
          const group = random.pick(groups);
          const a = random.int(group.length);
          const b = (a + 1 + random.int(group.length - 1)) % group.length;
          pairs.push([group[a], group[b]]);
        }
      }
    }
    let allowed = 0;
    let wrong = 0;
    const examples: string[] = [];
    for (const [a, b] of pairs) {
      const expected = naive.allowed(naive.pods[a], naive.pods[b], port);
      if (expected) allowed++;
      const fromMatrix = matrix.isAllowed(ids[a], ids[b]);
      const [namespace, pod] = ids[b].split('/');
      const [fromNamespace, fromPod] = ids[a].split('/');
      const fromExplain = reach.isAllowed({ namespace: fromNamespace, pod: fromPod }, { namespace, pod }, query);
      if (fromMatrix !== expected || fromExplain !== expected) {
        wrong++;
        if (examples.length < 5) examples.push(`${ids[a]} -> ${ids[b]}: naive ${expected}, matrix ${fromMatrix}, isAllowed ${fromExplain}`);
      }
    }
    const counted = n <= 400 ? ` | allowedCount ${matrix.allowedCount} vs naive ${allowed}${matrix.allowedCount === allowed ? '' : ' MISMATCH'}` : '';
    if (n <= 400 && matrix.allowedCount !== allowed) wrong++;
    console.log(`${size} addressed ${addressed} ${String(port).padEnd(5)} | ${pairs.length} pairs checked, ${allowed} allowed | ${wrong} disagreements${counted}`);
    examples.forEach(e => console.log(`  ${e}`));
    disagreements += wrong;
  }
  return disagreements;
}

const sizes = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
const samples = option('samples', 2000);
const addressed = option('addressed', 0);
let total = 0;
for (const size of sizes.length > 0 ? sizes : ['300/150/30', '2000/1000', '2000/1000/200']) total += check(size, samples, addressed);
console.log(total === 0 ? 'OK: 0 disagreements' : `FAILED: ${total} disagreements`);
process.exitCode = total === 0 ? 0 : 1;
