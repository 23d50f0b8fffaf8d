import { ApiObject, Chart, Testing } from 'cdk8s';
import { buildMeshMtls } from '../../examples/mesh-mtls/main';
import { buildThreeTier } from '../../examples/three-tier/main';
import { Peer, Port } from '../../src';
import { Reachability } from '../../src/analysis';
import { MeshMtls } from '../../src/mesh/mesh-mtls';
import { checkIstioRules, istioAllows } from '../istio-rules';
import { findObject, objectsOfKind, synthValid } from '../util';

/** A pod the analyzer can model, for peers that are not tiers (the controller, istiod). */
function pod(chart: Chart, name: string, namespace: string, labels: { [key: string]: string }): void {
  new ApiObject(chart, `pod-${namespace}-${name}`, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: { containers: [{ name: 'main', image: 'registry.example.com/main:1' }] },
  });
}

describe('examples/mesh-mtls', () => {
  const chart = buildMeshMtls(Testing.app());
  const objects = synthValid(chart);
  objects.filter((o) => o.apiVersion.includes('istio.io')).forEach(checkIstioRules);

  test('both namespaces get STRICT mTLS, sidecar injection and a default deny', () => {
    for (const [mesh, ns] of [['shop-mesh', 'shop'], ['data-mesh', 'data']]) {
      expect(findObject(objects, 'PeerAuthentication', mesh, ns).spec).toEqual({ mtls: { mode: 'STRICT' } });
      expect(findObject(objects, 'AuthorizationPolicy', `${mesh}-allow-nothing`, ns).spec).toEqual({});
      expect(findObject(objects, 'Namespace', ns).metadata.labels).toEqual({ 'istio-injection': 'enabled' });
    }
  });

  test('each receiving tier allows its callers by principal, and the metrics port by port alone', () => {
    expect(findObject(objects, 'AuthorizationPolicy', 'web', 'shop').spec.rules).toEqual([{
      from: [{ source: { principals: ['cluster.local/ns/ingress-nginx/sa/ingress-nginx'] } }],
      to: [{ operation: { ports: ['8080'] } }],
    }]);
    expect(findObject(objects, 'AuthorizationPolicy', 'api', 'shop').spec).toEqual({
      action: 'ALLOW',
      selector: { matchLabels: { app: 'api' } },
      rules: [
        { from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }], to: [{ operation: { ports: ['9090'] } }] },
        { to: [{ operation: { ports: ['9102'] } }] },
      ],
    });
    expect(findObject(objects, 'PeerAuthentication', 'shop-mesh-api', 'shop').spec).toEqual({
      selector: { matchLabels: { app: 'api' } },
      mtls: { mode: 'STRICT' },
      portLevelMtls: { 9102: { mode: 'PERMISSIVE' } },
    });
    // The metrics port stays limited to Prometheus at L4.
    expect(findObject(objects, 'NetworkPolicy', 'api', 'shop').spec.ingress).toContainEqual({
      from: [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
      }],
      ports: [{ port: 9102, protocol: 'TCP' }],
    });
    expect(objects).toMatchSnapshot();
  });
});

describe('MeshMtls on the three-tier example', () => {
  const chart = buildThreeTier(Testing.app());
  // The controller is named by labels in the example: the mesh needs its service account to name it exactly.
  new MeshMtls(chart, 'shop-mesh', {
    identities: [{ peer: Peer.pods({ 'app.kubernetes.io/name': 'ingress-nginx' }, 'ingress-nginx'), serviceAccountName: 'ingress-nginx' }],
  });
  new MeshMtls(chart, 'data-mesh', { namespace: 'data' });
  pod(chart, 'controller', 'ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' });
  pod(chart, 'istiod', 'istio-system', { app: 'istiod' });
  const objects = synthValid(chart);
  const reach = Reachability.fromChart(chart);
  const tiers = [
    { pod: 'web', namespace: 'shop', labels: { app: 'web' } },
    { pod: 'api', namespace: 'shop', labels: { app: 'api' } },
    { pod: 'db', namespace: 'data', labels: { app: 'db' } },
  ];
  const ports = [8080, 9090, 5432, 443, 15012];

  test('mTLS is STRICT in both namespaces', () => {
    expect(objectsOfKind(objects, 'PeerAuthentication').map((o) => [o.metadata.namespace, o.spec.mtls.mode]))
      .toEqual([['shop', 'STRICT'], ['data', 'STRICT']]);
  });

  test('L7 authorization allows exactly the tier-to-tier flows the NetworkPolicies allow, and nothing else', () => {
    const allowedByNetworkPolicy: string[] = [];
    const allowedByMesh: string[] = [];
    for (const from of tiers) {
      for (const to of tiers.filter((t) => t !== from)) {
        for (const port of ports) {
          const flow = `${from.pod}->${to.pod}:${port}`;
          if (reach.isAllowed(from, to, Port.tcp(port))) allowedByNetworkPolicy.push(flow);
          const principal = `cluster.local/ns/${from.namespace}/sa/${from.pod}`;
          if (istioAllows(objects, { principal, namespace: to.namespace, podLabels: to.labels, port })) allowedByMesh.push(flow);
        }
      }
    }
    expect(allowedByMesh).toEqual(['web->api:9090', 'api->db:5432']);
    expect(allowedByMesh).toEqual(allowedByNetworkPolicy);
  });

  test('the ingress controller reaches web at both layers (by namespace: it has no configured identity)', () => {
    const controller = { namespace: 'ingress-nginx', pod: 'controller' };
    expect(reach.isAllowed(controller, { namespace: 'shop', pod: 'web' }, Port.tcp(8080))).toBe(true);
    expect(istioAllows(objects, {
      principal: 'cluster.local/ns/ingress-nginx/sa/ingress-nginx', namespace: 'shop', podLabels: { app: 'web' }, port: 8080,
    })).toBe(true);
    expect(istioAllows(objects, {
      principal: 'cluster.local/ns/ingress-nginx/sa/ingress-nginx', namespace: 'shop', podLabels: { app: 'api' }, port: 9090,
    })).toBe(false);
  });

  test('every egress-isolated tier still reaches istiod on 15012, and only on 15012', () => {
    const istiod = { namespace: 'istio-system', pod: 'istiod' };
    for (const tier of tiers) {
      expect(reach.isAllowed(tier, istiod, Port.tcp(15012))).toBe(true);
      expect(reach.isAllowed(tier, istiod, Port.tcp(15010))).toBe(false);
    }
  });
});
