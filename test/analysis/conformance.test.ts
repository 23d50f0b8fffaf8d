import { containerPorts, namespace, policy } from './fixtures';
import { Reachability } from '../../src/analysis';
import { Port, Protocol } from '../../src/core/port';

/*
 * The upstream Kubernetes e2e NetworkPolicy cases (kubernetes/kubernetes, test/e2e/network/netpol/
 * network_policy.go), as truth tables over the upstream model: namespaces x, y, z labelled ns=<name>,
 * each with pods a, b, c labelled pod=<name>, every pod serving ports 80 and 81 on TCP, UDP and SCTP
 * through container ports named serve-<port>-<protocol>. Each case keeps the name of its `It`.
 *
 * Expectations are built the way upstream builds them: a default (allowed) matrix plus exceptions per
 * peer, pod, ingress column or egress row. Upstream now probes a subset of the nine pods per case; here
 * every case runs on all nine, so the exceptions are written for the full model. Cases that change pods,
 * namespaces or policies between probes are a sequence of static states, each checked in full.
 *
 * Loopback: upstream ignores pod-to-itself probes (CNIs differ in practice). The NetworkPolicy
 * documentation says a pod cannot block access to itself, and the analyzer follows it, so the diagonal
 * is expected allowed everywhere.
 */

const NAMESPACES = ['x', 'y', 'z'];
const PODS = ['a', 'b', 'c'];
const ALL = NAMESPACES.flatMap(ns => PODS.map(p => `${ns}/${p}`));
const NAME_LABEL = 'kubernetes.io/metadata.name';

/** A distinct IPv4 address per pod, all in 10.0.0.0/8 (so inside the /4 that upstream derives from a pod IP). */
const ipOf = (id: string) => `10.${NAMESPACES.indexOf(id.split('/')[0]) + 1}.0.${PODS.indexOf(id.split('/')[1]) + 1}`;

const servePorts = containerPorts([80, 81].flatMap(port => ['TCP', 'UDP', 'SCTP'].map(
  protocol => [`serve-${port}-${protocol.toLowerCase()}`, port, protocol] as [string, number, string])));

/** What a state changes in the model, besides its policies. */
interface StateChanges {
  readonly podLabels?: Record<string, Record<string, string>>;
  readonly namespaceLabels?: Record<string, Record<string, string>>;
}

function model(policies: any[], changes: StateChanges = {}): Reachability {
  const namespaces = NAMESPACES.map(ns => namespace(ns, { ns, ...changes.namespaceLabels?.[ns] }));
  const pods = ALL.map(id => {
    const [ns, name] = id.split('/');
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: ns, labels: { pod: name, ...changes.podLabels?.[id] } },
      spec: { containers: [{ name: 'cont', image: 'agnhost', ports: servePorts }] },
      status: { podIP: ipOf(id) },
    };
  });
  return Reachability.fromManifests([...namespaces, ...pods, ...policies]);
}

/** Matches pods by namespace and/or name; empty matches all (upstream's Peer). */
interface PeerSpec { readonly ns?: string; readonly pod?: string }

/** The expected truth table, built like upstream's Reachability. */
class Expectation {
  private readonly cells = new Map<string, boolean>(ALL.flatMap(f => ALL.map(t => [`${f}>${t}`, true] as [string, boolean])));
  public peer(from: PeerSpec, to: PeerSpec, allowed: boolean): this {
    for (const f of ALL.filter(id => matches(from, id))) {
      for (const t of ALL.filter(id => matches(to, id))) this.cells.set(`${f}>${t}`, allowed);
    }
    return this;
  }
  public pair(from: string, to: string, allowed: boolean): this {
    return this.peer(spec(from), spec(to), allowed);
  }
  public allIngress(to: string, allowed: boolean): this {
    return this.peer({}, spec(to), allowed);
  }
  public allEgress(from: string, allowed: boolean): this {
    return this.peer(spec(from), {}, allowed);
  }
  public allowed(from: string, to: string): boolean {
    return from === to || this.cells.get(`${from}>${to}`)!;
  }
}

function matches(peer: PeerSpec, id: string): boolean {
  const [ns, name] = id.split('/');
  return (peer.ns === undefined || peer.ns === ns) && (peer.pod === undefined || peer.pod === name);
}
const spec = (id: string): PeerSpec => ({ ns: id.split('/')[0], pod: id.split('/')[1] });

