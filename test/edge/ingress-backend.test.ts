import * as plus from 'cdk8s-plus-28';
import { Port } from '../../src/core/port';
import { IntentModel } from '../../src/model/intent-model';
import { IsolatedTier } from '../../src/tiers/tier';
import { NGINX_PEER, secure, setup } from '../ingress-fixtures';
import { findObject, objectsOfKind, synthValid } from '../util';

/*
 * The backends of a SecureIngress other than a plain tier: cdk8s-plus workloads and Services, matched to
 * the tier with their labels (or given an ingress-only tier), so the controller-only rule is always written.
 */

describe('tier lookup in the intent model (no tree scan)', () => {
  test('finds the tier with exactly these labels in this namespace, whatever the key order', () => {
    const findTier = (c: any, ns: string, labels: { [k: string]: string }) => IntentModel.of(c).endpointSelecting(ns, labels);
    const { chart, web } = setup();
    const both = new IsolatedTier(chart, 'both', { podLabels: { tier: 'front', app: 'web' } });
    expect(findTier(chart, 'shop', { app: 'web' })).toBe(web);
    expect(findTier(chart, 'shop', { app: 'web', tier: 'front' })).toBe(both);
    expect(findTier(chart, 'data', { app: 'web' })).toBeUndefined();
    expect(findTier(chart, 'shop', { app: 'other' })).toBeUndefined();
  });
});

describe('cdk8s-plus backends', () => {
  test('a workload without a tier becomes an ingress-only tier admitting the controller', () => {
    const { chart } = setup();
    const deployment = new plus.Deployment(chart, 'shopfront', { containers: [{ image: 'shopfront:1.0', portNumber: 8080 }] });
    const ingress = secure(chart, { backend: deployment });
    const objects = synthValid(chart);
    const policy = findObject(objects, 'NetworkPolicy', 'public-backend', 'shop');
    expect(policy.spec).toEqual({
      podSelector: { matchLabels: deployment.matchLabels },
      policyTypes: ['Ingress'],
      ingress: [{ from: [NGINX_PEER], ports: [{ port: 8080, protocol: 'TCP' }] }],
    });
    expect(findObject(objects, 'Service', 'public').spec.selector).toEqual(deployment.matchLabels);
    expect(ingress.backendTier.isolatesEgress).toBe(false);
  });

  test('a workload that already has a tier gets the rule on that tier', () => {
    const { chart } = setup();
    const deployment = new plus.Deployment(chart, 'shopfront', { containers: [{ image: 'shopfront:1.0', portNumber: 8080 }] });
    const tier = IsolatedTier.fromWorkload(chart, 'shopfront-tier', deployment);
    const ingress = secure(chart, { backend: deployment });
    expect(ingress.backendTier).toBe(tier);
    const objects = synthValid(chart);
    expect(objects.filter((o) => o.metadata.name === 'public-backend')).toEqual([]);
    expect(findObject(objects, 'NetworkPolicy', 'shopfront-tier').spec.ingress).toEqual([{ from: [NGINX_PEER], ports: [{ port: 8080, protocol: 'TCP' }] }]);
  });

  test('a Service is used as it is; the rule goes on the tier its selector names', () => {
    const { chart, web } = setup();
    const service = new plus.Service(chart, 'web-svc', { metadata: { name: 'web-svc' }, ports: [{ port: 80, targetPort: 8080 }] });
    service.selectLabel('app', 'web');
    const ingress = secure(chart, { backend: service });
    expect(ingress.backendTier).toBe(web);
    expect(ingress.service).toBeUndefined();
    const objects = synthValid(chart);
    expect(objectsOfKind(objects, 'Service').map((s) => s.metadata.name)).toEqual(['web-svc']);
    expect(findObject(objects, 'Ingress', 'public').spec.rules[0].http.paths[0].backend).toEqual({ service: { name: 'web-svc', port: { number: 80 } } });
    expect(findObject(objects, 'NetworkPolicy', 'web').spec.ingress).toEqual([{ from: [NGINX_PEER], ports: [{ port: 8080, protocol: 'TCP' }] }]);
  });

  test('a Service whose pods are no tier yet gets an ingress-only tier from its selector', () => {
    const { chart } = setup();
    const service = new plus.Service(chart, 'legacy', { metadata: { name: 'legacy' }, ports: [{ port: 80, targetPort: 8000 }] });
    service.selectLabel('app', 'legacy');
    secure(chart, { backend: service, port: Port.tcp(8000) });
    const policy = findObject(synthValid(chart), 'NetworkPolicy', 'public-backend');
    expect(policy.spec.podSelector).toEqual({ matchLabels: { app: 'legacy' } });
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    expect(policy.spec.ingress).toEqual([{ from: [NGINX_PEER], ports: [{ port: 8000, protocol: 'TCP' }] }]);
  });

  test('a Service without a selector, or without the port, is an error', () => {
    const { chart } = setup();
    const bare = new plus.Service(chart, 'bare', { ports: [{ port: 80, targetPort: 8080 }] });
    expect(() => secure(chart, { backend: bare })).toThrow(/^shop\/public: the backend Service has no selector, so its pods are unknown/);
    const other = new plus.Service(chart, 'other', { ports: [{ port: 80, targetPort: 9000 }] });
    other.selectLabel('app', 'other');
    expect(() => secure(chart, { backend: other }, 'other-public')).toThrow(/the backend Service does not forward to TCP 8080 \(\["80->9000"\]\)/);
  });
});
