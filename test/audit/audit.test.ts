import { PeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1beta1';
import { App, Chart } from 'cdk8s';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { Service } from 'kubernetes-models/v1';
import { AuditRules, AuditSeverity, IsolatedTier, NamespaceIsolation, Peer, Port, Reachability } from '../../src';
import type { AuditFinding } from '../../src';
import { namespace, pod, policy, rawPolicy } from '../analysis/fixtures';

/*
 * The audit catalogue: each rule fires on the smallest manifest set that breaks it, with the resource,
 * message and fix asserted, and stays silent on the corrected set.
 */

const DENY_ALL = { podSelector: {}, policyTypes: ['Ingress', 'Egress'] };
const DNS_ONLY = {
  podSelector: {},
  policyTypes: ['Ingress', 'Egress'],
  egress: [{ to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }] }],
};

function audit(objects: any[], ...rules: string[]): AuditFinding[] {
  const findings = Reachability.fromManifests(objects).audit();
  return rules.length === 0 ? findings : findings.filter(f => rules.includes(f.ruleId));
}

function service(ns: string, name: string, spec: any, annotations?: Record<string, string>): any {
  const object = { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns, ...(annotations ? { annotations } : {}) }, spec };
  new Service(object).validate();
  return object;
}

function ingress(ns: string, name: string, spec: any): any {
  const object = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, namespace: ns }, spec };
  new Ingress(object).validate();
  return object;
}

function peerAuthentication(ns: string, name: string, spec: any): any {
  const object = { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name, namespace: ns }, spec };
  new PeerAuthentication({ ...object, apiVersion: 'security.istio.io/v1beta1' } as any).validate();
  return object;
}

const backend = (port: number) => ({ service: { name: 'web', port: { number: port } } });

describe('the catalogue', () => {
  test('identifiers are unique, numbered in order, and every rule has a name, a severity and a description', () => {
    const rules = AuditRules.all();
    expect(rules.map(r => r.id)).toEqual(rules.map((_, i) => `NETSEC${String(i + 1).padStart(3, '0')}`));
    expect(new Set(rules.map(r => r.name)).size).toBe(rules.length);
    for (const rule of rules) {
      expect(rule.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(Object.values(AuditSeverity)).toContain(rule.severity);
      expect(rule.description.length).toBeGreaterThan(20);
    }
    expect(AuditRules.find('NETSEC007')?.name).toBe('nodeport-service');
    expect(AuditRules.find('nodeport-service')?.id).toBe('NETSEC007');
    expect(AuditRules.find('NETSEC999')).toBeUndefined();
  });
});

describe('NetworkPolicy coverage', () => {
  test('NETSEC001/002: a namespace with pods and no default deny, per direction', () => {
    const ingressOnly = { podSelector: {}, policyTypes: ['Ingress'] };
    const findings = audit([pod('shop', 'web'), pod('shop', 'api'), policy('shop', 'deny-in', ingressOnly)], 'NETSEC001', 'NETSEC002');
    expect(findings).toEqual([expect.objectContaining({
      ruleId: 'NETSEC002',
      ruleName: 'namespace-without-default-deny-egress',
      severity: AuditSeverity.MEDIUM,
      resource: 'Namespace shop',
      kind: 'Namespace',
      name: 'shop',
      message: 'namespace shop has 2 pods (api, web) but no NetworkPolicy with an empty podSelector and policy type Egress, so a pod added later is not egress-isolated',
    })]);
    expect(findings[0].namespace).toBeUndefined();
    expect(findings[0].fix).toMatch(/podSelector: \{\}, policyTypes: \[Egress\].*NamespaceIsolation/);

    const none = audit([pod('shop', 'web')], 'NETSEC001');
    expect(none.map(f => [f.ruleId, f.severity, f.resource])).toEqual([['NETSEC001', AuditSeverity.HIGH, 'Namespace shop']]);
  });

  test('NETSEC001: a policy that selects only some pods is not a default deny; an empty namespace needs none', () => {
    const some = policy('shop', 'web-only', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress', 'Egress'] });
    expect(audit([pod('shop', 'web', { labels: { app: 'web' } }), some], 'NETSEC001').map(f => f.resource)).toEqual(['Namespace shop']);
    expect(audit([namespace('empty'), policy('other', 'p', DENY_ALL)], 'NETSEC001', 'NETSEC002')).toEqual([]);
    expect(audit([pod('shop', 'web'), policy('shop', 'deny', DENY_ALL)], 'NETSEC001', 'NETSEC002')).toEqual([]);
  });

  test('NETSEC003: a pod no policy selects, named with its workload kind', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'worker', namespace: 'jobs' },
      spec: { selector: { matchLabels: { app: 'worker' } }, template: { metadata: { labels: { app: 'worker' } }, spec: { containers: [{ name: 'w', image: 'w' }] } } },
    };
    const findings = audit([deployment, pod('jobs', 'other', { labels: { app: 'other' } }),
      policy('jobs', 'other', { podSelector: { matchLabels: { app: 'other' } }, policyTypes: ['Egress'] })], 'NETSEC003');
    expect(findings).toEqual([expect.objectContaining({
      resource: 'Deployment jobs/worker',
      kind: 'Deployment',
      namespace: 'jobs',
      name: 'worker',
      severity: AuditSeverity.MEDIUM,
      message: 'no NetworkPolicy selects jobs/worker (labels {app=worker}), so every connection to and from it is allowed',
    })]);
  });

  test('NETSEC004: egress to 0.0.0.0/0, ::/0, or with no "to" at all', () => {
    const p = policy('shop', 'wide', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [{ port: 443 }] },
        { to: [{ ipBlock: { cidr: '::/0' } }, { ipBlock: { cidr: '2001:db8::/32' } }] },
        { ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 8000, endPort: 8100 }] },
        { to: [{ ipBlock: { cidr: '203.0.113.0/24' } }] },
      ],
    });
    const findings = audit([p], 'NETSEC004');
    expect(findings.map(f => f.message)).toEqual([
      'spec.egress[0].to[0] allows 0.0.0.0/0 except 10.0.0.0/8: every IPv4 address outside the excepted ranges, on TCP 443',
      'spec.egress[1].to[0] allows ::/0: every IPv6 address, on every port',
      'spec.egress[2] has no "to": it allows every destination, inside and outside the cluster, on UDP 53, TCP 8000-8100',
    ]);
    expect(new Set(findings.map(f => f.resource))).toEqual(new Set(['NetworkPolicy shop/wide']));
    expect(findings.every(f => f.severity === AuditSeverity.HIGH)).toBe(true);
  });

  test('NETSEC004: an ingress policy without "from" is not egress', () => {
    expect(audit([policy('shop', 'open-in', { podSelector: {}, ingress: [{}] })], 'NETSEC004')).toEqual([]);
  });
});

