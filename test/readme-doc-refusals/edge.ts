import * as kplus from 'cdk8s-plus-28';
import { Claim, controllerIngress, gatewayIngress, haproxy, leavesNothing, shop, synth, unlessFixed } from './scenarios';
import {
  AcmeClusterIssuer, ClusterDns, GatewayImplementation, IngressController, IsolatedTier, IssuerReference, MeshMtls, MtlsMode, NamespaceIsolation,
  Port, PrivateCertificateAuthority, SecureGateway, SecureIngress, ServiceType, TlsCertificate,
} from '../../src';

/** The refusals that gateway.md and secure-ingress.md document, each proven by the calls it describes. */
export const EDGE_CLAIMS: Claim[] = [
  // ---- docs/gateway.md
  {
    doc: 'gateway.md',
    quote: 'Same host twice on one gateway, an invalid `gatewayClassName`, no TLS source (or two), an implementation that is not a `GatewayImplementation`, `sourceRanges` or TLS props on a `SecureIngress` through a gateway: errors at the call',
    refusals: [
      {
        case: 'the same host twice on one gateway',
        run: () => {
          const { chart, web, api } = shop();
          const gateway = new SecureGateway(chart, 'edge', { namespace: 'edge', gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway(), clusterIssuer: 'letsencrypt-prod' });
          new SecureIngress(chart, 'one', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), gateway });
          new SecureIngress(chart, 'two', { host: 'shop.example.com', backend: api, port: Port.tcp(9090), gateway });
        },
        error: /host is already served by gateway edge\/edge for shop\/one/,
      },
      { case: 'an invalid gatewayClassName', run: gatewayIngress({ gatewayClassName: 'Envoy_Gateway' }), error: /gatewayClassName must be a DNS-1123 subdomain/ },
      { case: 'no TLS source', run: gatewayIngress({ clusterIssuer: undefined }), error: /no TLS source is given/ },
      { case: 'two TLS sources', run: gatewayIngress({ issuer: 'internal-ca' }), error: /more than one TLS source is given/ },
      { case: 'an implementation that is not a GatewayImplementation', run: gatewayIngress({ implementation: 'envoy' as any }), error: /implementation must be a GatewayImplementation/ },
      { case: 'sourceRanges on a SecureIngress through a gateway', run: gatewayIngress({}, { sourceRanges: ['203.0.113.0/24'] }), error: /sourceRanges does not apply through a gateway/ },
      { case: 'a TLS prop on a SecureIngress through a gateway', run: gatewayIngress({}, { clusterIssuer: 'letsencrypt-prod' }), error: /clusterIssuer does not apply through a gateway/ },
    ],
  },
  {
    doc: 'gateway.md',
    quote: 'A refused `SecureGateway` or `SecureIngress` leaves nothing in the tree.',
    refusals: [
      leavesNothing((chart, broken) => new SecureGateway(chart, 'edge', {
        namespace: 'edge', gatewayClassName: broken ? 'Bad_Class' : 'eg', implementation: GatewayImplementation.envoyGateway(), clusterIssuer: 'letsencrypt-prod',
      })),
    ],
  },
  {
    doc: 'gateway.md',
    quote: '`MeshMtls` refuses the backend until you name the data plane\'s service account in `MeshMtls` `identities`',
    refusals: [{
      case: 'an Envoy Gateway backend under MeshMtls without identities',
      run: synth(({ chart, web }) => {
        const gateway = new SecureGateway(chart, 'edge', { namespace: 'edge', gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway(), clusterIssuer: 'letsencrypt-prod' });
        new SecureIngress(chart, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), gateway });
        new MeshMtls(chart, 'mesh', { mode: MtlsMode.STRICT });
      }),
      error: /mesh authorization can name them only by their service account/,
    }],
  },
  {
    doc: 'gateway.md',
    quote: '(refused above 63 characters, where NGINX Gateway Fabric shortens it with a hash)',
    refusals: [{
      case: 'a Gateway and class whose <gateway>-<class> is longer than 63 characters',
      run: gatewayIngress({ gatewayClassName: 'c'.repeat(30), implementation: GatewayImplementation.nginxGatewayFabric(), name: 'g'.repeat(40) }),
      error: /NGINX Gateway Fabric names the data plane .*shortened with a hash above 63 characters/,
    }],
  },
  {
    doc: 'gateway.md',
    quote: '`podLabels` (empty is an error)',
    refusals: [{ case: 'GatewayImplementation.custom with empty podLabels', run: () => GatewayImplementation.custom({ namespace: 'edge', podLabels: {} }), error: /podLabels is empty/ }],
  },
  {
    doc: 'gateway.md',
    quote: 'a backend under `MeshMtls` authorization is refused (the proxy has no workload identity)',
    refusals: [{
      case: 'a Cilium gateway backend under MeshMtls',
      run: synth(({ chart, web }) => {
        const gateway = new SecureGateway(chart, 'edge', { namespace: 'edge', gatewayClassName: 'cilium', implementation: GatewayImplementation.cilium(), clusterIssuer: 'letsencrypt-prod' });
        new SecureIngress(chart, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), gateway });
        new MeshMtls(chart, 'mesh', { mode: MtlsMode.STRICT });
      }),
      error: /authorizes callers of tier shop\/web by identity, and Cilium's ingress proxy has none/,
    }],
  },
  {
    doc: 'gateway.md',
    quote: 'So a `NamespaceIsolation` of the data plane\'s namespace would cut the gateway off silently: synthesis fails instead, naming the namespace.',
    refusals: [{
      case: 'a NamespaceIsolation of envoy-gateway-system',
      run: synth(({ chart, web }) => {
        new NamespaceIsolation(chart, 'gateway-ns', { namespace: 'envoy-gateway-system' });
        const gateway = new SecureGateway(chart, 'edge', { namespace: 'edge', gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway(), clusterIssuer: 'letsencrypt-prod' });
        new SecureIngress(chart, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), gateway });
      }),
      error: /the app isolates namespace envoy-gateway-system, where this gateway's data-plane pods run/,
    }],
  },
  {
    doc: 'gateway.md',
    quote: 'HTTP-01 cannot validate wildcard hosts: an error at the call.',
    refusals: [{ case: 'a wildcard host through a gateway with an ACME (HTTP-01) issuer', run: gatewayIngress({}, { host: '*.example.com' }), error: /ACME HTTP-01 cannot validate a wildcard host/ }],
  },
  {
    doc: 'gateway.md',
    quote: 'ACME issuers are refused (a cluster-internal name cannot be proven).',
    refusals: [{
      case: 'backendTls with an ACME issuer',
      run: () => {
        const { chart, web } = shop();
        const letsencrypt = new AcmeClusterIssuer(chart, 'letsencrypt', { email: 'ops@example.com' });
        const gateway = new SecureGateway(chart, 'edge', { namespace: 'edge', gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway(), clusterIssuer: 'letsencrypt-prod' });
        new SecureIngress(chart, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), gateway, backendTls: { issuer: letsencrypt.issuer } });
      },
      error: /backendTls\.issuer solves ACME HTTP-01, which cannot prove a cluster-internal Service name/,
    }],
  },
  {
    doc: 'gateway.md',
    quote: 'Otherwise (Envoy Gateway, `custom` without `serviceAccountName`) `MeshMtls` refuses the backend, naming the data plane\'s pods',
    refusals: [{
      case: 'a custom implementation without serviceAccountName under MeshMtls',
      run: synth(({ chart, web }) => {
        const implementation = GatewayImplementation.custom({ namespace: 'edge', podLabels: { 'app.kubernetes.io/name': 'proxy' } });
        const gateway = new SecureGateway(chart, 'edge', { namespace: 'edge', gatewayClassName: 'proxy', implementation, clusterIssuer: 'letsencrypt-prod' });
        new SecureIngress(chart, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), gateway });
        new MeshMtls(chart, 'mesh', { mode: MtlsMode.STRICT });
      }),
      error: /app\.kubernetes\.io\/name=proxy.*service account/,
    }],
  },
  // ---- docs/secure-ingress.md
  {
    doc: 'secure-ingress.md',
    quote: 'Neither or both is an error with the fix.',
    refusals: [
      { case: 'neither gateway nor controller', run: controllerIngress({ controller: undefined }), error: /neither controller nor gateway is given/ },
      {
        case: 'both gateway and controller',
        run: () => {
          const { chart, web } = shop();
          const gateway = new SecureGateway(chart, 'edge', { namespace: 'edge', gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway(), clusterIssuer: 'letsencrypt-prod' });
          new SecureIngress(chart, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), gateway, controller: IngressController.ingressNginx() });
        },
        error: /both controller and gateway are given/,
      },
    ],
  },
  {
    doc: 'secure-ingress.md',
    quote: 'Through a gateway the TLS source is set once on the `SecureGateway`, and these props are refused.',
    refusals: (['issuer', 'tlsSecretName'] as const).map((prop) => ({
      case: `${prop} through a gateway`, run: gatewayIngress({}, { [prop]: 'x' }), error: new RegExp(`${prop} does not apply through a gateway`),
    })),
  },
  {
    doc: 'secure-ingress.md',
    quote: 'None, or more than one, is an error.',
    refusals: [
      { case: 'no TLS source', run: controllerIngress({ clusterIssuer: undefined }), error: /no TLS source is given/ },
      { case: 'two TLS sources', run: controllerIngress({ tlsSecretName: 'shop-tls' }), error: /more than one TLS source is given \(clusterIssuer, tlsSecretName\)/ },
    ],
  },
  {
    doc: 'secure-ingress.md',
    quote: 'A host an edge serves, and a certificate\'s `dnsNames`, are also refused with a wildcard directly over a top-level domain',
    refusals: [
      { case: 'a wildcard over a top-level domain through a controller', run: controllerIngress({ host: '*.com', clusterIssuer: undefined, tlsSecretName: 'wild-tls' }), error: /host puts the wildcard directly over a top-level domain/ },
      { case: 'a wildcard over a top-level domain through a gateway', run: gatewayIngress({}, { host: '*.com' }), error: /host puts the wildcard directly over a top-level domain/ },
      { case: 'a numeric last label on an edge', run: controllerIngress({ host: '0x7f.0.0.1' }), error: /host ends in a numeric label/ },
      {
        case: 'a numeric last label in a certificate\'s dnsNames',
        run: () => new TlsCertificate(shop().chart, 'cert', { issuer: IssuerReference.clusterIssuer('internal-ca'), dnsNames: ['shop.123'] }),
        error: /dnsNames entry ends in a numeric label/,
      },
    ],
  },
  {
    doc: 'secure-ingress.md',
    quote: 'A wildcard host with HTTP-01 is an error',
    refusals: [{ case: 'a wildcard host with an ACME cluster issuer', run: controllerIngress({ host: '*.example.com' }), error: /ACME HTTP-01 cannot validate a wildcard host/ }],
  },
  {
    doc: 'secure-ingress.md',
    quote: 'A Service without a selector is an error',
    refusals: [{
      case: 'a cdk8s-plus Service without a selector as the backend',
      run: () => {
        const { chart } = shop();
        const service = new kplus.Service(chart, 'svc', { ports: [{ port: 80, targetPort: 8080 }] });
        new SecureIngress(chart, 'public', { host: 'shop.example.com', backend: service, port: Port.tcp(8080), clusterIssuer: 'letsencrypt-prod', controller: IngressController.ingressNginx() });
      },
      error: /the backend Service has no selector, so its pods are unknown/,
    }],
  },
  {
    doc: 'secure-ingress.md',
    quote: 'otherwise synthesis fails, since any pod could reach it',
    refusals: [{
      case: 'a backend tier that does not isolate ingress',
      run: synth(({ chart }) => {
        const open = new IsolatedTier(chart, 'open', { podLabels: { app: 'open' }, ports: [Port.tcp(8080)], isolateIngress: false });
        new SecureIngress(chart, 'public', { host: 'shop.example.com', backend: open, port: Port.tcp(8080), clusterIssuer: 'letsencrypt-prod', controller: IngressController.ingressNginx() });
      }),
      error: /tier shop\/open does not isolate ingress, so any pod could reach the backend/,
    }],
  },
  {
    doc: 'secure-ingress.md',
    quote: 'a controller without a namespace is refused at the call',
    refusals: [{ case: 'IngressController.custom without namespace', run: () => IngressController.custom({ className: 'traefik', podLabels: { 'app.kubernetes.io/name': 'traefik' } } as any), error: /namespace is not set, so the controller pods could not be selected/ }],
  },
  ...([
    ['haproxy', 'refused: not confirmed from its documentation', () => haproxy()],
    ['f5Nginx', 'refused: its allowlist is a Policy resource, not an annotation', () => IngressController.f5Nginx({ className: 'nginx', namespace: 'nginx-ingress', podLabels: { app: 'nginx-ingress' } })],
    ['custom', 'some (Traefik) need their own redirect configuration | refused', () => IngressController.custom({ className: 'traefik', namespace: 'traefik', podLabels: { app: 'traefik' } })],
  ] as [string, string, () => IngressController][]).map(([profile, quote, controller]) => ({
    doc: 'secure-ingress.md',
    quote,
    refusals: [{ case: `sourceRanges with IngressController.${profile}()`, run: () => controllerIngress({ controller: controller(), sourceRanges: ['203.0.113.0/24'] })(), error: /sourceRanges needs a controller with a source allowlist annotation/ }],
  })),
  {
    doc: 'secure-ingress.md',
    quote: 'paths the API server refuses are refused at the call',
    refusals: ['/a//b', '/a/./b', '/a/../b', '/a/.', '/a/..'].map((bad) => ({ case: `path ${bad}`, run: controllerIngress({ paths: [bad] }), error: /path contains "\/\/" or a "." or ".." segment, which the API server refuses/ })),
  },
  {
    doc: 'secure-ingress.md',
    quote: 'a `NamespaceIsolation` of the controller\'s namespace would cut it off silently: synthesis fails instead',
    refusals: [{
      case: 'a NamespaceIsolation of ingress-nginx',
      run: synth(({ chart, web }) => {
        new NamespaceIsolation(chart, 'controller-ns', { namespace: 'ingress-nginx' });
        new SecureIngress(chart, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), clusterIssuer: 'letsencrypt-prod', controller: IngressController.ingressNginx() });
      }),
      error: /the app isolates namespace ingress-nginx, where the/,
    }],
  },
  {
    doc: 'secure-ingress.md',
    quote: 'a refused `SecureIngress` leaves nothing in the tree, and a retry with the same id works',
    refusals: [leavesNothing((chart, broken) => new SecureIngress(chart, 'public', {
      host: broken ? 'Shop.Example.com' : 'shop.example.com',
      backend: chart.node.findChild('web') as IsolatedTier,
      port: Port.tcp(8080),
      clusterIssuer: 'letsencrypt-prod',
      controller: IngressController.ingressNginx(),
    }))],
  },
  {
    doc: 'secure-ingress.md',
    quote: '**LoadBalancer** requires `loadBalancerSourceRanges` (an error without them',
    refusals: [{
      case: 'expose() as a LoadBalancer without source ranges',
      run: () => shop().web.expose({ serviceType: ServiceType.LOAD_BALANCER }),
      error: /a LoadBalancer Service must name the client ranges it accepts \(loadBalancerSourceRanges\)/,
    }],
  },
  {
    doc: 'secure-ingress.md',
    quote: 'Two Certificates writing one Secret fail synthesis.',
    refusals: [{
      case: 'two TlsCertificates with one secretName',
      run: synth(({ chart }) => {
        const ca = new PrivateCertificateAuthority(chart, 'ca', { commonName: 'shop CA' });
        new TlsCertificate(chart, 'one', { dnsNames: ['a.shop.svc'], issuer: ca.issuer, secretName: 'shared-tls' });
        new TlsCertificate(chart, 'two', { dnsNames: ['b.shop.svc'], issuer: ca.issuer, secretName: 'shared-tls' });
      }),
      error: /Secret name is already used in namespace shop by shop\/one \("shared-tls"\)/,
    }],
  },
  {
    doc: 'secure-ingress.md',
    quote: 'A namespaced `Issuer` from another namespace is an error.',
    refusals: [{
      case: 'an Issuer of namespace other for a Certificate in shop',
      run: () => new TlsCertificate(shop().chart, 'cert', { dnsNames: ['api.shop.svc'], issuer: IssuerReference.issuer('internal-ca', { namespace: 'other' }) }),
      error: /an Issuer signs only its own namespace/,
    }],
  },
  {
    doc: 'secure-ingress.md',
    quote: 'and two that differ are refused at synth',
    refusals: [{
      case: 'two NamespaceIsolations of the solver\'s namespace with different dns (the same dns synthesizes)',
      run: unlessFixed(solverDns(ClusterDns.kubeDns()), solverDns(ClusterDns.nodeLocalCache())),
      error: new RegExp('\\[shop/acme-http01-solver-shop\\] the HTTP-01 solver pods of namespace shop resolve names through the DNS of their namespace, '
        + 'which shop/baseline and shop/egress-only state differently \\(\\["169\\.254\\.20\\.10/32 on UDP 53, TCP 53; pods k8s-app=kube-dns in namespace kube-system on UDP 53, TCP 53",'
        + '"pods k8s-app=kube-dns in namespace kube-system on UDP 53, TCP 53"\\]\\)\\. Give both the same dns'),
    }],
  },
];

/** An ACME ingress of shop/web, then two NamespaceIsolations of shop: `baselineDns`, and the default kube-dns. */
export function solverDns(baselineDns: ClusterDns) {
  return synth(({ chart, web }) => {
    new SecureIngress(chart, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), clusterIssuer: 'letsencrypt-prod', controller: IngressController.ingressNginx() });
    new NamespaceIsolation(chart, 'baseline', { dns: baselineDns });
    new NamespaceIsolation(chart, 'egress-only', { isolateIngress: false, policyName: 'egress-only' });
  });
}
