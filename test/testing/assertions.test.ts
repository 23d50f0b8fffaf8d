import { spawnSync } from 'child_process';
import * as assert from 'node:assert';
import * as path from 'path';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { AuditSeverity, Reachability } from '../../src/analysis';
import type { AuditFinding } from '../../src/analysis';
import { AuditAcceptance } from '../../src/audit/audit-acceptance';
import { Peer } from '../../src/core/peer';
import { Port } from '../../src/core/port';
import { NetsecAssertions } from '../../src/testing';
import { NamespaceIsolation } from '../../src/tiers/namespace-isolation';
import { IsolatedTier } from '../../src/tiers/tier';

const at = (namespace: string, pod: string) => ({ namespace, pod });
const WEB = at('shop', 'web');
const API = at('shop', 'api');
const DB = at('data', 'db');

/** web -> api on TCP 9090, api -> db on TCP 5432, both namespaces deny by default. */
function threeTier(app: App = Testing.app()): Chart {
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  new NamespaceIsolation(chart, 'baseline');
  new NamespaceIsolation(chart, 'data-baseline', { namespace: 'data' });
  const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
  const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
  const db = new IsolatedTier(chart, 'db', { podLabels: { app: 'db' }, namespace: 'data', ports: [Port.tcp(5432)] });
  api.allowFrom(web, Port.tcp(9090));
  db.allowFrom(api, Port.tcp(5432));
  return chart;
}

/** Captures the message of the error `fn` throws; fails when it throws nothing. */
function messageOf(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the assertion to throw');
}

describe('NetsecAssertions.allows and denies', () => {
  test('pass silently for the declared flows and the flows nobody declared', () => {
    const policies = NetsecAssertions.fromChart(threeTier());
    expect(() => {
      policies.allows(WEB, API, Port.tcp(9090));
      policies.allows(API, DB, Port.tcp(5432));
      policies.denies(WEB, DB, Port.tcp(5432));
      policies.denies(API, WEB, Port.tcp(8080));
      policies.denies(WEB, API, Port.tcp(9091));
      policies.denies(WEB, { ip: '203.0.113.7' }, Port.tcp(443));
    }).not.toThrow();
  });

  test('allows on a denied flow throws with both endpoints, the port and the explanation naming the policies', () => {
    const policies = NetsecAssertions.fromChart(threeTier());
    const message = messageOf(() => policies.allows(WEB, DB, Port.tcp(5432)));
    expect(message).toMatch(/^Expected shop\/web -> data\/db on TCP 5432 to be allowed, but it is denied\.\n/);
    // The whole explanation follows: the heading and one line per side, naming the isolating policies.
    expect(message).toContain(policies.reachability.explain(WEB, DB, Port.tcp(5432)).text);
    expect(message).toContain('shop/web -> data/db on TCP 5432: denied');
    expect(message).toContain('egress of shop/web: denied: isolated by shop/baseline, shop/web');
    expect(message).toContain('ingress of data/db: denied: isolated by data/data-baseline, data/db');
  });

  test('denies on an allowed flow throws with the rules that let it through', () => {
    const policies = NetsecAssertions.fromChart(threeTier());
    const message = messageOf(() => policies.denies(WEB, API, Port.tcp(9090)));
    expect(message).toMatch(/^Expected shop\/web -> shop\/api on TCP 9090 to be denied, but it is allowed\.\n/);
    expect(message).toContain('shop/web -> shop/api on TCP 9090: allowed');
    expect(message).toContain('ingress of shop/api: allowed by shop/api ingress[0]');
    expect(message).toMatch(/egress of shop\/web: allowed by shop\/web egress\[\d\]/);
  });

  test('an address outside the cluster is named by its address', () => {
    const chart = threeTier();
    const api = chart.node.findChild('api') as IsolatedTier;
    api.allowTo(Peer.ipBlock('203.0.113.0/24'), Port.tcp(443));
    const policies = NetsecAssertions.fromChart(chart);
    policies.allows(API, { ip: '203.0.113.7' }, Port.tcp(443));
    const message = messageOf(() => policies.denies(API, { ip: '203.0.113.7' }, Port.tcp(443)));
    expect(message).toContain('Expected shop/api -> 203.0.113.7 on TCP 443 to be denied, but it is allowed.');
    expect(message).toContain('the destination 203.0.113.7 is outside the cluster');
  });

  test('an endpoint the model does not have is reported by the analyzer with the pods it knows', () => {
    const policies = NetsecAssertions.fromChart(threeTier());
    expect(() => policies.allows(at('shop', 'cart'), API, Port.tcp(9090)))
      .toThrow(/names a pod that is not modelled \("shop\/cart"\)\. Pods modelled in namespace "shop": api, web\./);
  });

  test('fromApp, fromManifests and fromReachability judge the same manifests the same way', () => {
    const app = Testing.app();
    const chart = threeTier(app);
    const fromApp = NetsecAssertions.fromApp(app);
    fromApp.allows(WEB, API, Port.tcp(9090));
    fromApp.denies(WEB, DB, Port.tcp(5432));

    // Plain manifests carry no tiers: model the pods as Pods with the tiers' labels.
    const pods = [['shop', 'web'], ['shop', 'api'], ['data', 'db']].map(([namespace, name]) => ({
      apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels: { app: name } },
    }));
    const fromManifests = NetsecAssertions.fromManifests([...chart.toJson(), ...pods]);
    fromManifests.allows(WEB, API, Port.tcp(9090));
    fromManifests.denies(WEB, DB, Port.tcp(5432));

    const reachability = Reachability.fromChart(chart);
    expect(NetsecAssertions.fromReachability(reachability).reachability).toBe(reachability);
  });
});

