/*
 * Issue 21 item 7: random apps combining every construct (tiers across namespaces, NamespaceIsolation,
 * sidecar and ambient mesh, every gateway implementation, SecureIngress through an Ingress controller
 * and through a Gateway, RestrictedEgress with each enforcement, DNS variants, ClusterIsolation), built
 * through the public API and judged by an evaluator written for this test (./evaluator.ts, which shares
 * nothing with src/analysis): every declared and platform flow is allowed, nothing else is. Under
 * ClusterIsolation only kube-system is exempt; an app running a platform component the library documents
 * it cannot write in a guarded namespace must be refused at synth, naming the namespace and the fix, and
 * the app with that fix applied is then checked like any other.
 *
 * COMPOSITION_RUNS sets the number of apps (default 200, about 25 s on a shared 2-core machine); every app is checked
 * as generated (no known-bug rewrites remain); the counts are printed and go to test-reports/composition.txt.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { AppSpec, appSpec, build } from './app-spec';
import { Evaluator } from './evaluator';
import { expectL4, expectL7, intentOf, refusalsOf } from './intent';

const RUNS = Number(process.env.COMPOSITION_RUNS ?? 200);
// Every port an actor serves or a flow names, and one nobody does (6000).
const TCP_PORTS = [8080, 9090, 5432, 53, 5353, 443, 80, 22, 8089, 8443, 6000, 6443, 10080, 10443, 10250, 15008, 15010, 15012, 15017, 18000];
const UDP_PORTS = [53, 5353];

const counts = { apps: 0, refused: 0, checks: 0, l4: 0, l7: 0 };

/** Builds the app; when the documentation promises a refusal, checks it and returns the app with its fix applied. */
function synthesize(generated: AppSpec): { spec: AppSpec; objects: any[] } {
  const refusals = refusalsOf(generated);
  if (refusals.length === 0) return { spec: generated, objects: build(generated) };
  let message: string | undefined;
  try {
    build(generated);
  } catch (e) {
    message = (e as Error).message;
  }
  if (message === undefined) {
    throw new Error(`synth should refuse ${refusals.map((r) => `${r.component} in ${r.namespace}`).join(', ')} for ${JSON.stringify(generated)}`);
  }
  for (const r of refusals) {
    if (!message.includes(`namespace ${r.namespace}`) || !message.includes(r.fix)) {
      throw new Error(`the refusal should name namespace ${r.namespace} and the fix ${r.fix}; got:\n${message}`);
    }
  }
  counts.refused++;
  const spec = { ...generated, exempt: [...generated.exempt, ...refusals.map((r) => r.namespace)] };
  return { spec, objects: build(spec) };
}

function check(generated: AppSpec): void {
  const { spec, objects } = synthesize(generated);
  const evaluator = new Evaluator(objects);
  const intent = intentOf(spec);
  const problems: string[] = [];
  for (const src of intent.actors) {
    for (const dst of intent.actors) {
      if (!('pod' in src.endpoint) && !('pod' in dst.endpoint)) continue;
      if ('entity' in dst.endpoint) continue; // Cilium's ingress identity only ever calls in
      for (const [protocol, ports] of [['TCP', TCP_PORTS], ['UDP', UDP_PORTS]] as const) {
        for (const port of ports) {
          const q = { source: src.endpoint, destination: dst.endpoint, protocol, port };
          const want = expectL4(intent, src, dst, protocol, port);
          const got = evaluator.l4(q);
          counts.l4++;
          if (got !== want.allowed) problems.push(`L4 ${src.key} -> ${dst.key} ${protocol} ${port}: got ${got}, expected ${want.allowed}${want.why ? ` (${want.why})` : ''}`);
          if (protocol === 'TCP' && 'pod' in dst.endpoint && (dst.endpoint.pod.mesh ?? 'none') !== 'none') {
            const l7 = evaluator.l7(q);
            counts.l7++;
            const wantL7 = expectL7(intent, src, dst, protocol, port);
            if (l7 !== wantL7) problems.push(`L7 ${src.key} -> ${dst.key} TCP ${port}: got ${l7}, expected ${wantL7}`);
          }
        }
      }
    }
  }
  counts.checks = counts.l4 + counts.l7;
  if (problems.length > 0) {
    throw new Error(`${problems.length} wrong verdicts for ${JSON.stringify(spec)}:\n${problems.slice(0, 25).join('\n')}`);
  }
}

describe('composition: every declared and platform flow is allowed, nothing else', () => {
  afterAll(() => {
    const dir = path.join(__dirname, '..', '..', 'test-reports');
    fs.mkdirSync(dir, { recursive: true });
    const report = `apps=${counts.apps} refused then fixed=${counts.refused} checks=${counts.checks} (l4=${counts.l4} l7=${counts.l7}) runs=${RUNS}\n`;
    fs.writeFileSync(path.join(dir, 'composition.txt'), report);
    // eslint-disable-next-line no-console
    console.log(`composition: ${report}`);
  });

  test('random apps over the public API, judged by the independent evaluator', () => {
    fc.assert(fc.property(appSpec, (generated) => {
      counts.apps++;
      check(generated);
    }), { numRuns: RUNS });
  });
});
