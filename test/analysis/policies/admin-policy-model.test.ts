/*
 * AdminNetworkPolicy / BaselineAdminNetworkPolicy (v1alpha1) and ClusterNetworkPolicy (v1alpha2) on the
 * one tiered engine: Admin tier by priority and rule order, then NetworkPolicy, then Baseline, then allow.
 * The ClusterNetworkPolicy scenarios follow the network-policy-api conformance suite (conformance/base/
 * admin_tier and baseline_tier, conformance/tests), restated here in our own words and with the pinned
 * v1alpha2 schema (protocols, Accept/Deny/Pass). Four houses as namespaces, one server pod each.
 */
import { Reachability } from '../../../src/analysis';
import { Port } from '../../../src/core/port';
import { validateAll } from '../../util';
import { namespace, pod, policy } from '../fixtures';

const HOUSES = ['gryffindor', 'slytherin', 'hufflepuff', 'ravenclaw'];
const ns = (house: string) => `conformance-${house}`;
const at = (house: string) => ({ namespace: ns(house), pod: 'server' });
const cluster = () => [
  ...HOUSES.map(h => namespace(ns(h), { house: h })),
  ...HOUSES.map(h => pod(ns(h), 'server', { labels: { house: h }, ports: [['web', 80], ['alt', 8080], ['dns', 53, 'UDP'], ['sctp', 9003, 'SCTP']] })),
];

