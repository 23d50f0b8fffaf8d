import { Reachability } from '../../src';
import type { AuditFinding } from '../../src';
import { namespace, pod } from '../analysis/fixtures';
import { validateAll } from '../util';

/*
 * Gateway API rules (NETSEC016-019), on objects validated against the pinned Gateway API v1 CRDs.
 */

const GW = 'gateway.networking.k8s.io/v1';

function gateway(listeners: any[], ns = 'edge', name = 'edge'): any {
  return { apiVersion: GW, kind: 'Gateway', metadata: { name, namespace: ns }, spec: { gatewayClassName: 'eg', listeners } };
}

function listener(name: string, protocol: string, port: number, from?: string, extra: any = {}): any {
  return {
    name,
    protocol,
    port,
    hostname: 'shop.example.com',
    ...(protocol === 'HTTPS' ? { tls: { mode: 'Terminate', certificateRefs: [{ name: 'shop-tls' }] } } : {}),
    ...(from ? { allowedRoutes: { namespaces: { from, ...(from === 'Selector' ? { selector: extra.selector ?? {} } : {}) } } } : {}),
  };
}

function route(ns: string, name: string, parentRef: any, rules: any[]): any {
  return { apiVersion: GW, kind: 'HTTPRoute', metadata: { name, namespace: ns }, spec: { parentRefs: [parentRef], hostnames: ['shop.example.com'], rules } };
}

function service(ns: string, name: string, ports: number[]): any {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: { selector: { app: name }, ports: ports.map(port => ({ name: `p${port}`, port, targetPort: 8080 })) },
  };
}

const REDIRECT = { filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] };
const FORWARD = (port?: number, name = 'web', ns?: string) => ({ backendRefs: [{ name, ...(ns ? { namespace: ns } : {}), ...(port === undefined ? {} : { port }) }] });
const parent = (sectionName?: string, ns = 'edge') => ({ name: 'edge', namespace: ns, ...(sectionName ? { sectionName } : {}) });
const base = [namespace('edge'), namespace('shop', { team: 'shop' }), pod('shop', 'web', { labels: { app: 'web' } }), service('shop', 'web', [80])];

function findings(objects: any[], rule: string): AuditFinding[] {
  return Reachability.fromManifests(validateAll(objects)).audit().filter(f => f.ruleId === rule);
}

describe('NETSEC016 gateway-http-listener-serves-backends', () => {
  const listeners = [listener('http', 'HTTP', 80, 'All'), listener('https', 'HTTPS', 443, 'All')];

  test('a route on the HTTP listener that forwards is reported with the listener, gateway and backends', () => {
    const found = findings([...base, gateway(listeners), route('shop', 'web', parent('http'), [FORWARD(80)])], 'NETSEC016');
    expect(found.map(f => [f.severity, f.resource, f.message])).toEqual([['high', 'HTTPRoute shop/web',
      'attaches to HTTP listener "http" (port 80) of Gateway edge/edge and forwards spec.rules[0] to backends (web:80) in plain text instead of only redirecting to HTTPS']]);
    expect(found[0].fix).toMatch(/RequestRedirect filter with scheme https and no backendRefs/);
  });

  test('a route without sectionName attaches to every listener, the HTTP one included', () => {
    expect(findings([...base, gateway(listeners), route('shop', 'web', parent(), [FORWARD(80)])], 'NETSEC016')).toHaveLength(1);
  });

  test('a redirect-only route on HTTP and a forwarding route on HTTPS only: nothing', () => {
    expect(findings([...base, gateway(listeners), route('shop', 'redirect', parent('http'), [REDIRECT]),
      route('shop', 'web', parent('https'), [FORWARD(80)])], 'NETSEC016')).toEqual([]);
  });

  test('a route whose hostnames the HTTP listener does not serve is not attached; wildcards intersect', () => {
    const other = { ...route('shop', 'web', parent(), [FORWARD(80)]) };
    other.spec = { ...other.spec, hostnames: ['api.example.org'] };
    expect(findings([...base, gateway(listeners), other], 'NETSEC016')).toEqual([]);
    const wildcard = gateway([{ ...listener('http', 'HTTP', 80, 'All'), hostname: '*.example.com' }]);
    expect(findings([...base, wildcard, route('shop', 'web', parent(), [FORWARD(80)])], 'NETSEC016')).toHaveLength(1);
    const bare = gateway([{ ...listener('http', 'HTTP', 80, 'All'), hostname: undefined }]);
    expect(findings([...base, bare, other], 'NETSEC016')).toHaveLength(1);
  });

  test('a route the listener does not admit (from: Same, other namespace) is not attached', () => {
    const same = [listener('http', 'HTTP', 80), listener('https', 'HTTPS', 443)];
    expect(findings([...base, gateway(same), route('shop', 'web', parent('http'), [FORWARD(80)])], 'NETSEC016')).toEqual([]);
    const selector = [listener('http', 'HTTP', 80, 'Selector', { selector: { matchLabels: { team: 'shop' } } })];
    expect(findings([...base, gateway(selector), route('shop', 'web', parent('http'), [FORWARD(80)])], 'NETSEC016')).toHaveLength(1);
    const otherTeam = [listener('http', 'HTTP', 80, 'Selector', { selector: { matchLabels: { team: 'ops' } } })];
    expect(findings([...base, gateway(otherTeam), route('shop', 'web', parent('http'), [FORWARD(80)])], 'NETSEC016')).toEqual([]);
  });
});

