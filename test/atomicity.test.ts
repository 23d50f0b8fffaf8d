import { App, Chart, Duration, Testing } from 'cdk8s';
import {
  AcmeClusterIssuer, AuditSeverity, ClusterIsolation, Destination, GatewayImplementation, IngressController, IsolatedTier, NamespaceExemption,
  IssuerReference, MeshMtls, MtlsMode, NamespaceIsolation, NetsecAudit, Port, PrivateCertificateAuthority, RestrictedEgress,
  SecureGateway, SecureIngress, TierService, TlsCertificate,
} from '../src';

/*
 * All or nothing: a construct that refuses its input, nested props included, leaves the construct tree
 * exactly as it was, and the same call with the same id and good props then succeeds and synthesizes.
 * A construct that built children (or claimed names in the app's model) before refusing would fail the
 * retry with "There is already a Construct with name" or a name conflict at synth.
 */

interface Fixture {
  readonly app: App;
  readonly chart: Chart;
  readonly cluster: Chart;
  readonly web: IsolatedTier;
  readonly gateway: SecureGateway;
}

interface Case {
  readonly name: string;
  /** Makes the construct with bad input (`bad` true) or good input, always with the same id. */
  readonly make: (f: Fixture, bad: boolean) => unknown;
}

function fixture(): Fixture {
  const app = Testing.app();
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  const cluster = new Chart(app, 'cluster');
  const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
  const gateway = new SecureGateway(chart, 'edge', {
    namespace: 'edge',
    gatewayClassName: 'eg',
    implementation: GatewayImplementation.envoyGateway(),
    clusterIssuer: 'letsencrypt-prod',
  });
  return { app, chart, cluster, web, gateway };
}

/** Every construct path of the app, in tree order. */
function tree(app: App): string[] {
  return app.node.findAll().map((c) => c.node.path);
}

const SHORT = Duration.minutes(5);

const CASES: Case[] = [
  { name: 'IsolatedTier (podLabels)', make: (f, bad) => new IsolatedTier(f.chart, 'x', { podLabels: bad ? {} : { app: 'x' } }) },
  { name: 'IsolatedTier (ports)', make: (f, bad) => new IsolatedTier(f.chart, 'x', { podLabels: { app: 'x' }, ports: [bad ? (null as any) : Port.tcp(80)] }) },
  { name: 'NamespaceIsolation (namespace)', make: (f, bad) => new NamespaceIsolation(f.chart, 'x', { namespace: bad ? 'Not A Namespace' : 'other' }) },
  { name: 'TierService (source ranges)', make: (f, bad) => new TierService(f.chart, 'x', { tier: f.web, serviceType: bad ? 'LoadBalancer' as any : undefined, name: 'svc' }) },
  { name: 'IsolatedTier.expose (name)', make: (f, bad) => f.web.expose({ name: bad ? 'Web Svc' : 'web-svc' }) },
  {
    name: 'RestrictedEgress (destination)',
    make: (f, bad) => new RestrictedEgress(f.chart, 'x', { tier: f.web, allow: [Destination.cidr(bad ? '169.254.169.254/32' : '198.51.100.0/24', Port.tcp(443))] }),
  },
  { name: 'ClusterIsolation (exemptNamespaces)', make: (f, bad) => new ClusterIsolation(f.cluster, 'x', { exemptNamespaces: ['kube-system'], exemptions: [NamespaceExemption.of('envoy-gateway-system', 'the gateway controller is not described here')], ...(bad ? { exemptNamespaces: ['kube-system', 'legacy-billing'] } : {}) }) },
  { name: 'MeshMtls (mode)', make: (f, bad) => new MeshMtls(f.chart, 'x', { mode: bad ? MtlsMode.PERMISSIVE : MtlsMode.STRICT }) },
  {
    name: 'TlsCertificate (duration)',
    make: (f, bad) => new TlsCertificate(f.chart, 'x', { dnsNames: ['a.example.com'], issuer: IssuerReference.clusterIssuer('ca'), duration: bad ? SHORT : undefined }),
  },
  { name: 'AcmeClusterIssuer (email)', make: (f, bad) => new AcmeClusterIssuer(f.cluster, 'x', { email: bad ? 'not-an-email' : 'ops@example.com' }) },
  {
    name: 'PrivateCertificateAuthority (namespace with clusterWide)',
    make: (f, bad) => new PrivateCertificateAuthority(f.cluster, 'x', { commonName: 'Shop CA', clusterWide: true, namespace: bad ? 'shop' : undefined }),
  },
  { name: 'PrivateCertificateAuthority (duration)', make: (f, bad) => new PrivateCertificateAuthority(f.chart, 'x', { commonName: 'Shop CA', duration: bad ? SHORT : undefined }) },
  {
    name: 'SecureGateway (gatewayClassName)',
    make: (f, bad) => new SecureGateway(f.chart, 'x', {
      namespace: 'edge2',
      gatewayClassName: bad ? 'Bad Class' : 'eg',
      implementation: GatewayImplementation.envoyGateway(),
      clusterIssuer: 'letsencrypt-prod',
    }),
  },
  {
    name: 'SecureGateway (certificate.duration)',
    make: (f, bad) => new SecureGateway(f.chart, 'x', {
      namespace: 'edge2',
      gatewayClassName: 'eg',
      implementation: GatewayImplementation.envoyGateway(),
      clusterIssuer: 'letsencrypt-prod',
      certificate: bad ? { duration: SHORT } : undefined,
    }),
  },
  {
    name: 'SecureIngress (host)',
    make: (f, bad) => new SecureIngress(f.chart, 'x', {
      host: bad ? 'Shop.example.com' : 'shop.example.com',
      backend: f.web,
      port: Port.tcp(8080),
      clusterIssuer: 'letsencrypt-prod',
      controller: IngressController.ingressNginx(),
    }),
  },
  {
    name: 'SecureIngress through a controller (certificate.duration)',
    make: (f, bad) => new SecureIngress(f.chart, 'x', {
      host: 'shop.example.com',
      backend: f.web,
      port: Port.tcp(8080),
      clusterIssuer: 'letsencrypt-prod',
      controller: IngressController.ingressNginx(),
      certificate: bad ? { duration: SHORT } : undefined,
    }),
  },
  {
    name: 'SecureIngress through a controller (certificate.renewBefore)',
    make: (f, bad) => new SecureIngress(f.chart, 'x', {
      host: 'shop.example.com',
      backend: f.web,
      port: Port.tcp(8080),
      clusterIssuer: 'letsencrypt-prod',
      controller: IngressController.ingressNginx(),
      certificate: bad ? { renewBefore: Duration.days(100) } : undefined,
    }),
  },
  {
    name: 'SecureIngress through a gateway (certificate.duration)',
    make: (f, bad) => new SecureIngress(f.chart, 'x', {
      host: 'shop.example.com',
      backend: f.web,
      port: Port.tcp(8080),
      gateway: f.gateway,
      certificate: bad ? { duration: SHORT } : undefined,
    }),
  },
  // The fixture itself has findings (no namespace baseline; the gateway's ACME solver pods have open egress): the
  // good audit fails only on what is left at CRITICAL once that one is ignored.
  { name: 'NetsecAudit (failOn)', make: (f, bad) => new NetsecAudit(f.chart, 'x', { failOn: bad ? 'SEVERE' as AuditSeverity : AuditSeverity.CRITICAL, ignore: ['NETSEC005'] }) },
  { name: 'NetsecAudit (ignore)', make: (f, bad) => new NetsecAudit(f.chart, 'x', { failOn: AuditSeverity.CRITICAL, ignore: [bad ? 'NETSEC999' : 'NETSEC005'] }) },
];

