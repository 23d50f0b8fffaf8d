import { netsecError } from '../core/errors';
import { checkDns1123Subdomain } from '../core/names';
import { IPeer, Peer } from '../core/peer';
import { checkPorts, Port } from '../core/port';
import {
  F5_NGINX_INGRESS_CONTAINER_PORTS, HAPROXY_INGRESS_CONTAINER_PORTS, INGRESS_NGINX_CONTAINER_PORTS, INGRESS_NGINX_WEBHOOK_PORT,
} from '../platform/platform-component';

/** Options for `IngressController.ingressNginx()`. */
export interface IngressNginxOptions {
  /**
   * The IngressClass this controller serves.
   * @default 'nginx'
   */
  readonly className?: string;
  /**
   * The namespace of the controller pods.
   * @default 'ingress-nginx'
   */
  readonly namespace?: string;
  /**
   * Labels of the controller pods.
   * @default { 'app.kubernetes.io/name': 'ingress-nginx' } (the official Helm chart and manifests)
   */
  readonly podLabels?: { [key: string]: string };
  /**
   * The service account of the controller pods, so that mesh authorization names them by principal.
   * @default 'ingress-nginx' (the official manifests and a Helm release named ingress-nginx)
   */
  readonly serviceAccountName?: string;
  /**
   * The container ports the controller pods serve clients on (what its LoadBalancer or NodePort Service
   * targets). Under a `ClusterIsolation` whose Baseline covers the controller's namespace, clients from
   * outside the cluster are admitted on exactly these; a mesh in front of the pods names them.
   * @default [Port.tcp(80), Port.tcp(443)] (the Helm chart's controller.containerPort)
   */
  readonly containerPorts?: Port[];
  /**
   * Ports of the controller pods the API server calls: the admission webhook. Pass `[]` when the chart's
   * controller.admissionWebhooks.enabled is false.
   * @default [Port.tcp(8443)] (the Helm chart's controller.admissionWebhooks.port)
   */
  readonly webhookPorts?: Port[];
}

/** Properties of `IngressController.custom()` and of the maintained controller profiles. */
export interface IngressControllerProps {
  /** The IngressClass this controller serves. */
  readonly className: string;
  /**
   * The namespace of the controller pods. Required: without it the controller's pods could not be
   * selected, and the backend's namespace is never the right guess.
   */
  readonly namespace: string;
  /** Labels of the controller pods (not empty). */
  readonly podLabels: { [key: string]: string };
  /**
   * The service account of the controller pods, so that mesh authorization names them by principal.
   * @default - unknown: mesh authorization admits the controller by its namespace
   */
  readonly serviceAccountName?: string;
  /**
   * The container ports the controller pods serve clients on (what its LoadBalancer or NodePort Service
   * targets). Under a `ClusterIsolation` whose Baseline covers the controller's namespace, clients from
   * outside the cluster are admitted on exactly these; a mesh in front of the pods names them.
   * @default - the profile's: `haproxy()` TCP 8080 and 8443 (haproxytech Helm chart, unprivileged), `f5Nginx()`
   * TCP 80 and 443 (nginx-ingress Helm chart); `custom()` unknown, so a guarded namespace running it is refused
   */
  readonly containerPorts?: Port[];
  /**
   * Ports of the controller pods the API server calls (admission webhooks).
   * @default - none
   */
  readonly webhookPorts?: Port[];
}

/** The annotations of one controller profile: HTTPS redirect, and the client allowlist when it has one. */
interface Profile {
  readonly name: string;
  readonly redirect: { [key: string]: string };
  readonly sourceRangeAnnotation?: string;
  /** The container ports of the controller's own installation; undefined when the library cannot know them. */
  readonly containerPorts?: number[];
}

const PROFILES: { [factory: string]: Profile } = {
  ingressNginx: {
    name: 'ingress-nginx',
    redirect: { 'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true' },
    sourceRangeAnnotation: 'nginx.ingress.kubernetes.io/allowlist-source-range',
    containerPorts: INGRESS_NGINX_CONTAINER_PORTS,
  },
  haproxy: {
    name: 'HAProxy Kubernetes Ingress Controller',
    redirect: { 'haproxy.org/ssl-redirect': 'true', 'haproxy.org/ssl-redirect-code': '301' },
    containerPorts: HAPROXY_INGRESS_CONTAINER_PORTS,
  },
  f5Nginx: {
    name: 'F5 NGINX Ingress Controller',
    redirect: { 'ingress.kubernetes.io/ssl-redirect': 'true' },
    containerPorts: F5_NGINX_INGRESS_CONTAINER_PORTS,
  },
  custom: { name: 'custom controller', redirect: {} },
};

