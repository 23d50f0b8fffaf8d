import { App, Chart, Testing } from 'cdk8s';
import {
  GatewayImplementation, IngressController, IsolatedTier, MeshMtls, MtlsMode, Port, Reachability, SecureGateway, SecureIngress, WorkloadIdentity,
} from '../../src';
import { istioAllows } from '../istio-rules';
import { objectsOfKind, validateAll } from '../util';

/*
 * An edge's data plane inside a namespace the mesh authorizes: the mesh's allow-nothing policy selects its
 * pods too, so each data plane gets an ALLOW policy on the container ports its proxy or sidecar sees
 * (what its Service targets), not the Gateway's listener ports. Judged by the NetworkPolicy analyzer and an
 * independent AuthorizationPolicy evaluator together: clients from outside reach the data plane on those
 * ports, and on nothing else; the tiers stay behind the mesh's default deny.
 */

const pod = (namespace: string, name: string, labels: { [key: string]: string }) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { namespace, name, labels }, spec: { containers: [{ name: 'c', image: 'x' }] },
});
const OUTSIDE = '203.0.113.9';

/** A meshed shop with an authorized flow (so the namespace has its allow-nothing policy) and an edge in it. */
function meshedShop(edge: (shop: Chart, web: IsolatedTier) => WorkloadIdentity[] | void): { app: App; objects: any[] } {
  const app = Testing.app();
  const shop = new Chart(app, 'shop', { namespace: 'shop' });
  const web = new IsolatedTier(shop, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)], serviceAccountName: 'web' });
  const api = new IsolatedTier(shop, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)], serviceAccountName: 'api' });
  api.allowFrom(web);
  const identities = edge(shop, web) ?? [];
  new MeshMtls(shop, 'mesh', { mode: MtlsMode.STRICT, identities });
  return { app, objects: validateAll(app.charts.flatMap((c) => Testing.synth(c))) };
}

/** True when a client outside the cluster (no mesh certificate) gets through both the NetworkPolicies and the mesh. */
function outsideReaches(objects: any[], pods: any[], namespace: string, name: string, labels: { [key: string]: string }, port: number): boolean {
  const r = Reachability.fromManifests([...objects, ...pods]);
  return r.isAllowed({ ip: OUTSIDE }, { namespace, pod: name }, Port.tcp(port))
    && istioAllows(objects, { ip: OUTSIDE, namespace, podLabels: labels, port });
}

const TIERS = [pod('shop', 'web', { app: 'web' }), pod('shop', 'api', { app: 'api' })];

