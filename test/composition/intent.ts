/*
 * What a composition app means, written from its description and the documentation alone: the pods it
 * runs (tiers, a non-tier pod per app namespace, and the platform: DNS, istiod and ztunnel, cert-manager,
 * edge data planes and their controllers and neighbours, ACME solvers, a kube-system pod), the addresses
 * outside (the API server among them), and the flows that must be allowed. Everything not listed must be
 * denied. Where the library documents that it cannot write a platform component's flows in a guarded
 * namespace, the app must be refused at synth, naming the namespace and the fix (`refusalsOf`).
 */
import {
  API_SERVER_IP, APP_NAMESPACES, AppSpec, CONTROLLER, dataPlaneOf, EGRESS_BLOCK, exemptNamespaces, EXTERNAL_BLOCK, FQDN, GATEWAY_NAMESPACE,
} from './app-spec';
import {
  API_SERVER_PORTS, CERT_MANAGER_CAINJECTOR, CERT_MANAGER_CONTROLLER, CERT_MANAGER_WEBHOOK, CERT_MANAGER_WEBHOOK_PORT, ENVOY_GATEWAY_CONTROLLER,
  ENVOY_GATEWAY_XDS, INGRESS_NGINX_CONTROLLER_LABELS, INGRESS_NGINX_WEBHOOK, ISTIOD, ISTIOD_WEBHOOK, ISTIOD_XDS, KUBE_DNS, OPENSHIFT_DNS, PlatformPod,
  ZTUNNEL,
} from './platform';
import { Endpoint, inCidr, MeshDataPlane, Pod } from './world';

export type Role = 'tier' | 'stranger' | 'system' | 'dns' | 'istiod' | 'ztunnel' | 'cert-manager' | 'edge-controller' | 'edge' | 'neighbour' | 'solver' | 'outside';

/** One endpoint of the world with what the app says about it. */
export interface Actor {
  readonly key: string;
  readonly role: Role;
  readonly endpoint: Endpoint;
  readonly tier?: number;
  /** Egress (ingress) is denied except for listed flows. */
  readonly egressIsolated: boolean;
  readonly ingressIsolated: boolean;
  /** Isolated only by the ClusterNetworkPolicy Baseline, whose ingress deny names pods, not outside addresses. */
  readonly ingressBaselineOnly: boolean;
}

/**
 * A flow the app must allow: sources, destinations, protocol and ports; `mesh` when the mesh must authorize
 * it too. `ingressOnly` flows are admissions by the destination alone (istiod serves every pod): the
 * source's egress must be open by itself or by another flow.
 */
export interface Flow {
  readonly why: string;
  readonly from: (a: Actor) => boolean;
  readonly to: (a: Actor) => boolean;
  readonly protocol: 'TCP' | 'UDP';
  readonly ports: (port: number) => boolean;
  readonly mesh: boolean;
  readonly ingressOnly?: boolean;
}

export interface Intent {
  readonly actors: Actor[];
  readonly flows: Flow[];
  readonly guarded: (ns: string) => boolean;
  /** The metadata endpoint is denied to every namespace, exempt ones too (exemptions lift the Baseline deny only). */
  readonly metadataDenied: boolean;
}

/** A refusal the documentation promises: a guarded namespace running a component the library cannot write. */
export interface Refusal {
  readonly namespace: string;
  readonly component: string;
  /** Text the message must contain: the fix. */
  readonly fix: string;
}

const NON_PUBLIC = ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16', '224.0.0.0/3'];
const isPublic = (ip: string) => !NON_PUBLIC.some((c) => inCidr(ip, c));
export const METADATA_IP = '169.254.169.254';
const SOLVER_LABELS = { 'acme.cert-manager.io/http01-solver': 'true' };

