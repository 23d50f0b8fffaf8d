/*
 * Random composition apps: the description (plain data, so fast-check can shrink it) and the program
 * that builds it through the public API only (`src/index.ts`).
 */
import { App, Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import {
  ClusterDns, ClusterIsolation, Destination, FqdnEnforcement, GatewayImplementation, IngressController, IsolatedTier,
  MeshInjection, MeshMtls, NamespaceExemption, NamespaceIsolation, Peer, Port, RestrictedEgress, SecureGateway, SecureIngress,
} from '../../src';
import type { WorkloadIdentity } from '../../src';

export const APP_NAMESPACES = ['alpha', 'beta'];
export const TIER_PORTS = [8080, 9090, 5432];
export const EXTERNAL_BLOCK = '203.0.113.0/24';
export const EGRESS_BLOCK = '198.51.100.0/24';
export const FQDN = 'api.stripe.com';
/** The API server's endpoint, as pods reach it behind the `kubernetes` Service (ClusterIsolation apiServerAddresses). */
export const API_SERVER_IP = '10.0.0.1';

export type MeshMode = 'none' | 'sidecar' | 'ambient';
export type DnsVariant = 'kubeDns' | 'nodeLocal' | 'openshift';
export type GatewayKind = 'envoy' | 'istio' | 'nginx' | 'cilium' | 'custom';
export type Enforcement = 'none' | 'istio' | 'cilium';

export interface TierSpec { readonly ns: number; readonly port: number; readonly isolateIngress: boolean; readonly isolateEgress: boolean }
export interface FlowSpec { readonly from: number; readonly to: number; readonly explicitPort: boolean }
export interface GatewaySpec { readonly kind: GatewayKind; readonly backend: number }
export interface EgressSpec { readonly tier: number; readonly enforcement: Enforcement; readonly fqdn: boolean; readonly toTier?: number }

export interface AppSpec {
  readonly tiers: TierSpec[];
  readonly flows: FlowSpec[];
  /** Tiers that may reach EXTERNAL_BLOCK on TCP 443 (allowTo). */
  readonly external: number[];
  /** NamespaceIsolation per app namespace. */
  readonly baselines: boolean[];
  /** NamespaceIsolation of the Gateway's own namespace, where the data plane does not run there (documented). */
  readonly isolateGatewayNamespace: boolean;
  readonly mesh: MeshMode;
  readonly dns: DnsVariant;
  /** Backend of a SecureIngress through ingress-nginx, if any. */
  readonly controllerBackend?: number;
  readonly gateway?: GatewaySpec;
  readonly egress?: EgressSpec;
  readonly clusterIsolation: boolean;
  /**
   * Namespaces ClusterIsolation exempts with a reason besides kube-system: none as generated; the fix a
   * refusal names (see composition.test.ts) adds them.
   */
  readonly exempt: string[];
}

const tierSpec = fc.record({
  ns: fc.nat(APP_NAMESPACES.length - 1),
  port: fc.constantFrom(...TIER_PORTS),
  // Both false is refused by design (a tier isolates something).
  isolation: fc.constantFrom([true, true], [true, true], [false, true], [true, false]),
}).map(({ ns, port, isolation }) => ({ ns, port, isolateIngress: isolation[0], isolateEgress: isolation[1] }));

export const appSpec: fc.Arbitrary<AppSpec> = fc.array(tierSpec, { minLength: 2, maxLength: 5 }).chain((tiers) => {
  const tier = fc.nat(tiers.length - 1);
  return fc.record({
    tiers: fc.constant(tiers),
    flows: fc.array(fc.record({ from: tier, to: tier, explicitPort: fc.boolean() }), { maxLength: 6 })
      .map((fs) => fs.filter((f) => f.from !== f.to)),
    external: fc.uniqueArray(tier, { maxLength: 2 }),
    baselines: fc.array(fc.boolean(), { minLength: APP_NAMESPACES.length, maxLength: APP_NAMESPACES.length }),
    mesh: fc.constantFrom<MeshMode>('none', 'sidecar', 'ambient'),
    dns: fc.constantFrom<DnsVariant>('kubeDns', 'nodeLocal', 'openshift'),
    controllerBackend: fc.option(tier, { nil: undefined }),
    gateway: fc.option(fc.record({ kind: fc.constantFrom<GatewayKind>('envoy', 'istio', 'nginx', 'cilium', 'custom'), backend: tier }), { nil: undefined }),
    egress: fc.option(fc.record({
      tier,
      enforcement: fc.constantFrom<Enforcement>('none', 'istio', 'cilium'),
      fqdn: fc.boolean(),
      toTier: fc.option(tier, { nil: undefined }),
    }), { nil: undefined }),
    clusterIsolation: fc.boolean(),
    isolateGatewayNamespace: fc.boolean(),
    exempt: fc.constant([]),
  });
}).map(normalize);

/** Combinations the documentation refuses by design are turned into ones it accepts. */
function normalize(spec: AppSpec): AppSpec {
  let egress = spec.egress;
  if (egress) {
    // FqdnEnforcement.ISTIO needs sidecars (documented refusal otherwise); an FQDN needs an enforcement point.
    const enforcement = egress.enforcement === 'istio' && spec.mesh !== 'sidecar' ? 'cilium' : egress.enforcement;
    const toTier = egress.toTier === egress.tier ? undefined : egress.toTier;
    egress = { ...egress, enforcement, toTier, fqdn: egress.fqdn && enforcement !== 'none' };
  }
  // Refused by design: Cilium's ingress proxy into a tier the mesh authorizes by identity.
  const gateway = spec.gateway?.kind === 'cilium' && spec.mesh !== 'none' ? { ...spec.gateway, kind: 'custom' as const } : spec.gateway;
  // Refused by design: an allowlist on a tier that does not isolate egress; an edge backend that does not
  // isolate ingress.
  const backends = [spec.controllerBackend, spec.gateway?.backend];
  const tiers = spec.tiers.map((t, i) => ({
    ...t,
    isolateEgress: t.isolateEgress || egress?.tier === i,
    // Refused by design (test/guardrails/cluster-isolation.test.ts): a tier that leaves ingress open in a
    // namespace the ClusterIsolation guards.
    isolateIngress: t.isolateIngress || backends.includes(i) || (spec.clusterIsolation && !(spec.exempt ?? []).includes(APP_NAMESPACES[t.ns])),
  }));
  // Refused by design: a sidecar in REGISTRY_ONLY would drop an address-block flow declared outside the allowlist.
  const external = egress?.enforcement === 'istio' ? spec.external.filter((i) => i !== egress!.tier) : spec.external;
  // Refused by design: isolating the namespace the data plane runs in.
  const isolateGatewayNamespace = spec.isolateGatewayNamespace && gateway !== undefined && dataPlaneOf(gateway.kind)?.namespace !== GATEWAY_NAMESPACE;
  return { ...spec, tiers, egress, gateway, external, isolateGatewayNamespace };
}

/** Where each gateway implementation runs its data plane, and its service account (as documented). */
export interface DataPlane {
  readonly namespace: string;
  readonly labels: { [k: string]: string };
  readonly serviceAccount?: string;
  readonly ports: number[];
}

export const GATEWAY_NAMESPACE = 'edge';
export const GATEWAY_CLASS: { [k in GatewayKind]: string } = { envoy: 'eg', istio: 'istio', nginx: 'nginx', cilium: 'cilium', custom: 'proxy' };

export function dataPlaneOf(kind: GatewayKind): DataPlane | undefined {
  switch (kind) {
    case 'envoy': return {
      namespace: 'envoy-gateway-system',
      labels: { 'gateway.envoyproxy.io/owning-gateway-name': 'edge', 'gateway.envoyproxy.io/owning-gateway-namespace': GATEWAY_NAMESPACE },
      serviceAccount: 'envoy-edge',
      ports: [10080, 10443],
    };
    case 'istio': return { namespace: GATEWAY_NAMESPACE, labels: { 'gateway.networking.k8s.io/gateway-name': 'edge' }, serviceAccount: 'edge-istio', ports: [80, 443] };
    case 'nginx': return { namespace: GATEWAY_NAMESPACE, labels: { 'app.kubernetes.io/name': 'edge-nginx' }, serviceAccount: 'edge-nginx', ports: [80, 443] };
    case 'custom': return { namespace: 'proxy-system', labels: { app: 'custom-proxy' }, serviceAccount: 'custom-proxy', ports: [8443] };
    default: return undefined; // Cilium: the node's Envoy, the reserved `ingress` identity
  }
}

export const CONTROLLER: DataPlane = { namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' }, serviceAccount: 'ingress-nginx', ports: [80, 443] };

/** Namespaces ClusterIsolation leaves alone: kube-system (by name) and those the spec exempts with a reason. */
export function exemptNamespaces(spec: AppSpec): string[] {
  return [...new Set(['kube-system', ...spec.exempt])].sort();
}

function dnsOf(variant: DnsVariant): ClusterDns {
  switch (variant) {
    case 'nodeLocal': return ClusterDns.nodeLocalCache();
    case 'openshift': return ClusterDns.kubeDns({ namespace: 'openshift-dns', podLabels: { 'dns.operator.openshift.io/daemonset-dns': 'default' }, ports: [5353] });
    default: return ClusterDns.kubeDns();
  }
}

function implementationOf(kind: GatewayKind): GatewayImplementation {
  switch (kind) {
    case 'envoy': return GatewayImplementation.envoyGateway();
    case 'istio': return GatewayImplementation.istio();
    case 'nginx': return GatewayImplementation.nginxGatewayFabric();
    case 'cilium': return GatewayImplementation.cilium();
    default: {
      const dp = dataPlaneOf('custom')!;
      return GatewayImplementation.custom({ namespace: dp.namespace, podLabels: dp.labels, serviceAccountName: dp.serviceAccount });
    }
  }
}

/** Builds the app through the public constructs and returns every synthesized object. */
export function build(spec: AppSpec): any[] {
  const app: App = Testing.app();
  const chart = new Chart(app, 'app');
  const dns = dnsOf(spec.dns);
  spec.baselines.forEach((on, i) => {
    if (on) new NamespaceIsolation(chart, `base-${APP_NAMESPACES[i]}`, { namespace: APP_NAMESPACES[i], dns });
  });
  if (spec.isolateGatewayNamespace) new NamespaceIsolation(chart, 'base-edge', { namespace: GATEWAY_NAMESPACE, dns });
  const tiers = spec.tiers.map((t, i) => new IsolatedTier(chart, `t${i}`, {
    podLabels: { app: `t${i}` },
    namespace: APP_NAMESPACES[t.ns],
    ports: [Port.tcp(t.port)],
    serviceAccountName: `t${i}`,
    isolateIngress: t.isolateIngress,
    isolateEgress: t.isolateEgress,
    inMesh: spec.mesh !== 'none',
    dns,
  }));
  for (const f of spec.flows) {
    if (f.explicitPort) tiers[f.to].allowFrom(tiers[f.from], Port.tcp(spec.tiers[f.to].port));
    else tiers[f.to].allowFrom(tiers[f.from]);
  }
  for (const i of spec.external) tiers[i].allowTo(Peer.ipBlock(EXTERNAL_BLOCK), Port.tcp(443));
  const identities: WorkloadIdentity[] = [];
  if (spec.controllerBackend !== undefined) {
    const b = spec.controllerBackend;
    new SecureIngress(chart, 'public', {
      host: 'shop.example.com',
      backend: tiers[b],
      port: Port.tcp(spec.tiers[b].port),
      clusterIssuer: 'letsencrypt-prod',
      controller: IngressController.ingressNginx(),
    });
  }
  if (spec.gateway) {
    const g = spec.gateway;
    const gw = new SecureGateway(chart, 'edge', {
      namespace: GATEWAY_NAMESPACE, gatewayClassName: GATEWAY_CLASS[g.kind], implementation: implementationOf(g.kind), clusterIssuer: 'letsencrypt-prod',
    });
    new SecureIngress(chart, 'api-edge', { host: 'api.example.com', backend: tiers[g.backend], port: Port.tcp(spec.tiers[g.backend].port), gateway: gw });
    // Envoy Gateway's service account name carries a hash: the app names it (documented way).
    if (g.kind === 'envoy') identities.push({ peer: gw.peer, serviceAccountName: dataPlaneOf('envoy')!.serviceAccount! });
  }
  if (spec.egress) {
    const e = spec.egress;
    const allow = [Destination.cidr(EGRESS_BLOCK, Port.tcp(22))];
    if (e.fqdn) allow.push(Destination.fqdn(FQDN, Port.tcp(443)));
    if (e.toTier !== undefined) allow.push(Destination.tier(tiers[e.toTier], Port.tcp(spec.tiers[e.toTier].port)));
    new RestrictedEgress(chart, 'egress', {
      tier: tiers[e.tier],
      allow,
      fqdnEnforcement: e.enforcement === 'istio' ? FqdnEnforcement.ISTIO : e.enforcement === 'cilium' ? FqdnEnforcement.CILIUM : undefined,
    });
  }
  if (spec.mesh !== 'none') {
    const injection = spec.mesh === 'ambient' ? MeshInjection.ambient() : MeshInjection.sidecar();
    for (const ns of APP_NAMESPACES) new MeshMtls(chart, `mesh-${ns}`, { namespace: ns, injection, identities });
  }
  if (spec.clusterIsolation) {
    const platform = new Chart(app, 'cluster');
    new ClusterIsolation(platform, 'guardrails', {
      exemptNamespaces: ['kube-system'],
      exemptions: spec.exempt.map((ns) => NamespaceExemption.of(ns, 'runs a platform component whose flows the library cannot write (composition test)')),
      apiServerAddresses: [`${API_SERVER_IP}/32`],
      dns,
    });
  }
  return app.charts.flatMap((c) => Testing.synth(c));
}
