/*
 * A shop published through a Gateway API gateway (Envoy Gateway), with no Ingress controller at all.
 *
 *   internet --HTTP--> Envoy (gateway edge/edge) --301--> https://...
 *   internet --HTTPS--> Envoy --TCP 8080--> web (shop)            shop.example.com
 *   internet --HTTPS--> Envoy --TLS 9090--> api (shop)            api.example.com, re-encrypted to the backend
 *   web (shop) --TCP 9090--> api (shop)
 *
 * The Gateway lives in its own namespace; Envoy Gateway runs its proxies in envoy-gateway-system. Each host
 * gets an HTTPS listener that admits routes only from the shop namespace, a Let's Encrypt certificate for
 * exactly that host (HTTP-01 through the gateway's own HTTP listener), and an HTTPRoute in the shop
 * namespace. Only this gateway's Envoy pods reach web and api, only on their ports. The hop to api is
 * encrypted too (BackendTLSPolicy and a certificate from a private CA), without a mesh.
 *
 * Run `npx cdk8s synth` in this folder; the YAML lands in dist/gateway-edge.k8s.yaml.
 */
import { App, Chart } from 'cdk8s';
import {
  AcmeClusterIssuer, GatewayImplementation, IsolatedTier, NamespaceIsolation, Port, PrivateCertificateAuthority,
  SecureGateway, SecureIngress, TlsSource,
} from 'cdk8s-netsec';

/** Builds the example into `app` and returns its chart. */
export function buildGatewayEdge(app: App): Chart {
  const chart = new Chart(app, 'gateway-edge', { namespace: 'shop' });

  new NamespaceIsolation(chart, 'shop-baseline', { createNamespace: true });
  new NamespaceIsolation(chart, 'edge-baseline', { namespace: 'edge', createNamespace: true });

  const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)], serviceAccountName: 'web' });
  const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)], serviceAccountName: 'api' });
  api.allowFrom(web, Port.tcp(9090));

  // The gateway and the ACME issuer that proves domain control through it.
  const gateway = new SecureGateway(chart, 'edge', {
    namespace: 'edge',
    gatewayClassName: 'eg',
    implementation: GatewayImplementation.envoyGateway(),
    tls: TlsSource.clusterIssuer('letsencrypt'),
  });
  new AcmeClusterIssuer(chart, 'letsencrypt', { email: 'ops@example.com', gateway });

  // The public hosts. The api hop is re-encrypted with a certificate from a private CA.
  const internalCa = new PrivateCertificateAuthority(chart, 'internal-ca', { commonName: 'shop internal CA', clusterWide: true });
  new SecureIngress(chart, 'web-edge', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), gateway });
  new SecureIngress(chart, 'api-edge', {
    host: 'api.example.com',
    backend: api,
    port: Port.tcp(9090),
    gateway,
    paths: ['/v1'],
    backendTls: { issuer: internalCa.issuer },
  });
  return chart;
}

if (require.main === module) {
  const app = new App();
  buildGatewayEdge(app);
  app.synth();
}