describe('NETSEC017 route-backend-service-missing and NETSEC018 route-backend-port-not-in-service', () => {
  const gw = gateway([listener('https', 'HTTPS', 443, 'Same')], 'shop', 'edge');

  test('a backend Service that is not in the manifests', () => {
    const found = findings([...base, gw, route('shop', 'web', parent('https', 'shop'), [FORWARD(80, 'wbe')])], 'NETSEC017');
    expect(found.map(f => [f.severity, f.resource, f.message])).toEqual([['medium', 'HTTPRoute shop/web',
      'spec.rules[0].backendRefs[0] names Service shop/wbe, which is not in the manifests']]);
    // The namespace of the backendRef counts.
    expect(findings([...base, gw, route('shop', 'web', parent('https', 'shop'), [FORWARD(80, 'web', 'other')])], 'NETSEC017')).toHaveLength(1);
  });

  test('a port the Service does not expose, or no port', () => {
    const found = findings([...base, gw, route('shop', 'web', parent('https', 'shop'), [FORWARD(8080), FORWARD()])], 'NETSEC018');
    expect(found.map(f => f.message)).toEqual(['spec.rules[0].backendRefs[0] names port 8080 of Service shop/web, which exposes 80; '
      + 'spec.rules[1].backendRefs[0] names Service shop/web without a port (the Service exposes 80)']);
    expect(found[0].fix).toMatch(/^Set backendRefs\[\]\.port to a port the Service exposes/);
  });

  test('the right Service and port, and backends that are not Services: nothing', () => {
    const other = { backendRefs: [{ group: 'example.com', kind: 'Bucket', name: 'static' }] };
    const objects = [...base, gw, route('shop', 'web', parent('https', 'shop'), [FORWARD(80), other])];
    expect(findings(objects, 'NETSEC017')).toEqual([]);
    expect(findings(objects, 'NETSEC018')).toEqual([]);
  });
});

describe('NETSEC019 gateway-listener-admits-all-namespaces', () => {
  test('from: All, and a Selector that selects every namespace, are reported per Gateway', () => {
    const found = findings([...base, gateway([listener('http', 'HTTP', 80, 'All'), listener('https', 'HTTPS', 443, 'Selector')])], 'NETSEC019');
    expect(found.map(f => [f.severity, f.resource, f.message])).toEqual([['high', 'Gateway edge/edge',
      'listeners "http" (HTTP 80, shop.example.com), "https" (HTTPS 443, shop.example.com) accept routes from every namespace '
      + '(allowedRoutes.namespaces.from: All, or a Selector that selects every namespace): any namespace can attach a route and take the host']]);
  });

  test('Same (also by default) and a real Selector: nothing', () => {
    expect(findings([...base, gateway([listener('http', 'HTTP', 80), listener('https', 'HTTPS', 443, 'Same'),
      listener('h2', 'HTTPS', 8443, 'Selector', { selector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } })])], 'NETSEC019')).toEqual([]);
  });
});
