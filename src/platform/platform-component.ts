import { IConstruct } from 'constructs';
import { IPeer, Peer } from '../core/peer';
import { Port } from '../core/port';

/*
 * Platform components as the intent model records them: pods the cluster runs for the app's features
 * (cluster DNS, the mesh control plane, an edge's data plane and its controller), with the flows they
 * need. Under a ClusterIsolation, a component in a guarded namespace becomes an isolated group whose
 * NetworkPolicy admits exactly those flows, so the Baseline deny never cuts it off.
 *
 * Sources for the facts below (one home each):
 * - CoreDNS: k8s-app=kube-dns in kube-system, UDP/TCP 53
 *   (https://kubernetes.io/docs/tasks/administer-cluster/dns-custom-nameservers/); it forwards to the
 *   node's resolvers and watches the API server.
 * - istiod: app=istiod, 15010 (xDS plaintext), 15012 (xDS and CA over TLS), 15014 (monitoring), 15017
 *   (webhooks) (https://istio.io/latest/docs/ops/deployment/application-requirements/, "Ports used by Istio").
 * - ztunnel: app=ztunnel in istio-system, a client of istiod on 15012 (https://istio.io/latest/docs/ambient/architecture/).
 * - Envoy Gateway: the controller (control-plane=envoy-gateway in envoy-gateway-system) serves xDS on
 *   18000; each Gateway's Envoy maps a privileged listener port (< 1024) to that port + 10000
 *   (https://gateway.envoyproxy.io/docs/tasks/quickstart/, the note on privileged ports).
 * - cert-manager (Helm chart, namespace cert-manager): controller app.kubernetes.io/name=cert-manager +
 *   app.kubernetes.io/component=controller (metrics 9402), webhook app.kubernetes.io/name=webhook (secure
 *   port 10250, called by the API server), cainjector app.kubernetes.io/name=cainjector
 *   (https://cert-manager.io/docs/installation/best-practice/#network-requirements); the controller
 *   reaches ACME servers on 443 and self-checks HTTP-01 challenges on 80 through the public address.
 * - ingress-nginx (Helm chart kubernetes/ingress-nginx, charts/ingress-nginx): controller pods
 *   app.kubernetes.io/name=ingress-nginx, app.kubernetes.io/instance=<release>,
 *   app.kubernetes.io/component=controller; container ports http 80 and https 443
 *   (values.yaml controller.containerPort), the admission webhook on 8443 (controller.admissionWebhooks.port,
 *   enabled by default), metrics and health on 10254 (kubelet probes; metrics off by default).
 * - HAProxy Kubernetes Ingress (Helm chart haproxytech/helm-charts, kubernetes-ingress): container ports
 *   http 8080 and https 8443 (values.yaml controller.containerPort, unprivileged by default), stat 1024.
 * - F5 NGINX Ingress Controller (Helm chart nginx/kubernetes-ingress, charts/nginx-ingress): container ports
 *   http 80 and https 443 (values.yaml controller.containerPort).
 * - Every ingress controller watches Ingresses, Services and Secrets through the API server.
 * - The API server: pods reach it on the `kubernetes` Service's endpoints, port 443 or 6443; it calls
 *   webhooks from the control plane's addresses.
 */

/** The API server's ports as pods see them after the `kubernetes` Service's DNAT (managed clusters 443, kubeadm 6443). */
export const API_SERVER_PORTS = [Port.tcp(443), Port.tcp(6443)];

/** istiod's xDS and CA port (TLS), which every sidecar, gateway and ztunnel dials. */
export const ISTIOD_XDS_TLS_PORT = 15012;
/** istiod's injection and validation webhook port, which the API server dials. */
export const ISTIOD_WEBHOOK_PORT = 15017;
/** Where Istio installs istiod by default (the root namespace). */
export const ISTIO_ROOT_NAMESPACE = 'istio-system';
/** The labels of istiod's pods. */
export const ISTIOD_LABELS = { app: 'istiod' };
/** The labels of ztunnel's pods (ambient mode). */
export const ZTUNNEL_LABELS = { app: 'ztunnel' };

