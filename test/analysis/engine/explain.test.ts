import { Reachability } from '../../../src/analysis';
import { Port } from '../../../src/core/port';
import { pod, policy } from '../fixtures';

const at = (name: string, ns = 'shop') => ({ namespace: ns, pod: name });

function shop(): Reachability {
  return Reachability.fromManifests([
    pod('shop', 'web', { labels: { app: 'web' }, ports: [['http', 8080]] }),
    pod('shop', 'api', { labels: { app: 'api' }, ports: [['grpc', 9090]] }),
    pod('shop', 'batch', { labels: { app: 'batch' } }),
    pod('other', 'probe', { labels: { app: 'probe' } }),
    policy('shop', 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    policy('shop', 'api', {
      podSelector: { matchLabels: { app: 'api' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { from: [{ podSelector: { matchLabels: { app: 'batch' } } }], ports: [{ port: 9090 }] },
        { from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 'grpc' }] },
      ],
      egress: [{ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 443 }] }],
    }),
    policy('shop', 'web', {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 9090 }] }],
    }),
  ]);
}

describe('explain', () => {
  test('an allowed connection names the admitting rule on each side and the isolating policies', () => {
    const e = shop().explain(at('web'), at('api'), Port.tcp(9090));
    expect(e.allowed).toBe(true);
    expect(e.selfTraffic).toBe(false);
    expect(e.egress).toEqual({
      allowed: true,
      isolated: true,
      outsideCluster: false,
      allowedBy: ['shop/web egress[0]'],
      isolatedBy: ['shop/default-deny', 'shop/web'],
      reason: 'allowed by shop/web egress[0] (isolated by shop/default-deny, shop/web)',
      caveats: [],
    });
    expect(e.certain).toBe(true);
    expect(e.ingress.allowedBy).toEqual(['shop/api ingress[1]']);
    expect(e.ingress.isolatedBy).toEqual(['shop/api', 'shop/default-deny']);
    expect(e.text).toBe([
      'shop/web -> shop/api on TCP 9090: allowed',
      '  egress of shop/web: allowed by shop/web egress[0] (isolated by shop/default-deny, shop/web)',
      '  ingress of shop/api: allowed by shop/api ingress[1] (isolated by shop/api, shop/default-deny)',
    ].join('\n'));
  });

  test('every admitting rule is listed', () => {
    const r = Reachability.fromManifests([
      pod('x', 'a', { labels: { app: 'a' } }), pod('x', 'b', { labels: { app: 'b' } }),
      policy('x', 'one', { podSelector: { matchLabels: { app: 'b' } }, ingress: [{ ports: [{ port: 1 }] }, {}] }),
      policy('x', 'two', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'a' } } }] }] }),
    ]);
    expect(r.explain(at('a', 'x'), at('b', 'x'), Port.tcp(80)).ingress.allowedBy).toEqual(['x/one ingress[1]', 'x/two ingress[0]']);
  });

  test('a denied connection names the policies that isolate the side that refuses it', () => {
    const e = shop().explain(at('batch'), at('web'), Port.tcp(8080));
    expect(e.allowed).toBe(false);
    expect(e.egress.allowed).toBe(false);
    expect(e.egress.isolatedBy).toEqual(['shop/default-deny']);
    expect(e.egress.reason).toBe('denied: isolated by shop/default-deny and their egress rule lists are empty');
    expect(e.ingress.reason).toBe('denied: isolated by shop/default-deny and their ingress rule lists are empty');
    const wrongPort = shop().explain(at('web'), at('api'), Port.tcp(9091));
    expect(wrongPort.ingress.reason)
      .toBe('denied: isolated by shop/api, shop/default-deny and none of their 2 ingress rules admits TCP 9091 from shop/web');
    expect(wrongPort.egress.reason).toBe('denied: isolated by shop/default-deny, shop/web and none of their 1 egress rule admits TCP 9091 to shop/api');
  });

  test('a side no policy isolates says so', () => {
    const e = shop().explain(at('probe', 'other'), at('api'), Port.tcp(9090));
    expect(e.egress).toMatchObject({ allowed: true, isolated: false, outsideCluster: false, allowedBy: [], isolatedBy: [] });
    expect(e.egress.reason).toBe('not isolated: no NetworkPolicy with policy type Egress selects other/probe, so all egress is allowed');
    expect(e.ingress.allowed).toBe(false);
  });

  test('an outside end is not judged; the in-cluster side decides', () => {
    const out = shop().explain(at('api'), { ip: '203.0.113.9' }, Port.tcp(443));
    expect(out.allowed).toBe(true);
    expect(out.egress.allowedBy).toEqual(['shop/api egress[0]']);
    expect(out.ingress).toMatchObject({ allowed: true, isolated: false, outsideCluster: true });
    expect(out.ingress.reason).toBe("the destination 203.0.113.9 is outside the cluster; only the source's egress policies apply");
    const inbound = shop().explain({ ip: '198.51.100.4' }, at('api'), Port.tcp(9090));
    expect(inbound.allowed).toBe(false);
    expect(inbound.egress.outsideCluster).toBe(true);
    expect(inbound.ingress.reason).toContain('admits TCP 9090 from 198.51.100.4');
  });

  test('self traffic is allowed and says why, while the sides still report the policies', () => {
    const e = shop().explain(at('batch'), at('batch'), Port.tcp(8080));
    expect(e.allowed).toBe(true);
    expect(e.selfTraffic).toBe(true);
    expect(e.ingress.allowed).toBe(false);
    expect(e.text.split('\n')[1]).toBe('  a pod can always connect to itself; NetworkPolicy does not apply to such traffic');
  });

  test('a named query port shows the number it resolved to, or why it cannot resolve', () => {
    const r = shop();
    const ok = r.explain(at('web'), at('api'), Port.named('grpc'));
    expect(ok.allowed).toBe(true);
    expect(ok.text.split('\n')[0]).toBe('shop/web -> shop/api on TCP grpc (port 9090): allowed');
    const missing = r.explain(at('web'), at('batch'), Port.named('grpc'));
    expect(missing.allowed).toBe(false);
    expect(missing.ingress.reason).toBe('shop/batch declares no TCP container port named "grpc"');
    expect(missing.ingress.isolatedBy).toEqual(['shop/default-deny']);
    expect(missing.text).toBe('shop/web -> shop/batch on TCP grpc: denied\n  shop/batch declares no TCP container port named "grpc", so no connection on it is possible');
    const outside = r.explain(at('api'), { ip: '203.0.113.9' }, Port.named('grpc'));
    expect(outside.allowed).toBe(false);
    expect(outside.ingress.outsideCluster).toBe(true);
    expect(outside.egress.reason).toBe('the named port "grpc" cannot be resolved for an address outside the cluster');
  });
});