/** A ClusterNetworkPolicy, schema-checked against the pinned CRD. */
function cnp(name: string, spec: any): any {
  const object = { apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy', metadata: { name }, spec };
  validateAll([object]);
  return object;
}
const house = (h: string) => ({ namespaces: { matchLabels: { 'kubernetes.io/metadata.name': ns(h) } } });
const tcp = (port: number) => ({ tcp: { destinationPort: { number: port } } });
const model = (...objects: any[]) => Reachability.fromManifests([...cluster(), ...objects]);

describe('ClusterNetworkPolicy, Admin tier', () => {
  const rules = cnp('ingress-tcp', {
    tier: 'Admin',
    priority: 3,
    subject: house('gryffindor'),
    ingress: [
      { name: 'accept-ravenclaw', action: 'Accept', from: [house('ravenclaw')] },
      { name: 'deny-ravenclaw', action: 'Deny', from: [house('ravenclaw')] },
      { name: 'deny-slytherin-80', action: 'Deny', from: [house('slytherin')], protocols: [tcp(80)] },
      { name: 'pass-slytherin-80', action: 'Pass', from: [house('slytherin')], protocols: [tcp(80)] },
      { name: 'accept-hufflepuff-80', action: 'Accept', from: [house('hufflepuff')], protocols: [tcp(80)] },
      { name: 'deny-hufflepuff-rest', action: 'Deny', from: [house('hufflepuff')] },
    ],
  });

  test('within a policy the first matching rule decides: an Accept before a Deny for the same peer wins', () => {
    const r = model(rules);
    expect(r.isAllowed(at('ravenclaw'), at('gryffindor'), Port.tcp(80))).toBe(true);
    expect(r.isAllowed(at('ravenclaw'), at('gryffindor'), Port.udp(53))).toBe(true);
    const explanation = r.explain(at('ravenclaw'), at('gryffindor'), Port.tcp(8080));
    expect(explanation.ingress.decidedBy).toBe('ClusterNetworkPolicy ingress-tcp ingress[0] "accept-ravenclaw" (Accept)');
    expect(explanation.ingress.reason).toContain('priority 3 (admin tier, before any NetworkPolicy)');
  });

  test('a Deny on one port applies to that port only; other ports fall through to the default (allowed)', () => {
    const r = model(rules);
    expect(r.isAllowed(at('slytherin'), at('gryffindor'), Port.tcp(80))).toBe(false);
    expect(r.explain(at('slytherin'), at('gryffindor'), Port.tcp(80)).ingress.decidedBy).toBe('ClusterNetworkPolicy ingress-tcp ingress[2] "deny-slytherin-80" (Deny)');
    expect(r.isAllowed(at('slytherin'), at('gryffindor'), Port.tcp(8080))).toBe(true);
    expect(r.explain(at('slytherin'), at('gryffindor'), Port.tcp(8080)).ingress.decidedBy).toBeUndefined();
  });

  test('Accept on 80 then Deny for everything else from the same peer', () => {
    const r = model(rules);
    expect(r.isAllowed(at('hufflepuff'), at('gryffindor'), Port.tcp(80))).toBe(true);
    expect(r.isAllowed(at('hufflepuff'), at('gryffindor'), Port.tcp(8080))).toBe(false);
    expect(r.isAllowed(at('hufflepuff'), at('gryffindor'), Port.udp(53))).toBe(false);
    // The subject is gryffindor only: the other houses' ingress is untouched.
    expect(r.isAllowed(at('gryffindor'), at('hufflepuff'), Port.tcp(8080))).toBe(true);
  });

  test('an Admin Deny beats a NetworkPolicy that allows; an Admin Accept beats a NetworkPolicy that isolates', () => {
    const denyAll = policy(ns('gryffindor'), 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] });
    const allowAll = policy(ns('gryffindor'), 'allow-all', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] });
    expect(model(rules, denyAll).isAllowed(at('ravenclaw'), at('gryffindor'), Port.tcp(80))).toBe(true);
    expect(model(rules, allowAll).isAllowed(at('slytherin'), at('gryffindor'), Port.tcp(80))).toBe(false);
  });

  test('two policies of one tier with the same priority are flagged: the API leaves their order undefined', () => {
    const one = cnp('one', { tier: 'Admin', priority: 7, subject: house('gryffindor'), ingress: [{ action: 'Accept', from: [house('slytherin')] }] });
    const two = cnp('two', { tier: 'Admin', priority: 7, subject: house('gryffindor'), ingress: [{ action: 'Deny', from: [house('slytherin')] }] });
    expect(model(two, one).notAnalysed).toEqual([
      'ClusterNetworkPolicy one and ClusterNetworkPolicy two: same admin priority 7; the API does not define which is checked first (analysed in kind and name order); give them distinct priorities',
    ]);
  });

  test('lower priority values are checked first, whatever the names or input order', () => {
    const accept = cnp('b-accept', { tier: 'Admin', priority: 5, subject: house('gryffindor'), ingress: [{ action: 'Accept', from: [house('slytherin')] }] });
    const deny = cnp('a-deny', { tier: 'Admin', priority: 50, subject: house('gryffindor'), ingress: [{ action: 'Deny', from: [house('slytherin')] }] });
    expect(model(deny, accept).isAllowed(at('slytherin'), at('gryffindor'), Port.tcp(80))).toBe(true);
    const swapped = cnp('b-accept', { ...accept.spec, priority: 60 });
    expect(model(deny, swapped).isAllowed(at('slytherin'), at('gryffindor'), Port.tcp(80))).toBe(false);
  });

  test('Pass hands the connection to NetworkPolicy: allowed where a policy admits it, denied where one isolates without admitting', () => {
    const pass = cnp('pass', { tier: 'Admin', priority: 1, subject: house('gryffindor'), ingress: [{ name: 'to-np', action: 'Pass', from: [house('slytherin')] }] });
    const deny = cnp('deny-later', { tier: 'Admin', priority: 2, subject: house('gryffindor'), ingress: [{ action: 'Deny', from: [house('slytherin')] }] });
    const np = policy(ns('gryffindor'), 'web-only', {
      podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { house: 'slytherin' } } }], ports: [{ port: 80 }] }],
    });
    const r = model(pass, deny, np);
    expect(r.isAllowed(at('slytherin'), at('gryffindor'), Port.tcp(80))).toBe(true); // the lower Deny is skipped
    expect(r.isAllowed(at('slytherin'), at('gryffindor'), Port.tcp(8080))).toBe(false);
    expect(r.explain(at('slytherin'), at('gryffindor'), Port.tcp(8080)).ingress.reason).toMatch(/^passed on by ClusterNetworkPolicy pass ingress\[0\] "to-np" \(Pass\); denied: isolated by/);
    // Without a NetworkPolicy, a Pass ends at the baseline, then at the default.
    expect(model(pass, deny).isAllowed(at('slytherin'), at('gryffindor'), Port.tcp(8080))).toBe(true);
  });

  test('egress networks: an Admin Deny of the metadata endpoint holds against a NetworkPolicy that allows all egress', () => {
    const guard = cnp('metadata', { tier: 'Admin', priority: 10, subject: { namespaces: {} }, egress: [{ name: 'no-imds', action: 'Deny', to: [{ networks: ['169.254.169.254/32'] }] }] });
    const open = policy(ns('gryffindor'), 'open-egress', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] });
    const r = model(guard, open);
    expect(r.isAllowed(at('gryffindor'), { ip: '169.254.169.254' }, Port.tcp(80))).toBe(false);
    expect(r.explain(at('gryffindor'), { ip: '169.254.169.254' }, Port.tcp(80)).egress.decidedBy).toBe('ClusterNetworkPolicy metadata egress[0] "no-imds" (Deny)');
    expect(r.isAllowed(at('gryffindor'), { ip: '169.254.169.253' }, Port.tcp(80))).toBe(true);
    expect(r.isAllowed(at('gryffindor'), at('slytherin'), Port.tcp(80))).toBe(true);
  });

  test('a policy with only egress rules leaves the subject\'s ingress alone', () => {
    const egressOnly = cnp('egress-only', { tier: 'Admin', priority: 20, subject: house('gryffindor'), egress: [{ action: 'Deny', to: [house('slytherin')] }] });
    const r = model(egressOnly);
    expect(r.isAllowed(at('gryffindor'), at('slytherin'), Port.tcp(80))).toBe(false);
    expect(r.isAllowed(at('slytherin'), at('gryffindor'), Port.tcp(80))).toBe(true);
  });

  test('a pods peer without namespaceSelector selects those pods in every namespace', () => {
    const any = cnp('omitted-ns', {
      tier: 'Admin',
      priority: 3,
      subject: house('gryffindor'),
      ingress: [{ action: 'Deny', from: [{ pods: { podSelector: { matchExpressions: [{ key: 'house', operator: 'Exists' }] } } }] }],
    });
    const r = model(any);
    for (const h of ['slytherin', 'hufflepuff', 'ravenclaw']) expect(r.isAllowed(at(h), at('gryffindor'), Port.tcp(80))).toBe(false);
  });

  test('protocols: UDP and SCTP numbers, port ranges and destination named ports', () => {
    const ports = cnp('ports', {
      tier: 'Admin',
      priority: 1,
      subject: house('gryffindor'),
      ingress: [
        { action: 'Deny', from: [house('slytherin')], protocols: [{ udp: { destinationPort: { number: 53 } } }, { sctp: { destinationPort: { number: 9003 } } }] },
        { action: 'Deny', from: [house('hufflepuff')], protocols: [{ tcp: { destinationPort: { range: { start: 8000, end: 8100 } } } }] },
        { action: 'Deny', from: [house('ravenclaw')], protocols: [{ destinationNamedPort: 'web' }] },
      ],
    });
    const r = model(ports);
    expect(r.isAllowed(at('slytherin'), at('gryffindor'), Port.udp(53))).toBe(false);
    expect(r.isAllowed(at('slytherin'), at('gryffindor'), Port.sctp(9003))).toBe(false);
    expect(r.isAllowed(at('slytherin'), at('gryffindor'), Port.tcp(53))).toBe(true);
    expect(r.isAllowed(at('hufflepuff'), at('gryffindor'), Port.tcp(8080))).toBe(false);
    expect(r.isAllowed(at('hufflepuff'), at('gryffindor'), Port.tcp(80))).toBe(true);
    expect(r.isAllowed(at('ravenclaw'), at('gryffindor'), Port.tcp(80))).toBe(false);
    expect(r.isAllowed(at('ravenclaw'), at('gryffindor'), Port.tcp(8080))).toBe(true);
  });

  test('flows list exactly what the tiers leave open, ports cut at the rules\' boundaries', () => {
    const r = model(rules);
    const into = r.flows().filter(f => f.destination === `${ns('gryffindor')}/server`).map(f => `${f.source} ${f.description}`);
    expect(into).toEqual([
      `${ns('hufflepuff')}/server TCP 80`,
      `${ns('ravenclaw')}/server all traffic`,
      `${ns('slytherin')}/server TCP 1-79, 81-65535; all UDP; all SCTP`,
    ]);
  });

  test('a peer with no field the analyzer knows fails closed: a Deny denies everything, an Accept matches nothing', () => {
    const unknownPeer = (action: string) => ({
      apiVersion: 'policy.networking.k8s.io/v1alpha2',
      kind: 'ClusterNetworkPolicy',
      metadata: { name: `future-${action.toLowerCase()}` },
      spec: { tier: 'Admin', priority: 1, subject: house('gryffindor'), ingress: [{ action, from: [{ serviceAccounts: { name: 'x' } }] }] },
    });
    const deny = model(unknownPeer('Deny'));
    expect(deny.isAllowed(at('slytherin'), at('gryffindor'), Port.tcp(80))).toBe(false);
    expect(deny.notAnalysed).toEqual(['ClusterNetworkPolicy future-deny: spec.ingress[0].from[0]: no field the analyzer knows (serviceAccounts); treated as failing closed']);
    const isolate = policy(ns('gryffindor'), 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] });
    expect(model(unknownPeer('Accept'), isolate).isAllowed(at('slytherin'), at('gryffindor'), Port.tcp(80))).toBe(false);
  });
});