/** Envoy Gateway's controller: labels, default namespace, and the xDS port its proxies dial. */
export const ENVOY_GATEWAY_CONTROLLER_LABELS = { 'control-plane': 'envoy-gateway' };
export const ENVOY_GATEWAY_XDS_PORT = 18000;

/** One flow a component needs: the peer on the other side and the ports (destination ports). */
export interface ComponentFlow {
  /** The other side. */
  readonly peer: IPeer;
  /** The destination ports. */
  readonly ports: Port[];
  /**
   * True when `peer` stands for every pod (any namespace): the flow is written on the component only;
   * each client's side is written by the feature that makes it a client.
   * @default false
   */
  readonly everyPod?: boolean;
}

/** A platform component: pods the cluster runs for a feature of the app, and the flows they need. */
export interface PlatformComponent {
  /** A short readable name, unique per namespace (the NetworkPolicy name when guarded). */
  readonly name: string;
  /** What it is, for errors: `the cluster DNS`, `istiod`. */
  readonly description: string;
  /** The namespace of its pods. */
  readonly namespace: string;
  /**
   * True when `namespace` is where the component is installed (a default such as istio-system, or the
   * namespace the user gave its profile), so it counts as a namespace the app knows; false when it
   * follows another construct's namespace (a gateway's data plane in the Gateway's namespace).
   */
  readonly installedNamespace: boolean;
  /** Labels that select exactly its pods. */
  readonly podLabels: { [key: string]: string };
  /** The container ports it serves. */
  readonly ports: Port[];
  /**
   * For an edge's data plane, the container ports its clients reach (what a mesh authorization policy
   * in front of it must name); undefined when the library does not know them.
   * @default - not an edge's data plane
   */
  readonly clientPorts?: Port[];
  /**
   * True for an edge's data plane (a gateway's proxies, an ingress controller), which clients from outside
   * the mesh reach on `clientPorts`.
   * @default false
   */
  readonly dataPlane?: boolean;
  /** Who connects to it. */
  readonly ingress: ComponentFlow[];
  /** What it connects to. */
  readonly egress: ComponentFlow[];
  /** API server ports it serves webhooks on (the API server dials them). */
  readonly webhookPorts: Port[];
  /** True when it watches or calls the API server. */
  readonly callsApiServer: boolean;
  /**
   * Why the library cannot write its flows, with the fix: a guarded namespace running it is refused.
   * @default - its flows are known
   */
  readonly unwritable?: string;
  /**
   * Audit findings its policy carries by design, with the reason (e.g. ACME servers are reached by
   * address on 443 because a NetworkPolicy cannot name a host).
   * @default - none
   */
  readonly accepted?: AcceptedFinding[];
  /** The construct whose feature needs it. */
  readonly declaredBy: IConstruct;
}

/** Audit rules a component's policy accepts, and why. */
export interface AcceptedFinding {
  readonly ruleIds: string[];
  readonly reason: string;
}

/**
 * NodeLocal DNSCache runs on each node's host network and forwards what it has not cached to the cluster
 * DNS pods from the node's address (https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/),
 * which a NetworkPolicy peer naming pods does not match and the library does not know.
 */
export const NODE_CACHE_UNWRITABLE = 'NodeLocal DNSCache forwards lookups to them from the nodes\' addresses (host network), which no NetworkPolicy of the app can name';

/** What the DNS pods forward to besides the upstream resolvers the component's policy opens. */
export interface DnsForwarding {
  /** True when NodeLocal DNSCache forwards to them from the nodes (their ingress cannot be written). */
  readonly nodeCache?: boolean;
  /** Cloud metadata addresses (CIDRs) they forward to on port 53, which their policy cannot open. */
  readonly metadataUpstreams?: string[];
}

