import { Testing, Yaml } from 'cdk8s';
import { buildEgressLockdown } from '../../examples/egress-lockdown/main';
import { Reachability } from '../../src/analysis';
import { Port } from '../../src/core/port';
import { findObject, synthValid } from '../util';

const tcp = (port: number) => ({ port, protocol: 'TCP' });
const KUBE_DNS = {
  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
  ports: [tcp(53), { port: 53, protocol: 'UDP' }],
};
const PUBLIC_V4 = {
  ipBlock: {
    cidr: '0.0.0.0/0',
    except: ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '168.63.129.16/32', '169.254.0.0/16', '172.16.0.0/12',
      '192.0.0.0/24', '192.168.0.0/16', '198.18.0.0/15', '224.0.0.0/4', '240.0.0.0/4'],
  },
};

describe('examples/egress-lockdown', () => {
  const chart = buildEgressLockdown(Testing.app());
  const objects = synthValid(chart);
  const reach = Reachability.fromChart(chart);
  const checkout = { namespace: 'payments', pod: 'checkout' };
  const reporter = { namespace: 'payments', pod: 'reporter' };
  const notifier = { namespace: 'payments', pod: 'notifier' };
  const ledger = { namespace: 'data', pod: 'ledger' };
  const egress = (name: string) => findObject(objects, 'NetworkPolicy', name, 'payments').spec.egress;

  test('emits the namespaces, one policy per baseline and tier, and the Istio objects for checkout only', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort()).toEqual([
      'Namespace//data', 'Namespace//payments',
      'NetworkPolicy/data/data-baseline', 'NetworkPolicy/data/ledger',
      'NetworkPolicy/payments/checkout', 'NetworkPolicy/payments/notifier', 'NetworkPolicy/payments/payments-baseline', 'NetworkPolicy/payments/reporter',
      'Service/data/ledger',
      'ServiceEntry/payments/checkout-egress-api-stripe-com', 'ServiceEntry/payments/checkout-egress-wildcard-ingest-sentry-io',
      'Sidecar/payments/checkout-egress',
    ]);
    expect(findObject(objects, 'Namespace', 'payments').metadata.labels).toEqual({ 'istio-injection': 'enabled' });
  });

  test('checkout: the names through the sidecar (REGISTRY_ONLY), 443 to public addresses at L3, 5432 to the ledger', () => {
    expect(egress('checkout')).toEqual([
      { to: [PUBLIC_V4], ports: [tcp(443)] },
      KUBE_DNS,
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } }, podSelector: { matchLabels: { app: 'ledger' } } }], ports: [tcp(5432)] },
    ]);
    expect(findObject(objects, 'ServiceEntry', 'checkout-egress-api-stripe-com', 'payments').spec).toEqual({
      hosts: ['api.stripe.com'], location: 'MESH_EXTERNAL', resolution: 'DNS', exportTo: ['.'], ports: [{ number: 443, name: 'tls-443', protocol: 'TLS' }],
    });
    expect(findObject(objects, 'ServiceEntry', 'checkout-egress-wildcard-ingest-sentry-io', 'payments').spec).toEqual({
      hosts: ['*.ingest.sentry.io'], location: 'MESH_EXTERNAL', resolution: 'NONE', exportTo: ['.'], ports: [{ number: 443, name: 'tls-443', protocol: 'TLS' }],
    });
    expect(findObject(objects, 'Sidecar', 'checkout-egress', 'payments').spec).toEqual({
      workloadSelector: { labels: { app: 'checkout' } },
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
      egress: [{ hosts: ['./*.ingest.sentry.io', './api.stripe.com', 'data/*.data.svc.cluster.local', 'kube-system/*.kube-system.svc.cluster.local'] }],
    });
    expect(findObject(objects, 'NetworkPolicy', 'ledger', 'data').spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'payments' } }, podSelector: { matchLabels: { app: 'checkout' } } }],
      ports: [tcp(5432)],
    }]);
  });

  test('reporter: SFTP to the bank and TCP 80 to exactly the metadata addresses', () => {
    expect(egress('reporter')).toEqual([
      { to: [{ ipBlock: { cidr: '198.51.100.0/24' } }], ports: [tcp(22)] },
      KUBE_DNS,
      { to: ['100.100.100.200/32', '169.254.169.254/32', 'fd00:a9fe:a9fe::1/128', 'fd00:ec2::254/128', 'fd20:ce::254/128'].map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(80)] },
    ]);
  });

  test('notifier: the public internet on 443, without the non-public ranges', () => {
    expect(egress('notifier')).toEqual([{ to: [PUBLIC_V4], ports: [tcp(443)] }, KUBE_DNS]);
  });

  test('the analyzer allows exactly the declared destinations', () => {
    expect(reach.isAllowed(checkout, ledger, Port.tcp(5432))).toBe(true);
    expect(reach.isAllowed(reporter, ledger, Port.tcp(5432))).toBe(false);
    expect(reach.isAllowed(notifier, ledger, Port.tcp(5432))).toBe(false);
    expect(reach.isAllowed(checkout, { ip: '54.187.174.169' }, Port.tcp(443))).toBe(true);
    expect(reach.isAllowed(checkout, { ip: '54.187.174.169' }, Port.tcp(22))).toBe(false);
    expect(reach.isAllowed(reporter, { ip: '198.51.100.20' }, Port.tcp(22))).toBe(true);
    expect(reach.isAllowed(reporter, { ip: '198.51.100.20' }, Port.tcp(443))).toBe(false);
    expect(reach.isAllowed(reporter, { ip: '8.8.8.8' }, Port.tcp(443))).toBe(false);
    expect(reach.isAllowed(notifier, { ip: '8.8.8.8' }, Port.tcp(443))).toBe(true);
    expect(reach.isAllowed(notifier, { ip: '10.0.12.7' }, Port.tcp(443))).toBe(false);
    expect(reach.isAllowed(notifier, { namespace: 'payments', pod: 'checkout' }, Port.tcp(8080))).toBe(false);
  });

  test('the metadata endpoint is reachable only by the reporter, only on TCP 80', () => {
    const metadata = { ip: '169.254.169.254' };
    expect(reach.isAllowed(reporter, metadata, Port.tcp(80))).toBe(true);
    expect(reach.isAllowed(reporter, metadata, Port.tcp(443))).toBe(false);
    for (const from of [checkout, notifier, ledger]) {
      for (const port of [80, 443]) expect(reach.isAllowed(from, metadata, Port.tcp(port))).toBe(false);
    }
  });

  test('synthesizes schema-valid YAML (snapshot)', () => {
    expect(Yaml.stringify(...objects)).toMatchSnapshot();
  });
});