const ipOfActor = (a: Actor) => ('ip' in a.endpoint ? a.endpoint.ip : undefined);
const nsOf = (a: Actor) => ('pod' in a.endpoint ? a.endpoint.pod.namespace : undefined);
const is = (key: string) => (a: Actor) => a.key === key;
const isOneOf = (...keys: string[]) => (a: Actor) => keys.includes(a.key);
const onPort = (...ports: number[]) => (p: number) => ports.includes(p);
const outside = (a: Actor) => ipOfActor(a) !== undefined;
const exemptionFix = (ns: string) => `NamespaceExemption.of("${ns}"`;

/**
 * The refusals an app under ClusterIsolation must get (docs/cluster-guardrails.md, "Refused at synth"):
 * ambient's ztunnel in a guarded root namespace, and a data plane whose control plane the library does not
 * know (NGINX Gateway Fabric, custom). The fix is exempting the namespace with a reason. An ingress
 * controller whose profile knows its ports (ingress-nginx) is a platform component the guardrails write.
 */
export function refusalsOf(spec: AppSpec): Refusal[] {
  if (!spec.clusterIsolation) return [];
  const out: Refusal[] = [];
  const add = (namespace: string, component: string) => {
    if (!exemptNamespaces(spec).includes(namespace)) out.push({ namespace, component, fix: exemptionFix(namespace) });
  };
  if (spec.mesh === 'ambient') add('istio-system', 'ztunnel');
  if (spec.gateway?.kind === 'nginx' || spec.gateway?.kind === 'custom') add(dataPlaneOf(spec.gateway.kind)!.namespace, 'data plane');
  return out;
}