describe('NetsecAssertions.allowsExactlyFrom and allowsExactlyTo', () => {
  test('pass when the listed flows are exactly the allowed ones, in any order', () => {
    const policies = NetsecAssertions.fromChart(threeTier());
    policies.allowsExactlyFrom(WEB, ['shop/api: TCP 9090']);
    policies.allowsExactlyFrom(API, ['data/db:TCP 5432']);
    policies.allowsExactlyFrom(DB, []);
    policies.allowsExactlyTo(API, ['shop/web: TCP 9090']);
    policies.allowsExactlyTo(WEB, []);
  });

  test('throw listing the unexpected and the missing flows next to the actual ones', () => {
    const chart = threeTier();
    const web = chart.node.findChild('web') as IsolatedTier;
    const db = chart.node.findChild('db') as IsolatedTier;
    db.allowFrom(web, Port.tcp(5432));
    const policies = NetsecAssertions.fromChart(chart);
    const message = messageOf(() => policies.allowsExactlyFrom(WEB, ['shop/api: TCP 9090, 9091']));
    expect(message).toBe([
      'Expected shop/web to connect to exactly:',
      '  shop/api: TCP 9090, 9091',
      'but the policies allow:',
      '  data/db: TCP 5432',
      '  shop/api: TCP 9090',
      'Unexpected:',
      '  data/db: TCP 5432',
      '  shop/api: TCP 9090',
      'Missing:',
      '  shop/api: TCP 9090, 9091',
    ].join('\n'));
    expect(messageOf(() => policies.allowsExactlyTo(DB, ['shop/api: TCP 5432']))).toContain('Unexpected:\n  shop/web: TCP 5432');
  });

  test('need a modelled pod, not an address', () => {
    const policies = NetsecAssertions.fromChart(threeTier());
    expect(() => policies.allowsExactlyFrom({ ip: '10.0.0.1' }, [])).toThrow(/NetsecAssertions.allowsExactlyFrom: needs a pod endpoint/);
    expect(() => policies.allowsExactlyTo(at('shop', 'cart'), [])).toThrow(/not modelled \("shop\/cart"\)\. Modelled pods: data\/db, shop\/api, shop\/web\./);
  });
});