/**
 * The ingress controller that terminates TLS in front of a backend: the IngressClass it serves and the
 * pods it runs as. Those pods, selected by namespace and labels together, are the only peer a
 * `SecureIngress` lets into its backend.
 *
 * Each profile writes the annotations its controller documents for the HTTP-to-HTTPS redirect and, where
 * it has one, for the client address allowlist. New clusters should prefer a Gateway API implementation
 * (`SecureGateway`); see docs/gateway.md.
 *
 * @example
 * IngressController.haproxy({ className: 'haproxy', namespace: 'haproxy-controller',
 *   podLabels: { 'app.kubernetes.io/name': 'kubernetes-ingress' } });
 * IngressController.custom({ className: 'traefik', namespace: 'traefik',
 *   podLabels: { 'app.kubernetes.io/name': 'traefik' } });
 */
export class IngressController {
  /**
   * The community ingress-nginx controller (kubernetes/ingress-nginx). Retired upstream: the Kubernetes
   * project announced its retirement in November 2025, with no releases or security fixes after March
   * 2026. Kept for clusters that still run it; plan the move to a Gateway API implementation.
   *
   * The profile knows the official Helm chart: container ports 80 and 443, the admission webhook on 8443,
   * and the controller watching the API server, so a `ClusterIsolation` guarding its namespace writes its
   * flows (clients from outside, backends, ACME solvers, the API server) as a platform component.
   */
  public static ingressNginx(options: IngressNginxOptions = {}): IngressController {
    if (options === null || typeof options !== 'object') {
      throw netsecError('IngressController.ingressNginx', 'options must be an object', options, 'Pass { className, namespace, ... }, or nothing.');
    }
    return new IngressController('ingressNginx', {
      className: options.className ?? 'nginx',
      namespace: options.namespace ?? 'ingress-nginx',
      podLabels: options.podLabels ?? { 'app.kubernetes.io/name': 'ingress-nginx' },
      serviceAccountName: options.serviceAccountName ?? 'ingress-nginx',
      containerPorts: options.containerPorts,
      webhookPorts: options.webhookPorts ?? [Port.tcp(INGRESS_NGINX_WEBHOOK_PORT)],
    });
  }

  /**
   * The HAProxy Kubernetes Ingress Controller (haproxytech/kubernetes-ingress): `haproxy.org/ssl-redirect`
   * with a 301. It gets no source allowlist from this library (`sourceRanges` is refused).
   */
  public static haproxy(props: IngressControllerProps): IngressController {
    return new IngressController('haproxy', props);
  }

  /**
   * The F5 NGINX Ingress Controller (nginx/kubernetes-ingress, `nginx.org` annotations), not to be
   * confused with the retired community ingress-nginx: `ingress.kubernetes.io/ssl-redirect`. Its source
   * allowlist is a Policy resource, not an annotation, so `sourceRanges` is refused.
   */
  public static f5Nginx(props: IngressControllerProps): IngressController {
    return new IngressController('f5Nginx', props);
  }

  /**
   * Any other controller; its Ingresses carry no controller-specific annotations. Give its
   * `containerPorts` so that a `ClusterIsolation` can admit its clients: without them a guarded namespace
   * running it is refused at synth.
   */
  public static custom(props: IngressControllerProps): IngressController {
    return new IngressController('custom', props);
  }

  /** The IngressClass this controller serves. */
  public readonly className: string;
  /** The namespace of the controller pods. */
  public readonly namespace: string;
  /** Labels of the controller pods. */
  public readonly podLabels: { [key: string]: string };
  /** The service account of the controller pods, when known. */
  public readonly serviceAccountName?: string;
  /** The container ports the controller pods serve clients on; undefined when the library does not know them. */
  public readonly containerPorts?: Port[];
  /** The ports of the controller pods the API server calls (admission webhooks). */
  public readonly webhookPorts: Port[];
  /**
   * True for ingress-nginx.
   * @internal
   */
  public readonly _isIngressNginx: boolean;
  /** The controller pods as a peer: one selector for their namespace and labels together. */
  public readonly peer: IPeer;
  private readonly profile: Profile;