/** The cluster DNS pods: lookups from every pod, upstream resolvers on 53, the API server. */
export function dnsComponent(peer: IPeer, ports: Port[], upstreams: IPeer[], declaredBy: IConstruct,
  forwarding: DnsForwarding = {}): PlatformComponent | undefined {
  const config = peer.toPeerConfig();
  const labels = config.podSelector?.matchLabels;
  if (config.namespace === undefined || !labels || config.podSelector?.matchExpressions?.length) return undefined;
  return {
    name: 'cluster-dns',
    installedNamespace: true,
    description: `the cluster DNS (${peer})`,
    namespace: config.namespace,
    podLabels: { ...labels },
    ports,
    ingress: [{ peer: Peer.allPods(), ports, everyPod: true }],
    egress: upstreams.map((u) => ({ peer: u, ports: [Port.udp(53), Port.tcp(53)] })),
    webhookPorts: [],
    callsApiServer: true,
    unwritable: forwarding.nodeCache ? NODE_CACHE_UNWRITABLE : forwarding.metadataUpstreams?.length
      ? `they forward lookups to ${forwarding.metadataUpstreams.join(', ')} on port 53, a cloud metadata address, which every NetworkPolicy the library writes excludes` : undefined,
    declaredBy,
  };
}

/** istiod: xDS and CA for every meshed pod, webhooks from the API server, and the API server itself. */
export function istiodComponent(namespace: string, declaredBy: IConstruct): PlatformComponent {
  return {
    name: 'istiod',
    installedNamespace: true,
    description: `the Istio control plane (istiod in ${namespace})`,
    namespace,
    podLabels: { ...ISTIOD_LABELS },
    ports: [Port.tcp(15010), Port.tcp(ISTIOD_XDS_TLS_PORT), Port.tcp(15014), Port.tcp(ISTIOD_WEBHOOK_PORT)],
    ingress: [{ peer: Peer.allPods(), ports: [Port.tcp(ISTIOD_XDS_TLS_PORT)], everyPod: true }],
    egress: [],
    webhookPorts: [Port.tcp(ISTIOD_WEBHOOK_PORT)],
    callsApiServer: true,
    declaredBy,
  };
}

/**
 * ztunnel (ambient): a client of istiod. It runs in the host's network for redirection but dials istiod
 * from its pod address.
 */
export function ztunnelComponent(namespace: string, declaredBy: IConstruct): PlatformComponent {
  return {
    name: 'ztunnel',
    installedNamespace: true,
    description: `ambient's ztunnel in ${namespace}`,
    namespace,
    podLabels: { ...ZTUNNEL_LABELS },
    ports: [Port.tcp(15008)],
    ingress: [],
    egress: [{ peer: Peer.pods(ISTIOD_LABELS, namespace), ports: [Port.tcp(ISTIOD_XDS_TLS_PORT)] }],
    webhookPorts: [],
    callsApiServer: false,
    unwritable: 'ztunnel carries every meshed pod\'s traffic as HBONE from the node, which NetworkPolicies of its own namespace do not describe',
    declaredBy,
  };
}

/** The Envoy Gateway controller: xDS to its proxies, the API server. */
export function envoyGatewayControllerComponent(namespace: string, declaredBy: IConstruct): PlatformComponent {
  return {
    name: 'envoy-gateway',
    installedNamespace: true,
    description: `the Envoy Gateway controller in ${namespace}`,
    namespace,
    podLabels: { ...ENVOY_GATEWAY_CONTROLLER_LABELS },
    ports: [Port.tcp(ENVOY_GATEWAY_XDS_PORT)],
    ingress: [],
    egress: [],
    webhookPorts: [],
    callsApiServer: true,
    declaredBy,
  };
}

/** What an edge's data plane needs besides its routes (which the routes write). */
export interface DataPlaneNeeds {
  /** Its container ports, which clients outside the cluster reach; undefined when not known. */
  readonly containerPorts?: Port[];
  /** Ports of its own the API server calls (admission webhooks). */
  readonly webhookPorts?: Port[];
  /** True when it watches the API server itself (an ingress controller is its own control plane). */
  readonly callsApiServer?: boolean;
  /** Its control plane, which it dials; undefined when not known. */
  readonly controlPlane?: ComponentFlow;
  /** Why its flows cannot be written, when they cannot. */
  readonly unwritable?: string;
  /** True when it runs in its implementation's own namespace rather than the Gateway's. */
  readonly installedNamespace: boolean;
}

