import { App, Chart, Duration, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import * as library from '../src';
import {
  AcmeClusterIssuer, AuditSeverity, ClusterIsolation, Destination, GatewayImplementation, IngressController, IsolatedTier, NamespaceExemption,
  IssuerReference, MeshMtls, MtlsMode, NamespaceIsolation, NetsecAudit, Peer, Port, PrivateCertificateAuthority, RestrictedEgress,
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
  readonly db: IsolatedTier;
  readonly gateway: SecureGateway;
}

interface Case {
  readonly name: string;
  /** The construct class the case refuses (the meta-test checks that every exported one has a case). */
  readonly construct: Function;
  /** Adds to the fixture what the case needs, before the tree is recorded. */
  readonly setup?: (f: Fixture) => void;
  /** Makes the construct with bad input (`bad` true) or good input, always with the same id. */
  readonly make: (f: Fixture, bad: boolean) => unknown;
}

function fixture(): Fixture {
  const app = Testing.app();
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  const cluster = new Chart(app, 'cluster');
  const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
  const db = new IsolatedTier(chart, 'db', { podLabels: { app: 'db' }, ports: [Port.tcp(5432)] });
  const gateway = new SecureGateway(chart, 'edge', {
    namespace: 'edge',
    gatewayClassName: 'eg',
    implementation: GatewayImplementation.envoyGateway(),
    clusterIssuer: 'letsencrypt-prod',
  });
  return { app, chart, cluster, web, db, gateway };
}

/** Every construct path of the app, in tree order. */
function tree(app: App): string[] {
  return app.node.findAll().map((c) => c.node.path);
}

const SHORT = Duration.minutes(5);

const CASES: Case[] = [
  { name: 'IsolatedTier (podLabels)', construct: IsolatedTier, make: (f, bad) => new IsolatedTier(f.chart, 'x', { podLabels: bad ? {} : { app: 'x' } }) },
  { name: 'IsolatedTier (ports)', construct: IsolatedTier, make: (f, bad) => new IsolatedTier(f.chart, 'x', { podLabels: { app: 'x' }, ports: [bad ? (null as any) : Port.tcp(80)] }) },
  { name: 'IsolatedTier (dns)', construct: IsolatedTier, make: (f, bad) => new IsolatedTier(f.chart, 'x', { podLabels: { app: 'x' }, dns: bad ? 'kube-dns' as any : undefined }) },
  { name: 'IsolatedTier (props)', construct: IsolatedTier, make: (f, bad) => new IsolatedTier(f.chart, 'x', bad ? null as any : { podLabels: { app: 'x' } }) },
  { name: 'NamespaceIsolation (namespace)', construct: NamespaceIsolation, make: (f, bad) => new NamespaceIsolation(f.chart, 'x', { namespace: bad ? 'Not A Namespace' : 'other' }) },
  {
    name: 'NamespaceIsolation (namespaceLabels)',
    construct: NamespaceIsolation,
    make: (f, bad) => new NamespaceIsolation(f.chart, 'x', { namespace: 'other', createNamespace: true, namespaceLabels: { team: bad ? 'not a value!' : 'payments' } }),
  },
  { name: 'TierService (source ranges)', construct: TierService, make: (f, bad) => new TierService(f.chart, 'x', { tier: f.web, serviceType: bad ? 'LoadBalancer' as any : undefined, name: 'svc' }) },
  { name: 'TierService (port not served)', construct: TierService, make: (f, bad) => new TierService(f.chart, 'x', { tier: f.web, name: 'svc', ports: [{ targetPort: Port.tcp(bad ? 9999 : 8080) }] }) },
  { name: 'IsolatedTier.expose (name)', construct: TierService, make: (f, bad) => f.web.expose({ name: bad ? 'Web Svc' : 'web-svc' }) },
  {
    name: 'RestrictedEgress (destination)',
    construct: RestrictedEgress,
    make: (f, bad) => new RestrictedEgress(f.chart, 'x', { tier: f.web, allow: [Destination.cidr(bad ? '169.254.169.254/32' : '198.51.100.0/24', Port.tcp(443))] }),
  },
  {
    // The first destination is fine and would open a flow; the second is refused: no flow may be left behind.
    name: 'RestrictedEgress (a later destination on a port its tier does not serve)',
    construct: RestrictedEgress,
    make: (f, bad) => new RestrictedEgress(f.chart, 'x', { tier: f.web, allow: [Destination.cidr('198.51.100.0/24', Port.tcp(443)), Destination.tier(f.db, Port.tcp(bad ? 9999 : 5432))] }),
  },
  {
    name: 'ClusterIsolation (exemptNamespaces)',
    construct: ClusterIsolation,
    make: (f, bad) => new ClusterIsolation(f.cluster, 'x', { exemptNamespaces: ['kube-system'], exemptions: [NamespaceExemption.of('envoy-gateway-system', 'the gateway controller is not described here')], ...(bad ? { exemptNamespaces: ['kube-system', 'legacy-billing'] } : {}) }),
  },
  {
    name: 'ClusterIsolation (dns)',
    construct: ClusterIsolation,
    make: (f, bad) => new ClusterIsolation(f.cluster, 'x', {
      exemptNamespaces: ['kube-system'],
      exemptions: [NamespaceExemption.of('envoy-gateway-system', 'the gateway controller is not described here')],
      dns: bad ? {} as any : undefined,
    }),
  },
  { name: 'MeshMtls (mode)', construct: MeshMtls, make: (f, bad) => new MeshMtls(f.chart, 'x', { mode: bad ? MtlsMode.PERMISSIVE : MtlsMode.STRICT }) },
  {
    name: 'MeshMtls (a nested identity)',
    construct: MeshMtls,
    make: (f, bad) => new MeshMtls(f.chart, 'x', { identities: [{ peer: Peer.pods({ app: 'batch' }, 'jobs'), serviceAccountName: bad ? 'Not An Account' : 'batch' }] }),
  },
  { name: 'MeshMtls (props)', construct: MeshMtls, make: (f, bad) => new MeshMtls(f.chart, 'x', bad ? { identities: 'batch' as any } : {}) },
  {
    name: 'TlsCertificate (duration)',
    construct: TlsCertificate,
    make: (f, bad) => new TlsCertificate(f.chart, 'x', { dnsNames: ['a.example.com'], issuer: IssuerReference.clusterIssuer('ca'), duration: bad ? SHORT : undefined }),
  },
  { name: 'AcmeClusterIssuer (email)', construct: AcmeClusterIssuer, make: (f, bad) => new AcmeClusterIssuer(f.cluster, 'x', { email: bad ? 'not-an-email' : 'ops@example.com' }) },
  { name: 'AcmeClusterIssuer (gateway)', construct: AcmeClusterIssuer, make: (f, bad) => new AcmeClusterIssuer(f.cluster, 'x', { gateway: bad ? f.web as any : f.gateway }) },
  {
    name: 'PrivateCertificateAuthority (namespace with clusterWide)',
    construct: PrivateCertificateAuthority,
    make: (f, bad) => new PrivateCertificateAuthority(f.cluster, 'x', { commonName: 'Shop CA', clusterWide: true, namespace: bad ? 'shop' : undefined }),
  },
  {
    name: 'PrivateCertificateAuthority (duration)',
    construct: PrivateCertificateAuthority,
    make: (f, bad) => new PrivateCertificateAuthority(f.chart, 'x', { commonName: 'Shop CA', duration: bad ? SHORT : undefined }),
  },
  {
    name: 'PrivateCertificateAuthority (renewBefore longer than the duration)',
    construct: PrivateCertificateAuthority,
    make: (f, bad) => new PrivateCertificateAuthority(f.chart, 'x', { commonName: 'Shop CA', renewBefore: bad ? Duration.days(400) : undefined }),
  },
  {
    name: 'SecureGateway (gatewayClassName)',
    construct: SecureGateway,
    make: (f, bad) => new SecureGateway(f.chart, 'x', {
      namespace: 'edge2',
      gatewayClassName: bad ? 'Bad Class' : 'eg',
      implementation: GatewayImplementation.envoyGateway(),
      clusterIssuer: 'letsencrypt-prod',
    }),
  },
  {
    name: 'SecureGateway (certificate.duration)',
    construct: SecureGateway,
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
    construct: SecureIngress,
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
    construct: SecureIngress,
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
    construct: SecureIngress,
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
    construct: SecureIngress,
    make: (f, bad) => new SecureIngress(f.chart, 'x', {
      host: 'shop.example.com',
      backend: f.web,
      port: Port.tcp(8080),
      gateway: f.gateway,
      certificate: bad ? { duration: SHORT } : undefined,
    }),
  },
  {
    name: 'SecureIngress through a gateway (a host the gateway serves already)',
    construct: SecureIngress,
    setup: (f) => new SecureIngress(f.chart, 'taken', { host: 'taken.example.com', backend: f.web, port: Port.tcp(8080), gateway: f.gateway }),
    make: (f, bad) => new SecureIngress(f.chart, 'x', { hosts: ['shop.example.com', bad ? 'taken.example.com' : 'www.example.com'], backend: f.web, port: Port.tcp(8080), gateway: f.gateway }),
  },
  {
    name: 'SecureIngress (a port the backend does not serve)',
    construct: SecureIngress,
    make: (f, bad) => new SecureIngress(f.chart, 'x', {
      host: 'shop.example.com',
      backend: f.web,
      port: Port.tcp(bad ? 9999 : 8080),
      clusterIssuer: 'letsencrypt-prod',
      controller: IngressController.ingressNginx(),
    }),
  },
  // The fixture itself has findings (no namespace baseline; the gateway's ACME solver pods have open egress): the
  // good audit fails only on what is left at CRITICAL once that one is ignored.
  { name: 'NetsecAudit (failOn)', construct: NetsecAudit, make: (f, bad) => new NetsecAudit(f.chart, 'x', { failOn: bad ? 'SEVERE' as AuditSeverity : AuditSeverity.CRITICAL, ignore: ['NETSEC005'] }) },
  { name: 'NetsecAudit (ignore)', construct: NetsecAudit, make: (f, bad) => new NetsecAudit(f.chart, 'x', { failOn: AuditSeverity.CRITICAL, ignore: [bad ? 'NETSEC999' : 'NETSEC005'] }) },
  {
    name: 'NetsecAudit (additionalManifests)',
    construct: NetsecAudit,
    make: (f, bad) => new NetsecAudit(f.chart, 'x', { failOn: AuditSeverity.CRITICAL, ignore: ['NETSEC005'], additionalManifests: bad ? {} as any : [] }),
  },
];

describe('a refused construct leaves the tree as it was, and a retry with the same id succeeds', () => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const f = fixture();
    c.setup?.(f);
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

/** Every construct class the package exports (what `src/index.ts` re-exports that extends Construct). */
function exportedConstructs(): [string, Function][] {
  return Object.entries(library)
    .filter(([, value]) => typeof value === 'function' && (value as Function).prototype instanceof Construct)
    .map(([name, value]) => [name, value as Function]);
}

describe('every exported construct is covered', () => {
  test('the package exports the constructs this file knows, and each has a refusal case above', () => {
    const exported = exportedConstructs();
    expect(exported.length).toBeGreaterThanOrEqual(12);
    const covered = new Set(CASES.map((c) => c.construct));
    expect(exported.filter(([, construct]) => !covered.has(construct)).map(([name]) => name)).toEqual([]);
  });

  // A plain-JavaScript caller can pass anything as the scope: each construct refuses it with the library's
  // error (checkedInput) rather than a TypeError from deep inside.
  test.each(exportedConstructs())('%s refuses a scope that is not a construct', (_name, construct) => {
    for (const scope of [undefined, null, {}, 'shop']) {
      expect(() => new (construct as any)(scope, 'x', {})).toThrow(/^x: scope is not a construct \(.*\)\. Pass the chart \(or another construct\)/);
    }
  });
});

describe('a refusal in an app without intent yet leaves the app empty', () => {
  // Checks that read the app's intent model must not create it: the tree would then gain a child.
  const refusals: [string, (chart: Chart, cluster: Chart) => unknown][] = [
    ['IsolatedTier', (chart) => new IsolatedTier(chart, 'x', { podLabels: {} })],
    ['NamespaceIsolation', (chart) => new NamespaceIsolation(chart, 'x', { namespace: 'Bad' })],
    ['MeshMtls', (chart) => new MeshMtls(chart, 'x', { mode: MtlsMode.DISABLE })],
    ['ClusterIsolation', (_chart, cluster) => new ClusterIsolation(cluster, 'x', { exemptNamespaces: ['Bad'] })],
    ['TlsCertificate', (chart) => new TlsCertificate(chart, 'x', { dnsNames: [], issuer: IssuerReference.clusterIssuer('ca') })],
    ['AcmeClusterIssuer', (_chart, cluster) => new AcmeClusterIssuer(cluster, 'x', { server: 'http://acme.example.com' })],
    ['PrivateCertificateAuthority', (chart) => new PrivateCertificateAuthority(chart, 'x', { commonName: 'CA', duration: SHORT })],
    ['SecureGateway', (chart) => new SecureGateway(chart, 'x', { gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway() })],
    ['NetsecAudit', (chart) => new NetsecAudit(chart, 'x', { failOn: 'urgent' as AuditSeverity })],
  ];
  test.each(refusals)('%s', (_name, refuse) => {
    const app = Testing.app();
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    const cluster = new Chart(app, 'cluster');
    const before = tree(app);
    expect(() => refuse(chart, cluster)).toThrow(/^(shop|cluster)\/x[:/ ]/);
    expect(tree(app)).toEqual(before);
  });
});
