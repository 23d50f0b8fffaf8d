import { Testing } from 'cdk8s';
import { Claim, egress, shop, synth, unlessFixed } from './scenarios';
import {
  ClusterDns, Destination, FqdnEnforcement, GatewayImplementation, IsolatedTier, MeshInjection, MeshMtls, MtlsMode, NamespaceIsolation, Peer, Port,
  RestrictedEgress, SecureGateway, SecureIngress,
} from '../../src';
import type { IPeer } from '../../src';

/** The refusals that restricted-egress.md and mesh-mtls.md document, each proven by the calls it describes. */
export const EGRESS_MESH_CLAIMS: Claim[] = [
  // ---- docs/restricted-egress.md
  {
    doc: 'restricted-egress.md',
    quote: 'an allowlist would restrict nothing, which is an error',
    refusals: [{
      case: 'a target with isolateEgress: false',
      run: egress(() => [Destination.cidr('198.51.100.0/24', Port.tcp(22))], { tierProps: { isolateEgress: false } }),
      error: /does not isolate egress, so an allowlist would restrict nothing/,
    }],
  },
  {
    doc: 'restricted-egress.md',
    quote: 'A refused `RestrictedEgress` leaves no child in the construct tree and no flow in the app\'s model',
    refusals: [{
      case: 'a refused allowlist leaves the tier\'s policy as it was, and a corrected retry with the same id works',
      run: () => {
        const { app, chart, api } = shop();
        const policy = () => Testing.synth(chart).find((o: any) => o.kind === 'NetworkPolicy' && o.metadata.name === 'api');
        const before = { children: chart.node.findAll().length, policy: policy() };
        expect(() => new RestrictedEgress(chart, 'egress', { tier: api, allow: [Destination.cidr('198.51.100.0/24', Port.tcp(22)), Destination.internet(Port.tcp(443))] })).toThrow(/explicit opt-in/);
        expect({ children: chart.node.findAll().length, policy: policy() }).toEqual(before);
        new RestrictedEgress(chart, 'egress', { tier: api, allow: [Destination.cidr('198.51.100.0/24', Port.tcp(22))] });
        app.synth();
        throw new Error('refused, then retried: nothing was left behind');
      },
      error: /nothing was left behind/,
    }],
  },
  {
    doc: 'restricted-egress.md',
    quote: 'Naming one as a destination is an error',
    refusals: [
      ...['169.254.169.254/32', 'fd00:ec2::254/128', 'fd20:ce::254/128', '100.100.100.200/32', 'fd00:a9fe:a9fe::1/128'].map((cidr) => ({
        case: `Destination.cidr("${cidr}")`,
        run: egress(() => [Destination.cidr(cidr, Port.tcp(80))]),
        error: new RegExp(`^shop/egress: the cloud metadata endpoint is named as a destination \\("${cidr.replace(/\./g, '\\.')}"\\)\\. Set allowMetadataEndpoint: true instead`),
      })),
      {
        case: 'Destination.cidr("168.63.129.16/32"), Azure\'s WireServer, which allowMetadataEndpoint does not open either',
        run: egress(() => [Destination.cidr('168.63.129.16/32', Port.tcp(80))]),
        error: /^shop\/egress: the cloud metadata endpoint is named as a destination \("168\.63\.129\.16\/32"\)\. Remove the destination: .*ClusterDns\.metadataServer\(\)/,
      },
      {
        case: 'a metadata address named as a destination is refused with allowMetadataEndpoint: true too',
        run: () => {
          const { chart, api } = shop();
          new RestrictedEgress(chart, 'egress', { tier: api, allowMetadataEndpoint: true, allow: [Destination.cidr('169.254.169.254/32', Port.tcp(80))] });
        },
        error: /^shop\/egress: the cloud metadata endpoint is named as a destination \("169\.254\.169\.254\/32"\)/,
      },
    ],
  },
  {
    doc: 'restricted-egress.md',
    quote: 'Without `fqdnEnforcement`, an FQDN destination is an error that lists the options.',
    refusals: [{
      case: 'an FQDN without fqdnEnforcement',
      run: egress(() => [Destination.fqdn('api.stripe.com', Port.tcp(443))]),
      error: /Set fqdnEnforcement to one of: FqdnEnforcement\.ISTIO, FqdnEnforcement\.CILIUM/,
    }],
  },
  {
    doc: 'restricted-egress.md',
    quote: 'A tier declared with `inMesh: false` is refused at construction, and so are pods in a namespace that runs Istio\'s ambient data plane',
    refusals: [
      {
        case: 'a tier with inMesh: false',
        run: egress(() => [Destination.fqdn('api.stripe.com', Port.tcp(443))], { fqdnEnforcement: FqdnEnforcement.ISTIO, tierProps: { inMesh: false } }),
        error: /is not in the mesh \(inMesh: false\)/,
      },
      {
        case: 'a tier in an ambient namespace (MeshMtls declared first)',
        run: () => {
          const { chart, api } = shop();
          new MeshMtls(chart, 'mesh', { injection: MeshInjection.ambient() });
          new RestrictedEgress(chart, 'egress', { tier: api, allow: [Destination.fqdn('api.stripe.com', Port.tcp(443))], fqdnEnforcement: FqdnEnforcement.ISTIO });
        },
        error: /namespace shop runs the ambient data plane/,
      },
      {
        case: 'a tier in an ambient namespace (MeshMtls declared after): synthesis fails',
        run: synth(({ chart, api }) => {
          new RestrictedEgress(chart, 'egress', { tier: api, allow: [Destination.fqdn('api.stripe.com', Port.tcp(443))], fqdnEnforcement: FqdnEnforcement.ISTIO });
          new MeshMtls(chart, 'mesh', { injection: MeshInjection.ambient() });
        }),
        error: /namespace shop runs the ambient data plane/,
      },
      {
        case: 'a tier in a namespace a NamespaceIsolation labels for ambient (declared first: refused at construction)',
        run: () => {
          const { chart, api } = shop();
          new NamespaceIsolation(chart, 'baseline', { createNamespace: true, namespaceLabels: { 'istio.io/dataplane-mode': 'ambient' } });
          new RestrictedEgress(chart, 'egress', { tier: api, allow: [Destination.fqdn('api.stripe.com', Port.tcp(443))], fqdnEnforcement: FqdnEnforcement.ISTIO });
        },
        error: /namespace shop runs the ambient data plane/,
      },
    ],
  },
  {
    doc: 'restricted-egress.md',
    quote: 'would be dropped by the sidecar, so synthesis fails and says where to declare it',
    refusals: [{
      case: 'allowTo an IP block next to an Istio-enforced allowlist',
      run: synth(({ chart, api }) => {
        api.allowTo(Peer.ipBlock('198.51.100.0/24'), Port.tcp(22));
        new RestrictedEgress(chart, 'egress', { tier: api, allow: [Destination.fqdn('api.stripe.com', Port.tcp(443))], fqdnEnforcement: FqdnEnforcement.ISTIO });
      }),
      error: /REGISTRY_ONLY.*198\.51\.100\.0\/24 would be dropped/,
    }],
  },
  {
    doc: 'restricted-egress.md',
    quote: 'Two Istio-enforced allowlists for the same pods also fail',
    refusals: [{
      case: 'two Istio-enforced allowlists of one tier',
      run: synth(({ chart, api }) => {
        new RestrictedEgress(chart, 'one', { tier: api, allow: [Destination.fqdn('api.stripe.com', Port.tcp(443))], fqdnEnforcement: FqdnEnforcement.ISTIO });
        new RestrictedEgress(chart, 'two', { tier: api, allow: [Destination.fqdn('o1.ingest.sentry.io', Port.tcp(443))], fqdnEnforcement: FqdnEnforcement.ISTIO });
      }),
      error: /Istio leaves it undefined which of two Sidecars applies/,
    }],
  },
  {
    doc: 'restricted-egress.md',
    quote: 'What Istio refuses, at construction',
    refusals: ([
      ['a UDP port', () => [Destination.fqdn('api.stripe.com', Port.udp(443))], /enforces names only on single TCP ports/],
      ['a port range', () => [Destination.fqdn('api.stripe.com', Port.tcpRange(8000, 8100))], /enforces names only on single TCP ports/],
      ['a wildcard on a plain TCP port', () => [Destination.fqdn('*.example.com', Port.tcp(5432))], /a wildcard name can be enforced only on TLS \(443\) or HTTP \(80\)/],
      ['two names on one plain TCP port', () => [Destination.fqdn('a.example.com', Port.tcp(5432)), Destination.fqdn('b.example.com', Port.tcp(5432))], /two names share a plain TCP port/],
      ['Destination.internet()', () => [Destination.internet(Port.tcp(443))], /open internet egress cannot be combined with FqdnEnforcement\.ISTIO/],
      ['an IP destination on all TCP ports', () => [Destination.cidr('198.51.100.0/24', Port.allTcp())], /every TCP port of an IP destination must be a single number/],
    ] as [string, () => Destination[], RegExp][]).map(([what, allow, error]) => ({
      case: what, run: egress(allow, { fqdnEnforcement: FqdnEnforcement.ISTIO, allowInternet: true }), error,
    })),
  },
  {
    doc: 'restricted-egress.md',
    quote: 'Name (`Destination.fqdn`) | refused',
    refusals: [{ case: 'an FQDN without fqdnEnforcement', run: egress(() => [Destination.fqdn('api.stripe.com', Port.tcp(443))]), error: /needs an enforcement point that understands names/ }],
  },
  {
    doc: 'restricted-egress.md',
    quote: 'only pods with a working sidecar (tiers `inMesh: false` and ambient namespaces refused)',
    refusals: [{
      case: 'a tier with inMesh: false',
      run: egress(() => [Destination.fqdn('api.stripe.com', Port.tcp(443))], { fqdnEnforcement: FqdnEnforcement.ISTIO, tierProps: { inMesh: false } }),
      error: /is not in the mesh/,
    }],
  },
  {
    doc: 'restricted-egress.md',
    quote: 'Each of these throws at construction (or, where the whole app is needed, at synth) with the construct path, the offending value and the fix',
    refusals: [
      ...([
        ['an invalid CIDR', () => [Destination.cidr('10.0.0.0/33', Port.tcp(443))], /cidr is not a valid IPv4 or IPv6 CIDR \("10\.0\.0\.0\/33"\)/],
        ['an invalid except', () => [Destination.cidrExcept('10.0.0.0/8', ['10.1.0.0/33'], Port.tcp(443))], /excluded block is not a valid IPv4 or IPv6 CIDR/],
        ['an except outside its block', () => [Destination.cidrExcept('10.0.0.0/16', ['10.1.0.0/24'], Port.tcp(443))], /excluded block is not strictly inside 10\.0\.0\.0\/16/],
        ['an invalid host name', () => [Destination.fqdn('api..example.com', Port.tcp(443))], /hostname must not contain an empty label/],
        ['a single-label host name', () => [Destination.fqdn('localhost', Port.tcp(443))], /hostname is a single label/],
        ['a wildcard directly over a top-level domain', () => [Destination.fqdn('*.com', Port.tcp(443))], /hostname puts a wildcard directly over a top-level domain/],
        ['a *.cluster.local name', () => [Destination.fqdn('*.cluster.local', Port.tcp(443))], /hostname is an in-cluster name/],
        ['a name under .internal (the metadata server\'s)', () => [Destination.fqdn('metadata.google.internal', Port.tcp(80))], /hostname is under \.internal, a top-level domain no public name has/],
        ['a port outside 1-65535', () => [Destination.cidr('198.51.100.0/24', Port.tcp(70000))], /port must be an integer from 1 to 65535 \(70000\)/],
        ['0.0.0.0/0 without allowInternet', () => [Destination.cidr('0.0.0.0/0', Port.tcp(443))], /a block of every address needs the explicit opt-in/],
        ['::/0 without allowInternet', () => [Destination.cidr('::/0', Port.tcp(443))], /a block of every address needs the explicit opt-in/],
        ['internet() without allowInternet', () => [Destination.internet(Port.tcp(443))], /internet egress needs the explicit opt-in/],
        ['blocks that together cover the internet on a port without allowInternet', () => [Destination.cidr('0.0.0.0/1', Port.tcp(443)), Destination.cidr('128.0.0.0/1', Port.tcp(443))], /these blocks together open every public address on TCP 443, which needs the explicit opt-in/],
        ['a metadata address named as a destination', () => [Destination.cidr('169.254.169.254/32', Port.tcp(80))], /the cloud metadata endpoint is named as a destination .*Set allowMetadataEndpoint: true instead/],
        ['an FQDN without fqdnEnforcement', () => [Destination.fqdn('api.stripe.com', Port.tcp(443))], /needs an enforcement point that understands names/],
      ] as [string, () => Destination[], RegExp][]).map(([what, allow, error]) => ({ case: what, run: egress(allow), error })),
      { case: 'a target that does not isolate egress', run: egress(() => [], { tierProps: { isolateEgress: false } }), error: /does not isolate egress/ },
      {
        case: 'a port the destination tier does not serve',
        run: () => {
          const { chart, web, api } = shop();
          new RestrictedEgress(chart, 'egress', { tier: web, allow: [Destination.tier(api, Port.tcp(8080))] });
        },
        error: /tier shop\/api does not serve TCP 8080/,
      },
      {
        case: 'a tier of another app',
        run: () => {
          const { chart, web } = shop();
          new RestrictedEgress(chart, 'egress', { tier: web, allow: [Destination.tier(shop().api, Port.tcp(9090))] });
        },
        error: /belongs to another cdk8s app/,
      },
      { case: 'an unknown fqdnEnforcement string', run: egress(() => [], { fqdnEnforcement: 'envoy' as any }), error: /fqdnEnforcement is not a known enforcement option/ },
      {
        case: 'FqdnEnforcement.CILIUM for a target without DNS',
        run: egress(() => [Destination.fqdn('api.stripe.com', Port.tcp(443))], { fqdnEnforcement: FqdnEnforcement.CILIUM, tierProps: { dns: ClusterDns.disabled() } }),
        error: /has no DNS rule \(ClusterDns\.disabled\(\)\)/,
      },
      {
        case: 'FqdnEnforcement.CILIUM with DNS servers chosen by namespace labels',
        run: egress(() => [Destination.fqdn('api.stripe.com', Port.tcp(443))], {
          fqdnEnforcement: FqdnEnforcement.CILIUM, tierProps: { dns: ClusterDns.custom([Peer.podsInNamespaces({ 'k8s-app': 'kube-dns' }, { dns: 'yes' })], [53]) },
        }),
        error: /the DNS server of tier shop\/client/,
      },
      {
        case: 'Destination.namespace() for a namespace a NamespaceIsolation of the app isolates',
        run: synth(({ chart, api }) => {
          new NamespaceIsolation(chart, 'data', { namespace: 'data' });
          new RestrictedEgress(chart, 'egress', { tier: api, allow: [Destination.namespace('data', Port.tcp(5432))] });
        }),
        error: /namespace data denies ingress through shop\/data, so Destination\.namespace\(\) would open only the egress side/,
      },
    ],
  },
  // ---- docs/mesh-mtls.md
  {
    doc: 'mesh-mtls.md',
    quote: 'A tier that receives or sends mesh traffic without `serviceAccountName` is an error naming the tier; so is a caller that cannot be expressed exactly.',
    refusals: [
      {
        case: 'a meshed tier without serviceAccountName',
        run: synth(({ chart, api }) => {
          api.allowFrom(new IsolatedTier(chart, 'worker', { podLabels: { app: 'worker' } }), Port.tcp(9090));
          new MeshMtls(chart, 'mesh', { mode: MtlsMode.STRICT });
        }),
        error: /tier shop\/worker has no service account, so mesh authorization cannot name it/,
      },
      {
        case: 'a caller chosen by namespace labels',
        run: synth(({ chart, api }) => {
          api.allowFrom(Peer.namespaces({ team: 'payments' }), Port.tcp(9090));
          new MeshMtls(chart, 'mesh', { mode: MtlsMode.STRICT });
        }),
        error: /selects namespaces by label, which Istio authorization cannot see/,
      },
    ],
  },
  {
    doc: 'mesh-mtls.md',
    quote: '`Peer.pods(labels, ns)`, `Peer.pods(labels)` without a known identity | none: an error',
    refusals: [{
      case: 'labelled pods without an identity as the caller of a meshed tier',
      run: synth(({ chart, api }) => {
        api.allowFrom(Peer.pods({ app: 'scraper' }, 'monitoring'), Port.tcp(9090));
        new MeshMtls(chart, 'mesh', { mode: MtlsMode.STRICT });
      }),
      error: /pods app=scraper in namespace monitoring selects pods by label, and mesh authorization can name them only by their service account/,
    }],
  },
  {
    doc: 'mesh-mtls.md',
    quote: '`Peer.namespaces(labels)`, `Peer.podsInNamespaces(...)`, labelled pods in every namespace | none: an error',
    refusals: ([
      ['Peer.namespaces(labels)', () => Peer.namespaces({ team: 'payments' })],
      ['Peer.podsInNamespaces(...)', () => Peer.podsInNamespaces({ app: 'agent' }, { team: 'payments' })],
      ['labelled pods in every namespace', () => Peer.podsInAllNamespaces({ app: 'agent' })],
    ] as [string, () => IPeer][]).map(([what, peer]) => ({
      case: `${what} as the caller of a meshed tier`,
      run: synth(({ chart, api }) => {
        api.allowFrom(peer(), Port.tcp(9090));
        new MeshMtls(chart, 'mesh', { mode: MtlsMode.STRICT });
      }),
      error: /which Istio authorization cannot (see|express without allowing every workload)/,
    })),
  },
  {
    doc: 'mesh-mtls.md',
    quote: 'Two meshed tiers of one namespace that run as one service account are an error too',
    refusals: [{
      case: 'two tiers with serviceAccountName web',
      run: synth(({ chart, web }) => {
        new IsolatedTier(chart, 'web2', { podLabels: { app: 'web2' }, ports: [Port.tcp(8080)], serviceAccountName: 'web' }).allowFrom(web, Port.tcp(8080));
        new MeshMtls(chart, 'mesh', { mode: MtlsMode.STRICT });
      }),
      error: /tier shop\/web and tier shop\/web2 run as one service account/,
    }],
  },
  {
    doc: 'mesh-mtls.md',
    quote: 'Ranges are expanded (up to 100 ports); named ports are an error (use the number).',
    refusals: [
      {
        case: 'a named port in a meshed flow',
        run: synth(({ chart, web, api }) => {
          api.allowFrom(web, Port.named('grpc'));
          new MeshMtls(chart, 'mesh', { mode: MtlsMode.STRICT });
        }),
        error: /AuthorizationPolicy ports are numbers, and the named port TCP grpc has no number here/,
      },
      {
        case: 'a range of more than 100 ports in a meshed flow',
        run: synth(({ chart, web }) => {
          new IsolatedTier(chart, 'ranged', { podLabels: { app: 'ranged' }, ports: [Port.tcpRange(8000, 8200)], serviceAccountName: 'ranged' }).allowFrom(web);
          new MeshMtls(chart, 'mesh', { mode: MtlsMode.STRICT });
        }),
        error: /AuthorizationPolicy ports cannot express ranges, and TCP 8000-8200 is wider than 100 ports/,
      },
    ],
  },
  {
    doc: 'mesh-mtls.md',
    quote: 'Two `MeshMtls` covering the same namespace are an error.',
    refusals: [{
      case: 'two MeshMtls in the shop namespace',
      run: synth(({ chart }) => {
        new MeshMtls(chart, 'mesh', { mode: MtlsMode.STRICT });
        new MeshMtls(chart, 'again', { mode: MtlsMode.STRICT });
      }),
      error: /it covers workloads that shop\/mesh covers already/,
    }],
  },
  {
    doc: 'mesh-mtls.md',
    quote: 'a flow from an IP block into a STRICT tier is an error unless its ports are plaintext exceptions',
    refusals: [{
      case: 'an IP block into a STRICT tier',
      run: synth(({ chart, api }) => {
        api.allowFrom(Peer.ipBlock('203.0.113.0/24'), Port.tcp(9090));
        new MeshMtls(chart, 'mesh', { mode: MtlsMode.STRICT });
      }),
      error: /flow from 203\.0\.113\.0\/24 into tier shop\/api cannot work under STRICT mTLS/,
    }],
  },
  {
    doc: 'mesh-mtls.md',
    quote: 'A DISABLE exception on a port that a library Service forwards to is an error',
    refusals: [{
      case: 'a DISABLE exception on the port of api.expose()',
      run: synth(({ chart, api }) => {
        api.expose();
        new MeshMtls(chart, 'mesh', { portExceptions: [{ workload: api, ports: [Port.tcp(9090)], mode: MtlsMode.DISABLE }] });
      }),
      error: /where mTLS is DISABLEd, but its DestinationRule asks for ISTIO_MUTUAL/,
    }],
  },
  {
    doc: 'mesh-mtls.md',
    quote: 'A Namespace that already carries a contradicting mesh label is an error.',
    refusals: [{
      case: 'a Namespace labelled istio-injection: disabled under MeshInjection.sidecar()',
      run: synth(({ chart }) => {
        new NamespaceIsolation(chart, 'baseline', { createNamespace: true, namespaceLabels: { 'istio-injection': 'disabled' } });
        new MeshMtls(chart, 'mesh', { mode: MtlsMode.STRICT });
      }),
      error: /carries a mesh label that contradicts injection sidecar/,
    }],
  },
  {
    doc: 'mesh-mtls.md',
    quote: 'not in ambient namespaces and not for tiers outside the mesh, which are refused',
    refusals: [{
      case: 'FqdnEnforcement.ISTIO for a tier with inMesh: false',
      run: egress(() => [Destination.fqdn('api.stripe.com', Port.tcp(443))], { fqdnEnforcement: FqdnEnforcement.ISTIO, tierProps: { inMesh: false } }),
      error: /is not in the mesh \(inMesh: false\)/,
    }],
  },
  {
    doc: 'mesh-mtls.md',
    quote: 'Ambient\'s ztunnel applies the allow-nothing policy to the solver pods too (an edge whose service account the app does not name is refused at synth)',
    refusals: [{
      case: 'ambient MeshMtls and an ACME gateway whose custom data plane names no service account (one that names it synthesizes)',
      run: unlessFixed(ambientSolver('proxy'), ambientSolver(undefined)),
      error: new RegExp('\\[shop/mesh\\] shop/acme-http01-solver-shop: under ambient, ztunnel applies the mesh\'s allow-nothing policy to cert-manager\'s HTTP-01 solver pods '
        + 'in namespace shop, and the edge pods app=proxy in namespace proxy-system that must reach them has no identity the mesh knows, so ACME HTTP-01 challenges would fail '
        + '\\("pods app=proxy in namespace proxy-system"\\)\\. Name the edge\'s service account \\(serviceAccountName of the IngressController or GatewayImplementation, '
        + 'or MeshMtls identities: \\[\\{ peer, serviceAccountName \\}\\]\\), or solve challenges with DNS-01 \\(acmeHttp01: false\\)'),
    }],
  },
];

/** An ACME (HTTP-01) gateway in front of shop/api with a custom data plane, and an ambient mesh declared after it. */
function ambientSolver(serviceAccountName: string | undefined) {
  return synth(({ chart, api }) => {
    const implementation = GatewayImplementation.custom({ namespace: 'proxy-system', podLabels: { app: 'proxy' }, serviceAccountName });
    const gateway = new SecureGateway(chart, 'edge', { gatewayClassName: 'proxy', clusterIssuer: 'letsencrypt-prod', implementation });
    new SecureIngress(chart, 'api-edge', { host: 'api.example.com', backend: api, port: Port.tcp(9090), gateway });
    new MeshMtls(chart, 'mesh', { injection: MeshInjection.ambient() });
  });
}