/** Upstream's truth-table print: `.` allowed, `X` denied. */
function table(allowed: (from: string, to: string) => boolean): string {
  return ['-\t' + ALL.join('\t'), ...ALL.map(f => [f, ...ALL.map(t => (allowed(f, t) ? '.' : 'X'))].join('\t'))].join('\n');
}

interface Probe { readonly port: Port; readonly expect: (e: Expectation) => Expectation }
interface State extends StateChanges { readonly policies: any[]; readonly probes: Probe[] }
interface Case { readonly it: string; readonly states: State[] }

// Policy builders, the counterparts of upstream's GenNetworkPolicyWithNameAndPodSelector + SetSpec*Rules.
const labels = (matchLabels: Record<string, string>) => ({ matchLabels });
const expression = (key: string, operator: string, values?: string[]) => ({ matchExpressions: [{ key, operator, ...(values ? { values } : {}) }] });
const podA = labels({ pod: 'a' });
const inNs = (ns: string) => labels({ [NAME_LABEL]: ns });
const ingressPolicy = (ns: string, name: string, podSelector: any, ...ingress: any[]) =>
  policy(ns, name, { podSelector, policyTypes: ['Ingress'], ingress });
const egressPolicy = (ns: string, name: string, podSelector: any, ...egress: any[]) =>
  policy(ns, name, { podSelector, policyTypes: ['Egress'], egress });
const bothPolicy = (ns: string, name: string, podSelector: any, ingress: any[], egress: any[]) =>
  policy(ns, name, { podSelector, policyTypes: ['Ingress', 'Egress'], ingress, egress });
const port = (p: number | string, protocol?: string) => ({ port: p, ...(protocol ? { protocol } : {}) });
const from = (...peers: any[]) => ({ from: peers });
const to = (...peers: any[]) => ({ to: peers });
const single = (...probes: Probe[]) => (policies: any[]): State[] => [{ policies, probes }];
const probe = (p: Port, expect: (e: Expectation) => Expectation = e => e): Probe => ({ port: p, expect });

const TCP80 = Port.tcp(80);
const TCP81 = Port.tcp(81);

/** The three cases upstream repeats per protocol, for one protocol. */
function perProtocolCases(protocol: Protocol): Case[] {
  const p = protocol as string;
  const on = (n: number) => Port.portRange(protocol, n, n);
  return [
    {
      it: "should support a 'default-deny-ingress' policy",
      states: single(probe(on(80), e => e.peer({}, { ns: 'x' }, false)))([ingressPolicy('x', 'deny-all', {})]),
    },
    {
      it: 'should enforce policy based on Ports',
      states: single(probe(on(81), e => e.peer({ ns: 'x' }, spec('x/a'), false).peer({ ns: 'z' }, spec('x/a'), false)))(
        [ingressPolicy('x', 'allow-ingress-on-port-81-ns-x', podA, { ...from({ namespaceSelector: inNs('y') }), ports: [port(81, p)] })]),
    },
    {
      it: 'should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector',
      states: single(probe(on(80), e => e.allIngress('x/a', false).pair('y/a', 'x/a', true)))(
        [ingressPolicy('x', 'allow-ns-y-pod-a-via-namespace-pod-selector', podA, from({ namespaceSelector: inNs('y'), podSelector: podA }))]),
    },
  ];
}

const largeCidrAroundXb = '0.0.0.0/4';
const exceptXb = egressPolicy('x', 'allow-client-a-via-cidr-egress-rule', podA,
  to({ ipBlock: { cidr: largeCidrAroundXb, except: [`${ipOf('x/b')}/32`] } }));

