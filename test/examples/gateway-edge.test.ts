import { ApiObject, Chart, Testing, Yaml } from 'cdk8s';
import { buildGatewayEdge } from '../../examples/gateway-edge/main';
import { Reachability } from '../../src/analysis';
import { Port } from '../../src/core/port';
import { findObject, objectsOfKind, synthValid } from '../util';

const EG = 'envoy-gateway-system';
const EDGE_LABELS = { 'gateway.envoyproxy.io/owning-gateway-name': 'edge', 'gateway.envoyproxy.io/owning-gateway-namespace': 'edge' };

function withPods(chart: Chart): Chart {
  const pods: [string, string, { [key: string]: string }][] = [
    ['envoy-edge', EG, EDGE_LABELS],
    ['envoy-other', EG, { ...EDGE_LABELS, 'gateway.envoyproxy.io/owning-gateway-name': 'other' }],
    ['intruder', 'shop', { app: 'intruder' }],
  ];
  for (const [name, namespace, labels] of pods) {
    new ApiObject(chart, `pod-${name}`, { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels }, spec: { containers: [{ name: 'c', image: 'x:1' }] } });
  }
  return chart;
}

describe('examples/gateway-edge', () => {
  test('synthesizes schema-valid YAML (snapshot)', () => {
    const objects = synthValid(buildGatewayEdge(Testing.app()));
    expect(Yaml.stringify(...objects)).toMatchSnapshot();
  });

  test('one HTTP listener that only redirects, one HTTPS listener per host admitting only the shop namespace', () => {
    const objects = synthValid(buildGatewayEdge(Testing.app()));
    const listeners = findObject(objects, 'Gateway', 'edge', 'edge').spec.listeners;
    expect(listeners.map((l: any) => [l.port, l.protocol, l.hostname ?? '*', l.allowedRoutes.namespaces.from])).toEqual([
      [80, 'HTTP', '*', 'Same'],
      [443, 'HTTPS', 'api.example.com', 'Selector'],
      [443, 'HTTPS', 'shop.example.com', 'Selector'],
    ]);
    const redirect = findObject(objects, 'HTTPRoute', 'edge-https-redirect', 'edge');
    expect(redirect.spec.rules).toEqual([{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }]);
    for (const route of objectsOfKind(objects, 'HTTPRoute').filter((r) => r.metadata.namespace === 'shop')) {
      expect(route.spec.parentRefs.every((p: any) => p.sectionName.startsWith('https-'))).toBe(true);
    }
    expect(findObject(objects, 'ClusterIssuer', 'letsencrypt').spec.acme.solvers[0].http01.gatewayHTTPRoute.parentRefs[0].sectionName).toBe('http');
    expect(findObject(objects, 'BackendTLSPolicy', 'api-edge', 'shop').spec.validation.hostname).toBe('api-edge.shop.svc.cluster.local');
  });

  test('only this gateway\'s Envoy pods reach web and api, only on their ports; the audit is clean at high', () => {
    const chart = withPods(buildGatewayEdge(Testing.app()));
    const r = Reachability.fromChart(chart);
    const envoy = { namespace: EG, pod: 'envoy-edge' };
    const web = { namespace: 'shop', pod: 'web' };
    const api = { namespace: 'shop', pod: 'api' };
    expect(r.isAllowed(envoy, web, Port.tcp(8080))).toBe(true);
    expect(r.isAllowed(envoy, api, Port.tcp(9090))).toBe(true);
    expect(r.isAllowed(envoy, web, Port.tcp(9090))).toBe(false);
    expect(r.isAllowed({ namespace: EG, pod: 'envoy-other' }, web, Port.tcp(8080))).toBe(false);
    expect(r.isAllowed({ namespace: 'shop', pod: 'intruder' }, web, Port.tcp(8080))).toBe(false);
    expect(r.isAllowed({ ip: '203.0.113.9' }, web, Port.tcp(8080))).toBe(false);
    expect(r.isAllowed(envoy, { namespace: 'edge', pod: 'acme-http01-solver-edge' }, Port.tcp(8089))).toBe(true);
    expect(Reachability.fromChart(buildGatewayEdge(Testing.app())).audit().filter((f) => ['high', 'critical'].includes(f.severity))).toEqual([]);
  });
});
