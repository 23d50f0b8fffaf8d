import { hasCrdSchema, validateCustomResource } from './crd-schema';

describe('pinned CRD schemas', () => {
  test('every kind the library may emit without a model package has a schema', () => {
    for (const [apiVersion, kind] of [
      ['gateway.networking.k8s.io/v1', 'Gateway'], ['gateway.networking.k8s.io/v1', 'HTTPRoute'],
      ['gateway.networking.k8s.io/v1beta1', 'ReferenceGrant'], ['policy.networking.k8s.io/v1alpha2', 'ClusterNetworkPolicy'],
      ['cilium.io/v2', 'CiliumNetworkPolicy'],
    ]) expect(hasCrdSchema(apiVersion, kind)).toBe(true);
  });

  test('a valid object passes and a wrongly typed field fails', () => {
    const gateway = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'edge', namespace: 'edge' },
      spec: { gatewayClassName: 'eg', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
    };
    expect(() => validateCustomResource(gateway)).not.toThrow();
    expect(() => validateCustomResource({ ...gateway, spec: { ...gateway.spec, listeners: [{ name: 'http', port: 'eighty', protocol: 'HTTP' }] } }))
      .toThrow(/listeners\/0\/port must be integer/);
    expect(() => validateCustomResource({ ...gateway, spec: { listeners: gateway.spec.listeners } }))
      .toThrow(/must have required property 'gatewayClassName'/);
  });

  test('an unknown kind is refused, not passed', () => {
    expect(() => validateCustomResource({ apiVersion: 'example.com/v1', kind: 'Widget' })).toThrow(/no pinned CRD/);
  });
});
