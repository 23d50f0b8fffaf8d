import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { Reachability } from '../../src/analysis';
import { Port } from '../../src/core/port';
import { IsolatedTier } from '../../src/tiers/tier';

const at = (ns: string, name: string) => ({ namespace: ns, pod: name });

describe('fromChart', () => {
  test('each IsolatedTier is one pod named after its construct id, judged by the synthesized policies only', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
    const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
    api.allowFrom(web, Port.tcp(9090));

    const r = Reachability.fromChart(chart);
    expect(r.pods).toEqual(['shop/api', 'shop/web']);
    expect(r.isAllowed(at('shop', 'web'), at('shop', 'api'), Port.tcp(9090))).toBe(true);
    expect(r.isAllowed(at('shop', 'web'), at('shop', 'api'), Port.tcp(9091))).toBe(false);
    expect(r.isAllowed(at('shop', 'api'), at('shop', 'web'), Port.tcp(8080))).toBe(false);
    expect(r.isAllowed({ ip: '198.51.100.1' }, at('shop', 'web'), Port.tcp(8080))).toBe(false);
    expect(r.flows().map(f => `${f.source} -> ${f.destination}: ${f.description}`)).toEqual(['shop/web -> shop/api: TCP 9090']);
  });

  test('a tier in another namespace is placed there; the cross-namespace flow needs both rules', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
    const db = new IsolatedTier(chart, 'db', { podLabels: { app: 'db' }, namespace: 'data', ports: [Port.tcp(5432)] });
    db.allowFrom(api, Port.tcp(5432));

    const r = Reachability.fromChart(chart);
    expect(r.pods).toEqual(['data/db', 'shop/api']);
    expect(r.isAllowed(at('shop', 'api'), at('data', 'db'), Port.tcp(5432))).toBe(true);
    const e = r.explain(at('shop', 'api'), at('data', 'db'), Port.tcp(5432));
    expect(e.egress.isolated).toBe(true);
    expect(e.ingress.isolated).toBe(true);
    expect(e.ingress.allowedBy.length).toBe(1);
  });

  test('the chart\'s other manifests are modelled too, and a tier id may not collide with a pod', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    new IsolatedTier(chart, 'web', { podLabels: { app: 'web' } });
    new ApiObject(chart, 'probe', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'probe', labels: { app: 'probe' } } });
    const r = Reachability.fromChart(chart);
    expect(r.pods).toEqual(['shop/probe', 'shop/web']);
    expect(r.isAllowed(at('shop', 'probe'), at('shop', 'web'), Port.tcp(80))).toBe(false);
    expect(r.isAllowed(at('shop', 'web'), at('shop', 'probe'), Port.tcp(80))).toBe(false);

    new ApiObject(chart, 'clash', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' } });
    expect(() => Reachability.fromChart(chart)).toThrow(/IsolatedTier shop\/web: models the same pod as Pod shop\/web \("shop\/web"\)/);
  });
});

describe('additional manifests', () => {
  test('pods the chart talks to but does not contain, such as the cluster DNS, can be added to the model', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    new IsolatedTier(chart, 'web', { podLabels: { app: 'web' } });
    const coredns = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
      spec: { containers: [{ name: 'coredns', ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }] }] },
    };
    const r = Reachability.fromChart(chart, { additionalManifests: [coredns] });
    expect(r.pods).toEqual(['kube-system/coredns', 'shop/web']);
    expect(r.isAllowed(at('shop', 'web'), at('kube-system', 'coredns'), Port.udp(53))).toBe(true);
    expect(r.isAllowed(at('shop', 'web'), at('kube-system', 'coredns'), Port.udp(54))).toBe(false);
    expect(Reachability.fromApp(chart.node.root as App, { additionalManifests: [coredns] }).pods).toEqual(r.pods);
  });
});

describe('fromApp', () => {
  test('models every chart of the app together', () => {
    const app = Testing.app();
    const front = new Chart(app, 'front', { namespace: 'front' });
    const back = new Chart(app, 'back', { namespace: 'back' });
    const web = new IsolatedTier(front, 'web', { podLabels: { app: 'web' } });
    const api = new IsolatedTier(back, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
    api.allowFrom(web, Port.tcp(9090));

    const r = Reachability.fromApp(app);
    expect(r.pods).toEqual(['back/api', 'front/web']);
    expect(r.isAllowed(at('front', 'web'), at('back', 'api'), Port.tcp(9090))).toBe(true);
    expect(r.isAllowed(at('back', 'api'), at('front', 'web'), Port.tcp(9090))).toBe(false);
    expect(Reachability.fromChart(back).pods).toEqual(['back/api']);
  });
});
