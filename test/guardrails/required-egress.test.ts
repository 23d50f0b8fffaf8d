import { App, Chart, Testing } from 'cdk8s';
import { ClusterIsolation, MeshMtls, Peer, Port } from '../../src';
import { Reachability } from '../../src/analysis';
import { findObject, validateAll } from '../util';

/*
 * The Baseline policies that accept, for pods no NetworkPolicy selects, the egress the app requires of
 * every pod of a namespace (a sidecar mesh's control plane). Behaviour with the mesh is judged in
 * test/mesh/mesh-mtls-guardrails.test.ts; here: the peers a ClusterNetworkPolicy can and cannot name.
 */

const API_SERVER = '10.0.0.0/28';
const pod = (namespace: string, name: string, labels: { [key: string]: string }) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { namespace, name, labels }, spec: { containers: [{ name: 'c', image: 'x' }] },
});

function app(controlPlane: any, meshWide = false): App {
  const a = Testing.app();
  const shop = new Chart(a, 'shop', { namespace: 'shop' });
  new MeshMtls(shop, 'mesh', meshWide ? { controlPlane, meshWide } : { controlPlane });
  new ClusterIsolation(new Chart(a, 'cluster'), 'guardrails', { exemptNamespaces: ['kube-system'], apiServerAddresses: [API_SERVER] });
  return a;
}
const synthAll = (a: App) => validateAll(a.charts.flatMap((c) => Testing.synth(c)));

test('a control plane named by labels only is read in the meshed namespace, as its NetworkPolicies read it', () => {
  const objects = synthAll(app(Peer.pods({ app: 'istiod' })));
  expect(findObject(objects, 'ClusterNetworkPolicy', 'guardrails-required-egress-shop').spec.egress[0].to).toEqual([
    { pods: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { app: 'istiod' } } } },
  ]);
});

test('a control plane at an address: the Baseline accepts that address on 15012 only', () => {
  const objects = synthAll(app(Peer.ipBlock('10.9.0.5/32')));
  const r = Reachability.fromManifests([...objects, pod('shop', 'job', { app: 'job' })]);
  expect(r.isAllowed({ namespace: 'shop', pod: 'job' }, { ip: '10.9.0.5' }, Port.tcp(15012))).toBe(true);
  expect(r.isAllowed({ namespace: 'shop', pod: 'job' }, { ip: '10.9.0.5' }, Port.tcp(15010))).toBe(false);
  expect(r.isAllowed({ namespace: 'shop', pod: 'job' }, { ip: '10.9.0.6' }, Port.tcp(15012))).toBe(false);
  const rule = findObject(objects, 'ClusterNetworkPolicy', 'guardrails-required-egress-shop').spec.egress[0];
  expect(rule).toEqual({ name: 'accept-required-egress', action: 'Accept', to: [{ networks: ['10.9.0.5/32'] }], protocols: [{ tcp: { destinationPort: { number: 15012 } } }] });
});

test('a control plane address block with excluded blocks cannot be a ClusterNetworkPolicy peer: refused at synth, naming it and the fix', () => {
  expect(() => synthAll(app(Peer.ipBlock('10.9.0.0/16', ['10.9.1.0/24'])))).toThrow(
    /\[cluster\/guardrails\] shop\/mesh requires the pods of namespace shop to reach .*10\.9\.0\.0\/16.*which the Baseline must accept for pods no NetworkPolicy selects, but the peer excludes sub-blocks, which ClusterNetworkPolicy networks cannot express .*Name the peer by namespace and labels/);
});

test('a mesh-wide mesh whose control plane is named by labels only (every namespace\'s own pods) is refused at synth', () => {
  expect(() => synthAll(app(Peer.pods({ app: 'istiod' }), true))).toThrow(/requires the pods of every guarded namespace to reach .*but the peer names no namespace, which a cluster-wide policy needs/);
});
