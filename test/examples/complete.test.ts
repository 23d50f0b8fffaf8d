import { Testing } from 'cdk8s';
import { buildComplete } from '../../examples/complete/main';
import { Port, Reachability } from '../../src';
import { findObject, objectsOfKind, validateAll } from '../util';

describe('examples/complete', () => {
  const app = Testing.app();
  const [shop, data] = buildComplete(app);
  const objects = validateAll([...Testing.synth(shop), ...Testing.synth(data)]);
  const reach = Reachability.fromApp(app);
  const web = { namespace: 'shop', pod: 'web' };
  const api = { namespace: 'shop', pod: 'api' };
  const db = { namespace: 'data', pod: 'db' };
  const controller = { ip: '203.0.113.50' };

  test('combines all four constructs across two namespaces', () => {
    const kinds = [...new Set(objects.map((o) => o.kind))].sort();
    expect(kinds).toEqual([
      'AuthorizationPolicy', 'Certificate', 'ClusterIssuer', 'DestinationRule', 'Ingress', 'Namespace',
      'NetworkPolicy', 'PeerAuthentication', 'Service', 'ServiceEntry', 'Sidecar',
    ]);
    expect(objectsOfKind(objects, 'Namespace').map((n) => n.metadata)).toEqual([
      { name: 'shop', labels: { 'istio-injection': 'enabled' } },
      { name: 'data', labels: { 'istio-injection': 'enabled' } },
    ]);
  });

  test('TLS wiring: the Ingress secret is the Certificate secret, for the same host and namespace', () => {
    const ingress = findObject(objects, 'Ingress', 'public', 'shop');
    const certificate = findObject(objects, 'Certificate', 'public', 'shop');
    expect(ingress.spec.tls).toEqual([{ hosts: ['shop.example.com'], secretName: certificate.spec.secretName }]);
    expect(certificate.spec.dnsNames).toEqual(['shop.example.com']);
    expect(certificate.spec.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt' });
  });

  test('L4: exactly the declared chain, and the outside reaches only the controller path', () => {
    expect(reach.isAllowed(web, api, Port.tcp(9090))).toBe(true);
    expect(reach.isAllowed(api, db, Port.tcp(5432))).toBe(true);
    expect(reach.isAllowed(web, db, Port.tcp(5432))).toBe(false);
    expect(reach.isAllowed(db, api, Port.tcp(9090))).toBe(false);
    expect(reach.isAllowed(controller, web, Port.tcp(8080))).toBe(false);
    expect(reach.isAllowed(api, { ip: '169.254.169.254' }, Port.tcp(80))).toBe(false);
  });

  test('L7: STRICT mTLS in both namespaces and principals matching the L4 flows', () => {
    for (const ns of ['shop', 'data']) {
      expect(findObject(objects, 'PeerAuthentication', 'mesh', ns).spec).toEqual({ mtls: { mode: 'STRICT' } });
      expect(findObject(objects, 'AuthorizationPolicy', 'mesh-allow-nothing', ns).spec).toEqual({});
    }
    const principals = (name: string, ns: string) => findObject(objects, 'AuthorizationPolicy', name, ns).spec.rules
      .flatMap((r: any) => r.from.flatMap((f: any) => f.source.principals).map((p: string) => `${p} -> ${r.to[0].operation.ports.join(',')}`));
    expect(principals('web', 'shop')).toEqual(['cluster.local/ns/ingress-nginx/sa/ingress-nginx -> 8080']);
    expect(principals('api', 'shop')).toEqual(['cluster.local/ns/shop/sa/web -> 9090']);
    expect(principals('db', 'data')).toEqual(['cluster.local/ns/shop/sa/api -> 5432']);
    expect(objectsOfKind(objects, 'AuthorizationPolicy').map((p) => p.metadata.name).sort())
      .toEqual(['acme-http01-solver', 'api', 'db', 'mesh-allow-nothing', 'mesh-allow-nothing', 'web']);
    // Inert while the issuer keeps sidecars out of the solver pods; it lets the controller in where they run one.
    expect(principals('acme-http01-solver', 'shop')).toEqual(['cluster.local/ns/ingress-nginx/sa/ingress-nginx -> 8089']);
  });

  test('the ACME solver stays outside the mesh and reachable from the controller only', () => {
    const issuer = findObject(objects, 'ClusterIssuer', 'letsencrypt');
    expect(issuer.spec.acme.solvers[0].http01.ingress.podTemplate.metadata.annotations).toEqual({ 'sidecar.istio.io/inject': 'false' });
    const solver = findObject(objects, 'NetworkPolicy', 'acme-http01-solver', 'shop');
    expect(solver.spec.ingress).toEqual([{
      from: [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
      }],
      ports: [{ port: 8089, protocol: 'TCP' }],
    }]);
  });

  test('the API reaches Stripe by name only, through a REGISTRY_ONLY sidecar', () => {
    const entry = objectsOfKind(objects, 'ServiceEntry')[0];
    expect(entry.spec.hosts).toEqual(['api.stripe.com']);
    expect(entry.spec.location).toBe('MESH_EXTERNAL');
    const sidecar = objectsOfKind(objects, 'Sidecar')[0];
    expect(sidecar.spec.workloadSelector).toEqual({ labels: { app: 'api' } });
    expect(sidecar.spec.outboundTrafficPolicy).toEqual({ mode: 'REGISTRY_ONLY' });
  });

  test('matches the snapshot', () => {
    expect(objects).toMatchSnapshot();
  });
});
