import { Chart, Testing } from 'cdk8s';
import { IsolatedTier, NamespaceIsolation, Peer, Port, Reachability } from '../../src';
import type { AuditFinding } from '../../src';
import { namespace, pod, policy } from '../analysis/fixtures';
import { validateAll } from '../util';

/*
 * NETSEC015 one-sided-flow: one side names the other's pods, the other side's isolation drops the flow.
 */

function oneSided(objects: any[]): AuditFinding[] {
  return Reachability.fromManifests(validateAll(objects)).audit().filter(f => f.ruleId === 'NETSEC015');
}

const ISOLATE_ALL = (ns: string) => policy(ns, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
const podsOf = () => [
  namespace('shop'), namespace('data'),
  pod('shop', 'api', { labels: { app: 'api' } }),
  pod('data', 'db', { labels: { app: 'db' }, ports: [['pg', 5432]] }),
];
const EGRESS_TO_DB = policy('shop', 'api-egress', {
  podSelector: { matchLabels: { app: 'api' } },
  policyTypes: ['Egress'],
  egress: [{
    to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } }, podSelector: { matchLabels: { app: 'db' } } }],
    ports: [{ protocol: 'TCP', port: 5432 }],
  }],
});
const INGRESS_FROM_API = (port: number | string) => policy('data', 'db-ingress', {
  podSelector: { matchLabels: { app: 'db' } },
  policyTypes: ['Ingress'],
  ingress: [{
    from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { app: 'api' } } }],
    ports: [{ protocol: 'TCP', port }],
  }],
});

describe('hand-written YAML', () => {
  test('egress names the server, the server\'s ingress isolation drops it: reported with both policies and the port', () => {
    const findings = oneSided([...podsOf(), EGRESS_TO_DB, ISOLATE_ALL('data')]);
    expect(findings.map(f => [f.severity, f.resource, f.message, f.fix])).toEqual([['medium', 'NetworkPolicy shop/api-egress',
      'spec.egress[0] of shop/api-egress names the server pods, but their ingress policies (data/default-deny) admit none of these connections: '
      + 'shop/api -> data/db on TCP 5432',
      'Add the matching ingress rule on the server (IsolatedTier.allowFrom writes both sides), or remove the egress rule if the flow is not wanted.']]);
    // The analyzer agrees that the flow is dead.
    expect(Reachability.fromManifests([...podsOf(), EGRESS_TO_DB, ISOLATE_ALL('data')])
      .isAllowed({ namespace: 'shop', pod: 'api' }, { namespace: 'data', pod: 'db' }, Port.tcp(5432))).toBe(false);
  });

  test('the reverse: ingress admits a client whose egress isolation denies it', () => {
    const findings = oneSided([...podsOf(), INGRESS_FROM_API(5432), ISOLATE_ALL('shop')]);
    expect(findings.map(f => [f.resource, f.message])).toEqual([['NetworkPolicy data/db-ingress',
      'spec.ingress[0] of data/db-ingress names the client pods, but their egress policies (shop/default-deny) admit none of these connections: '
      + 'shop/api -> data/db on TCP 5432']]);
    expect(findings[0].fix).toMatch(/^Add the matching egress rule on the client/);
  });

  test('a server admitting the client on another port: reported for the dead port; on the right port: nothing', () => {
    // Both sides name each other on different ports: each side's rule is dead.
    expect(oneSided([...podsOf(), EGRESS_TO_DB, INGRESS_FROM_API(5433)]).map(f => f.message)).toEqual([
      'spec.ingress[0] of data/db-ingress names the client pods, but their egress policies (shop/api-egress) admit none of these connections: shop/api -> data/db on TCP 5433',
      'spec.egress[0] of shop/api-egress names the server pods, but their ingress policies (data/db-ingress) admit none of these connections: shop/api -> data/db on TCP 5432',
    ]);
    expect(oneSided([...podsOf(), EGRESS_TO_DB, INGRESS_FROM_API(5432), ISOLATE_ALL('data')])).toEqual([]);
    // A named port resolves against the server's container ports.
    expect(oneSided([...podsOf(), EGRESS_TO_DB, INGRESS_FROM_API('pg'), ISOLATE_ALL('data')])).toEqual([]);
  });

  test('no finding when the other side is not isolated, or when neither side names the other', () => {
    expect(oneSided([...podsOf(), EGRESS_TO_DB])).toEqual([]);
    const wholeNamespace = policy('shop', 'api-egress', {
      podSelector: { matchLabels: { app: 'api' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } } }], ports: [{ protocol: 'TCP', port: 5432 }] }],
    });
    const addresses = policy('shop', 'api-egress', {
      podSelector: { matchLabels: { app: 'api' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ protocol: 'TCP', port: 5432 }] }],
    });
    expect(oneSided([...podsOf(), wholeNamespace, ISOLATE_ALL('data')])).toEqual([]);
    expect(oneSided([...podsOf(), addresses, ISOLATE_ALL('data')])).toEqual([]);
    expect(oneSided([...podsOf(), ISOLATE_ALL('shop'), ISOLATE_ALL('data')])).toEqual([]);
  });

  test('a wide egress rule (all TCP) to named pods is reported only when no port of it gets through', () => {
    const allTcp = policy('shop', 'api-egress', {
      podSelector: { matchLabels: { app: 'api' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'db' } } }], ports: [{ protocol: 'TCP' }] }],
    });
    expect(oneSided([...podsOf(), allTcp, INGRESS_FROM_API(5432)])).toEqual([]);
    expect(oneSided([...podsOf(), allTcp, ISOLATE_ALL('data')]).map(f => f.message))
      .toEqual([expect.stringContaining('shop/api -> data/db on all TCP')]);
  });

  test('findings are grouped per rule: one finding lists every pair, at most ten, then a count', () => {
    const clients = Array.from({ length: 12 }, (_, i) => pod('shop', `api-${String(i).padStart(2, '0')}`, { labels: { app: 'api' } }));
    const findings = oneSided([namespace('shop'), namespace('data'), ...clients, pod('data', 'db', { labels: { app: 'db' } }),
      EGRESS_TO_DB, ISOLATE_ALL('data')]);
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toMatch(/shop\/api-00 -> data\/db on TCP 5432, .*shop\/api-09 -> data\/db on TCP 5432 and 2 more$/);
  });
});

