import { Testing } from 'cdk8s';
import { buildThreeTier } from '../../examples/three-tier/main';
import { Port } from '../../src';
import { Reachability } from '../../src/analysis';
import { findObject, synthValid } from '../util';

describe('examples/three-tier', () => {
  const chart = buildThreeTier(Testing.app());
  const objects = synthValid(chart);
  const reach = Reachability.fromChart(chart);
  const web = { namespace: 'shop', pod: 'web' };
  const api = { namespace: 'shop', pod: 'api' };
  const db = { namespace: 'data', pod: 'db' };

  test('Namespace objects are cluster-scoped (no namespace copied from the chart)', () => {
    expect(findObject(objects, 'Namespace', 'data').metadata).toEqual({ name: 'data' });
  });

  test('emits two namespaces, two baselines, one policy and one ClusterIP Service per tier', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort()).toEqual([
      'Namespace//data', 'Namespace//shop',
      'NetworkPolicy/data/data-baseline', 'NetworkPolicy/data/db',
      'NetworkPolicy/shop/api', 'NetworkPolicy/shop/shop-baseline', 'NetworkPolicy/shop/web',
      'Service/data/db', 'Service/shop/api', 'Service/shop/web',
    ]);
    const dbService = findObject(objects, 'Service', 'db', 'data');
    expect(dbService.spec.type ?? 'ClusterIP').toBe('ClusterIP');
    expect(dbService.spec.selector).toEqual({ app: 'db' });
    expect(dbService.spec.ports).toEqual([expect.objectContaining({ port: 5432, targetPort: 5432, protocol: 'TCP' })]);
  });

  test('the audit finds nothing, also from the synthesized YAML alone', () => {
    expect(reach.audit()).toEqual([]);
    expect(Reachability.fromManifests(objects, { inferPods: true }).audit()).toEqual([]);
  });

  test('the database accepts only the API, across namespaces, as one AND peer on 5432', () => {
    expect(findObject(objects, 'NetworkPolicy', 'db', 'data').spec.ingress).toEqual([{
      from: [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } },
        podSelector: { matchLabels: { app: 'api' } },
      }],
      ports: [{ port: 5432, protocol: 'TCP' }],
    }]);
  });

  test('the analyzer allows exactly the declared chain', () => {
    expect(reach.isAllowed(web, api, Port.tcp(9090))).toBe(true);
    expect(reach.isAllowed(api, db, Port.tcp(5432))).toBe(true);
    expect(reach.isAllowed(web, db, Port.tcp(5432))).toBe(false);
    expect(reach.isAllowed(api, web, Port.tcp(8080))).toBe(false);
    expect(reach.isAllowed(web, api, Port.tcp(8080))).toBe(false);
    expect(reach.isAllowed(db, api, Port.tcp(9090))).toBe(false);
  });

  test('only the API reaches the payment provider, and nothing reaches the metadata endpoint', () => {
    expect(reach.isAllowed(api, { ip: '203.0.113.10' }, Port.tcp(443))).toBe(true);
    expect(reach.isAllowed(api, { ip: '203.0.113.10' }, Port.tcp(80))).toBe(false);
    expect(reach.isAllowed(web, { ip: '203.0.113.10' }, Port.tcp(443))).toBe(false);
    for (const from of [web, api, db]) {
      expect(reach.isAllowed(from, { ip: '169.254.169.254' }, Port.tcp(80))).toBe(false);
    }
  });

  test('matches the snapshot', () => {
    expect(objects).toMatchSnapshot();
  });
});
