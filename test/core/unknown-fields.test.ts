import { App, Chart, Testing } from 'cdk8s';
import {
  AcmeClusterIssuer, ClusterIsolation, Destination, GatewayImplementation, IngressController, IsolatedTier, MeshMtls, NamespaceIsolation,
  NetsecAudit, Port, PrivateCertificateAuthority, Reachability, RestrictedEgress, SecureGateway, SecureIngress, TierService, TlsCertificate,
} from '../../src';
import { STRUCT_FIELDS } from '../../src/core/python-names';

/*
 * A prop the construct's struct does not have is refused, from plain JavaScript too: a misspelt field
 * (`internetExcpet`, `isolateIngres`) used to be dropped without a word, and whatever it was meant to
 * narrow stayed open. Each case misspells one field of a construct's props; the error names the construct
 * path, the field and the closest real field, and nothing joins the tree.
 */

function fixture() {
  const app = Testing.app();
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)], serviceAccountName: 'web' });
  const gateway = new SecureGateway(chart, 'gw', { namespace: 'edge', gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway(), clusterIssuer: 'letsencrypt' });
  return { app, chart, web, gateway };
}

type Fixture = ReturnType<typeof fixture>;

/** [struct, the constructor call with a misspelt field, the misspelt field, the field it should have been]. */
const CASES: [string, (f: Fixture) => unknown, string, string][] = [
  ['IsolatedTierProps', ({ chart }) => new IsolatedTier(chart, 'x', { podLabels: { app: 'x' }, isolateIngres: false } as any), 'isolateIngres', 'isolateIngress'],
  ['NamespaceIsolationProps', ({ chart }) => new NamespaceIsolation(chart, 'x', { isolateEgres: false } as any), 'isolateEgres', 'isolateEgress'],
  ['RestrictedEgressProps', ({ chart, web }) => new RestrictedEgress(chart, 'x', {
    tier: web, allow: [Destination.internet(Port.tcp(443))], allowInternet: true, internetExcpet: ['198.51.100.0/24'],
  } as any), 'internetExcpet', 'internetExcept'],
  ['ClusterIsolationProps', ({ chart }) => new ClusterIsolation(chart, 'x', { metadataEndpointAcess: [] } as any), 'metadataEndpointAcess', 'metadataEndpointAccess'],
  ['TierServiceProps', ({ chart, web }) => new TierService(chart, 'x', { tier: web, loadBalancerSourceRange: ['0.0.0.0/0'] } as any), 'loadBalancerSourceRange', 'loadBalancerSourceRanges'],
  ['TierServiceProps', ({ web }) => web.expose({ nodePortSourceRange: ['0.0.0.0/0'] } as any), 'nodePortSourceRange', 'nodePortSourceRanges'],
  ['MeshMtlsProps', ({ chart }) => new MeshMtls(chart, 'x', { allowPlainText: true } as any), 'allowPlainText', 'allowPlaintext'],
  ['SecureIngressProps', ({ chart, web }) => new SecureIngress(chart, 'x', {
    host: 'a.example.com', backend: web, port: Port.tcp(8080), controller: IngressController.ingressNginx(), clusterIssuer: 'x', sourceRange: ['10.0.0.0/8'],
  } as any), 'sourceRange', 'sourceRanges'],
  ['SecureGatewayProps', ({ chart }) => new SecureGateway(chart, 'x', { namespace: 'edge2', gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway(), clusterIssuer: 'x', namepsace: 'edge' } as any), 'namepsace', 'namespace'],
  ['NetsecAuditProps', ({ chart }) => new NetsecAudit(chart, 'x', { failOnn: 'low' } as any), 'failOnn', 'failOn'],
  ['TlsCertificateProps', ({ chart }) => new TlsCertificate(chart, 'x', { dnsNames: ['a.example.com'], issuer: undefined as any, renewBefor: '1h' } as any), 'renewBefor', 'renewBefore'],
  ['AcmeClusterIssuerProps', ({ chart, gateway }) => new AcmeClusterIssuer(chart, 'x', { email: 'ops@example.com', gateway, servr: 'https://evil.example' } as any), 'servr', 'server'],
  ['PrivateCertificateAuthorityProps', ({ chart }) => new PrivateCertificateAuthority(chart, 'x', { clusterWid: true } as any), 'clusterWid', 'clusterWide'],
];

describe('a field the props struct does not have is refused with the path, the field and the closest one', () => {
  test.each(CASES.map(([struct, make, wrong, right]) => [`${struct}.${wrong}`, make, wrong, right] as const))('%s', (_name, make, wrong, right) => {
    const f = fixture();
    const before = f.app.node.findAll().map((c) => c.node.path);
    expect(() => make(f)).toThrow(new RegExp(`^shop(/web)?/[\\w-]+: \\w+ has no field ${wrong} \\("${wrong}"\\)\\. Did you mean ${right}\\?`));
    expect(f.app.node.findAll().map((c) => c.node.path)).toEqual(before);
  });

  test('every public constructor that takes a props struct has a case (NetsecValidation is configured by cdk8s-cli)', () => {
    const covered = new Set(CASES.map(([struct]) => struct));
    // Props structs that no constructor takes: factory options (GatewayImplementation.custom, the
    // IngressController factories) and the validation plugin's, which cdk8s-cli builds from cdk8s.yaml.
    const notConstructorProps = ['CustomGatewayImplementationProps', 'IngressControllerProps', 'NetsecValidationProps'];
    const constructors = Object.keys(STRUCT_FIELDS).filter((s) => s.endsWith('Props') && !notConstructorProps.includes(s));
    expect(constructors.filter((s) => !covered.has(s))).toEqual([]);
  });

  test('the misspelt internetExcept would have widened the internet rule: with the right field, the range is excluded', () => {
    const { chart, web } = fixture();
    new RestrictedEgress(chart, 'egress', { tier: web, allow: [Destination.internet(Port.tcp(443))], allowInternet: true, internetExcept: ['198.51.100.0/24'] });
    const r = Reachability.fromChart(chart);
    expect(r.isAllowed({ namespace: 'shop', pod: 'web' }, { ip: '198.51.100.7' }, Port.tcp(443))).toBe(false);
    expect(r.isAllowed({ namespace: 'shop', pod: 'web' }, { ip: '203.0.113.7' }, Port.tcp(443))).toBe(true);
  });

  test('the fields a struct inherits count as its own (TierServiceProps from TierServiceOptions)', () => {
    expect(STRUCT_FIELDS.TierServiceProps).toEqual(expect.arrayContaining(['tier', 'serviceType', 'loadBalancerSourceRanges']));
    expect(STRUCT_FIELDS.TlsCertificateProps).toEqual(expect.arrayContaining(['dnsNames', 'duration', 'renewBefore', 'keyAlgorithm']));
  });

  test('a Python-shaped app, with only real fields, is unaffected', () => {
    const app = new App();
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    expect(() => new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)], isolateIngress: true, namespace: 'shop' })).not.toThrow();
  });
});