  private constructor(factory: string, given: IngressControllerProps) {
    const where = `IngressController.${factory}`;
    if (given === null || typeof given !== 'object') {
      throw netsecError(where, 'props must be an object', given, 'Pass { className, namespace, podLabels }.');
    }
    // Every prop is read once, the labels copied once: what is checked is what the controller keeps, so a
    // getter or Proxy cannot swap the class, the pods' labels or the service account after the check.
    const givenLabels = given.podLabels;
    const props = {
      className: given.className,
      namespace: given.namespace,
      podLabels: givenLabels === null || typeof givenLabels !== 'object' ? givenLabels : { ...givenLabels },
      serviceAccountName: given.serviceAccountName,
      containerPorts: given.containerPorts,
      webhookPorts: given.webhookPorts,
    };
    const bad = typeof props.className === 'string' ? checkDns1123Subdomain(props.className) : 'must be a string';
    if (bad) {
      throw netsecError(where, `className ${bad}`, props.className, 'Use the IngressClass name, e.g. "haproxy".');
    }
    if (props.namespace === undefined) {
      throw netsecError(where, 'namespace is not set, so the controller pods could not be selected', props.namespace,
        'Pass the namespace the controller pods run in, e.g. namespace: "haproxy-controller".');
    }
    if (props.podLabels === null || typeof props.podLabels !== 'object' || Object.keys(props.podLabels).length === 0) {
      throw netsecError(where, 'podLabels is empty, so every pod of the controller namespace would count as the controller',
        givenLabels, 'Give the labels of the controller pods, e.g. { "app.kubernetes.io/name": "kubernetes-ingress" }.');
    }
    if (props.serviceAccountName !== undefined) {
      const badAccount = typeof props.serviceAccountName === 'string' ? checkDns1123Subdomain(props.serviceAccountName) : 'must be a string';
      if (badAccount) throw netsecError(where, `serviceAccountName ${badAccount}`, props.serviceAccountName, 'Use the service account\'s metadata.name.');
    }
    const profile = PROFILES[factory];
    const containerPorts = props.containerPorts === undefined
      ? profile.containerPorts?.map((p) => Port.tcp(p))
      : checkContainerPorts(where, 'containerPorts', props.containerPorts, false);
    const webhookPorts = checkContainerPorts(where, 'webhookPorts', props.webhookPorts ?? [], true);
    const shared = webhookPorts.find((w) => containerPorts?.some((c) => c.toString() === w.toString()));
    if (shared) {
      throw netsecError(where, 'a port is both a client port and a webhook port', shared.toString(),
        'List the port once: clients from outside reach containerPorts, the API server reaches webhookPorts.');
    }
    // Peer.pods validates the namespace and the labels.
    this.peer = Peer.pods(props.podLabels, props.namespace);
    this.className = props.className;
    this.namespace = props.namespace;
    // Frozen: they are read again whenever an edge records the controller as a platform component (its
    // policy under the guardrails), so a change from JavaScript would select other pods or open other ports.
    this.podLabels = Object.freeze({ ...props.podLabels });
    this.serviceAccountName = props.serviceAccountName;
    this.containerPorts = containerPorts === undefined ? undefined : Object.freeze([...containerPorts]) as Port[];
    this.webhookPorts = Object.freeze([...webhookPorts]) as Port[];
    this.profile = profile;
    this._isIngressNginx = factory === 'ingressNginx';
  }

  /**
   * The annotations of an Ingress served by this controller: the HTTPS redirect, and the client
   * allowlist when `sourceRanges` (already checked and sorted) is given. Fails where the controller
   * has no allowlist annotation.
   * @internal
   */
  public _annotations(where: string, sourceRanges: string[] | undefined): { [key: string]: string } {
    const annotations: { [key: string]: string } = { ...this.profile.redirect };
    if (sourceRanges !== undefined) {
      if (this.profile.sourceRangeAnnotation === undefined) {
        throw netsecError(where, `sourceRanges needs a controller with a source allowlist annotation; the ${this} has none the library writes`,
          sourceRanges, 'Restrict sources at that controller\'s LoadBalancer Service (loadBalancerSourceRanges), or drop sourceRanges.');
      }
      annotations[this.profile.sourceRangeAnnotation] = sourceRanges.join(',');
    }
    return annotations;
  }

  /** `ingress controller nginx (pods app.kubernetes.io/name=ingress-nginx in namespace ingress-nginx)`. */
  public toString(): string {
    return `ingress controller ${this.className} (${this.peer})`;
  }
}

/** Container ports: single numeric TCP or UDP ports, each once; not empty unless `mayBeEmpty`. */
function checkContainerPorts(where: string, prop: string, ports: Port[], mayBeEmpty: boolean): Port[] {
  const checked = checkPorts(`${where} (${prop})`, ports);
  if (!mayBeEmpty && checked.length === 0) {
    throw netsecError(where, `${prop} is empty, so no client could reach the controller`, ports,
      'List the container ports its Service targets, e.g. [Port.tcp(80), Port.tcp(443)], or leave the prop out for the profile\'s.');
  }
  const seen = new Set<string>();
  for (const port of checked) {
    if (!port.isNumeric || port.endPort !== undefined || port.isAllTraffic) {
      throw netsecError(where, `${prop} must be single numbered container ports`, port.toString(), 'Give each as Port.tcp(n), e.g. Port.tcp(443).');
    }
    if (seen.has(port.toString())) throw netsecError(where, `${prop} lists a port twice`, port.toString(), 'List each port once.');
    seen.add(port.toString());
  }
  return checked;
}