describe('ClusterNetworkPolicy, Baseline tier', () => {
  const baseline = cnp('baseline', {
    tier: 'Baseline',
    priority: 10,
    subject: { namespaces: {} },
    ingress: [
      { name: 'accept-dns', action: 'Accept', from: [{ namespaces: {} }], protocols: [{ udp: { destinationPort: { number: 53 } } }] },
      { name: 'deny-rest', action: 'Deny', from: [{ namespaces: {} }] },
    ],
  });

  test('decides only where no NetworkPolicy isolates the pod: a namespace nobody isolated is default-deny', () => {
    const r = model(baseline);
    expect(r.isAllowed(at('slytherin'), at('gryffindor'), Port.tcp(80))).toBe(false);
    expect(r.isAllowed(at('slytherin'), at('gryffindor'), Port.udp(53))).toBe(true);
    expect(r.explain(at('slytherin'), at('gryffindor'), Port.tcp(80)).ingress.reason)
      .toBe(`denied by ClusterNetworkPolicy baseline ingress[1] "deny-rest" (Deny) (baseline tier: no NetworkPolicy isolates ${ns('gryffindor')}/server for ingress)`);
  });

  test('a team\'s NetworkPolicy opens what it declares, and the baseline no longer applies to that pod', () => {
    const np = policy(ns('gryffindor'), 'web', {
      podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { house: 'slytherin' } } }], ports: [{ port: 80 }] }],
    });
    const r = model(baseline, np);
    expect(r.isAllowed(at('slytherin'), at('gryffindor'), Port.tcp(80))).toBe(true);
    expect(r.isAllowed(at('slytherin'), at('gryffindor'), Port.udp(53))).toBe(false); // the NetworkPolicy decides now
    expect(r.isAllowed(at('gryffindor'), at('slytherin'), Port.tcp(80))).toBe(false); // slytherin keeps the baseline
  });
});

