import { ApiObject, Testing, Yaml } from 'cdk8s';
import { buildPublicWeb } from '../../examples/public-web/main';
import { Reachability } from '../../src/analysis';
import { Port } from '../../src/core/port';
import { findObject, synthValid } from '../util';

describe('examples/public-web', () => {
  test('synthesizes schema-valid YAML (snapshot)', () => {
    const objects = synthValid(buildPublicWeb(Testing.app()));
    expect(Yaml.stringify(...objects)).toMatchSnapshot();
  });

  test('the site is served over TLS from a Let\'s Encrypt certificate for both hosts', () => {
    const objects = synthValid(buildPublicWeb(Testing.app()));
    const ingress = findObject(objects, 'Ingress', 'public', 'storefront');
    const certificate = findObject(objects, 'Certificate', 'public', 'storefront');
    expect(ingress.spec.tls).toEqual([{ hosts: ['example.com', 'www.example.com'], secretName: certificate.spec.secretName }]);
    expect(certificate.spec.dnsNames).toEqual(['example.com', 'www.example.com']);
    expect(certificate.spec.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt' });
    expect(findObject(objects, 'ClusterIssuer', 'letsencrypt').spec.acme.solvers[0].http01.ingress.ingressClassName)
      .toBe(ingress.spec.ingressClassName);
    expect(ingress.metadata.annotations['nginx.ingress.kubernetes.io/force-ssl-redirect']).toBe('true');
    expect(findObject(objects, 'Service', 'public', 'storefront').spec.selector).toEqual({ app: 'site' });
  });

  test('only the controller reaches the site (8080), only the site reaches the catalog (9090)', () => {
    const chart = buildPublicWeb(Testing.app());
    new ApiObject(chart, 'controller-pod', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'controller', namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
      spec: { containers: [{ name: 'controller', image: 'registry.k8s.io/ingress-nginx/controller:v1' }] },
    });
    const r = Reachability.fromChart(chart);
    const into = (to: string) => r.flows().filter((f) => f.destination === to).map((f) => `${f.source} ${f.description}`);
    expect(into('storefront/site')).toEqual(['ingress-nginx/controller TCP 8080']);
    expect(into('storefront/catalog')).toEqual(['storefront/site TCP 9090']);
    expect(r.isAllowed({ ip: '198.51.100.7' }, { namespace: 'storefront', pod: 'site' }, Port.tcp(8080))).toBe(false);
    expect(r.isAllowed({ namespace: 'ingress-nginx', pod: 'controller' }, { namespace: 'storefront', pod: 'catalog' }, Port.tcp(9090))).toBe(false);
  });
});