/** A gateway's or ingress controller's data plane: clients from outside on its container ports, its control plane. */
export function dataPlaneComponent(name: string, description: string, namespace: string, podLabels: { [key: string]: string },
  needs: DataPlaneNeeds, declaredBy: IConstruct): PlatformComponent {
  const ports = needs.containerPorts ?? [];
  const webhookPorts = needs.webhookPorts ?? [];
  return {
    name,
    installedNamespace: needs.installedNamespace,
    description,
    namespace,
    podLabels: { ...podLabels },
    ports: [...ports, ...webhookPorts.filter((w) => !ports.some((p) => p.toString() === w.toString()))],
    clientPorts: needs.containerPorts,
    dataPlane: true,
    ingress: ports.length === 0 ? [] : [{ peer: Peer.anyIpv4(), ports }, { peer: Peer.anyIpv6(), ports }],
    egress: needs.controlPlane ? [needs.controlPlane] : [],
    webhookPorts,
    callsApiServer: needs.callsApiServer ?? false,
    unwritable: needs.unwritable,
    declaredBy,
  };
}

/** The default container ports of the ingress controllers the library names (see the sources above). */
export const INGRESS_NGINX_CONTAINER_PORTS = [80, 443];
export const INGRESS_NGINX_WEBHOOK_PORT = 8443;
export const HAPROXY_INGRESS_CONTAINER_PORTS = [8080, 8443];
export const F5_NGINX_INGRESS_CONTAINER_PORTS = [80, 443];

/** Envoy Gateway's container port for a listener port: privileged ports are moved up by 10000. */
export function envoyContainerPort(listenerPort: number): number {
  return listenerPort < 1024 ? listenerPort + 10000 : listenerPort;
}

/** cert-manager's default namespace. */
export const CERT_MANAGER_NAMESPACE = 'cert-manager';
/** cert-manager's webhook port, which the API server dials. */
export const CERT_MANAGER_WEBHOOK_PORT = 10250;

/**
 * cert-manager's three deployments: the controller (ACME servers on 443, HTTP-01 self-checks on 80, both
 * outside the cluster by address), the webhook the API server calls, and the CA injector.
 */
export function certManagerComponents(declaredBy: IConstruct): PlatformComponent[] {
  const namespace = CERT_MANAGER_NAMESPACE;
  const base = { namespace, installedNamespace: true, ingress: [], declaredBy, callsApiServer: true };
  const outside = (port: number) => [{ peer: Peer.anyIpv4(), ports: [Port.tcp(port)] }, { peer: Peer.anyIpv6(), ports: [Port.tcp(port)] }];
  return [
    {
      ...base,
      name: 'cert-manager',
      description: `the cert-manager controller in ${namespace}`,
      podLabels: { 'app.kubernetes.io/name': 'cert-manager', 'app.kubernetes.io/component': 'controller' },
      ports: [Port.tcp(9402)],
      egress: [...outside(443), ...outside(80)],
      webhookPorts: [],
      accepted: [{
        ruleIds: ['NETSEC004'],
        reason: 'cert-manager reaches ACME servers (443) and self-checks HTTP-01 challenges through the public address (80); a NetworkPolicy cannot name them by host',
      }],
    },
    {
      ...base,
      name: 'cert-manager-webhook',
      description: `the cert-manager webhook in ${namespace}`,
      podLabels: { 'app.kubernetes.io/name': 'webhook', 'app.kubernetes.io/component': 'webhook' },
      ports: [Port.tcp(CERT_MANAGER_WEBHOOK_PORT)],
      egress: [],
      webhookPorts: [Port.tcp(CERT_MANAGER_WEBHOOK_PORT)],
    },
    {
      ...base,
      name: 'cert-manager-cainjector',
      description: `the cert-manager CA injector in ${namespace}`,
      podLabels: { 'app.kubernetes.io/name': 'cainjector', 'app.kubernetes.io/component': 'cainjector' },
      ports: [],
      egress: [],
      webhookPorts: [],
    },
  ];
}