export function intentOf(spec: AppSpec): Intent {
  const exempt = exemptNamespaces(spec);
  const guarded = (ns: string) => spec.clusterIsolation && !exempt.includes(ns);
  const baseline = (ns: string) => spec.baselines[APP_NAMESPACES.indexOf(ns)] === true || (ns === GATEWAY_NAMESPACE && spec.isolateGatewayNamespace);
  const appMesh: MeshDataPlane = spec.mesh;
  // Edge proxies present a mesh identity whenever the app runs a mesh (ingress-nginx and gateways injected).
  const edgeMesh: MeshDataPlane = spec.mesh === 'none' ? 'none' : 'sidecar';
  const actors: Actor[] = [];
  const pod = (key: string, role: Role, p: Omit<Pod, 'name'>, iso: { egress: boolean; ingress: boolean; explicitIngress: boolean }, tier?: number) => {
    actors.push({
      key,
      role,
      tier,
      endpoint: { pod: { name: key, ...p } },
      egressIsolated: iso.egress || guarded(p.namespace),
      ingressIsolated: iso.ingress || guarded(p.namespace),
      ingressBaselineOnly: !iso.explicitIngress && guarded(p.namespace),
    });
  };
  const unselected = { egress: false, ingress: false, explicitIngress: false };
  // A platform component the app's features record: under ClusterIsolation, a guarded namespace running
  // it gets a NetworkPolicy for it (documented), which isolates its ingress explicitly.
  const platformPod = (key: string, role: Role, p: PlatformPod, recorded: boolean, mesh: MeshDataPlane = 'none') => pod(key, role, {
    namespace: p.namespace,
    labels: p.labels,
    ports: [...p.ports.map((containerPort) => ({ containerPort })), ...(p.udpPorts ?? []).map((containerPort) => ({ containerPort, protocol: 'UDP' }))],
    serviceAccount: p.serviceAccount,
    mesh,
  }, { ...unselected, explicitIngress: recorded && guarded(p.namespace) });

  spec.tiers.forEach((t, i) => {
    const ns = APP_NAMESPACES[t.ns];
    const ingress = t.isolateIngress || baseline(ns);
    pod(`t${i}`, 'tier', { namespace: ns, labels: { app: `t${i}` }, ports: [{ containerPort: t.port }], serviceAccount: `t${i}`, mesh: appMesh },
      // Under ClusterIsolation a tier counts as isolated both ways (documented): its NetworkPolicy says so.
      { egress: t.isolateEgress || baseline(ns), ingress, explicitIngress: ingress || guarded(ns) }, i);
  });
  for (const ns of APP_NAMESPACES) {
    pod(`stranger-${ns}`, 'stranger', { namespace: ns, labels: { app: 'stranger' }, ports: [8080, 9090, 5432].map((containerPort) => ({ containerPort })), serviceAccount: 'stranger', mesh: appMesh },
      { egress: baseline(ns), ingress: baseline(ns), explicitIngress: baseline(ns) });
  }
  pod('system', 'system', { namespace: 'kube-system', labels: { 'k8s-app': 'metrics-server' }, ports: [{ containerPort: 10250 }], serviceAccount: 'metrics-server' }, unselected);

  // The cluster DNS: recorded by ClusterIsolation (its `dns`).
  const dnsPod = spec.dns === 'openshift' ? OPENSHIFT_DNS : KUBE_DNS;
  const dnsPort = spec.dns === 'openshift' ? 5353 : 53;
  platformPod('dns', 'dns', dnsPod, spec.clusterIsolation);
  // Under OpenShift DNS, a pod that looks like CoreDNS in kube-system serves nobody's lookups: a rule to
  // kube-dns on 53 written despite the app's DNS would show here.
  if (spec.dns === 'openshift') platformPod('kube-dns-lookalike', 'system', KUBE_DNS, false);
  // istiod runs where the app uses Istio; MeshMtls records it, and so does an Istio gateway (its control plane).
  const istiodRuns = spec.mesh !== 'none' || spec.gateway?.kind === 'istio';
  if (istiodRuns) platformPod('istiod', 'istiod', ISTIOD, true);
  if (spec.mesh === 'ambient') platformPod('ztunnel', 'ztunnel', ZTUNNEL, true);
  // cert-manager issues every certificate of the app (each SecureIngress and issued listener).
  const certificates = spec.controllerBackend !== undefined || spec.gateway !== undefined;
  if (certificates) {
    platformPod('cm-controller', 'cert-manager', CERT_MANAGER_CONTROLLER, true);
    platformPod('cm-webhook', 'cert-manager', CERT_MANAGER_WEBHOOK, true);
    platformPod('cm-cainjector', 'cert-manager', CERT_MANAGER_CAINJECTOR, true);
  }

  const edgeFlows: Flow[] = [];
  const solverFlow = (edgeKey: (a: Actor) => boolean, solverNs: string, why: string) => {
    const key = `solver-${solverNs}`;
    if (!actors.some(is(key))) {
      const mesh: MeshDataPlane = APP_NAMESPACES.includes(solverNs) && spec.mesh === 'ambient' ? 'ambient' : 'none';
      pod(key, 'solver', { namespace: solverNs, labels: SOLVER_LABELS, ports: [{ containerPort: 8089 }], mesh }, { egress: baseline(solverNs), ingress: true, explicitIngress: true });
    }
    edgeFlows.push({ why, from: edgeKey, to: is(key), protocol: 'TCP', ports: onPort(8089), mesh: true });
  };
  const fromOutside = (to: (a: Actor) => boolean, ports: number[], why: string) =>
    edgeFlows.push({ why, from: outside, to, protocol: 'TCP', ports: onPort(...ports), mesh: false });
  if (spec.controllerBackend !== undefined) {
    const b = spec.controllerBackend;
    // The controller is a platform component (SecureIngress records it): a guarded namespace gets its policy.
    const ports = [...CONTROLLER.ports, INGRESS_NGINX_WEBHOOK].map((containerPort) => ({ containerPort }));
    pod('controller', 'edge', { namespace: CONTROLLER.namespace, labels: INGRESS_NGINX_CONTROLLER_LABELS, ports, serviceAccount: CONTROLLER.serviceAccount, mesh: edgeMesh },
      { ...unselected, explicitIngress: guarded(CONTROLLER.namespace) });
    pod('controller-neighbour', 'neighbour', { namespace: CONTROLLER.namespace, labels: { app: 'neighbour' }, serviceAccount: 'neighbour', mesh: edgeMesh }, unselected);
    edgeFlows.push({ why: 'ingress controller -> backend', from: is('controller'), to: is(`t${b}`), protocol: 'TCP', ports: onPort(spec.tiers[b].port), mesh: true });
    fromOutside(is('controller'), CONTROLLER.ports, 'outside -> ingress controller');
    solverFlow(is('controller'), APP_NAMESPACES[spec.tiers[b].ns], 'ingress controller -> ACME solver');
  }
  if (spec.gateway) {
    const g = spec.gateway;
    const dp = dataPlaneOf(g.kind);
    let edge: (a: Actor) => boolean;
    if (dp) {
      const written = g.kind === 'envoy' || g.kind === 'istio';
      pod('dataplane', 'edge', { namespace: dp.namespace, labels: dp.labels, ports: dp.ports.map((containerPort) => ({ containerPort })), serviceAccount: dp.serviceAccount, mesh: edgeMesh },
        { ...unselected, explicitIngress: written && guarded(dp.namespace) });
      pod('dataplane-neighbour', 'neighbour', { namespace: dp.namespace, labels: { app: 'neighbour' }, serviceAccount: 'neighbour', mesh: edgeMesh }, unselected);
      edge = is('dataplane');
      fromOutside(edge, dp.ports, 'outside -> gateway data plane');
      if (g.kind === 'envoy') {
        platformPod('eg-controller', 'edge-controller', ENVOY_GATEWAY_CONTROLLER, true);
        edgeFlows.push({ why: 'Envoy proxy -> Envoy Gateway xDS', from: edge, to: is('eg-controller'), protocol: 'TCP', ports: onPort(ENVOY_GATEWAY_XDS), mesh: false });
      }
      if (g.kind === 'istio') {
        edgeFlows.push({ why: 'Istio gateway -> istiod xDS', from: edge, to: is('istiod'), protocol: 'TCP', ports: onPort(ISTIOD_XDS), mesh: false });
      }
    } else {
      actors.push({ key: 'cilium-ingress', role: 'edge', endpoint: { entity: 'ingress' }, egressIsolated: false, ingressIsolated: false, ingressBaselineOnly: false });
      edge = is('cilium-ingress');
    }
    edgeFlows.push({ why: 'gateway data plane -> backend', from: edge, to: is(`t${g.backend}`), protocol: 'TCP', ports: onPort(spec.tiers[g.backend].port), mesh: true });
    solverFlow(edge, GATEWAY_NAMESPACE, 'gateway data plane -> ACME solver');
  }
  const addresses: Array<[string, string, string?]> = [
    ['ext', '203.0.113.9'], ['egress-block', '198.51.100.7'], ['public', '8.8.8.8'], ['stripe', '54.187.174.169', FQDN],
    ['metadata', METADATA_IP], ['private', '10.20.30.40'], ['apiserver', API_SERVER_IP],
  ];
  if (spec.dns === 'nodeLocal') addresses.push(['node-local-dns', '169.254.20.10']);
  // Ambient rewrites kubelet health probes to come from this link-local address (istio.io, ambient and
  // NetworkPolicy).
  if (spec.mesh === 'ambient') addresses.push(['ambient-probe', '169.254.7.127']);
  for (const [key, ip, fqdn] of addresses) {
    actors.push({ key, role: 'outside', endpoint: fqdn ? { ip, fqdn } : { ip }, egressIsolated: false, ingressIsolated: false, ingressBaselineOnly: false });
  }

  const tierKey = (i: number) => is(`t${i}`);
  const flows: Flow[] = [...edgeFlows];
  for (const f of spec.flows) {
    flows.push({ why: `t${f.from} -> t${f.to}`, from: tierKey(f.from), to: tierKey(f.to), protocol: 'TCP', ports: onPort(spec.tiers[f.to].port), mesh: true });
  }
  for (const i of spec.external) {
    flows.push({ why: `t${i} -> ${EXTERNAL_BLOCK}`, from: tierKey(i), to: (a) => inBlock(a, EXTERNAL_BLOCK), protocol: 'TCP', ports: onPort(443), mesh: false });
  }
  const anyPod = (a: Actor) => 'pod' in a.endpoint;
  const dnsServer = (a: Actor) => a.key === 'dns' || (spec.dns === 'nodeLocal' && a.key === 'node-local-dns');
  for (const protocol of ['UDP', 'TCP'] as const) {
    flows.push({ why: 'DNS', from: anyPod, to: dnsServer, protocol, ports: onPort(dnsPort), mesh: true });
    // The DNS pods forward to the node's resolvers (any address) and watch the API server.
    flows.push({ why: 'DNS -> upstream resolvers', from: is('dns'), to: outside, protocol, ports: onPort(53), mesh: false });
  }
  const apiServer = is('apiserver');
  // An ingress controller is its own control plane: it watches Ingresses, Services and Secrets.
  const apiClients = ['dns', 'istiod', 'cm-controller', 'cm-webhook', 'cm-cainjector', 'eg-controller', 'controller'];
  flows.push({ why: 'platform -> API server', from: isOneOf(...apiClients), to: apiServer, protocol: 'TCP', ports: onPort(...API_SERVER_PORTS), mesh: false });
  flows.push({ why: 'API server -> istiod webhooks', from: apiServer, to: is('istiod'), protocol: 'TCP', ports: onPort(ISTIOD_WEBHOOK), mesh: false });
  flows.push({ why: 'API server -> ingress-nginx admission webhook', from: apiServer, to: is('controller'), protocol: 'TCP', ports: onPort(INGRESS_NGINX_WEBHOOK), mesh: false });
  flows.push({ why: 'API server -> cert-manager webhook', from: apiServer, to: is('cm-webhook'), protocol: 'TCP', ports: onPort(CERT_MANAGER_WEBHOOK_PORT), mesh: false });
  // ACME servers and HTTP-01 self-checks, reached by address (no NetworkPolicy names a host).
  flows.push({ why: 'cert-manager -> ACME', from: is('cm-controller'), to: outside, protocol: 'TCP', ports: onPort(443, 80), mesh: false });
  // istiod serves xDS and certificates to every pod (documented); who dials it is the clients' side.
  flows.push({ why: 'istiod serves xDS', from: anyPod, to: is('istiod'), protocol: 'TCP', ports: onPort(ISTIOD_XDS), mesh: false, ingressOnly: true });
  const sidecars = (a: Actor) => (spec.mesh === 'sidecar' && APP_NAMESPACES.includes(nsOf(a) ?? ''))
    || (edgeMesh === 'sidecar' && ['controller', 'dataplane'].includes(a.key)) || a.key === 'ztunnel';
  if (istiodRuns) flows.push({ why: 'sidecar / ztunnel -> istiod', from: sidecars, to: is('istiod'), protocol: 'TCP', ports: onPort(ISTIOD_XDS), mesh: true });
  if (spec.egress) {
    const e = spec.egress;
    flows.push({ why: `t${e.tier} -> ${EGRESS_BLOCK}`, from: tierKey(e.tier), to: (a) => inBlock(a, EGRESS_BLOCK), protocol: 'TCP', ports: onPort(22), mesh: false });
    if (e.fqdn && e.enforcement === 'cilium') {
      flows.push({ why: `t${e.tier} -> ${FQDN} (Cilium)`, from: tierKey(e.tier), to: (a) => 'ip' in a.endpoint && a.endpoint.fqdn === FQDN, protocol: 'TCP', ports: onPort(443), mesh: false });
    }
    if (e.fqdn && e.enforcement === 'istio') {
      // Documented: the NetworkPolicy opens the FQDN ports to every public address; the sidecar narrows to the name.
      flows.push({ why: `t${e.tier} -> public 443 (Istio FQDN)`, from: tierKey(e.tier), to: (a) => ipOfActor(a) !== undefined && isPublic(ipOfActor(a)!), protocol: 'TCP', ports: onPort(443), mesh: false });
    }
    if (e.toTier !== undefined) {
      flows.push({ why: `t${e.tier} -> t${e.toTier} (RestrictedEgress)`, from: tierKey(e.tier), to: tierKey(e.toTier), protocol: 'TCP', ports: onPort(spec.tiers[e.toTier].port), mesh: true });
    }
  }
  if (spec.mesh === 'ambient') {
    // Between ambient pods a connection travels as HBONE to TCP 15008 of the destination pod, which is all
    // its NetworkPolicies see: each flow the mesh authorizes into an app namespace also needs 15008
    // between exactly its two sides; and the probes reach every pod of those namespaces.
    const meshed = flows.filter((f) => f.mesh && !f.ingressOnly);
    for (const f of meshed) {
      flows.push({ ...f, why: `${f.why} (HBONE)`, to: (a) => f.to(a) && APP_NAMESPACES.includes(nsOf(a) ?? ''), ports: onPort(15008), protocol: 'TCP', mesh: false });
    }
    for (const protocol of ['TCP', 'UDP'] as const) {
      flows.push({ why: 'ambient probes', from: is('ambient-probe'), to: (a) => APP_NAMESPACES.includes(nsOf(a) ?? ''), protocol, ports: () => true, mesh: false });
    }
  }
  return { actors, flows, guarded, metadataDenied: spec.clusterIsolation };
}

