/*
 * The library's central guarantee, checked on random programs: the synthesized NetworkPolicies allow
 * exactly the declared flows plus DNS, never more. Programs are built through the public constructs and
 * judged by the analyzer, which reads only the emitted manifests.
 */
import { ApiObject, Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { IsolatedTier, MeshInjection, MeshMtls, NamespaceIsolation, Peer, Port } from '../src';
import { istioAllows } from './istio-rules';
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

/*
 * The same random programs inside the mesh: one MeshMtls per namespace, sidecars or ambient. L4 (the
 * NetworkPolicies, judged by the analyzer) and L7 (the AuthorizationPolicies, judged by the Istio rule
 * evaluator) must each admit exactly the declared callers; under ambient the HBONE port 15008 opens only
 * between the two sides of a declared flow.
 */
describe('inside the mesh, each layer admits exactly the declared callers', () => {
  const meshProgram = fc.record({ program, ambient: fc.boolean() });

  function buildMeshed(p: Program, ambient: boolean): { objects: any[]; reach: Reachability } {
    const app = Testing.app();
    const chart = new Chart(app, 'prop');
    p.baselines.forEach((on, i) => { if (on) new NamespaceIsolation(chart, `base-${NAMESPACES[i]}`, { namespace: NAMESPACES[i] }); });
    const tiers = p.tiers.map((t, i) => new IsolatedTier(chart, `t${i}`, {
      podLabels: { app: `t${i}` },
      namespace: NAMESPACES[t.namespace],
      ports: [Port.tcp(t.port)],
      serviceAccountName: `t${i}`,
      isolateIngress: t.isolateIngress,
      isolateEgress: t.isolateEgress,
    }));
    for (const f of p.flows) tiers[f.to].allowFrom(tiers[f.from], f.allPorts ? Port.allTraffic() : Port.tcp(p.tiers[f.to].port));
    for (const ns of NAMESPACES) {
      new MeshMtls(chart, `mesh-${ns}`, { namespace: ns, injection: ambient ? MeshInjection.ambient() : MeshInjection.sidecar() });
    }
    const objects = validateAll(Testing.synth(chart));
    return { objects, reach: Reachability.fromChart(chart) };
  }

  const open = (p: Program, i: number, ingress: boolean) =>
    !(ingress ? p.tiers[i].isolateIngress : p.tiers[i].isolateEgress) && !p.baselines[p.tiers[i].namespace];
  const anyFlow = (p: Program, from: number, to: number) => p.flows.some((f) => f.from === from && f.to === to);

  test('random tier graphs under sidecar and ambient MeshMtls', () => {
    fc.assert(fc.property(meshProgram, ({ program: p, ambient }) => {
      const { objects, reach } = buildMeshed(p, ambient);
      for (let from = 0; from < p.tiers.length; from++) {
        for (let to = 0; to < p.tiers.length; to++) {
          if (from === to) continue;
          for (const port of [...PORTS, 6000]) {
            const l4 = reach.isAllowed(endpoint(p, from), endpoint(p, to), Port.tcp(port));
            if (l4 !== expected(p, from, to, port)) throw new Error(`L4 t${from} -> t${to} TCP ${port} (${ambient ? 'ambient' : 'sidecar'}): ${l4}`);
            const l7 = istioAllows(objects, {
              principal: `cluster.local/ns/${NAMESPACES[p.tiers[from].namespace]}/sa/t${from}`,
              namespace: NAMESPACES[p.tiers[to].namespace],
              podLabels: { app: `t${to}` },
              port,
            });
            // Mesh authorization has no "open side": a tier that receives no declared flow accepts nobody.
            if (l7 !== declared(p, from, to, port)) throw new Error(`L7 t${from} -> t${to} TCP ${port} (${ambient ? 'ambient' : 'sidecar'}): ${l7}`);
          }
          const hbone = reach.isAllowed(endpoint(p, from), endpoint(p, to), Port.tcp(15008));
          const expectedHbone = ambient
            ? (anyFlow(p, from, to) || open(p, from, false)) && (anyFlow(p, from, to) || open(p, to, true))
            : expected(p, from, to, 15008);
          if (hbone !== expectedHbone) throw new Error(`HBONE t${from} -> t${to} (${ambient ? 'ambient' : 'sidecar'}): ${hbone}`);
        }
      }
    }), { numRuns: 40 });
  });
});

/*
 * Random label sets in one namespace: tiers whose labels are equal, or one's a subset of the other's,
 * are refused with both names; otherwise every tier keeps exactly its own flows.
 */
describe('overlapping selectors', () => {
  const labels = fc.dictionary(fc.constantFrom('app', 'tier', 'track'), fc.constantFrom('a', 'b'), { minKeys: 1, maxKeys: 3 });
  const overlapProgram = fc.record({
    sets: fc.array(labels, { minLength: 2, maxLength: 5 }),
    flows: fc.array(fc.record({ from: fc.nat(4), to: fc.nat(4) }), { maxLength: 6 }),
  });
  const includes = (inner: { [k: string]: string }, outer: { [k: string]: string }) => Object.entries(outer).every(([k, v]) => inner[k] === v);

  test('are refused exactly when one tier\'s pods are all pods of another; otherwise flows stay exact', () => {
    fc.assert(fc.property(overlapProgram, ({ sets, flows }) => {
      const chart = new Chart(Testing.app(), 'prop', { namespace: 'shop' });
      const tiers = sets.map((podLabels, i) => new IsolatedTier(chart, `t${i}`, { podLabels, ports: [Port.tcp(8080)] }));
      const usable = flows.filter((f) => f.from < tiers.length && f.to < tiers.length && f.from !== f.to);
      for (const f of usable) tiers[f.to].allowFrom(tiers[f.from]);
      const overlapping = sets.some((a, i) => sets.some((b, j) => i !== j && includes(a, b)));
      if (overlapping) {
        expect(() => Testing.synth(chart)).toThrow(/select the same pods|is also a pod of/);
        return;
      }
      const objects = validateAll(Testing.synth(chart));
      for (const f of usable) {
        const ingress = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === `t${f.to}`).spec.ingress;
        const same = (a: { [k: string]: string } = {}, b: { [k: string]: string }) =>
          Object.keys(a).length === Object.keys(b).length && includes(a, b);
        expect(ingress.some((rule: any) => rule.from.some((peer: any) => same(peer.podSelector?.matchLabels, sets[f.from])))).toBe(true);
      }
    }), { numRuns: 200 });
  });
});
