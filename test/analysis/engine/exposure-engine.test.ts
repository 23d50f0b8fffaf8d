import { Port, Reachability } from '../../../src';
import type { WorkloadExposure } from '../../../src';
import { exposureCsv, exposureMarkdown, exposureText } from '../../../src/analysis/report/exposure-report';
import { namespace, pod, policy } from '../fixtures';

/*
 * Issue 22, item 1: exposure is the engine's verdict for each way in, so it never says "nothing" where
 * isAllowed says open.
 */

const web = pod('shop', 'web', { labels: { app: 'web' }, ports: [['http', 8080]] });
const service = (spec: any) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }], ...spec },
});
const gateway = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name: 'edge', namespace: 'shop' },
  spec: { gatewayClassName: 'cilium', listeners: [{ name: 'grpc', protocol: 'HTTPS', port: 443, allowedRoutes: { namespaces: { from: 'Same' } } }] },
};

function exposureOf(objects: any[]): WorkloadExposure {
  return Reachability.fromManifests(objects).exposure().find(e => e.workload === 'shop/web')!;
}

test('a Cilium admission of the ingress entity makes the route reachable by the data plane, as isAllowed says', () => {
  const objects = [namespace('shop'), web, service({}), gateway,
    {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { endpointSelector: { matchLabels: { app: 'web' } }, ingress: [{ fromEntities: ['ingress'], toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }] }] }] },
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GRPCRoute',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { parentRefs: [{ name: 'edge' }], rules: [{ matches: [{ method: { service: 'shop.Web' } }], backendRefs: [{ name: 'web', port: 80 }] }] },
    }];
  const e = exposureOf(objects);
  expect(Reachability.fromManifests(objects).isAllowed({ ingressController: true }, { namespace: 'shop', pod: 'web' }, Port.tcp(8080))).toBe(true);
  expect(e.paths.map(p => [p.kind, p.reachable, p.admittedFrom])).toEqual([['GRPCRoute', true, ['{ingress-controller}']]]);
  expect(e.fromIngressControllerDescription).toBe('TCP 8080');
  expect(e.fromAnyNamespaceDescription).toBe('nothing');
});

test('an Admin-tier Accept from every namespace is exposure from any namespace', () => {
  const e = exposureOf([namespace('shop'), web, policy('shop', 'deny', { podSelector: {}, policyTypes: ['Ingress'] }),
    {
      apiVersion: 'policy.networking.k8s.io/v1alpha2',
      kind: 'ClusterNetworkPolicy',
      metadata: { name: 'open' },
      spec: {
        tier: 'Admin',
        priority: 1,
        subject: { namespaces: {} },
        ingress: [{ action: 'Accept', from: [{ namespaces: {} }], protocols: [{ tcp: { destinationPort: { number: 8080 } } }] }],
      },
    }]);
  expect(e.fromAnyNamespaceDescription).toBe('TCP 8080');
  expect(e.fromOwnNamespaceDescription).toBe('TCP 8080');
});

test('the Cilium world entity is exposure from outside; externalIPs are a path in', () => {
  const e = exposureOf([namespace('shop'), web, service({ externalIPs: ['198.51.100.7'] }),
    {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { endpointSelector: { matchLabels: { app: 'web' } }, ingress: [{ fromEntities: ['world'], toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }] }] }] },
    }]);
  expect(e.fromOutside.map(r => `${r.addresses} ${r.description}`)).toEqual(['0.0.0.0-255.255.255.255 TCP 8080', '::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff TCP 8080']);
  expect(e.paths.map(p => [p.kind, p.description, p.reachable])).toEqual([
    ['Service', 'externalIPs 198.51.100.7 TCP 80 -> TCP 8080, from every address that routes to them', true],
  ]);
});

test('an answer that depends on an unknown pod address is a caveat of the exposure, not a silent nothing', () => {
  const e = exposureOf([namespace('shop'), web, policy('shop', 'web', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '10.1.0.0/16' } }] }] })]);
  expect(e.fromAnyNamespaceDescription).toBe('nothing');
  expect(e.caveats.some(c => c.startsWith('from any namespace: TCP 1-65535: shop/web ingress[0] might admit a pod of any namespace: ipBlock 10.1.0.0/16 covers only part'))).toBe(true);
});

test('the exposure reports print the caveats', () => {
  const objects = [namespace('shop'), web, policy('shop', 'web', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '10.1.0.0/16' } }] }] })];
  const exposure = Reachability.fromManifests(objects).exposure();
  expect(exposureText(exposure)).toContain('  uncertain (the answers above depend on it):\n    from any namespace: SCTP 1-65535: shop/web ingress[0] might admit');
  expect(exposureMarkdown(exposure)).toContain('uncertain: from any namespace: TCP 1-65535');
  expect(exposureCsv(exposure)).toContain('shop/web,Pod,uncertain,"from any namespace: TCP 1-65535');
});
