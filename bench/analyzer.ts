/*
 * Benchmark of the reachability analyzer on synthetic clusters.
 *
 *   npx ts-node --transpile-only bench/analyzer.ts [pods/policies[/clusterPolicies] ...]
 *
 * Each size builds a deterministic pseudo-random cluster (20 namespaces, workloads with labels and named
 * container ports, NetworkPolicies mixing default-deny, pod/namespace/AND peers, matchExpressions, named
 * ports, ranges and ipBlocks; with a third number, that many ClusterNetworkPolicies in the Admin and
 * Baseline tiers with namespace, pod and network peers and Accept/Deny/Pass), then times the model build, full matrices on one numeric and one named
 * port, and flows() (every allowed pair with all its ports). Without arguments every default size runs in its own process, so that each peak RSS (getrusage
 * maxRSS, which includes the Node.js runtime and ts-node) belongs to one size only.
 */
import { spawnSync } from 'child_process';
import { cpus } from 'os';
import { generate } from './cluster-generator';
import { Reachability } from '../src/analysis';
import { Port } from '../src/core/port';

function time<T>(work: () => T): [T, number] {
  const start = process.hrtime.bigint();
  const result = work();
  return [result, Number(process.hrtime.bigint() - start) / 1e6];
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

function run(podCount: number, policyCount: number, clusterPolicyCount: number): void {
  const manifests = generate(podCount, policyCount, clusterPolicyCount);
  const before = process.memoryUsage().rss;
  const [r, build] = time(() => Reachability.fromManifests(manifests));
  const [numeric, numericMs] = time(() => r.matrix(Port.tcp(8080)));
  const [named, namedMs] = time(() => r.matrix(Port.named('grpc')));
  // flows() materializes one object per allowed pair (millions at 4000 pods), so it is timed up to 2000.
  const [flows, flowsMs] = podCount <= 2000 ? time(() => r.flows()) : [undefined, 0];
  const cells = podCount * podCount;
  console.log([
    `${String(podCount).padStart(5)} pods ${String(policyCount).padStart(5)} policies${clusterPolicyCount > 0 ? ` ${clusterPolicyCount} cluster policies` : ''}`,
    `build ${build.toFixed(0).padStart(5)} ms`,
    `matrix TCP 8080 ${numericMs.toFixed(0).padStart(5)} ms (${(100 * numeric.allowedCount / cells).toFixed(1)}% allowed)`,
    `matrix named grpc ${namedMs.toFixed(0).padStart(5)} ms (${(100 * named.allowedCount / cells).toFixed(1)}% allowed)`,
    flows ? `flows ${flowsMs.toFixed(0).padStart(5)} ms (${flows.length} pairs)` : 'flows not timed',
    `rss ${mb(before)} before model, ${mb(process.memoryUsage().rss)} after`,
    `peak rss ${mb(process.resourceUsage().maxRSS * 1024)}`,
  ].join(' | '));
}

const DEFAULT_SIZES = ['500/250', '1000/500', '2000/1000', '4000/2000'];
const sizes = process.argv.slice(2);
if (sizes.length === 0) {
  console.log(`node ${process.version}, ${cpus().length} CPUs`);
  for (const size of DEFAULT_SIZES) {
    spawnSync('npx', ['ts-node', '--transpile-only', __filename, size], { stdio: 'inherit' });
  }
} else {
  for (const size of sizes) {
    const [pods, policies, clusterPolicies] = size.split('/').map(Number);
    run(pods, policies, clusterPolicies ?? 0);
  }
}
