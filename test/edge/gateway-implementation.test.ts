import { GatewayImplementation } from '../../src/edge/gateway-implementation';

/*
 * Where each implementation runs a Gateway's data plane, and how its pods are selected: these labels are
 * the only peer let into a backend, so each is asserted exactly.
 */

describe('GatewayImplementation', () => {
  test('envoyGateway: proxies in envoy-gateway-system, labelled with the owning Gateway\'s name and namespace', () => {
    expect(GatewayImplementation.envoyGateway()._dataPlane('x', 'edge', 'web', 'eg')).toEqual({
      namespace: 'envoy-gateway-system',
      podLabels: { 'gateway.envoyproxy.io/owning-gateway-name': 'edge', 'gateway.envoyproxy.io/owning-gateway-namespace': 'web' },
    });
    expect(GatewayImplementation.envoyGateway({ namespace: 'eg-system' })._dataPlane('x', 'edge', 'web', 'eg').namespace).toBe('eg-system');
    expect(GatewayImplementation.envoyGateway({ gatewayNamespaceMode: true })._dataPlane('x', 'edge', 'web', 'eg').namespace).toBe('web');
  });

  test('istio: pods in the Gateway\'s namespace labelled gateway-name, service account <gateway>-<class>', () => {
    expect(GatewayImplementation.istio()._dataPlane('x', 'edge', 'web', 'istio')).toEqual({
      namespace: 'web',
      podLabels: { 'gateway.networking.k8s.io/gateway-name': 'edge' },
      serviceAccountName: 'edge-istio',
    });
  });

  test('nginxGatewayFabric: pods in the Gateway\'s namespace named <gateway>-<class>, service account of that name', () => {
    expect(GatewayImplementation.nginxGatewayFabric()._dataPlane('x', 'edge', 'web', 'nginx')).toEqual({
      namespace: 'web',
      podLabels: { 'app.kubernetes.io/name': 'edge-nginx' },
      serviceAccountName: 'edge-nginx',
    });
    expect(() => GatewayImplementation.nginxGatewayFabric()._dataPlane('shop/edge', 'e'.repeat(40), 'web', 'c'.repeat(23))).toThrow(
      /^shop\/edge: NGINX Gateway Fabric names the data plane <gateway>-<gatewayClassName>, shortened with a hash above 63 characters \("e+-c+"\)\. Shorten the gateway name/);
  });

  test('cilium: no data-plane pods, admitted by Cilium\'s reserved ingress identity', () => {
    const cilium = GatewayImplementation.cilium();
    expect(cilium._isCiliumIngress()).toBe(true);
    expect(cilium._dataPlane('x', 'edge', 'web', 'cilium')).toEqual({ namespace: 'web', podLabels: {} });
    expect(GatewayImplementation.istio()._isCiliumIngress()).toBe(false);
    expect(String(cilium)).toBe('GatewayImplementation.cilium');
  });

  test('custom: the given namespace, labels and service account, whatever the gateway', () => {
    const custom = GatewayImplementation.custom({ namespace: 'proxy', podLabels: { app: 'proxy' }, serviceAccountName: 'proxy' });
    expect(custom._dataPlane('x', 'edge', 'web', 'x')).toEqual({ namespace: 'proxy', podLabels: { app: 'proxy' }, serviceAccountName: 'proxy' });
    expect(String(custom)).toBe('GatewayImplementation.custom');
  });

  describe('bad input fails at the call with the value and the fix', () => {
    test.each<[string, () => unknown, RegExp]>([
      ['custom with empty labels', () => GatewayImplementation.custom({ namespace: 'proxy', podLabels: {} }),
        /^GatewayImplementation.custom: podLabels is empty, so every pod of the namespace would count as the gateway \(\{\}\)\. Give the labels/],
      ['custom without a namespace', () => GatewayImplementation.custom({ podLabels: { app: 'p' } } as any),
        /^GatewayImplementation.custom: namespace is not set, so the data-plane pods could not be selected \(undefined\)\. Pass the namespace/],
      ['custom with an invalid namespace', () => GatewayImplementation.custom({ namespace: 'Proxy', podLabels: { app: 'p' } }), /^GatewayImplementation.custom: .*\("Proxy"\)/],
      ['custom with an invalid label', () => GatewayImplementation.custom({ namespace: 'p', podLabels: { 'bad key!': 'x' } }), /^GatewayImplementation.custom: .*bad key!/],
      ['custom with an invalid service account', () => GatewayImplementation.custom({ namespace: 'p', podLabels: { app: 'p' }, serviceAccountName: 'Proxy SA' }),
        /^GatewayImplementation.custom: serviceAccountName must be a DNS-1123 subdomain.*\("Proxy SA"\)\. Use the service account's metadata.name/],
      ['custom without props (JavaScript)', () => (GatewayImplementation.custom as any)(undefined), /^GatewayImplementation.custom: props must be an object \(undefined\)/],
      ['envoyGateway with both modes', () => GatewayImplementation.envoyGateway({ namespace: 'eg', gatewayNamespaceMode: true }),
        /^GatewayImplementation.envoyGateway: namespace is set although Gateway-namespace mode runs the proxies in each Gateway's namespace \("eg"\)\. Drop namespace/],
      ['envoyGateway with a non-boolean mode', () => GatewayImplementation.envoyGateway({ gatewayNamespaceMode: 'yes' as any }),
        /^GatewayImplementation.envoyGateway: gatewayNamespaceMode must be true or false \("yes"\)/],
      ['envoyGateway with an invalid namespace', () => GatewayImplementation.envoyGateway({ namespace: 'EG' }), /^GatewayImplementation.envoyGateway: .*\("EG"\)/],
    ])('%s', (_what, make, message) => {
      expect(make).toThrow(message);
    });
  });
});