describe('a refused construct leaves the tree as it was, and a retry with the same id succeeds', () => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const f = fixture();
    const before = tree(f.app);
    const children = f.chart.node.children.map((child) => child.node.id);

    let message = '';
    try {
      c.make(f, true);
    } catch (e) {
      message = (e as Error).message;
    }
    // The error starts with the construct path and names it once (no "shop/x: shop/x: ...").
    const path = message.slice(0, message.indexOf(': '));
    expect(path).toMatch(/^(shop|cluster)\/(x|web\/Service-)/);
    expect(message.split(`${path}:`).length - 1).toBe(1);
    expect(f.chart.node.children.map((child) => child.node.id)).toEqual(children);
    expect(tree(f.app)).toEqual(before);

    expect(() => c.make(f, false)).not.toThrow();
    expect(tree(f.app).length).toBeGreaterThan(before.length);
    // The retry left no trace of the refusal in the app's model either (no name claimed twice).
    expect(() => f.app.synth()).not.toThrow();
  });
});

test('a whole-tree check names the construct path once: cdk8s prints it, the message does not repeat it', () => {
  const f = fixture();
  const open = new IsolatedTier(f.chart, 'open', { podLabels: { app: 'open' }, ports: [Port.tcp(8080)], isolateIngress: false });
  new SecureIngress(f.chart, 'public', {
    host: 'shop.example.com',
    backend: open,
    port: Port.tcp(8080),
    clusterIssuer: 'letsencrypt-prod',
    controller: IngressController.ingressNginx(),
  });
  let message = '';
  try {
    Testing.synth(f.chart);
  } catch (e) {
    message = (e as Error).message;
  }
  const line = message.split('\n').find((l) => l.includes('does not isolate ingress, so any pod could reach the backend'));
  expect(line).toBeDefined();
  expect(line!.trim()).toMatch(/^\[shop\/public\] tier shop\/open does not isolate ingress/);
  expect(line!.split('shop/public').length - 1).toBe(1);
});