describe('NETSEC005: the metadata endpoint', () => {
  test('a pod that is not egress-isolated reaches it; the message carries the explanation', () => {
    const findings = audit([pod('shop', 'web')], 'NETSEC005');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: AuditSeverity.CRITICAL, resource: 'Pod shop/web' });
    expect(findings[0].message).toContain('169.254.169.254 on TCP 80 (not isolated: no NetworkPolicy with policy type Egress selects shop/web');
    expect(findings[0].message).toContain('fd00:ec2::254');
  });

  test('an egress rule whose block contains it allows it; the same block with the endpoint excepted does not', () => {
    const open = policy('shop', 'out', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '169.254.0.0/16' } }] }] });
    const findings = audit([pod('shop', 'web'), open], 'NETSEC005');
    expect(findings.map(f => f.message)).toEqual(['shop/web may connect to a cloud metadata endpoint: '
      + '169.254.169.254 on TCP 80 (allowed by shop/out egress[0] (isolated by shop/out))']);
    const guarded = policy('shop', 'out', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '169.254.0.0/16', except: ['169.254.169.254/32'] } }] }],
    });
    expect(audit([pod('shop', 'web'), guarded], 'NETSEC005')).toEqual([]);
    expect(audit([pod('shop', 'web'), policy('shop', 'deny', DNS_ONLY)], 'NETSEC005')).toEqual([]);
  });

  test('Peer.anyIpv4() from the constructs keeps the endpoint out', () => {
    const app = new App();
    const chart = new Chart(app, 'c', { namespace: 'shop' });
    new IsolatedTier(chart, 'web', { podLabels: { app: 'web' } }).allowTo(Peer.anyIpv4(), Port.tcp(80));
    const findings = Reachability.fromChart(chart).audit();
    expect(findings.filter(f => f.ruleId === 'NETSEC005')).toEqual([]);
    expect(findings.filter(f => f.ruleId === 'NETSEC004').map(f => [f.resource, f.constructPath])).toEqual([['NetworkPolicy shop/web', 'c/web']]);
  });
});

