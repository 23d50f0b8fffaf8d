import { Testing, Yaml } from 'cdk8s';
import { buildCiliumEgress } from '../../examples/cilium-egress/main';
import { Reachability } from '../../src/analysis';
import { AuditSeverity } from '../../src/audit/audit-finding';
import { Port } from '../../src/core/port';
import { findObject, objectsOfKind, synthValid } from '../util';

const tcp = (port: number) => ({ port, protocol: 'TCP' });
const KUBE_DNS = {
  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
  ports: [tcp(53), { port: 53, protocol: 'UDP' }],
};
const CILIUM_DNS = {
  toEndpoints: [{ matchLabels: { 'k8s-app': 'kube-dns', 'k8s:io.kubernetes.pod.namespace': 'kube-system' } }],
  toPorts: [{ ports: [{ port: '53', protocol: 'TCP' }, { port: '53', protocol: 'UDP' }], rules: { dns: [{ matchPattern: '*' }] } }],
};
const HTTPS = [{ ports: [{ port: '443', protocol: 'TCP' }] }];

describe('examples/cilium-egress', () => {
  const chart = buildCiliumEgress(Testing.app());
  const objects = synthValid(chart);
  const reach = Reachability.fromChart(chart);
  const checkout = { namespace: 'payments', pod: 'checkout' };
  const exporter = { namespace: 'payments', pod: 'exporter' };
  const ledger = { namespace: 'data', pod: 'ledger' };

  test('emits the namespaces, one NetworkPolicy per baseline and tier, one CiliumNetworkPolicy per restricted tier, no Istio objects', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort()).toEqual([
      'CiliumNetworkPolicy/payments/checkout-egress', 'CiliumNetworkPolicy/payments/exporter-egress',
      'Namespace//data', 'Namespace//payments',
      'NetworkPolicy/data/data-baseline', 'NetworkPolicy/data/ledger',
      'NetworkPolicy/payments/checkout', 'NetworkPolicy/payments/exporter', 'NetworkPolicy/payments/payments-baseline',
      'Service/data/ledger',
    ]);
  });

  test('checkout: the names on 443 through Cilium, the ledger on 5432, DNS; its NetworkPolicy opens no public address', () => {
    expect(findObject(objects, 'CiliumNetworkPolicy', 'checkout-egress', 'payments').spec).toEqual({
      endpointSelector: { matchLabels: { app: 'checkout' } },
      egress: [
        CILIUM_DNS,
        { toFQDNs: [{ matchPattern: '*.ingest.sentry.io' }], toPorts: HTTPS },
        { toFQDNs: [{ matchName: 'api.stripe.com' }], toPorts: HTTPS },
      ],
    });
    expect(findObject(objects, 'NetworkPolicy', 'checkout', 'payments').spec.egress).toEqual([
      KUBE_DNS,
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } }, podSelector: { matchLabels: { app: 'ledger' } } }], ports: [tcp(5432)] },
    ]);
  });

  test('exporter: S3 by name through Cilium, SFTP by address through its NetworkPolicy', () => {
    expect(findObject(objects, 'CiliumNetworkPolicy', 'exporter-egress', 'payments').spec).toEqual({
      endpointSelector: { matchLabels: { app: 'exporter' } },
      egress: [CILIUM_DNS, { toFQDNs: [{ matchPattern: '*.s3.eu-west-1.amazonaws.com' }], toPorts: HTTPS }],
    });
    expect(findObject(objects, 'NetworkPolicy', 'exporter', 'payments').spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '198.51.100.0/24' } }], ports: [tcp(22)] },
      KUBE_DNS,
    ]);
  });

  test('the NetworkPolicies allow exactly the declared in-cluster and address destinations, and no public address on 443', () => {
    expect(reach.isAllowed(checkout, ledger, Port.tcp(5432))).toBe(true);
    expect(reach.isAllowed(exporter, ledger, Port.tcp(5432))).toBe(false);
    expect(reach.isAllowed(exporter, { ip: '198.51.100.20' }, Port.tcp(22))).toBe(true);
    expect(reach.isAllowed(checkout, { ip: '198.51.100.20' }, Port.tcp(22))).toBe(false);
    for (const from of [checkout, exporter]) {
      for (const ip of ['54.187.174.169', '52.218.0.1', '8.8.8.8']) expect(reach.isAllowed(from, { ip }, Port.tcp(443))).toBe(false);
      expect(reach.isAllowed(from, { ip: '169.254.169.254' }, Port.tcp(80))).toBe(false);
    }
  });

  test('passes its own audit at the default failOn (high)', () => {
    expect(reach.audit({ minSeverity: AuditSeverity.HIGH })).toEqual([]);
  });

  test('every CiliumNetworkPolicy rule names a peer: no bare toPorts, which Cilium reads as "any endpoint"', () => {
    for (const policy of objectsOfKind(objects, 'CiliumNetworkPolicy')) {
      for (const rule of policy.spec.egress) expect(['toEndpoints', 'toFQDNs'].filter((k) => k in rule)).toHaveLength(1);
    }
  });

  test('synthesizes schema-valid YAML (snapshot)', () => {
    expect(Yaml.stringify(...objects)).toMatchSnapshot();
  });
});
