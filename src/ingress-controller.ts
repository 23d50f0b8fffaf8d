import { netsecError } from './errors';
import { checkDns1123Subdomain } from './names';
import { IPeer, Peer } from './peer';

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
}

/** Properties of `IngressController.custom()`. */
export interface IngressControllerProps {
  /** The IngressClass this controller serves. */
  readonly className: string;
  /** The namespace of the controller pods. */
  readonly namespace: string;
  /** Labels of the controller pods. */
  readonly podLabels: { [key: string]: string };
}

/**
 * The ingress controller that terminates TLS in front of a backend: the IngressClass it serves and the
 * pods it runs as. Those pods, selected by namespace and labels together, are the only peer a
 * `SecureIngress` lets into its backend.
 *
 * ingress-nginx gets its annotations (HTTPS redirect, source-range allowlist); any other controller gets
 * the class-neutral Ingress only.
 *
 * @example
 * IngressController.ingressNginx();                                  // class nginx, pods in ingress-nginx
 * IngressController.custom({ className: 'traefik', namespace: 'traefik',
 *   podLabels: { 'app.kubernetes.io/name': 'traefik' } });
 */
export class IngressController {
  /** The community ingress-nginx controller (kubernetes/ingress-nginx). */
  public static ingressNginx(options: IngressNginxOptions = {}): IngressController {
    return new IngressController('IngressController.ingressNginx', {
      className: options.className ?? 'nginx',
      namespace: options.namespace ?? 'ingress-nginx',
      podLabels: options.podLabels ?? { 'app.kubernetes.io/name': 'ingress-nginx' },
    }, true);
  }

  /** Any other controller; its Ingresses carry no controller-specific annotations. */
  public static custom(props: IngressControllerProps): IngressController {
    return new IngressController('IngressController.custom', props, false);
  }

  /** The IngressClass this controller serves. */
  public readonly className: string;
  /** The namespace of the controller pods. */
  public readonly namespace: string;
  /** Labels of the controller pods. */
  public readonly podLabels: { [key: string]: string };
  /** True for ingress-nginx, whose annotations the library writes. */
  public readonly isIngressNginx: boolean;
  /** The controller pods as a peer: one selector for their namespace and labels together. */
  public readonly peer: IPeer;

  private constructor(where: string, props: IngressControllerProps, isIngressNginx: boolean) {
    const bad = typeof props.className === 'string' ? checkDns1123Subdomain(props.className) : 'must be a string';
    if (bad) {
      throw netsecError(where, `className ${bad}`, props.className, 'Use the IngressClass name, e.g. "nginx".');
    }
    if (Object.keys(props.podLabels ?? {}).length === 0) {
      throw netsecError(where, 'podLabels is empty, so every pod of the controller namespace would count as the controller',
        props.podLabels, 'Give the labels of the controller pods, e.g. { "app.kubernetes.io/name": "ingress-nginx" }.');
    }
    // Peer.pods validates the namespace and the labels.
    this.peer = Peer.pods(props.podLabels, props.namespace);
    this.className = props.className;
    this.namespace = props.namespace;
    this.podLabels = { ...props.podLabels };
    this.isIngressNginx = isIngressNginx;
  }

  /** `ingress controller nginx (pods app.kubernetes.io/name=ingress-nginx in namespace ingress-nginx)`. */
  public toString(): string {
    return `ingress controller ${this.className} (${this.peer})`;
  }
}
