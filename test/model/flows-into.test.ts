import { App, Chart, Testing } from 'cdk8s';
import { IsolatedTier, MeshMtls, NamespaceIsolation, Peer, Port } from '../../src';
import { objectsOfKind, synthValid } from '../util';

/*
 * Mesh authorization emits one ALLOW policy per group that receives flows, while the app is built (never
 * while it is validated). A group can start receiving flows in several ways, in any order: a flow into it,
 * a flow whose raw selector picks it declared before the group exists, a namespace isolation around it
 * receiving a flow, a baseline that isolates it after the flow. Every order gives the same policies.
 */

type Step = 'mesh' | 'tiers' | 'db' | 'rawToApi' | 'rawToDb' | 'baseline' | 'intoBaseline';

function build(order: Step[]): { app: App; objects: any[] } {
  const app = Testing.app();
  const shop = new Chart(app, 'shop', { namespace: 'shop' });
  const data = new Chart(app, 'data', { namespace: 'data' });
  const ops = new Chart(app, 'ops', { namespace: 'ops' });
  const monitor = new IsolatedTier(ops, 'monitor', { podLabels: { app: 'monitor' }, ports: [Port.tcp(9000)], serviceAccountName: 'monitor' });
  let web: IsolatedTier | undefined;
  let api: IsolatedTier | undefined;
  let baseline: NamespaceIsolation | undefined;
  const steps: Record<Step, () => void> = {
    mesh: () => new MeshMtls(shop, 'mesh', { meshWide: true }),
    tiers: () => {
      web = new IsolatedTier(shop, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)], serviceAccountName: 'web' });
      // api does not isolate ingress itself: only the namespace baseline does, once it exists.
      api = new IsolatedTier(shop, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)], serviceAccountName: 'api', isolateIngress: false });
    },
    db: () => new IsolatedTier(data, 'db', { podLabels: { app: 'db' }, ports: [Port.tcp(5432)], serviceAccountName: 'db' }),
    // A raw selector in the caller's namespace: written on api once api's ingress is isolated.
    rawToApi: () => web!.allowTo(Peer.pods({ app: 'api' }), Port.tcp(9090)),
    // A raw selector naming db's pods, possibly before the db tier exists.
    rawToDb: () => api!.allowTo(Peer.pods({ app: 'db' }, 'data'), Port.tcp(5432)),
    baseline: () => baseline = new NamespaceIsolation(shop, 'baseline'),
    // Into the whole namespace: the isolation's own policy and every tier of the namespace receive it.
    intoBaseline: () => baseline!.allowFrom(monitor, Port.tcp(8080)),
  };
  order.forEach((step) => steps[step]());
  return { app, objects: app.charts.flatMap((chart) => synthValid(chart)) };
}

/** The AuthorizationPolicies, by namespace/name, with what they say. */
function policies(objects: any[]): { [key: string]: any } {
  return Object.fromEntries(objectsOfKind(objects, 'AuthorizationPolicy')
    .map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, o.spec] as const)
    .sort(([a], [b]) => (a < b ? -1 : 1)));
}

const ORDERS: Step[][] = [
  ['mesh', 'tiers', 'db', 'baseline', 'rawToApi', 'rawToDb', 'intoBaseline'],
  ['tiers', 'rawToApi', 'rawToDb', 'baseline', 'intoBaseline', 'db', 'mesh'],
  ['mesh', 'tiers', 'rawToApi', 'rawToDb', 'baseline', 'intoBaseline', 'db'],
  ['tiers', 'mesh', 'rawToDb', 'db', 'rawToApi', 'baseline', 'intoBaseline'],
];

describe('ALLOW policies follow the flows into each group, whatever the order of declaration', () => {
  const reference = policies(build(ORDERS[0]).objects);

  test('the receiving groups and the allow-nothing policy of their namespaces get policies, nothing else', () => {
    expect(Object.keys(reference)).toEqual([
      'data/db', 'data/mesh-allow-nothing', 'shop/api', 'shop/baseline', 'shop/mesh-allow-nothing', 'shop/web',
    ]);
    expect(reference['shop/api'].rules).toEqual([
      { from: [{ source: { principals: ['cluster.local/ns/ops/sa/monitor'] } }], to: [{ operation: { ports: ['8080'] } }] },
      { from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }], to: [{ operation: { ports: ['9090'] } }] },
    ]);
    expect(reference['data/db'].rules).toEqual([
      { from: [{ source: { principals: ['cluster.local/ns/shop/sa/api'] } }], to: [{ operation: { ports: ['5432'] } }] },
    ]);
  });

  test.each(ORDERS.slice(1).map((order) => [order.join(', '), order] as const))('%s', (_name, order) => {
    expect(policies(build(order).objects)).toEqual(reference);
  });

  test('a tier that receives nothing gets no policy, and no namespace without receivers gets a default deny', () => {
    const { objects } = build(['mesh', 'tiers', 'db']);
    expect(policies(objects)).toEqual({});
  });
});