describe('constructs', () => {
  test('api.allowTo(Peer.pods(db labels, data)) next to an isolated db tier: the model writes both sides, so nothing is reported', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    new NamespaceIsolation(chart, 'baseline');
    new NamespaceIsolation(chart, 'data-baseline', { namespace: 'data' });
    const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
    new IsolatedTier(chart, 'db', { podLabels: { app: 'db' }, namespace: 'data', ports: [Port.tcp(5432)] });
    api.allowTo(Peer.pods({ app: 'db' }, 'data'), Port.tcp(5432));
    const r = Reachability.fromChart(chart);
    expect(r.isAllowed({ namespace: 'shop', pod: 'api' }, { namespace: 'data', pod: 'db' }, Port.tcp(5432))).toBe(true);
    expect(r.audit().filter(f => f.ruleId === 'NETSEC015')).toEqual([]);
  });

  test('the same flow against the db team\'s YAML from another app (their policies only, pods inferred) is reported', () => {
    const dbApp = new Chart(Testing.app(), 'data', { namespace: 'data' });
    new NamespaceIsolation(dbApp, 'baseline');
    new IsolatedTier(dbApp, 'db', { podLabels: { app: 'db' }, ports: [Port.tcp(5432)] });
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    new NamespaceIsolation(chart, 'baseline');
    const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
    api.allowTo(Peer.pods({ app: 'db' }, 'data'), Port.tcp(5432));
    const findings = Reachability.fromChart(chart, { additionalManifests: dbApp.toJson(), inferPods: true }).audit().filter(f => f.ruleId === 'NETSEC015');
    expect(findings.map(f => [f.resource, f.constructPath])).toEqual([['NetworkPolicy shop/api', 'shop/api']]);
    expect(findings[0].message).toMatch(/\(data\/baseline, data\/db\) admit none of these connections: shop\/api -> data\/db on TCP 5432$/);
  });

  test('tiers connected with allowFrom write both sides: no finding', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    new NamespaceIsolation(chart, 'baseline');
    const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
    const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
    api.allowFrom(web, Port.tcp(9090));
    expect(Reachability.fromChart(chart).audit().filter(f => f.ruleId === 'NETSEC015')).toEqual([]);
    expect(Reachability.fromChart(chart).isAllowed({ namespace: 'shop', pod: 'web' }, { namespace: 'shop', pod: 'api' }, Port.tcp(9090))).toBe(true);
  });
});
