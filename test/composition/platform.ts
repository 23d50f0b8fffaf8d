/*
 * The platform pods a composition app relies on, as their installers run them: namespace, labels (the full
 * set the installer writes, so a selector that asks for more than the identifying labels would miss them)
 * and container ports. Written for the test from the upstream documentation, not from src/:
 * - CoreDNS: k8s-app=kube-dns in kube-system, 53 (kubernetes.io, "Customizing DNS Service"); OpenShift's
 *   DNS operator: dns.operator.openshift.io/daemonset-dns=default in openshift-dns, 5353.
 * - istiod: app=istiod, istio=pilot in istio-system; 15010 (xDS plaintext), 15012 (xDS and CA over TLS),
 *   15014 (monitoring), 15017 (webhooks) (istio.io, "Ports used by Istio"). ztunnel: app=ztunnel, 15008.
 * - cert-manager's Helm chart in cert-manager: the controller (app.kubernetes.io/name=cert-manager,
 *   component=controller, metrics 9402), the webhook (name=webhook, component=webhook, 10250, called by the
 *   API server), the CA injector (name=cainjector, component=cainjector) (cert-manager.io, "Best practice:
 *   network requirements").
 * - Envoy Gateway's Helm chart in envoy-gateway-system: control-plane=envoy-gateway, xDS 18000, metrics 19001.
 * - ingress-nginx's Helm chart (kubernetes/ingress-nginx, charts/ingress-nginx) released as ingress-nginx:
 *   controller pods app.kubernetes.io/name=ingress-nginx, instance=ingress-nginx, component=controller;
 *   container ports http 80, https 443 (controller.containerPort) and the admission webhook 8443
 *   (controller.admissionWebhooks.port, on by default), which the API server calls; it watches the API server.
 */

export interface PlatformPod {
  readonly namespace: string;
  readonly labels: { [key: string]: string };
  readonly ports: number[];
  readonly udpPorts?: number[];
  readonly serviceAccount: string;
}

export const KUBE_DNS: PlatformPod = {
  namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns', 'pod-template-hash': '5d78c9869d' }, ports: [53, 9153], udpPorts: [53], serviceAccount: 'coredns',
};
export const OPENSHIFT_DNS: PlatformPod = {
  namespace: 'openshift-dns', labels: { 'dns.operator.openshift.io/daemonset-dns': 'default' }, ports: [5353, 9154], udpPorts: [5353], serviceAccount: 'dns',
};
export const ISTIOD: PlatformPod = {
  namespace: 'istio-system', labels: { 'app': 'istiod', 'istio': 'pilot', 'istio.io/rev': 'default' }, ports: [15010, 15012, 15014, 15017], serviceAccount: 'istiod',
};
export const ZTUNNEL: PlatformPod = { namespace: 'istio-system', labels: { app: 'ztunnel' }, ports: [15008, 15020], serviceAccount: 'ztunnel' };
const CERT_MANAGER_INSTANCE = { 'app.kubernetes.io/instance': 'cert-manager' };
export const CERT_MANAGER_CONTROLLER: PlatformPod = {
  namespace: 'cert-manager',
  labels: { 'app': 'cert-manager', 'app.kubernetes.io/name': 'cert-manager', 'app.kubernetes.io/component': 'controller', ...CERT_MANAGER_INSTANCE },
  ports: [9402],
  serviceAccount: 'cert-manager',
};
export const CERT_MANAGER_WEBHOOK: PlatformPod = {
  namespace: 'cert-manager',
  labels: { 'app': 'webhook', 'app.kubernetes.io/name': 'webhook', 'app.kubernetes.io/component': 'webhook', ...CERT_MANAGER_INSTANCE },
  ports: [10250],
  serviceAccount: 'cert-manager-webhook',
};
export const CERT_MANAGER_CAINJECTOR: PlatformPod = {
  namespace: 'cert-manager',
  labels: { 'app': 'cainjector', 'app.kubernetes.io/name': 'cainjector', 'app.kubernetes.io/component': 'cainjector', ...CERT_MANAGER_INSTANCE },
  ports: [],
  serviceAccount: 'cert-manager-cainjector',
};
export const ENVOY_GATEWAY_CONTROLLER: PlatformPod = {
  namespace: 'envoy-gateway-system',
  labels: { 'control-plane': 'envoy-gateway', 'app.kubernetes.io/name': 'gateway-helm', 'app.kubernetes.io/instance': 'eg' },
  ports: [18000, 19001],
  serviceAccount: 'envoy-gateway',
};

/** ingress-nginx's controller pods as the Helm chart labels them (the library's profile selects the name only). */
export const INGRESS_NGINX_CONTROLLER_LABELS = {
  'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/instance': 'ingress-nginx', 'app.kubernetes.io/component': 'controller',
};
/** ingress-nginx's admission webhook port, which the API server dials. */
export const INGRESS_NGINX_WEBHOOK = 8443;

/** The ports the API server is reached on behind the `kubernetes` Service (managed 443, kubeadm 6443). */
export const API_SERVER_PORTS = [443, 6443];
/** istiod's xDS and CA port, which sidecars, ztunnel and Istio gateways dial. */
export const ISTIOD_XDS = 15012;
/** The webhook ports the API server dials. */
export const ISTIOD_WEBHOOK = 15017;
export const CERT_MANAGER_WEBHOOK_PORT = 10250;
/** Envoy Gateway's xDS port, which its Envoy proxies dial. */
export const ENVOY_GATEWAY_XDS = 18000;
