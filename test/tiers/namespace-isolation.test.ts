import { Chart, Testing } from 'cdk8s';
import { ClusterDns, IsolatedTier, NamespaceIsolation, Peer, Port } from '../../src';
import { findObject, objectsOfKind, synthValid } from '../util';

describe('NamespaceIsolation', () => {
  test('denies all ingress and egress for every pod of the namespace, except DNS', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    new NamespaceIsolation(chart, 'baseline');
    const objects = synthValid(chart);
    expect(objects).toHaveLength(1);
    const policy = findObject(objects, 'NetworkPolicy', 'baseline', 'shop');
    expect(policy.spec.podSelector).toEqual({});
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.ingress).toEqual([]);
    expect(policy.spec.egress).toEqual([{
      to: [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
        podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      }],
      ports: [{ port: 53, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }],
    }]);
    expect(objects).toMatchSnapshot();
  });

  test('emits the Namespace object with labels on request', () => {
    const chart = new Chart(Testing.app(), 'c');
    new NamespaceIsolation(chart, 'data', { namespace: 'data', createNamespace: true, namespaceLabels: { team: 'db' } });
    const ns = findObject(synthValid(chart), 'Namespace', 'data');
    expect(ns.metadata.labels).toEqual({ team: 'db' });
  });

  test('can isolate one direction only, and DNS can be turned off', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    new NamespaceIsolation(chart, 'ingress-only', { isolateEgress: false });
    new NamespaceIsolation(chart, 'egress-only', { namespace: 'batch', isolateIngress: false, dns: ClusterDns.disabled() });
    const objects = synthValid(chart);
    expect(findObject(objects, 'NetworkPolicy', 'ingress-only').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress'], ingress: [] });
    expect(findObject(objects, 'NetworkPolicy', 'egress-only').spec).toEqual({ podSelector: {}, policyTypes: ['Egress'], egress: [] });
  });

  test('two baselines in one namespace add up: the ingress-only one also writes egress once the other isolates it', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    new NamespaceIsolation(chart, 'ingress-only', { isolateEgress: false });
    new NamespaceIsolation(chart, 'egress-only', { isolateIngress: false });
    const spec = findObject(synthValid(chart), 'NetworkPolicy', 'ingress-only').spec;
    expect(spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(spec.egress).toHaveLength(1);
  });

  test('is a peer for every pod of the namespace and can open namespace-wide flows', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const monitoring = new NamespaceIsolation(chart, 'monitoring', { namespace: 'monitoring' });
    const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.named('metrics'), Port.tcp(9090)] });
    api.allowFrom(monitoring, Port.named('metrics'));
    monitoring.allowTo(Peer.ipBlock('198.51.100.0/24'), Port.tcp(443));
    const objects = synthValid(chart);
    expect(findObject(objects, 'NetworkPolicy', 'api').spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
      ports: [{ port: 'metrics', protocol: 'TCP' }],
    }]);
    const egress = findObject(objects, 'NetworkPolicy', 'monitoring', 'monitoring').spec.egress;
    expect(egress).toContainEqual({ to: [{ podSelector: { matchLabels: { app: 'api' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } }], ports: [{ port: 'metrics', protocol: 'TCP' }] });
    expect(egress).toContainEqual({ to: [{ ipBlock: { cidr: '198.51.100.0/24' } }], ports: [{ port: 443, protocol: 'TCP' }] });
  });

  test('refuses labels without the Namespace object, and a missing namespace', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(() => new NamespaceIsolation(chart, 'x', { namespace: 'x', namespaceLabels: { a: 'b' } }))
      .toThrow(/c\/x: namespaceLabels are set but the Namespace object is not emitted \(\{"a":"b"\}\)\. Set createNamespace: true/);
    expect(() => new NamespaceIsolation(chart, 'y')).toThrow(/c\/y: no namespace is set/);
    expect(objectsOfKind(Testing.synth(chart), 'NetworkPolicy')).toHaveLength(0);
  });
});
