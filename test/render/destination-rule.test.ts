import { destinationRuleSpec } from '../../src/render/destination-rule';

describe('DestinationRule renderer', () => {
  const service = { name: 'api', namespace: 'shop', backend: undefined as any, targetPorts: [], owner: undefined as any };
  test('ISTIO_MUTUAL to the Service\'s cluster name, DISABLE when the mesh turns mTLS off', () => {
    expect(destinationRuleSpec(service, 'cluster.local', true)).toEqual({ host: 'api.shop.svc.cluster.local', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } });
    expect(destinationRuleSpec(service, 'corp.example', false).trafficPolicy.tls.mode).toBe('DISABLE');
    expect(destinationRuleSpec(service, 'corp.example', false).host).toBe('api.shop.svc.corp.example');
  });
});