describe('NetsecAssertions audit assertions', () => {
  const finding = (ruleId: string, ruleName: string, severity: AuditSeverity, resource: string): AuditFinding => {
    const [kind, id] = resource.split(' ');
    const [namespace, name] = id.split('/');
    return {
      ruleId,
      ruleName,
      severity,
      resource,
      kind,
      namespace,
      name,
      message: `${ruleId} message`,
      fix: `${ruleId} fix`,
      constructPath: ruleId === 'NETSEC004' ? 'shop/web' : undefined,
    };
  };
  const FINDINGS = [
    finding('NETSEC004', 'egress-to-any-address', AuditSeverity.HIGH, 'NetworkPolicy shop/web'),
    finding('NETSEC011', 'ingress-port-not-in-service', AuditSeverity.MEDIUM, 'Pod shop/api'),
  ];

  afterEach(() => jest.restoreAllMocks());

  test('hasNoFindings lists every finding, one per line, with rule, resource, message and fix', () => {
    const policies = NetsecAssertions.fromChart(threeTier());
    const audit = jest.spyOn(policies.reachability, 'audit').mockReturnValue(FINDINGS);
    expect(messageOf(() => policies.hasNoFindings({ minSeverity: AuditSeverity.LOW }))).toBe([
      'Expected no audit findings of severity low or above, but found 2:',
      '  NETSEC004 egress-to-any-address [high] NetworkPolicy shop/web (construct shop/web): NETSEC004 message. Fix: NETSEC004 fix',
      '  NETSEC011 ingress-port-not-in-service [medium] Pod shop/api: NETSEC011 message. Fix: NETSEC011 fix',
    ].join('\n'));
    expect(audit).toHaveBeenCalledWith({ minSeverity: AuditSeverity.LOW });
    audit.mockReturnValue([]);
    policies.hasNoFindings();
  });

  test('hasNoFindings passes over suppressed findings; hasFinding still sees them', () => {
    const policies = NetsecAssertions.fromChart(threeTier());
    jest.spyOn(policies.reachability, 'audit').mockReturnValue([
      { ...FINDINGS[0], suppressed: true, suppressionReason: 'accepted by the security team' }, FINDINGS[1],
    ]);
    expect(messageOf(() => policies.hasNoFindings())).toBe([
      'Expected no audit findings, but found 1:',
      '  NETSEC011 ingress-port-not-in-service [medium] Pod shop/api: NETSEC011 message. Fix: NETSEC011 fix',
    ].join('\n'));
    policies.hasFinding('NETSEC004', 'NetworkPolicy shop/web');
  });

  test('with the real audit: an AuditAcceptance on the emitting construct makes hasNoFindings pass', () => {
    const chart = threeTier();
    const lb = new ApiObject(chart, 'public', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'public' },
      spec: { type: 'LoadBalancer', selector: { app: 'web' }, loadBalancerSourceRanges: ['0.0.0.0/0'], ports: [{ port: 443, targetPort: 8080 }] },
    });
    const high = { minSeverity: AuditSeverity.HIGH };
    expect(() => NetsecAssertions.fromChart(chart).hasNoFindings(high)).toThrow(/NETSEC006/);
    AuditAcceptance.accept(lb, ['NETSEC006'], 'public storefront, fronted by the CDN WAF');
    NetsecAssertions.fromChart(chart).hasNoFindings(high);
    NetsecAssertions.fromChart(chart).hasFinding('NETSEC006', 'Service shop/public');
  });

  test('hasFinding matches a rule by identifier or name, optionally on one resource', () => {
    const policies = NetsecAssertions.fromChart(threeTier());
    jest.spyOn(policies.reachability, 'audit').mockReturnValue(FINDINGS);
    policies.hasFinding('NETSEC004');
    policies.hasFinding('egress-to-any-address', 'NetworkPolicy shop/web');
    const message = messageOf(() => policies.hasFinding('NETSEC004', 'NetworkPolicy shop/api'));
    expect(message).toMatch(/^Expected an audit finding NETSEC004 on NetworkPolicy shop\/api, but found these 2:\n/);
    expect(message).toContain('NETSEC011 ingress-port-not-in-service [medium] Pod shop/api');
  });

  test('with the real audit: a LoadBalancer without source ranges is reported, and hasNoFindings names it', () => {
    const chart = threeTier();
    new ApiObject(chart, 'public', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'public' },
      spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 443, targetPort: 8080 }] },
    });
    const policies = NetsecAssertions.fromChart(chart);
    policies.hasFinding('NETSEC006', 'Service shop/public');
    const message = messageOf(() => policies.hasNoFindings({ minSeverity: AuditSeverity.HIGH }));
    expect(message).toContain('NETSEC006 load-balancer-without-source-ranges [high] Service shop/public');
    expect(message).toContain('Fix: ');
  });
});

describe('runner independence', () => {
  test('the assertions work with node:assert alone', () => {
    const policies = NetsecAssertions.fromChart(threeTier());
    assert.doesNotThrow(() => policies.allows(WEB, API, Port.tcp(9090)));
    assert.doesNotThrow(() => policies.denies(WEB, DB, Port.tcp(5432)));
    assert.throws(() => policies.allows(WEB, DB, Port.tcp(5432)), (e: Error) => {
      assert.ok(e instanceof Error);
      assert.match(e.message, /to be allowed, but it is denied/);
      assert.match(e.message, /isolated by data\/data-baseline, data\/db/);
      return true;
    });
  });

  test('a plain Node script, outside jest, fails with the explanation and exit code 1', () => {
    const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'node-assert-example.ts')], {
      cwd: path.join(__dirname, '..', '..'),
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, TS_NODE_PROJECT: 'test/tsconfig.json' },
    });
    expect(result.stdout).toContain('ok - shop/web -> shop/api on TCP 9090 is allowed');
    expect(result.stderr).toContain('Expected shop/web -> data/db on TCP 5432 to be allowed, but it is denied.');
    expect(result.stderr).toContain('ingress of data/db: denied');
    expect(result.status).toBe(1);
  }, 60_000);
});