const TCP_CASES: Case[] = [
  {
    it: "should support a 'default-deny-ingress' policy",
    states: single(probe(TCP80, e => e.peer({}, { ns: 'x' }, false)))([ingressPolicy('x', 'deny-ingress', {})]),
  },
  {
    it: "should support a 'default-deny-all' policy",
    states: single(probe(TCP80, e => e.peer({}, { ns: 'x' }, false).peer({ ns: 'x' }, {}, false)))(
      [bothPolicy('x', 'deny-all', {}, [], [])]),
  },
  {
    it: 'should enforce policy to allow traffic from pods within server namespace based on PodSelector',
    states: single(probe(TCP80, e => e.allIngress('x/a', false).pair('x/b', 'x/a', true)))(
      [ingressPolicy('x', 'x-a-allows-x-b', podA, from({ podSelector: labels({ pod: 'b' }) }))]),
  },
  {
    it: 'should enforce policy to allow ingress traffic for a target',
    states: single(probe(TCP80, e => e.peer({}, { ns: 'x' }, false).allIngress('x/a', true)))([
      ingressPolicy('x', 'deny-all', {}),
      ingressPolicy('x', 'allow-all-to-a', podA, from({ podSelector: {}, namespaceSelector: {} })),
    ]),
  },
  {
    it: 'should enforce policy to allow ingress traffic from pods in all namespaces',
    states: single(probe(TCP80))([ingressPolicy('x', 'allow-from-another-ns', podA, from({ namespaceSelector: { matchLabels: {} } }))]),
  },
  {
    it: 'should enforce policy to allow traffic only from a different namespace, based on NamespaceSelector',
    states: single(probe(TCP80, e => e.peer({ ns: 'x' }, spec('x/a'), false).peer({ ns: 'z' }, spec('x/a'), false)))(
      [ingressPolicy('x', 'allow-client-a-via-ns-selector', podA, from({ namespaceSelector: inNs('y') }))]),
  },
  {
    it: 'should enforce policy based on PodSelector with MatchExpressions',
    states: single(probe(TCP80, e => e.allIngress('x/a', false).pair('x/b', 'x/a', true)))(
      [ingressPolicy('x', 'x-a-allows-x-b', podA, from({ podSelector: expression('pod', 'In', ['b']) }))]),
  },
  {
    it: 'should enforce policy based on NamespaceSelector with MatchExpressions',
    states: single(probe(TCP80, e => e.peer({ ns: 'x' }, spec('x/a'), false).peer({ ns: 'z' }, spec('x/a'), false)))(
      [ingressPolicy('x', 'allow-ns-y-match-selector', podA, from({ namespaceSelector: expression(NAME_LABEL, 'In', ['y']) }))]),
  },
  {
    it: 'should enforce policy based on PodSelector or NamespaceSelector',
    states: single(probe(TCP80, e => e.pair('x/c', 'x/a', false)))([ingressPolicy('x', 'allow-ns-y-match-selector', podA,
      from({ namespaceSelector: expression(NAME_LABEL, 'NotIn', ['x']) }, { podSelector: labels({ pod: 'b' }) }))]),
  },
  {
    it: 'should enforce policy based on PodSelector and NamespaceSelector',
    states: single(probe(TCP80, e => e.allIngress('x/a', false).pair('y/b', 'x/a', true).pair('z/b', 'x/a', true)))(
      [ingressPolicy('x', 'allow-ns-y-podselector-and-nsselector', podA,
        from({ namespaceSelector: expression(NAME_LABEL, 'NotIn', ['x']), podSelector: labels({ pod: 'b' }) }))]),
  },
  {
    it: 'should enforce policy based on Multiple PodSelectors and NamespaceSelectors',
    states: single(probe(TCP80, e => e.peer({ ns: 'x' }, spec('x/a'), false).pair('y/a', 'x/a', false).pair('z/a', 'x/a', false)))(
      [ingressPolicy('x', 'allow-ns-y-z-pod-b-c', podA,
        from({ namespaceSelector: expression(NAME_LABEL, 'NotIn', ['x']), podSelector: expression('pod', 'In', ['b', 'c']) }))]),
  },
  {
    it: 'should enforce policy based on any PodSelectors',
    states: single(probe(TCP80, e => e.allIngress('x/a', false).pair('x/b', 'x/a', true).pair('x/c', 'x/a', true)))(
      [ingressPolicy('x', 'allow-ns-x-pod-b-c', podA, from({ podSelector: labels({ pod: 'b' }) }, { podSelector: labels({ pod: 'c' }) }))]),
  },
  {
    it: 'should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector',
    states: single(probe(TCP80, e => e.allIngress('x/a', false).pair('y/a', 'x/a', true)))(
      [ingressPolicy('x', 'allow-ns-y-pod-a-via-namespace-pod-selector', podA, from({ namespaceSelector: inNs('y'), podSelector: podA }))]),
  },
  {
    it: 'should enforce policy based on Ports',
    states: single(probe(TCP81, e => e.peer({ ns: 'x' }, spec('x/a'), false).peer({ ns: 'z' }, spec('x/a'), false)))(
      [ingressPolicy('x', 'allow-client-a-via-ns-selector', podA, { ...from({ namespaceSelector: inNs('y') }), ports: [port(81, 'TCP')] })]),
  },
  (() => {
    const allowY = (e: Expectation) => e.peer({ ns: 'x' }, spec('x/a'), false).peer({ ns: 'z' }, spec('x/a'), false);
    const port81 = ingressPolicy('x', 'allow-client-a-via-ns-selector', podA, { ...from({ namespaceSelector: inNs('y') }), ports: [port(81, 'TCP')] });
    const port80 = ingressPolicy('x', 'allow-client-a-via-ns-selector-80', podA, { ...from({ namespaceSelector: inNs('y') }), ports: [port(80, 'TCP')] });
    return {
      it: 'should enforce multiple, stacked policies with overlapping podSelectors',
      states: [
        { policies: [port81], probes: [probe(TCP81, allowY), probe(TCP80, e => e.allIngress('x/a', false))] },
        { policies: [port81, port80], probes: [probe(TCP80, allowY)] },
      ],
    };
  })(),
  {
    it: 'should support allow-all policy',
    states: single(probe(TCP80), probe(TCP81))([ingressPolicy('x', 'allow-all', { matchLabels: {} }, {})]),
  },
  {
    it: 'should allow ingress access on one named port',
    states: single(probe(TCP81), probe(TCP80, e => e.peer({}, { ns: 'x' }, false)))(
      [ingressPolicy('x', 'allow-all', { matchLabels: {} }, { ports: [port('serve-81-tcp')] })]),
  },
  {
    it: 'should allow ingress access from namespace on one named port',
    states: single(
      probe(TCP80, e => e.peer({ ns: 'x' }, spec('x/a'), false).peer({ ns: 'z' }, spec('x/a'), false)),
      probe(TCP81, e => e.allIngress('x/a', false)),
    )([ingressPolicy('x', 'allow-client-a-via-ns-selector-80', podA,
      { ...from({ namespaceSelector: inNs('y') }), ports: [port('serve-80-tcp', 'TCP')] })]),
  },
  {
    it: 'should allow egress access on one named port',
    states: single(probe(TCP80), probe(TCP81, e => e.peer({ ns: 'x' }, {}, false)))(
      [egressPolicy('x', 'allow-egress', { matchLabels: {} }, { ports: [port('serve-80-tcp')] })]),
  },
  {
    it: 'should enforce updated policy',
    states: [
      { policies: [ingressPolicy('x', 'allow-all-mutate-to-deny-all', { matchLabels: {} }, {})], probes: [probe(TCP81)] },
      { policies: [ingressPolicy('x', 'allow-all-mutate-to-deny-all', { matchLabels: {} })], probes: [probe(TCP81, e => e.peer({}, { ns: 'x' }, false))] },
    ],
  },
  (() => {
    const policies = [ingressPolicy('x', 'allow-client-a-via-ns-selector', podA, from({ namespaceSelector: labels({ ns2: 'updated' }) }))];
    return {
      it: 'should allow ingress access from updated namespace',
      states: [
        { policies, probes: [probe(TCP80, e => e.allIngress('x/a', false))] },
        { policies, namespaceLabels: { y: { ns2: 'updated' } }, probes: [probe(TCP80, e => e.allIngress('x/a', false).peer({ ns: 'y' }, {}, true))] },
      ],
    };
  })(),
  (() => {
    const policies = [ingressPolicy('x', 'allow-client-a-via-pod-selector', podA, from({ podSelector: labels({ pod: 'b', pod2: 'updated' }) }))];
    return {
      it: 'should allow ingress access from updated pod',
      states: [
        { policies, probes: [probe(TCP80, e => e.allIngress('x/a', false))] },
        { policies, podLabels: { 'x/b': { pod2: 'updated' } }, probes: [probe(TCP80, e => e.allIngress('x/a', false).pair('x/b', 'x/a', true))] },
      ],
    };
  })(),
  {
    it: 'should deny ingress from pods on other namespaces',
    states: single(probe(TCP80, e => e.peer({ ns: 'y' }, { ns: 'x' }, false).peer({ ns: 'z' }, { ns: 'x' }, false)))(
      [ingressPolicy('x', 'deny-empty-policy', {}, from({ podSelector: { matchLabels: {} } }))]),
  },
  (() => {
    const policies = [ingressPolicy('x', 'deny-ingress-via-label-selector', labels({ target: 'isolated' }))];
    return {
      it: 'should deny ingress access to updated pod',
      states: [
        { policies, probes: [probe(TCP80)] },
        { policies, podLabels: { 'x/a': { target: 'isolated' } }, probes: [probe(TCP80, e => e.allIngress('x/a', false))] },
      ],
    };
  })(),
  {
    it: 'should deny egress from pods based on PodSelector',
    states: single(probe(TCP80, e => e.allEgress('x/a', false)))([egressPolicy('x', 'deny-egress-pod-a', podA)]),
  },
  {
    it: 'should deny egress from all pods in a namespace',
    states: single(probe(TCP80, e => e.peer({ ns: 'x' }, {}, false)))([egressPolicy('x', 'deny-egress-ns-x', {})]),
  },
  {
    it: 'should work with Ingress, Egress specified together',
    states: single(
      probe(TCP80, e => e.allIngress('x/a', false).pair('x/b', 'x/a', true)),
      probe(TCP81, e => e.allIngress('x/a', false).allEgress('x/a', false).pair('x/b', 'x/a', true)),
    )([policy('x', 'allow-client-a-via-pod-selector', {
      podSelector: podA,
      policyTypes: ['Egress', 'Ingress'],
      ingress: [from({ podSelector: labels({ pod: 'b' }) })],
      egress: [{ ports: [{ port: 80 }] }],
    })]),
  },
  {
    it: 'should support denying of egress traffic on the client side (even if the server explicitly allows this traffic)',
    states: single(probe(TCP80, e => e.allEgress('x/a', false).allIngress('y/a', false).pair('x/a', 'y/a', true).allIngress('y/b', false)))([
      egressPolicy('x', 'allow-to-ns-y-pod-a', podA, to({ namespaceSelector: inNs('y'), podSelector: podA })),
      ingressPolicy('y', 'allow-from-xa-on-ya-match-selector', podA, from({ namespaceSelector: inNs('x'), podSelector: podA })),
      ingressPolicy('y', 'allow-from-xa-on-yb-match-selector', labels({ pod: 'b' }), from({ namespaceSelector: inNs('x'), podSelector: podA })),
    ]),
  },
  {
    it: 'should enforce egress policy allowing traffic to a server in a different namespace based on PodSelector and NamespaceSelector',
    states: single(probe(TCP80, e => e.allEgress('x/a', false).pair('x/a', 'y/a', true)))(
      [egressPolicy('x', 'allow-to-ns-y-pod-a', podA, to({ namespaceSelector: inNs('y'), podSelector: podA }))]),
  },
  {
    it: 'should enforce ingress policy allowing any port traffic to a server on a specific protocol',
    states: single(probe(TCP80), probe(Port.udp(80), e => e.allIngress('x/a', false)))(
      [ingressPolicy('x', 'allow-ingress-by-proto', podA, { ports: [{ protocol: 'TCP' }] })]),
  },
  (() => {
    const only80 = ingressPolicy('x', 'allow-ingress-port-80', { matchLabels: {} }, { ports: [port(80)] });
    return {
      it: 'should enforce multiple ingress policies with ingress allow-all policy taking precedence',
      states: [
        { policies: [only80], probes: [probe(TCP81, e => e.peer({}, { ns: 'x' }, false))] },
        { policies: [only80, ingressPolicy('x', 'allow-ingress', { matchLabels: {} }, {})], probes: [probe(TCP81)] },
      ],
    };
  })(),
  (() => {
    const only80 = egressPolicy('x', 'allow-egress-port-80', { matchLabels: {} }, { ports: [port(80)] });
    return {
      it: 'should enforce multiple egress policies with egress allow-all policy taking precedence',
      states: [
        { policies: [only80], probes: [probe(TCP81, e => e.peer({ ns: 'x' }, {}, false))] },
        { policies: [only80, egressPolicy('x', 'allow-egress', { matchLabels: {} }, {})], probes: [probe(TCP81)] },
      ],
    };
  })(),
  {
    it: 'should stop enforcing policies after they are deleted',
    states: [
      { policies: [bothPolicy('x', 'deny-all', {}, [], [])], probes: [probe(TCP80, e => e.peer({ ns: 'x' }, {}, false).peer({}, { ns: 'x' }, false))] },
      { policies: [], probes: [probe(TCP80)] },
    ],
  },
  {
    it: 'should allow egress access to server in CIDR block',
    states: single(probe(TCP80, e => e.allEgress('x/a', false).pair('x/a', 'y/b', true)))(
      [egressPolicy('x', 'allow-client-a-via-cidr-egress-rule', podA, to({ ipBlock: { cidr: `${ipOf('y/b')}/32` } }))]),
  },
  {
    it: 'should enforce except clause while egress access to server in CIDR block',
    states: single(probe(TCP80, e => e.pair('x/a', 'x/b', false)))([exceptXb]),
  },
  {
    it: 'should ensure an IP overlapping both IPBlock.CIDR and IPBlock.Except is allowed',
    states: [
      { policies: [exceptXb], probes: [probe(TCP80, e => e.pair('x/a', 'x/b', false))] },
      // Upstream then updates the policy (same name) to allow only x/b's address.
      {
        policies: [egressPolicy('x', 'allow-client-a-via-cidr-egress-rule', podA, to({ ipBlock: { cidr: `${ipOf('x/b')}/32` } }))],
        probes: [probe(TCP80, e => e.allEgress('x/a', false).pair('x/a', 'x/b', true))],
      },
    ],
  },
  (() => {
    const allowEgress = egressPolicy('x', 'allow-egress-for-target', podA, {});
    return {
      it: 'should enforce policies to check ingress and egress policies can be controlled independently based on PodSelector',
      states: [
        { policies: [allowEgress], probes: [probe(TCP80)] },
        { policies: [allowEgress, ingressPolicy('x', 'deny-ingress-via-label-selector', podA)], probes: [probe(TCP80, e => e.allIngress('x/a', false))] },
      ],
    };
  })(),
  {
    it: "should not mistakenly treat 'protocol: SCTP' as 'protocol: TCP', even if the plugin doesn't support SCTP",
    states: single(probe(TCP81, e => e.peer({}, { ns: 'x' }, false)))([
      ingressPolicy('x', 'deny-ingress', {}),
      ingressPolicy('x', 'allow-only-sctp-ingress-on-port-81', podA, { ports: [port(81, 'SCTP')] }),
    ]),
  },
  {
    it: "should properly isolate pods that are selected by a policy allowing SCTP, even if the plugin doesn't support SCTP",
    states: single(probe(TCP81, e => e.allIngress('x/a', false)))(
      [ingressPolicy('x', 'allow-only-sctp-ingress-on-port-80', podA, { ports: [port(80, 'SCTP')] })]),
  },
  {
    it: 'should not allow access by TCP when a policy specifies only UDP',
    states: single(probe(TCP81, e => e.allIngress('x/a', false)))(
      [ingressPolicy('x', 'allow-only-udp-ingress-on-port-81', podA, { ports: [port(81, 'UDP')] })]),
  },
  {
    it: 'should enforce policy to allow traffic based on NamespaceSelector with MatchLabels using default ns label',
    states: single(probe(TCP80, e => e.peer({ ns: 'x' }, spec('x/a'), false).peer({ ns: 'z' }, spec('x/a'), false)))(
      [ingressPolicy('x', 'allow-client-a-via-ns-selector-for-immutable-ns-label', podA, from({ namespaceSelector: inNs('y') }))]),
  },
  {
    it: 'should enforce policy based on NamespaceSelector with MatchExpressions using default ns label',
    states: single(probe(TCP80, e => e.peer(spec('x/a'), { ns: 'y' }, false)))(
      [egressPolicy('x', 'allow-ns-y-match-selector-for-immutable-ns-label', podA, to({ namespaceSelector: expression(NAME_LABEL, 'NotIn', ['y']) }))]),
  },
];