describe('Services and Ingresses', () => {
  const web = pod('shop', 'web', { labels: { app: 'web' }, ports: [['http', 8080]] });

  test('NETSEC006: LoadBalancer without source ranges, or with a /0 range; ranges by field or annotation pass', () => {
    const lb = (name: string, extra: any, annotations?: Record<string, string>) =>
      service('shop', name, { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 443, targetPort: 8080 }], ...extra }, annotations);
    const findings = audit([
      lb('open', {}), lb('world', { loadBalancerSourceRanges: ['203.0.113.0/24', '0.0.0.0/0'] }),
      lb('office', { loadBalancerSourceRanges: ['203.0.113.0/24'] }),
      lb('annotated', {}, { 'service.beta.kubernetes.io/load-balancer-source-ranges': '198.51.100.0/24' }),
      service('shop', 'internal', { selector: { app: 'web' }, ports: [{ port: 80 }] }),
    ], 'NETSEC006');
    expect(findings.map(f => [f.resource, f.message])).toEqual([
      ['Service shop/open', 'type LoadBalancer without loadBalancerSourceRanges: the cloud load balancer admits every address'],
      ['Service shop/world', 'type LoadBalancer with loadBalancerSourceRanges 0.0.0.0/0: every address is admitted'],
    ]);
    expect(findings[0].fix).toContain('loadBalancerSourceRanges');
  });

  test('NETSEC007: NodePort services', () => {
    const findings = audit([service('shop', 'np', { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, nodePort: 30080 }] })], 'NETSEC007');
    expect(findings).toEqual([expect.objectContaining({ resource: 'Service shop/np', severity: AuditSeverity.MEDIUM })]);
    expect(findings[0].message).toMatch(/^type NodePort opens TCP 80 \(nodePort 30080\) on every node/);
  });

  test('NETSEC008: hosts without TLS; wildcard TLS hosts cover one label; a tls entry without hosts covers all', () => {
    const findings = audit([
      ingress('shop', 'plain', { rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend(80) }] } }] }),
      ingress('shop', 'partial', {
        tls: [{ hosts: ['*.example.com'], secretName: 'wild' }],
        rules: [
          { host: 'a.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend(80) }] } },
          { host: 'a.b.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend(80) }] } },
          { http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend(80) }] } },
        ],
      }),
      ingress('shop', 'ok', { tls: [{ hosts: ['shop.example.com'], secretName: 's' }], rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend(80) }] } }] }),
      ingress('shop', 'catch-all', { tls: [{ secretName: 'default' }], rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend(80) }] } }] }),
      ingress('shop', 'default-backend', { defaultBackend: backend(80) }),
    ], 'NETSEC008');
    expect(findings.map(f => [f.resource, f.message])).toEqual([
      ['Ingress shop/default-backend', 'serves the default backend without TLS (no spec.tls)'],
      ['Ingress shop/partial', 'serves a.b.example.com, every host (a rule without host) without TLS'],
      ['Ingress shop/plain', 'serves shop.example.com without TLS (no spec.tls)'],
    ]);
  });

  test('NETSEC011 and NETSEC013: ingress ports no Service exposes, named targetPorts resolved against the pod', () => {
    const isolate = policy('shop', 'web', {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Ingress'],
      ingress: [{ ports: [{ port: 8080 }, { port: 9090 }, { port: 7000, endPort: 7010 }, { port: 'http' }] }],
    });
    const byName = service('shop', 'web', { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] });
    const mismatch = audit([web, isolate, byName], 'NETSEC011', 'NETSEC013');
    expect(mismatch.map(f => [f.ruleId, f.resource, f.message])).toEqual([
      ['NETSEC011', 'Pod shop/web', 'shop/web accepts ingress on TCP 9090, but the Services that select it (web) expose no such target port'],
    ]);
    const both = service('shop', 'web', { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }, { name: 'm', port: 9090 }] });
    expect(audit([web, isolate, both], 'NETSEC011', 'NETSEC013')).toEqual([]);
    const otherApp = service('shop', 'api', { selector: { app: 'api' }, ports: [{ port: 9090 }] });
    expect(audit([web, isolate, otherApp], 'NETSEC011', 'NETSEC013').map(f => [f.ruleId, f.message])).toEqual([
      ['NETSEC013', 'shop/web accepts ingress on TCP 8080, TCP 9090, but no Service in namespace shop selects it'],
    ]);
  });
});

