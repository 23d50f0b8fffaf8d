/*
 * The owned L1 subset writes exactly what the cdk8s-plus-28 L1 classes it replaced wrote: same keys, same
 * order, same values, for every field the renderers use; a field a user adds by JSON patch is kept.
 */
import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import { k8s as plus28 } from 'cdk8s-plus-28';
import * as k8s from '../../src/imports/k8s';

function both(build: (chart: any, lib: any) => ApiObject): [string, string] {
  const ours = build(Testing.chart(), k8s);
  const theirs = build(Testing.chart(), plus28);
  return [JSON.stringify(ours.toJson()), JSON.stringify(theirs.toJson())];
}

test('a Service is serialized like the generated KubeService, named and numbered target ports included', () => {
  const [ours, theirs] = both((chart, lib) => new lib.KubeService(chart, 'svc', {
    metadata: { name: 'web', namespace: 'shop', labels: { z: '1', a: '2' }, annotations: { note: 'x' } },
    spec: {
      type: 'LoadBalancer',
      selector: { app: 'web', tier: 'front' },
      ports: [
        { name: 'http', port: 80, protocol: 'TCP', targetPort: lib.IntOrString.fromNumber(8080) },
        { name: 'metrics', port: 9100, protocol: 'TCP', targetPort: lib.IntOrString.fromString('metrics') },
      ],
      externalTrafficPolicy: 'Local',
      loadBalancerSourceRanges: ['203.0.113.0/24'],
    },
  }));
  expect(ours).toEqual(theirs);
  expect(JSON.parse(ours).spec.ports[1].targetPort).toBe('metrics');
  expect(JSON.parse(ours).spec.loadBalancerSourceRanges).toEqual(['203.0.113.0/24']);
});

test('a field added by JSON patch is kept (the generated class dropped spec.clusterIP: it read clusterIp)', () => {
  const [ours, theirs] = both((chart, lib) => {
    const svc = new lib.KubeService(chart, 'svc', { metadata: { name: 'db' }, spec: { selector: { app: 'db' }, ports: [{ port: 5432 }] } });
    svc.addJsonPatch(JsonPatch.add('/spec/clusterIP', 'None'));
    return svc;
  });
  expect(JSON.parse(theirs).spec.clusterIP).toBeUndefined();
  expect(JSON.parse(ours).spec).toEqual({ ...JSON.parse(theirs).spec, clusterIP: 'None' });
  expect(Object.keys(JSON.parse(ours).spec)).toEqual(['clusterIP', 'ports', 'selector']);
});

test('an Ingress is serialized like the generated KubeIngress', () => {
  const [ours, theirs] = both((chart, lib) => new lib.KubeIngress(chart, 'ing', {
    metadata: { name: 'public', namespace: 'shop', annotations: { 'cert-manager.io/cluster-issuer': 'le' } },
    spec: {
      ingressClassName: 'nginx',
      tls: [{ hosts: ['shop.example.com'], secretName: 'public-tls' }],
      rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 8080 } } } }] } }],
    },
  }));
  expect(ours).toEqual(theirs);
  expect(JSON.parse(ours).spec.tls).toEqual([{ hosts: ['shop.example.com'], secretName: 'public-tls' }]);
});

test('a NetworkPolicy spec is serialized like the generated toJson_NetworkPolicySpec', () => {
  const spec = (lib: any) => ({
    podSelector: { matchLabels: { app: 'api' } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'edge' } }, podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['gw'] }] } }],
      ports: [{ protocol: 'TCP', port: lib.IntOrString.fromString('http') }],
    }],
    egress: [{
      to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }],
      ports: [{ protocol: 'TCP', port: lib.IntOrString.fromNumber(8000), endPort: 8100 }, { protocol: 'UDP' }],
    }],
  });
  const ours = k8s.toJson_NetworkPolicySpec(spec(k8s));
  expect(JSON.stringify(ours)).toEqual(JSON.stringify(plus28.toJson_NetworkPolicySpec(spec(plus28))));
  expect(ours.egress[0].to[0].ipBlock.except).toEqual(['169.254.169.254/32']);
  expect(ours.egress[0].ports[0]).toEqual({ endPort: 8100, port: 8000, protocol: 'TCP' });
  expect(ours.ingress[0].ports[0].port).toBe('http');
});
