import { Reachability } from '../../../src/analysis';
import { Port } from '../../../src/core/port';
import { namespace, pod, policy } from '../fixtures';

/*
 * The ingress data plane `{ingress-controller}`: Ingress and OpenShift Route objects lead through a
 * Service to its pods on the target ports; the pods' ingress policies decide whether it gets in. It is a
 * source in a namespace of its own with no labels: only rules admitting every pod of every namespace
 * (or no from at all) admit it.
 */
const service = (name: string, selector: any, ports: any[]) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'x' }, spec: { selector, ports } });
const ingress = (backend: any) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'i', namespace: 'x' },
  spec: { rules: [{ host: 'x.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: backend } }] } }] },
});
const route = (name: string, to: string, targetPort?: any) => ({
  apiVersion: 'route.openshift.io/v1',
  kind: 'Route',
  metadata: { name, namespace: 'x' },
  spec: { to: { kind: 'Service', name: to }, ...(targetPort !== undefined ? { port: { targetPort } } : {}) },
});
const controllerFlows = (...objects: any[]) => Reachability.fromManifests([namespace('x'),
  pod('x', 'web', { labels: { app: 'web' }, ports: [['http', 8080], ['admin', 9000]] }), ...objects])
  .flows({ includeExternal: true }).filter(f => f.source === '{ingress-controller}').map(f => `${f.destination} ${f.description}`);

describe('ingress controller flows', () => {
  test('an Ingress leads through the Service port to its named target port', () => {
    expect(controllerFlows(service('web', { app: 'web' }, [{ name: 'http', port: 80, targetPort: 'http' }]), ingress({ name: 'web', port: { number: 80 } })))
      .toEqual(['x/web TCP 8080']);
    expect(controllerFlows(service('web', { app: 'web' }, [{ name: 'http', port: 80, targetPort: 8080 }]), ingress({ name: 'web', port: { name: 'http' } })))
      .toEqual(['x/web TCP 8080']);
  });

  test('a Route without a port leads to every Service port; with targetPort to that one', () => {
    const svc = service('web', { app: 'web' }, [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'admin', port: 9000 }]);
    expect(controllerFlows(svc, route('all', 'web'))).toEqual(['x/web TCP 8080, 9000']);
    expect(controllerFlows(svc, route('one', 'web', 8080))).toEqual(['x/web TCP 8080']);
    expect(controllerFlows(svc, route('named', 'web', 'admin'))).toEqual(['x/web TCP 9000']);
  });

  test('backends that do not resolve lead nowhere: no Service, a Service without selector, an unknown port', () => {
    expect(controllerFlows(ingress({ name: 'missing', port: { number: 80 } }))).toEqual([]);
    expect(controllerFlows(service('web', undefined, [{ port: 80 }]), ingress({ name: 'web', port: { number: 80 } }))).toEqual([]);
    expect(controllerFlows(service('web', { app: 'web' }, [{ port: 80, targetPort: 'nope' }]), ingress({ name: 'web', port: { number: 80 } }))).toEqual([]);
  });

  test('the pod\'s policies decide: admitted by a rule for all namespaces, not by one naming a namespace or pods', () => {
    const objects = [service('web', { app: 'web' }, [{ port: 80, targetPort: 8080 }]), ingress({ name: 'web', port: { number: 80 } })];
    const rule = (from: any[]) => policy('x', 'web', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress: [{ from }] });
    expect(controllerFlows(...objects, rule([{ namespaceSelector: {} }]))).toEqual(['x/web TCP 8080']);
    expect(controllerFlows(...objects, rule([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }]))).toEqual([]);
    expect(controllerFlows(...objects, rule([{ podSelector: {} }]))).toEqual([]);
    expect(controllerFlows(...objects, rule([{ ipBlock: { cidr: '0.0.0.0/0' } }]))).toEqual([]);
  });

  test('explain and isAllowed take the ingress data plane as a source: { ingressController: true }', () => {
    const r = Reachability.fromManifests([namespace('x'), pod('x', 'web', { labels: { app: 'web' } }),
      policy('x', 'web', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 8080 }] }] })]);
    const web = { namespace: 'x', pod: 'web' };
    expect(r.isAllowed({ ingressController: true }, web, Port.tcp(8080))).toBe(true);
    expect(r.isAllowed({ ingressController: true }, web, Port.tcp(9090))).toBe(false);
    expect(r.explain({ ingressController: true }, web, Port.tcp(8080)).text).toBe([
      '{ingress-controller} -> x/web on TCP 8080: allowed',
      '  egress of {ingress-controller}: the source {ingress-controller} is the ingress data plane, modelled without policies of its own; only the destination\'s ingress policies apply',
      '  ingress of x/web: allowed by x/web ingress[0] (isolated by x/web)',
    ].join('\n'));
    expect(() => r.explain(web, { ingressController: true }, Port.tcp(80)))
      .toThrow('Reachability (to): names the ingress data plane as a destination ({"ingressController":true}). The ingress data plane is a source only; ask from { ingressController: true } to a pod.');
    expect(() => r.explain({ ingressController: 'yes' as any }, web, Port.tcp(80))).toThrow('Reachability (from): ingressController is not true ("yes").');
    expect(() => r.explain({ ingressController: true, ip: '10.0.0.1' }, web, Port.tcp(80))).toThrow('names more than one of pod, ip and ingressController');
  });
});