const CONTEXTS: [string, Case[]][] = [
  ['NetworkPolicy between server and client', TCP_CASES],
  ['NetworkPolicy between server and client using UDP', perProtocolCases(Protocol.UDP)],
  ['NetworkPolicy between server and client using SCTP', perProtocolCases(Protocol.SCTP)],
];

describe.each(CONTEXTS)('%s', (_context, cases) => {
  test.each(cases.map(c => [c.it, c] as [string, Case]))('%s', (_it, testCase) => {
    for (const state of testCase.states) {
      const r = model(state.policies, state);
      for (const { port: probed, expect: build } of state.probes) {
        const expected = build(new Expectation());
        const matrix = r.matrix(probed);
        expect(`${probed}\n${table((f, t) => matrix.isAllowed(f, t))}`).toEqual(`${probed}\n${table((f, t) => expected.allowed(f, t))}`);
        // The per-connection path (explain) must agree with the set-based matrix on every pair.
        const direct = (f: string, t: string) => r.isAllowed(spec2(f), spec2(t), probed);
        expect(table(direct)).toEqual(table((f, t) => matrix.isAllowed(f, t)));
      }
    }
  });
});

const spec2 = (id: string) => ({ namespace: id.split('/')[0], pod: id.split('/')[1] });

test('the port covers at least 40 upstream cases', () => {
  expect(CONTEXTS.reduce((n, [, cases]) => n + cases.length, 0)).toBe(48);
});
