/*
 * The bad-input catalogue, continued for the higher-level constructs: SecureIngress, Services,
 * certificates, RestrictedEgress and MeshMtls. Errors found at construction start with the construct
 * path; errors that need the whole tree are reported by synthesis, each line with the path.
 */
import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import {
  AcmeClusterIssuer, ClusterIsolation, Destination, GatewayImplementation, IngressController, IsolatedTier, IssuerReference, MeshMtls, MtlsMode,
  NamespaceIsolation, NetsecAudit, Peer, Port, PrivateCertificateAuthority, RestrictedEgress, SecureGateway, SecureIngress, ServiceType,
  TierService, TlsCertificate,
} from '../src';

interface Case {
  readonly name: string;
  readonly make: (chart: Chart, web: IsolatedTier) => unknown;
  readonly where: string;
  readonly value: string;
  readonly fix: RegExp;
}

const ingress = (c: Chart, web: IsolatedTier, extra: object) =>
  new SecureIngress(c, 'i', { host: 'a.example.com', backend: web, port: Port.tcp(8080), controller: IngressController.ingressNginx(), ...extra });

const CASES: Case[] = [
  // SecureIngress
  { name: 'no TLS source', make: (c, w) => ingress(c, w, {}), where: 'shop/i', value: 'undefined', fix: /Pass exactly one of clusterIssuer/ },
  { name: 'two TLS sources', make: (c, w) => ingress(c, w, { clusterIssuer: 'x', tlsSecretName: 'y' }), where: 'shop/i', value: '{"clusterIssuer":"x","tlsSecretName":"y"}', fix: /Pass exactly one/ },
  { name: 'upper-case host', make: (c, w) => ingress(c, w, { host: 'Shop.example.com', clusterIssuer: 'x' }), where: 'shop/i', value: '"Shop.example.com"', fix: /Use a DNS name such as "shop\.example\.com"/ },
  { name: 'wildcard that is not the leftmost label', make: (c, w) => ingress(c, w, { host: 'a.*.example.com', clusterIssuer: 'x' }), where: 'shop/i', value: '"a.*.example.com"', fix: /whole leftmost label/ },
  { name: 'host and hosts together', make: (c, w) => ingress(c, w, { hosts: ['b.example.com'], clusterIssuer: 'x' }), where: 'shop/i', value: '{"host":"a.example.com","hosts":["b.example.com"]}', fix: /not both/ },
  { name: 'backend port the tier does not serve', make: (c, w) => ingress(c, w, { port: Port.tcp(9999), clusterIssuer: 'x' }), where: 'shop/i', value: '"TCP 9999"', fix: /tier's ports \(TCP 8080\)/ },
  { name: 'named backend port', make: (c, w) => ingress(c, w, { port: Port.named('http'), clusterIssuer: 'x' }), where: 'shop/i', value: '"TCP http"', fix: /Port\.tcp\(8080\)/ },
  { name: 'path without leading slash', make: (c, w) => ingress(c, w, { paths: ['api'], clusterIssuer: 'x' }), where: 'shop/i', value: '"api"', fix: /plain path such as "\/api"/ },
  { name: 'source range without mask', make: (c, w) => ingress(c, w, { sourceRanges: ['1.2.3.4'], clusterIssuer: 'x' }), where: 'shop/i', value: '"1.2.3.4"', fix: /write "1\.2\.3\.4\/32"/ },
  // Services
  { name: 'LoadBalancer without source ranges', make: (_c, w) => w.expose({ serviceType: ServiceType.LOAD_BALANCER }), where: 'shop/web/Service-web-loadbalancer', value: 'undefined', fix: /Pass loadBalancerSourceRanges/ },
  { name: 'NodePort without source ranges', make: (_c, w) => w.expose({ serviceType: ServiceType.NODE_PORT }), where: 'shop/web/Service-web-nodeport', value: 'undefined', fix: /Pass nodePortSourceRanges/ },
  { name: 'Service name that is not a DNS-1035 label', make: (_c, w) => w.expose({ name: 'Web Svc' }), where: 'shop/web/Service-Web Svc', value: '"Web Svc"', fix: /Pass name/ },
  // Certificates and issuers
  { name: 'certificate without subject', make: (c) => new TlsCertificate(c, 'cert', { dnsNames: [], issuer: IssuerReference.clusterIssuer('x') }), where: 'shop/cert', value: '{"dnsNames":[]}', fix: /Give dnsNames/ },
  { name: 'ACME account e-mail that is not an address', make: (c) => new AcmeClusterIssuer(c, 'le', { email: 'not-an-email' }), where: 'shop/le', value: '"not-an-email"', fix: /ops@example\.com/ },
  // RestrictedEgress and Destination
  { name: 'egress allowlist without target', make: (c) => new RestrictedEgress(c, 'e', { allow: [] }), where: 'shop/e', value: '[]', fix: /Pass tier for one tier/ },
  { name: 'every address without opt-in', make: (c, w) => new RestrictedEgress(c, 'e', { tier: w, allow: [Destination.cidr('0.0.0.0/0', Port.tcp(443))] }), where: 'shop/e', value: '"0.0.0.0/0"', fix: /allowInternet: true/ },
  { name: 'FQDN without enforcement', make: (c, w) => new RestrictedEgress(c, 'e', { tier: w, allow: [Destination.fqdn('api.example.com', Port.tcp(443))] }), where: 'shop/e', value: '"api.example.com"', fix: /FqdnEnforcement\.ISTIO/ },
  { name: 'metadata endpoint named as a destination', make: (c, w) => new RestrictedEgress(c, 'e', { tier: w, allow: [Destination.cidr('169.254.169.254/32', Port.tcp(80))] }), where: 'shop/e', value: '"169.254.169.254/32"', fix: /allowMetadataEndpoint: true/ },
  {
    name: 'allowlist on pods that do not isolate egress',
    make: (c) => new RestrictedEgress(c, 'e', { tier: c.node.findChild('open') as IsolatedTier, allow: [Destination.cidr('10.0.0.0/8', Port.tcp(443))] }),
    where: 'shop/e',
    value: '"isolateEgress: false"',
    fix: /Leave isolateEgress at its default/,
  },
  { name: 'FQDN with a space', make: () => Destination.fqdn('exa mple.com', Port.tcp(443)), where: 'Destination.fqdn', value: '"exa mple.com"', fix: /fully qualified name/ },
  { name: 'FQDN that is an IP address', make: () => Destination.fqdn('10.0.0.1', Port.tcp(443)), where: 'Destination.fqdn', value: '"10.0.0.1"', fix: /Destination\.cidr\("10\.0\.0\.1\/32"\)/ },
  { name: 'destination CIDR with a bad prefix', make: () => Destination.cidr('10.0.0.0/33'), where: 'Destination.cidr', value: '"10.0.0.0/33"', fix: /Write a CIDR/ },
  // MeshMtls
  { name: 'PERMISSIVE without the migration flag', make: (c) => new MeshMtls(c, 'm', { mode: MtlsMode.PERMISSIVE }), where: 'shop/m', value: '"PERMISSIVE"', fix: /allowPlaintext: true/ },
  { name: 'trust domain that is not a DNS name', make: (c) => new MeshMtls(c, 'm', { trustDomain: 'bad domain' }), where: 'shop/m', value: '"bad domain"', fix: /meshConfig\.trustDomain/ },
];

/** Conflicts that only the whole tree shows: reported when the app synthesizes. */
const CONFLICTS: Case[] = [
  { name: 'STRICT and PERMISSIVE on the same namespace', make: (c) => { new MeshMtls(c, 'm1', {}); new MeshMtls(c, 'm2', { mode: MtlsMode.PERMISSIVE, allowPlaintext: true }); }, where: 'shop/m2', value: '"shop"', fix: /one MeshMtls per namespace/ },
  { name: 'the same tier name declared twice with different labels', make: (c) => new IsolatedTier(c, 'web-again', { podLabels: { app: 'other' }, name: 'web' }), where: 'shop/web-again', value: '"web"', fix: /different id or an explicit name/ },
  {
    name: 'two SecureIngress claiming one host and path',
    make: (c, w) => { ingress(c, w, { clusterIssuer: 'x' }); new SecureIngress(c, 'i2', { host: 'a.example.com', backend: w, port: Port.tcp(8080), clusterIssuer: 'x', controller: IngressController.ingressNginx() }); },
    where: 'shop/i2',
    value: '"a.example.com/"',
    fix: /Route each host and path to one backend/,
  },
];

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function fresh(): { chart: Chart; web: IsolatedTier } {
  const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
  new IsolatedTier(chart, 'open', { podLabels: { app: 'open' }, isolateEgress: false });
  return { chart, web: new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)], serviceAccountName: 'web' }) };
}

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    return (e as Error).message;
  }
  return '(no error)';
}

