import { Chart, Testing } from 'cdk8s';
import { Destination, FqdnEnforcement, IsolatedTier, NamespaceIsolation, NetsecAudit, Port, Reachability, RestrictedEgress } from '../../src';
import { namespace, policy } from '../analysis/fixtures';
import { validateAll } from '../util';

/*
 * NETSEC004 and the FQDN backstop: a NetworkPolicy rule to every public address on TCP ports is not a
 * finding when an Istio REGISTRY_ONLY Sidecar certainly holds every pod the policy selects; UDP/SCTP,
 * uncovered pods, other Sidecar modes and Cilium toFQDNs leave the finding in place.
 */

function sidecar(ns: string, name: string, labels: Record<string, string> | undefined, mode = 'REGISTRY_ONLY'): any {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Sidecar',
    metadata: { name, namespace: ns },
    spec: { ...(labels ? { workloadSelector: { labels } } : {}), egress: [{ hosts: ['./api.stripe.com'] }], outboundTrafficPolicy: { mode } },
  };
}

function wideEgress(labels: Record<string, string>, ports: any[] | undefined): any {
  return policy('shop', 'api', {
    podSelector: { matchLabels: labels },
    policyTypes: ['Egress'],
    egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '169.254.0.0/16'] } }], ...(ports ? { ports } : {}) }],
  });
}

function netsec004(objects: any[]): string[] {
  return Reachability.fromManifests(validateAll(objects), { inferPods: true }).audit()
    .filter(f => f.ruleId === 'NETSEC004').map(f => f.message);
}

const TCP_443 = [{ protocol: 'TCP', port: 443 }];

