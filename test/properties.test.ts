/*
 * The library's central guarantee, checked on random programs: the synthesized NetworkPolicies allow
 * exactly the declared flows plus DNS, never more. Programs are built through the public constructs and
 * judged by the analyzer, which reads only the emitted manifests.
 */
import { ApiObject, Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { IsolatedTier, NamespaceIsolation, Peer, Port } from '../src';
import { validateAll } from './util';
import { Reachability } from '../src/analysis';

const NAMESPACES = ['alpha', 'beta', 'gamma'];
const PORTS = [8080, 9090, 5432];

interface TierSpec { namespace: number; port: number; isolateIngress: boolean; isolateEgress: boolean }
interface FlowSpec { from: number; to: number; allPorts: boolean }
interface Program { tiers: TierSpec[]; flows: FlowSpec[]; baselines: boolean[]; external: number[] }

const tierSpec = fc.record({
  namespace: fc.nat(NAMESPACES.length - 1),
  port: fc.constantFrom(...PORTS),
  isolation: fc.constantFrom([true, true], [true, true], [false, true], [true, false]),
}).map(({ namespace, port, isolation }) => ({ namespace, port, isolateIngress: isolation[0], isolateEgress: isolation[1] }));

const program: fc.Arbitrary<Program> = fc.array(tierSpec, { minLength: 2, maxLength: 7 }).chain((tiers) => fc.record({
  tiers: fc.constant(tiers),
  flows: fc.array(fc.record({ from: fc.nat(tiers.length - 1), to: fc.nat(tiers.length - 1), allPorts: fc.boolean() }), { maxLength: 12 }),
  baselines: fc.array(fc.boolean(), { minLength: NAMESPACES.length, maxLength: NAMESPACES.length }),
  // tiers that may reach 203.0.113.0/24 on TCP 443
  external: fc.uniqueArray(fc.nat(tiers.length - 1), { maxLength: 3 }),
}));

function build(p: Program): { chart: Chart; reach: Reachability } {
  const chart = new Chart(Testing.app(), 'prop');
  p.baselines.forEach((on, i) => { if (on) new NamespaceIsolation(chart, `base-${NAMESPACES[i]}`, { namespace: NAMESPACES[i] }); });
  const tiers = p.tiers.map((t, i) => new IsolatedTier(chart, `t${i}`, {
    podLabels: { app: `t${i}` },
    namespace: NAMESPACES[t.namespace],
    ports: [Port.tcp(t.port)],
    isolateIngress: t.isolateIngress,
    isolateEgress: t.isolateEgress,
  }));
  for (const f of p.flows) {
    if (f.allPorts) tiers[f.to].allowFrom(tiers[f.from], Port.allTraffic());
    else tiers[f.to].allowFrom(tiers[f.from], Port.tcp(p.tiers[f.to].port));
  }
  for (const i of p.external) tiers[i].allowTo(Peer.ipBlock('203.0.113.0/24'), Port.tcp(443));
  // A DNS server pod, so that the DNS rule is judged like any other flow.
  new ApiObject(chart, 'dns', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
    spec: { containers: [{ name: 'coredns', image: 'coredns', ports: [{ containerPort: 53, protocol: 'UDP' }, { containerPort: 53, protocol: 'TCP' }] }] },
  });
  validateAll(Testing.synth(chart));
  return { chart, reach: Reachability.fromChart(chart) };
}

function declared(p: Program, from: number, to: number, port: number): boolean {
  return p.flows.some((f) => f.from === from && f.to === to && (f.allPorts || p.tiers[to].port === port));
}

/** What the declarations mean: a side that nothing isolates lets everything through. */
function expected(p: Program, from: number, to: number, port: number): boolean {
  const s = p.tiers[from];
  const d = p.tiers[to];
  const egressOpen = !s.isolateEgress && !p.baselines[s.namespace];
  const ingressOpen = !d.isolateIngress && !p.baselines[d.namespace];
  const flow = declared(p, from, to, port);
  return (flow || egressOpen) && (flow || ingressOpen);
}

const endpoint = (p: Program, i: number) => ({ namespace: NAMESPACES[p.tiers[i].namespace], pod: `t${i}` });

describe('synthesized policies allow exactly the declared flows', () => {
  test('between tiers, on every port the tiers serve and one they do not', () => {
    fc.assert(fc.property(program, (p) => {
      const { reach } = build(p);
      for (let from = 0; from < p.tiers.length; from++) {
        for (let to = 0; to < p.tiers.length; to++) {
          if (from === to) continue; // a pod may always reach itself
          for (const port of [...PORTS, 6000]) {
            const got = reach.isAllowed(endpoint(p, from), endpoint(p, to), Port.tcp(port));
            if (got !== expected(p, from, to, port)) {
              throw new Error(`t${from} -> t${to} TCP ${port}: analyzer says ${got}\n${reach.explain(endpoint(p, from), endpoint(p, to), Port.tcp(port)).text}`);
            }
          }
        }
      }
    }), { numRuns: 60 });
  });

  test('DNS stays reachable, outside addresses only as declared, the metadata endpoint never', () => {
    fc.assert(fc.property(program, (p) => {
      const { reach } = build(p);
      const dns = { namespace: 'kube-system', pod: 'coredns' };
      p.tiers.forEach((t, i) => {
        const egressOpen = !t.isolateEgress && !p.baselines[t.namespace];
        expect(reach.isAllowed(endpoint(p, i), dns, Port.udp(53))).toBe(true);
        expect(reach.isAllowed(endpoint(p, i), dns, Port.tcp(53))).toBe(true);
        expect(reach.isAllowed(endpoint(p, i), dns, Port.tcp(80))).toBe(egressOpen);
        expect(reach.isAllowed(endpoint(p, i), { ip: '203.0.113.9' }, Port.tcp(443))).toBe(egressOpen || p.external.includes(i));
        expect(reach.isAllowed(endpoint(p, i), { ip: '203.0.113.9' }, Port.tcp(80))).toBe(egressOpen);
        expect(reach.isAllowed(endpoint(p, i), { ip: '169.254.169.254' }, Port.tcp(80))).toBe(egressOpen);
        expect(reach.isAllowed({ ip: '203.0.113.9' }, endpoint(p, i), Port.tcp(t.port))).toBe(!t.isolateIngress && !p.baselines[t.namespace]);
      });
    }), { numRuns: 60 });
  });

  test('declaring the same flows in another order gives byte-identical output', () => {
    fc.assert(fc.property(program, (p) => {
      const reversed = { ...p, flows: [...p.flows].reverse(), external: [...p.external].reverse() };
      expect(Testing.synth(build(reversed).chart)).toEqual(Testing.synth(build(p).chart));
    }), { numRuns: 30 });
  });
});