describe('an edge data plane in a namespace the mesh authorizes', () => {
  test('Envoy Gateway (Gateway-namespace mode): clients reach the Envoy pods on their container ports 10443 and 10080, not on the listener ports', () => {
    const labels = { 'gateway.envoyproxy.io/owning-gateway-name': 'edge', 'gateway.envoyproxy.io/owning-gateway-namespace': 'shop' };
    const { objects } = meshedShop((shop, web) => {
      const gateway = new SecureGateway(shop, 'edge', {
        gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway({ gatewayNamespaceMode: true }), clusterIssuer: 'letsencrypt-prod',
      });
      new SecureIngress(shop, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), gateway });
      // Envoy Gateway's service account name carries a hash: the app names it.
      return [{ peer: gateway.peer, serviceAccountName: 'envoy-shop-edge-3b2f1e4a' }];
    });
    const pods = [...TIERS, pod('shop', 'envoy', labels)];
    expect(outsideReaches(objects, pods, 'shop', 'envoy', labels, 10443)).toBe(true);
    expect(outsideReaches(objects, pods, 'shop', 'envoy', labels, 10080)).toBe(true);
    for (const port of [443, 80, 19000, 15021]) expect([port, outsideReaches(objects, pods, 'shop', 'envoy', labels, port)]).toEqual([port, false]);
    // Nothing else opens: the tiers keep the mesh's default deny for callers without their principals.
    expect(istioAllows(objects, { ip: OUTSIDE, namespace: 'shop', podLabels: { app: 'web' }, port: 8080 })).toBe(false);
    expect(istioAllows(objects, { ip: OUTSIDE, namespace: 'shop', podLabels: { app: 'api' }, port: 9090 })).toBe(false);
    const edgePolicies = objectsOfKind(objects, 'AuthorizationPolicy').filter((p) => p.metadata.name.startsWith('mesh-edge'));
    expect(edgePolicies.map((p) => p.spec)).toEqual([{ selector: { matchLabels: labels }, action: 'ALLOW', rules: [{ to: [{ operation: { ports: ['10443', '10080'] } }] }] }]);
  });

  test('Istio\'s gateway listens on the listener ports, 443 and 80, which its ALLOW policy names', () => {
    const labels = { 'gateway.networking.k8s.io/gateway-name': 'edge' };
    const { objects } = meshedShop((shop, web) => {
      const gateway = new SecureGateway(shop, 'edge', { gatewayClassName: 'istio', implementation: GatewayImplementation.istio(), clusterIssuer: 'letsencrypt-prod' });
      new SecureIngress(shop, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), gateway });
    });
    const pods = [...TIERS, pod('shop', 'gw', labels)];
    expect(outsideReaches(objects, pods, 'shop', 'gw', labels, 443)).toBe(true);
    expect(outsideReaches(objects, pods, 'shop', 'gw', labels, 80)).toBe(true);
    expect(outsideReaches(objects, pods, 'shop', 'gw', labels, 15021)).toBe(false);
  });

  test('an ingress controller in the meshed namespace is admitted on its container ports (a custom one states them)', () => {
    const labels = { 'app.kubernetes.io/name': 'traefik' };
    const { objects } = meshedShop((shop, web) => void new SecureIngress(shop, 'public', {
      host: 'shop.example.com',
      backend: web,
      port: Port.tcp(8080),
      clusterIssuer: 'letsencrypt-prod',
      controller: IngressController.custom({
        className: 'traefik', namespace: 'shop', podLabels: labels, serviceAccountName: 'traefik', containerPorts: [Port.tcp(8000), Port.tcp(8443)],
      }),
    }));
    const pods = [...TIERS, pod('shop', 'traefik', labels)];
    expect(outsideReaches(objects, pods, 'shop', 'traefik', labels, 8443)).toBe(true);
    expect(outsideReaches(objects, pods, 'shop', 'traefik', labels, 8000)).toBe(true);
    expect(outsideReaches(objects, pods, 'shop', 'traefik', labels, 443)).toBe(false);
    expect(outsideReaches(objects, pods, 'shop', 'traefik', labels, 8080)).toBe(false);
  });

  test('a custom gateway states its container ports; without them a meshed namespace running it is refused, naming the fix', () => {
    const labels = { 'app.kubernetes.io/name': 'my-proxy' };
    const custom = (containerPorts?: Port[]) => () => meshedShop((shop, web) => {
      const gateway = new SecureGateway(shop, 'edge', {
        gatewayClassName: 'mine',
        clusterIssuer: 'letsencrypt-prod',
        implementation: GatewayImplementation.custom({ namespace: 'shop', podLabels: labels, serviceAccountName: 'my-proxy', containerPorts }),
      });
      new SecureIngress(shop, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), gateway });
    });
    const { objects } = custom([Port.tcp(8443)])();
    expect(outsideReaches(objects, [...TIERS, pod('shop', 'proxy', labels)], 'shop', 'proxy', labels, 8443)).toBe(true);
    expect(outsideReaches(objects, [...TIERS, pod('shop', 'proxy', labels)], 'shop', 'proxy', labels, 443)).toBe(false);
    expect(custom()).toThrow('[shop/mesh] the mesh denies every request in namespace shop that an ALLOW policy does not name, and the data plane of gateway shop/edge (class mine) runs there, '
      + 'whose container ports the library does not know, so no ALLOW policy can admit its clients ("shop"). '
      + 'State the data plane\'s container ports (containerPorts of GatewayImplementation.custom() or IngressController.custom()), or run it in a namespace the mesh does not authorize.');
    expect(meshedShopWithNginxFabric).toThrow(/the data plane of gateway shop\/edge \(class nginx\) runs there, whose container ports the library does not know/);
  });

  test('custom container ports are checked', () => {
    const base = { namespace: 'edge', podLabels: { app: 'proxy' } };
    expect(() => GatewayImplementation.custom({ ...base, containerPorts: [] })).toThrow(/^GatewayImplementation.custom: containerPorts is empty, so no client could reach the gateway \(\[\]\)/);
    expect(() => GatewayImplementation.custom({ ...base, containerPorts: [Port.tcpRange(80, 81)] })).toThrow(/containerPorts must be single numbered container ports \("TCP 80-81"\)/);
    expect(() => GatewayImplementation.custom({ ...base, containerPorts: [Port.tcp(80), Port.tcp(80)] })).toThrow(/containerPorts lists a port twice/);
    expect(() => GatewayImplementation.custom({ ...base, containerPorts: [8443 as any] })).toThrow(/\(containerPorts\): ports must be Port values \(8443\)\. Use Port.tcp\(8443\)/);
  });
});

function meshedShopWithNginxFabric(): void {
  meshedShop((shop, web) => {
    const gateway = new SecureGateway(shop, 'edge', { gatewayClassName: 'nginx', implementation: GatewayImplementation.nginxGatewayFabric(), clusterIssuer: 'letsencrypt-prod' });
    new SecureIngress(shop, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), gateway });
  });
}