describe('bad input to the higher-level constructs', () => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { chart, web } = fresh();
    const before = JSON.stringify(Testing.synth(chart));
    const message = messageOf(() => c.make(chart, web));
    expect(message).toMatch(new RegExp(`^${escape(c.where)}: `));
    expect(message).toContain(`(${c.value}). `);
    expect(message).toMatch(c.fix);
    expect(JSON.stringify(Testing.synth(chart))).toBe(before);
  });
});

describe('conflicts are detected, not merged', () => {
  test.each(CONFLICTS.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { chart, web } = fresh();
    const message = messageOf(() => {
      c.make(chart, web);
      Testing.synth(chart);
    });
    // Named once: as the construct cdk8s prints before its own validation's message, or first in a message
    // reported elsewhere (the model's whole-app checks) or thrown.
    expect(message).toMatch(new RegExp(`(^|\\n)\\s*(\\[${escape(c.where)}\\] |(\\[[^\\]]+\\] )?${escape(c.where)}: )`));
    expect(message).toContain(`(${c.value}). `);
    expect(message).toMatch(c.fix);
  });
});

describe('a construct outside every Chart is refused with its path and the fix, and leaves the tree as it was', () => {
  // The objects the constructs emit belong to a chart; cdk8s alone would refuse with no path, some after
  // children were made (TierService left two behind).
  const MAKERS: [string, (scope: Construct, f: { web: IsolatedTier; gateway: SecureGateway }) => unknown][] = [
    ['IsolatedTier', (s) => new IsolatedTier(s, 'x', { podLabels: { app: 'x' }, namespace: 'a' })],
    ['NamespaceIsolation', (s) => new NamespaceIsolation(s, 'x', { namespace: 'a' })],
    ['TierService', (s, f) => new TierService(s, 'x', { tier: f.web, name: 'svc' })],
    ['RestrictedEgress', (s, f) => new RestrictedEgress(s, 'x', { tier: f.web, allow: [Destination.cidr('198.51.100.0/24', Port.tcp(443))] })],
    ['ClusterIsolation', (s) => new ClusterIsolation(s, 'x', { exemptNamespaces: ['kube-system'] })],
    ['MeshMtls', (s) => new MeshMtls(s, 'x', {})],
    ['TlsCertificate', (s) => new TlsCertificate(s, 'x', { dnsNames: ['a.example.com'], issuer: IssuerReference.clusterIssuer('ca') })],
    ['AcmeClusterIssuer', (s) => new AcmeClusterIssuer(s, 'x', { email: 'ops@example.com' })],
    ['PrivateCertificateAuthority', (s) => new PrivateCertificateAuthority(s, 'x', { commonName: 'Shop CA' })],
    ['SecureGateway', (s) => new SecureGateway(s, 'x', { namespace: 'edge2', gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway(), clusterIssuer: 'le' })],
    ['SecureIngress (controller)', (s, f) => new SecureIngress(s, 'x', { host: 'shop.example.com', backend: f.web, port: Port.tcp(8080), clusterIssuer: 'le', controller: IngressController.ingressNginx() })],
    ['SecureIngress (gateway)', (s, f) => new SecureIngress(s, 'x', { host: 'shop.example.com', backend: f.web, port: Port.tcp(8080), gateway: f.gateway })],
  ];
  test.each(MAKERS)('%s', (name, make) => {
    const app = Testing.app();
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
    const gateway = new SecureGateway(chart, 'gw', { namespace: 'edge', gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway(), clusterIssuer: 'le' });
    const group = new Construct(app, 'group');
    const before = app.node.findAll().map((c) => c.node.path);
    expect(() => make(app, { web, gateway })).toThrow(/^x: scope is not inside a cdk8s Chart \("<the app>"\)\. Create the construct in a Chart \(new Chart\(app, id\)\)/);
    expect(() => make(group, { web, gateway })).toThrow(/^group\/x: scope is not inside a cdk8s Chart \("group"\)\. Create the construct in a Chart \(new Chart\(app, id\)\)/);
    expect(app.node.findAll().map((c) => c.node.path)).toEqual(before);
    // The same call inside a chart works (cluster-scoped guardrails in one without a namespace): the
    // refusal was about the scope only.
    const home = name === 'ClusterIsolation' ? new Chart(app, 'cluster') : chart;
    expect(() => make(new Construct(home, 'group'), { web, gateway })).not.toThrow();
  });

  test('NetsecAudit emits nothing and may audit the whole app from its root', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    new NamespaceIsolation(chart, 'baseline');
    const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
    new NetsecAudit(app, 'audit');
    expect(() => app.synth()).not.toThrow();
    api.allowTo(Peer.anyIpv4(), Port.tcp(443));
    expect(() => app.synth()).toThrow(/\[audit\] NETSEC004/);
  });
});