describe('AdminNetworkPolicy and BaselineAdminNetworkPolicy (v1alpha1)', () => {
  const anp = (name: string, spec: any) => ({ apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'AdminNetworkPolicy', metadata: { name }, spec });
  const banp = (spec: any, name = 'default') => ({ apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'BaselineAdminNetworkPolicy', metadata: { name }, spec });

  test('Allow, Deny and Pass with portNumber, portRange and namedPort; the baseline after NetworkPolicy', () => {
    const r = model(
      anp('admin', {
        priority: 5,
        subject: house('gryffindor'),
        ingress: [
          { name: 'allow-web', action: 'Allow', from: [house('slytherin')], ports: [{ namedPort: 'web' }] },
          { name: 'pass-range', action: 'Pass', from: [house('slytherin')], ports: [{ portRange: { protocol: 'TCP', start: 8000, end: 8100 } }] },
          { name: 'deny-rest', action: 'Deny', from: [house('slytherin')] },
        ],
      }),
      banp({ subject: { namespaces: {} }, ingress: [{ name: 'deny-all', action: 'Deny', from: [{ namespaces: {} }] }] }),
    );
    expect(r.isAllowed(at('slytherin'), at('gryffindor'), Port.tcp(80))).toBe(true);
    expect(r.explain(at('slytherin'), at('gryffindor'), Port.tcp(80)).ingress.decidedBy).toBe('AdminNetworkPolicy admin ingress[0] "allow-web" (Allow)');
    expect(r.isAllowed(at('slytherin'), at('gryffindor'), Port.tcp(8080))).toBe(false); // passed, no NetworkPolicy: baseline denies
    expect(r.explain(at('slytherin'), at('gryffindor'), Port.tcp(8080)).ingress.decidedBy).toBe('BaselineAdminNetworkPolicy default ingress[0] "deny-all" (Deny)');
    expect(r.isAllowed(at('slytherin'), at('gryffindor'), Port.udp(53))).toBe(false);
    expect(r.isAllowed(at('hufflepuff'), at('ravenclaw'), Port.tcp(80))).toBe(false);
  });

  test('nodes peers are read but not modelled, and say so', () => {
    const r = model(anp('nodes', { priority: 1, subject: { namespaces: {} }, egress: [{ action: 'Deny', to: [{ nodes: { matchLabels: { role: 'infra' } } }] }] }));
    expect(r.isAllowed(at('gryffindor'), at('slytherin'), Port.tcp(80))).toBe(true);
    expect(r.notAnalysed).toEqual(['AdminNetworkPolicy nodes: spec.egress[0].to[0].nodes: nodes are not modelled; the peer matches no pod or address']);
  });

  test('bad input is refused with the object, the field, the value and the fix (catalogue)', () => {
    const refuse = (object: any) => {
      try {
        Reachability.fromManifests([...cluster(), object]);
      } catch (error: any) {
        return error.message;
      }
      return 'accepted';
    };
    const v2 = (spec: any) => ({ apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy', metadata: { name: 'bad' }, spec });
    const base = { tier: 'Admin', priority: 1, subject: { namespaces: {} } };
    expect([
      refuse(v2({ ...base, tier: 'admin' })),
      refuse(v2({ ...base, priority: 1001 })),
      refuse(v2({ ...base, subject: {} })),
      refuse(v2({ ...base, ingress: [{ action: 'Allow', from: [{ namespaces: {} }] }] })),
      refuse(v2({ ...base, ingress: [{ action: 'Deny', from: [] }] })),
      refuse(v2({ ...base, ingress: [{ action: 'Deny', from: [{ namespaces: {}, pods: { podSelector: {} } }] }] })),
      refuse(v2({ ...base, egress: [{ action: 'Deny', to: [{ networks: ['10.0.0.1'] }] }] })),
      refuse(v2({ ...base, ingress: [{ action: 'Deny', from: [{ namespaces: {} }], protocols: [{ tcp: { destinationPort: { range: { start: 90, end: 80 } } } }] }] })),
      refuse(banp({ subject: { namespaces: {} } }, 'other')),
      refuse(banp({ subject: { namespaces: {} }, ingress: [{ action: 'Pass', from: [{ namespaces: {} }] }] })),
      refuse(anp('no-priority', { subject: { namespaces: {} } })),
      refuse(v2('not-an-object')),
      refuse(v2({ ...base, egress: { action: 'Deny' } })),
      refuse(v2({ ...base, egress: [42] })),
      refuse(v2({ ...base, egress: [{ action: 'Deny', to: [{ pods: 'all' }] }] })),
      refuse(v2({ ...base, egress: [{ action: 'Deny', to: [{ networks: [] }] }] })),
      refuse(v2({ ...base, egress: [{ action: 'Deny', to: [{ namespaces: {} }], protocols: [] }] })),
      refuse(v2({ ...base, egress: [{ action: 'Deny', to: [{ namespaces: {} }], protocols: [{ tcp: {}, udp: {} }] }] })),
      refuse(v2({ ...base, egress: [{ action: 'Deny', to: [{ namespaces: {} }], protocols: [{ tcp: { destinationPort: { number: 80, range: { start: 1, end: 2 } } } }] }] })),
      refuse(v2({ ...base, egress: [{ action: 'Deny', to: [{ namespaces: {} }], protocols: [{ tcp: { destinationPort: { number: 0 } } }] }] })),
      refuse(v2({ ...base, egress: [{ action: 'Deny', to: [{ namespaces: {} }], protocols: [{ destinationNamedPort: 'Not_A_Name' }] }] })),
      refuse(anp('ports', { priority: 1, subject: { namespaces: {} }, egress: [{ action: 'Deny', to: [{ namespaces: {} }], ports: [{ portNumber: { protocol: 'ICMP', port: 1 } }] }] })),
      refuse(anp('ports2', { priority: 1, subject: { namespaces: {} }, egress: [{ action: 'Deny', to: [{ namespaces: {} }], ports: [{}] }] })),
      refuse({ ...anp('', { priority: 1, subject: { namespaces: {} } }), metadata: {} }),
      refuse(v2({ ...base, subject: { pods: 'all' } })),
      refuse(v2({ ...base, egress: [{ action: 'Deny', to: [{ namespaces: {} }], protocols: [{ tcp: 'all' }] }] })),
      refuse(anp('ports3', { priority: 1, subject: { namespaces: {} }, egress: [{ action: 'Deny', to: [{ namespaces: {} }], ports: [{ portNumber: 80 }] }] })),
    ]).toEqual([
      'ClusterNetworkPolicy bad: spec.tier is not Admin or Baseline ("admin"). Set tier: Admin (before NetworkPolicy) or Baseline (after it).',
      'ClusterNetworkPolicy bad: spec.priority is not an integer from 0 to 1000 (1001). Set priority; lower values are checked first.',
      'ClusterNetworkPolicy bad: spec.subject must set exactly one of namespaces and pods ({}). Write subject: { namespaces: {} } for every pod, or subject: { pods: { namespaceSelector, podSelector } }.',
      'ClusterNetworkPolicy bad: spec.ingress[0].action is not one of Accept, Deny, Pass ("Allow"). Use Accept, Deny, Pass (case-sensitive) in a ClusterNetworkPolicy.',
      'ClusterNetworkPolicy bad: spec.ingress[0].from is not a non-empty list of peers ([]). List at least one peer, e.g. from: [{ namespaces: {} }] for every pod.',
      'ClusterNetworkPolicy bad: spec.ingress[0].from[0] sets more than one of namespaces, pods ({"namespaces":{},"pods":{"podSelector":{}}}). Split it into one peer per field.',
      'ClusterNetworkPolicy bad: spec.egress[0].to[0].networks[0] is not in CIDR notation (missing the "/prefix") ("10.0.0.1"). Write a CIDR such as "10.0.0.0/16" or "2001:db8::/64". For one address write "10.0.0.1/32".',
      'ClusterNetworkPolicy bad: spec.ingress[0].protocols[0].tcp.destinationPort.range.end is lower than start 90 (80). Set end to the last port of the range, at least start.',
      'BaselineAdminNetworkPolicy other: is not named "default"; BaselineAdminNetworkPolicy is a singleton the API server accepts only as "default" ("other"). Rename it to default and merge the rules of every baseline into it.',
      'BaselineAdminNetworkPolicy default: spec.ingress[0].action is not one of Allow, Deny ("Pass"). Use Allow, Deny (case-sensitive) in a BaselineAdminNetworkPolicy.',
      'AdminNetworkPolicy no-priority: spec.priority is not an integer from 0 to 1000 (undefined). Set priority; lower values are checked first.',
      'ClusterNetworkPolicy bad: spec is not an object ("not-an-object"). Write spec with subject, priority and ingress/egress rules.',
      'ClusterNetworkPolicy bad: spec.egress is not a list of rules ({"action":"Deny"}). Write spec.egress as a list of rules.',
      'ClusterNetworkPolicy bad: spec.egress[0] is not a rule object (42). Write each rule as { name, action, from/to, ports }.',
      'ClusterNetworkPolicy bad: spec.egress[0].to[0].pods is not an object ("all"). Write pods: { namespaceSelector, podSelector }.',
      'ClusterNetworkPolicy bad: spec.egress[0].to[0].networks is not a non-empty list of CIDRs ([]). Write networks: ["10.0.0.0/8"].',
      'ClusterNetworkPolicy bad: spec.egress[0].protocols is not a non-empty list ([]). Omit protocols for every port, or list the ports.',
      'ClusterNetworkPolicy bad: spec.egress[0].protocols[0] must set exactly one of tcp, udp, sctp and destinationNamedPort ({"tcp":{},"udp":{}}). Write { tcp: { destinationPort: { number: 443 } } } or { destinationNamedPort: "http" }.',
      'ClusterNetworkPolicy bad: spec.egress[0].protocols[0].tcp.destinationPort must set exactly one of number and range ({"number":80,"range":{"start":1,"end":2}}). Write { number: 443 } or { range: { start: 8000, end: 8100 } }.',
      'ClusterNetworkPolicy bad: spec.egress[0].protocols[0].tcp.destinationPort.number is not a port number (0). Use an integer from 1 to 65535.',
      expect.stringMatching(/^ClusterNetworkPolicy bad: spec\.egress\[0\]\.protocols\[0\]\.destinationNamedPort is not a valid port name: it .+ \("Not_A_Name"\)\. Use the container port name from the pod spec\.$/),
      'AdminNetworkPolicy ports: spec.egress[0].ports[0].portNumber.protocol is not TCP, UDP or SCTP ("ICMP"). Use TCP, UDP or SCTP (upper case).',
      'AdminNetworkPolicy ports2: spec.egress[0].ports[0] must set exactly one of portNumber, portRange and namedPort ({}). Write { portNumber: { protocol: TCP, port: 443 } }, { portRange: { protocol: TCP, start: 8000, end: 8100 } } or { namedPort: "http" }.',
      'AdminNetworkPolicy <unnamed>: has no metadata.name ({}). Name every AdminNetworkPolicy.',
      'ClusterNetworkPolicy bad: spec.subject.pods is not an object ("all"). Write pods: { namespaceSelector, podSelector }.',
      'ClusterNetworkPolicy bad: spec.egress[0].protocols[0].tcp is not an object ("all"). Write tcp: {} for every TCP port, or tcp: { destinationPort: { number: 443 } }.',
      'AdminNetworkPolicy ports3: spec.egress[0].ports[0].portNumber is not an object (80). Write { protocol: TCP, port: 443 } (portNumber) or { protocol: TCP, start: 8000, end: 8100 } (portRange).',
    ]);
  });
});