describe('the library\'s own Istio FQDN enforcement passes its audit', () => {
  function readmeApp(): Chart {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    new NamespaceIsolation(chart, 'baseline');
    const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
    api.expose();
    new RestrictedEgress(chart, 'egress', {
      tier: api,
      fqdnEnforcement: FqdnEnforcement.ISTIO,
      allow: [
        Destination.fqdn('api.stripe.com', Port.tcp(443)), Destination.cidr('198.51.100.0/24', Port.tcp(22)),
      ],
    });
    return chart;
  }

  test('no NETSEC004 from the chart or from its YAML alone, and NetsecAudit passes at the default failOn', () => {
    const chart = readmeApp();
    const objects = chart.toJson();
    // The rule really is to every public address on TCP 443, next to a REGISTRY_ONLY Sidecar for app=api.
    const rule = objects.find(o => o.kind === 'NetworkPolicy' && o.metadata.name === 'api').spec.egress
      .find((r: any) => r.to?.[0]?.ipBlock?.cidr === '0.0.0.0/0');
    expect(rule.ports).toEqual(TCP_443);
    expect(objects.find(o => o.kind === 'Sidecar').spec).toMatchObject({ workloadSelector: { labels: { app: 'api' } }, outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } });
    expect(Reachability.fromChart(chart).audit().filter(f => f.ruleId === 'NETSEC004')).toEqual([]);
    expect(netsec004(objects)).toEqual([]);
    new NetsecAudit(chart, 'audit');
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('the same YAML without its Sidecar is a finding (the exemption needs the enforcement point)', () => {
    const objects = readmeApp().toJson().filter(o => o.kind !== 'Sidecar');
    expect(netsec004(objects)).toEqual([expect.stringMatching(/^spec\.egress\[\d\]\.to\[0\] allows 0\.0\.0\.0\/0 except .*: every IPv4 address outside the excepted ranges, on TCP 443$/)]);
  });
});

describe('hand-written YAML', () => {
  const base = [namespace('shop')];

  test('a workload Sidecar whose labels the policy\'s selector carries holds TCP: no finding', () => {
    expect(netsec004([...base, wideEgress({ app: 'api', tier: 'x' }, TCP_443), sidecar('shop', 'api', { app: 'api' })])).toEqual([]);
  });

  test('UDP and SCTP entries of the same rule stay findings, naming the Sidecar', () => {
    const ports = [...TCP_443, { protocol: 'UDP', port: 443 }, { protocol: 'SCTP', port: 9 }];
    expect(netsec004([...base, wideEgress({ app: 'api' }, ports), sidecar('shop', 'api', { app: 'api' })])).toEqual([
      'spec.egress[0].to[0] allows 0.0.0.0/0 except 10.0.0.0/8, 169.254.0.0/16: every IPv4 address outside the excepted ranges, on UDP 443, SCTP 9; '
      + 'Sidecar shop/api (REGISTRY_ONLY) holds TCP to the registered hosts, but the sidecar does not intercept these',
    ]);
  });

  test('a rule without ports stays a finding', () => {
    expect(netsec004([...base, wideEgress({ app: 'api' }, undefined), sidecar('shop', 'api', { app: 'api' })]))
      .toEqual([expect.stringContaining('on every port; Sidecar shop/api (REGISTRY_ONLY) holds TCP to the registered hosts, but the sidecar does not intercept UDP or SCTP')]);
  });

  test.each([
    ['a Sidecar for other pods', [sidecar('shop', 'web', { app: 'web' })]],
    ['a Sidecar with more labels than the policy selects on', [sidecar('shop', 'api', { app: 'api', version: 'v2' })]],
    ['a Sidecar in another namespace', [sidecar('other', 'api', { app: 'api' })]],
    ['a Sidecar that passes unknown hosts (ALLOW_ANY)', [sidecar('shop', 'api', { app: 'api' }, 'ALLOW_ANY')]],
    ['a Sidecar without outboundTrafficPolicy', [{ ...sidecar('shop', 'api', { app: 'api' }), spec: { workloadSelector: { labels: { app: 'api' } } } }]],
    ['a REGISTRY_ONLY Sidecar next to an ALLOW_ANY one that may select the same pods',
      [sidecar('shop', 'api', { app: 'api' }), sidecar('shop', 'canary', { track: 'canary' }, 'ALLOW_ANY')]],
    ['a namespace-wide REGISTRY_ONLY Sidecar next to an ALLOW_ANY workload Sidecar that may select the pods',
      [sidecar('shop', 'default', undefined), sidecar('shop', 'canary', { track: 'canary' }, 'ALLOW_ANY')]],
    ['a Cilium toFQDNs policy (Cilium adds NetworkPolicy allows, it does not narrow them)', [{
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: { name: 'api', namespace: 'shop' },
      spec: { endpointSelector: { matchLabels: { app: 'api' } }, egress: [{ toFQDNs: [{ matchName: 'api.stripe.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] }] },
    }]],
  ])('no exemption with %s', (_name, extra) => {
    expect(netsec004([...base, wideEgress({ app: 'api' }, TCP_443), ...extra as any[]])).toHaveLength(1);
  });

  test('a namespace-wide REGISTRY_ONLY Sidecar holds pods without a Sidecar of their own', () => {
    expect(netsec004([...base, wideEgress({ app: 'api' }, TCP_443), sidecar('shop', 'default', undefined)])).toEqual([]);
    // A workload Sidecar that cannot select the pods (a conflicting label) does not take them away.
    expect(netsec004([...base, wideEgress({ app: 'api' }, TCP_443), sidecar('shop', 'default', undefined),
      sidecar('shop', 'web', { app: 'web' }, 'ALLOW_ANY')])).toEqual([]);
  });

  test('IPv6 wide rules are recognised the same way', () => {
    const v6 = policy('shop', 'api', {
      podSelector: { matchLabels: { app: 'api' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '::/0' } }], ports: TCP_443 }],
    });
    expect(netsec004([...base, v6])).toHaveLength(1);
    expect(netsec004([...base, v6, sidecar('shop', 'api', { app: 'api' })])).toEqual([]);
  });
});