function inBlock(a: Actor, cidr: string): boolean {
  const ip = ipOfActor(a);
  return ip !== undefined && inCidr(ip, cidr);
}

/** The expected L4 verdict. */
export function expectL4(intent: Intent, src: Actor, dst: Actor, protocol: 'TCP' | 'UDP', port: number): { allowed: boolean; why?: string } {
  if (src === dst) return { allowed: true, why: 'self' };
  const matching = intent.flows.filter((f) => f.protocol === protocol && f.ports(port) && f.from(src) && f.to(dst));
  const flow = matching.find((f) => !f.ingressOnly);
  const admitted = matching[0];
  const srcNs = nsOf(src);
  if (srcNs !== undefined && intent.metadataDenied && ipOfActor(dst) === METADATA_IP) return { allowed: false };
  const egressOk = !('pod' in src.endpoint) || !src.egressIsolated || flow !== undefined;
  const fromOutside = !('pod' in src.endpoint);
  const ingressOk = !('pod' in dst.endpoint) || !dst.ingressIsolated || admitted !== undefined || (fromOutside && dst.ingressBaselineOnly);
  return { allowed: egressOk && ingressOk, why: (flow ?? admitted)?.why };
}

/** The expected mesh verdict at the destination's proxy (STRICT mTLS, identity-based authorization). */
export function expectL7(intent: Intent, src: Actor, dst: Actor, protocol: 'TCP' | 'UDP', port: number): boolean {
  if (!('pod' in dst.endpoint) || (dst.endpoint.pod.mesh ?? 'none') === 'none') return true;
  // Only the app namespaces are covered by MeshMtls; edge proxies elsewhere carry identities but no policy.
  if (!APP_NAMESPACES.includes(dst.endpoint.pod.namespace)) return true;
  if (!('pod' in src.endpoint) || (src.endpoint.pod.mesh ?? 'none') === 'none') return false;
  return intent.flows.some((f) => f.mesh && !f.ingressOnly && f.protocol === protocol && f.ports(port) && f.from(src) && f.to(dst));
}