describe('Istio mTLS', () => {
  test('NETSEC009 PERMISSIVE and NETSEC010 DISABLE, workload-wide and per port; STRICT passes', () => {
    const findings = audit([
      peerAuthentication('istio-system', 'default', { mtls: { mode: 'PERMISSIVE' } }),
      peerAuthentication('shop', 'api', { selector: { matchLabels: { app: 'api' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { 9102: { mode: 'DISABLE' }, 8443: { mode: 'PERMISSIVE' } } }),
      peerAuthentication('shop', 'strict', { mtls: { mode: 'STRICT' } }),
    ], 'NETSEC009', 'NETSEC010');
    expect(findings.map(f => [f.ruleId, f.severity, f.resource, f.message])).toEqual([
      ['NETSEC010', AuditSeverity.HIGH, 'PeerAuthentication shop/api',
        'mTLS mode DISABLE for port 9102 of workloads {app=api} in namespace shop: connections are accepted in plain text only'],
      ['NETSEC009', AuditSeverity.MEDIUM, 'PeerAuthentication istio-system/default',
        'mTLS mode PERMISSIVE for every workload in namespace istio-system (the root namespace: the whole mesh, by default): plain-text connections are accepted next to mTLS'],
      ['NETSEC009', AuditSeverity.MEDIUM, 'PeerAuthentication shop/api',
        'mTLS mode PERMISSIVE for port 8443 of workloads {app=api} in namespace shop: plain-text connections are accepted next to mTLS'],
    ]);
  });
});

describe('NETSEC012: CIDRs with host bits', () => {
  test('are read as their network and reported with both readings', () => {
    const p = rawPolicy('shop', 'p', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '10.1.2.3/16', except: ['10.1.200.1/24'] } }] }],
    });
    const r = Reachability.fromManifests([pod('shop', 'web'), p]);
    expect(r.isAllowed({ namespace: 'shop', pod: 'web' }, { ip: '10.1.99.1' }, Port.tcp(80))).toBe(true);
    expect(r.isAllowed({ namespace: 'shop', pod: 'web' }, { ip: '10.1.200.9' }, Port.tcp(80))).toBe(false);
    const findings = r.audit({ ignore: ['NETSEC001', 'NETSEC002', 'NETSEC005'] }).filter(f => f.ruleId === 'NETSEC012');
    expect(findings.map(f => [f.message, f.fix])).toEqual([
      ['spec.egress[0].to[0].ipBlock.cidr "10.1.2.3/16" has host bits set; it is modelled as 10.1.0.0/16, but CNIs differ on how they read it',
        'Write the block you mean: "10.1.0.0/16" for the network, or "10.1.2.3/32" for the one address.'],
      ['spec.egress[0].to[0].ipBlock.except[0] "10.1.200.1/24" has host bits set; it is modelled as 10.1.200.0/24, but CNIs differ on how they read it',
        'Write the block you mean: "10.1.200.0/24" for the network, or "10.1.200.1/32" for the one address.'],
    ]);
  });
});

describe('options and order', () => {
  const objects = [pod('shop', 'web'), service('shop', 'np', { type: 'NodePort', selector: { app: 'x' }, ports: [{ port: 80 }] })];

  test('findings come most severe first, then by rule and resource', () => {
    const findings = audit(objects);
    expect(findings.map(f => f.ruleId)).toEqual(['NETSEC005', 'NETSEC001', 'NETSEC002', 'NETSEC003', 'NETSEC007']);
  });

  test('minSeverity and ignore (by id or name) leave rules out', () => {
    const r = Reachability.fromManifests(objects);
    expect(r.audit({ minSeverity: AuditSeverity.HIGH }).map(f => f.ruleId)).toEqual(['NETSEC005', 'NETSEC001']);
    expect(r.audit({ ignore: ['NETSEC005', 'nodeport-service'] }).map(f => f.ruleId)).toEqual(['NETSEC001', 'NETSEC002', 'NETSEC003']);
  });

  test('an unknown rule or severity is an error naming the value and the choices', () => {
    const r = Reachability.fromManifests(objects);
    expect(() => r.audit({ ignore: ['NETSEC404'] }))
      .toThrow(/^Reachability.audit: ignore names no audit rule \("NETSEC404"\). Use rule identifiers or names from AuditRules.all\(\): NETSEC001 \(namespace-without-default-deny-ingress\)/);
    expect(() => r.audit({ minSeverity: 'urgent' as AuditSeverity }))
      .toThrow('Reachability.audit: minSeverity is not a severity ("urgent"). Use one of low, medium, high, critical (AuditSeverity).');
  });
});

describe('constructs', () => {
  test('a chart with a namespace baseline and tiers exposed through Services is clean; findings carry construct paths', () => {
    const app = new App();
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    new NamespaceIsolation(chart, 'baseline');
    const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
    const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
    web.expose();
    api.expose();
    api.allowFrom(web, Port.tcp(9090));
    expect(Reachability.fromChart(chart).audit()).toEqual([]);

    const loose = new IsolatedTier(chart, 'loose', { podLabels: { app: 'loose' }, ports: [Port.tcp(7000)] });
    loose.allowFrom(web, Port.tcp(7000));
    const findings = Reachability.fromChart(chart).audit();
    expect(findings.map(f => [f.ruleId, f.resource, f.constructPath])).toEqual([['NETSEC013', 'IsolatedTier shop/loose', 'shop/loose']]);
  });
});
