import { netsecError } from '../core/errors';
import { checkDns1123Subdomain } from '../core/names';
import { checkNamespace } from '../core/peer';
import { checkPorts, Port } from '../core/port';
import { normalizeLabels } from '../core/selector';
import { DataPlaneKind } from '../platform/component-records';

/** Options for `GatewayImplementation.envoyGateway()`. */
export interface EnvoyGatewayOptions {
  /**
   * The namespace of the Envoy Gateway controller, where it runs the Envoy proxies of every Gateway
   * (the default "controller namespace" deployment mode).
   * @default 'envoy-gateway-system'
   */
  readonly namespace?: string;
  /**
   * Envoy Gateway runs in Gateway-namespace mode: each Gateway's Envoy proxies run in the Gateway's own
   * namespace instead of the controller's. `namespace` is then not used.
   * @default false
   */
  readonly gatewayNamespaceMode?: boolean;
}

/** Properties of `GatewayImplementation.custom()`. */
export interface CustomGatewayImplementationProps {
  /** The namespace the gateway's data-plane pods run in. */
  readonly namespace: string;
  /**
   * Labels that select this gateway's data-plane pods and no other pods of `namespace` (all must match).
   * Not empty: an empty map would let every pod of the namespace into the backends.
   */
  readonly podLabels: { [key: string]: string };
  /**
   * The service account the data-plane pods run as, so that mesh authorization names them by principal.
   * @default - unknown: mesh authorization admits the data plane by its namespace
   */
  readonly serviceAccountName?: string;
  /**
   * The container ports of the data-plane pods that clients reach (what the gateway's Service targets,
   * which may differ from the listener ports). A mesh that authorizes requests in the data plane's
   * namespace admits clients on exactly these.
   * @default - unknown: a mesh that authorizes requests in the data plane's namespace refuses it at synth
   */
  readonly containerPorts?: Port[];
}

/** Where one Gateway's data-plane pods run, how they are selected and which service account they use. */
export interface GatewayDataPlane {
  /** The namespace of the data-plane pods. */
  readonly namespace: string;
  /** Labels that select exactly this Gateway's data-plane pods. */
  readonly podLabels: { [key: string]: string };
  /**
   * The service account of the data-plane pods, when the implementation gives it a predictable name.
   * @default - unknown
   */
  readonly serviceAccountName?: string;
  /**
   * The container ports clients reach, when the implementation's profile does not derive them itself.
   * @default - derived by the platform profile, or unknown
   */
  readonly containerPorts?: Port[];
}

const ENVOY_GATEWAY_NAMESPACE = 'envoy-gateway-system';
const ENVOY_OWNING_NAME = 'gateway.envoyproxy.io/owning-gateway-name';
const ENVOY_OWNING_NAMESPACE = 'gateway.envoyproxy.io/owning-gateway-namespace';
const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

const APP_NAME_LABEL = 'app.kubernetes.io/name';

enum Flavour {
  CILIUM = 'cilium',
  ENVOY_GATEWAY = 'envoyGateway',
  ISTIO = 'istio',
  NGINX_GATEWAY_FABRIC = 'nginxGatewayFabric',
  CUSTOM = 'custom',
}

/**
 * The Gateway API implementation that runs a `SecureGateway`'s data plane: where its proxy pods run and
 * how to select the pods of one Gateway. Those pods, selected by namespace and labels together, are the
 * only peer a `SecureIngress` through the gateway lets into its backend.
 *
 * @example
 * GatewayImplementation.envoyGateway();                 // pods in envoy-gateway-system, labelled per Gateway
 * GatewayImplementation.istio();                        // pods in the Gateway's namespace
 * GatewayImplementation.custom({ namespace: 'edge', podLabels: { 'app.kubernetes.io/name': 'my-proxy' } });
 */
export class GatewayImplementation {
  /**
   * Envoy Gateway (gateway.envoyproxy.io). It labels the Envoy proxy pods of each Gateway with
   * `gateway.envoyproxy.io/owning-gateway-name` and `gateway.envoyproxy.io/owning-gateway-namespace`, and runs
   * them in its own namespace (or in the Gateway's, in Gateway-namespace mode). Their service account
   * name carries a hash, so mesh authorization admits them by namespace.
   */
  public static envoyGateway(options: EnvoyGatewayOptions = {}): GatewayImplementation {
    const where = 'GatewayImplementation.envoyGateway';
    const gatewayNamespaceMode = options.gatewayNamespaceMode ?? false;
    if (typeof gatewayNamespaceMode !== 'boolean') {
      throw netsecError(where, 'gatewayNamespaceMode must be true or false', gatewayNamespaceMode, 'Pass gatewayNamespaceMode: true, or leave it out.');
    }
    if (gatewayNamespaceMode && options.namespace !== undefined) {
      throw netsecError(where, 'namespace is set although Gateway-namespace mode runs the proxies in each Gateway\'s namespace', options.namespace,
        'Drop namespace, or drop gatewayNamespaceMode.');
    }
    const namespace = gatewayNamespaceMode ? undefined : checkNamespace(where, options.namespace ?? ENVOY_GATEWAY_NAMESPACE);
    return new GatewayImplementation(Flavour.ENVOY_GATEWAY, namespace, {});
  }

  /**
   * Istio's Gateway API support with automated deployment: the Gateway's Envoy pods run in the Gateway's
   * namespace, labelled `gateway.networking.k8s.io/gateway-name: <gateway>`, as service account
   * `<gateway>-<gatewayClassName>`.
   */
  public static istio(): GatewayImplementation {
    return new GatewayImplementation(Flavour.ISTIO, undefined, {});
  }

  /**
   * NGINX Gateway Fabric (nginx/nginx-gateway-fabric). It provisions one NGINX Deployment per Gateway in the
   * Gateway's namespace, whose pods are labelled `app.kubernetes.io/name: <gateway>-<gatewayClassName>` and
   * run as the service account of that name. Longer than 63 characters, NGINX Gateway Fabric shortens the
   * name with a hash: such a gateway is refused (shorten the gateway or class name, or use `custom`).
   */
  public static nginxGatewayFabric(): GatewayImplementation {
    return new GatewayImplementation(Flavour.NGINX_GATEWAY_FABRIC, undefined, {});
  }

  /**
   * Cilium's Gateway API support. Cilium's per-node Envoy reaches backends as the reserved `ingress`
   * identity, which a Kubernetes NetworkPolicy cannot name: each backend (and the ACME solver pods) gets a
   * CiliumNetworkPolicy admitting `fromEntities: [ingress]` on exactly the backend port, next to its
   * NetworkPolicy, which must isolate ingress. The proxy has no workload identity, so a backend covered by
   * MeshMtls authorization is refused.
   */
  public static cilium(): GatewayImplementation {
    return new GatewayImplementation(Flavour.CILIUM, undefined, {});
  }

  /** Any other implementation whose data-plane pods run in one namespace with labels of their own. */
  public static custom(props: CustomGatewayImplementationProps): GatewayImplementation {
    const where = 'GatewayImplementation.custom';
    if (props === null || typeof props !== 'object') {
      throw netsecError(where, 'props must be an object', props, 'Pass { namespace, podLabels }.');
    }
    if (props.namespace === undefined) {
      throw netsecError(where, 'namespace is not set, so the data-plane pods could not be selected', props.namespace,
        'Pass the namespace the gateway\'s proxy pods run in, e.g. namespace: "gateway-system".');
    }
    const namespace = checkNamespace(where, props.namespace);
    const podLabels = normalizeLabels(where, props.podLabels ?? {});
    if (Object.keys(podLabels).length === 0) {
      throw netsecError(where, 'podLabels is empty, so every pod of the namespace would count as the gateway', props.podLabels,
        'Give the labels of the gateway\'s proxy pods, e.g. { "app.kubernetes.io/name": "my-proxy" }.');
    }
    // Read once: the checked value is the one kept (a getter could answer another, e.g. "*", later).
    const serviceAccountName = props.serviceAccountName;
    if (serviceAccountName !== undefined) {
      const bad = typeof serviceAccountName === 'string' ? checkDns1123Subdomain(serviceAccountName) : 'must be a string';
      if (bad) throw netsecError(where, `serviceAccountName ${bad}`, serviceAccountName, 'Use the service account\'s metadata.name.');
    }
    const givenPorts = props.containerPorts;
    const containerPorts = givenPorts === undefined ? undefined : checkContainerPorts(where, givenPorts);
    return new GatewayImplementation(Flavour.CUSTOM, namespace, podLabels, serviceAccountName, containerPorts);
  }

  private constructor(
    private readonly flavour: Flavour,
    private readonly fixedNamespace: string | undefined,
    private readonly fixedLabels: { [key: string]: string },
    private readonly serviceAccountName?: string,
    private readonly containerPorts?: Port[]) {
  }

  /**
   * The data plane of the Gateway `gatewayName` in `gatewayNamespace` of class `gatewayClassName`; fails,
   * naming `where`, when the implementation would name it in a way the library cannot predict.
   * @internal
   */
  public _dataPlane(where: string, gatewayName: string, gatewayNamespace: string, gatewayClassName: string): GatewayDataPlane {
    switch (this.flavour) {
      case Flavour.NGINX_GATEWAY_FABRIC: {
        const name = `${gatewayName}-${gatewayClassName}`;
        if (name.length > 63) {
          throw netsecError(where, 'NGINX Gateway Fabric names the data plane <gateway>-<gatewayClassName>, shortened with a hash above 63 characters', name,
            'Shorten the gateway name or the class name, or use GatewayImplementation.custom() with the labels of the provisioned pods.');
        }
        return { namespace: gatewayNamespace, podLabels: { [APP_NAME_LABEL]: name }, serviceAccountName: name };
      }
      case Flavour.CILIUM:
        // No pods: the data plane is the node's Envoy, admitted as Cilium's ingress identity.
        return { namespace: gatewayNamespace, podLabels: {} };
      case Flavour.ENVOY_GATEWAY:
        return {
          namespace: this.fixedNamespace ?? gatewayNamespace,
          podLabels: { [ENVOY_OWNING_NAME]: gatewayName, [ENVOY_OWNING_NAMESPACE]: gatewayNamespace },
        };
      case Flavour.ISTIO:
        return {
          namespace: gatewayNamespace,
          podLabels: { [GATEWAY_NAME_LABEL]: gatewayName },
          serviceAccountName: `${gatewayName}-${gatewayClassName}`,
        };
      default:
        return {
          namespace: this.fixedNamespace!,
          podLabels: { ...this.fixedLabels },
          serviceAccountName: this.serviceAccountName,
          ...(this.containerPorts === undefined ? {} : { containerPorts: [...this.containerPorts] }),
        };
    }
  }

  /**
   * True when the data plane is Cilium's Envoy, admitted by identity rather than as pods.
   * @internal
   */
  public _isCiliumIngress(): boolean {
    return this.flavour === Flavour.CILIUM;
  }

  /**
   * Which platform profile describes the data plane (container ports, control plane).
   * @internal
   */
  public _dataPlaneKind(): DataPlaneKind {
    if (this.flavour === Flavour.ENVOY_GATEWAY) return DataPlaneKind.ENVOY_GATEWAY;
    return this.flavour === Flavour.ISTIO ? DataPlaneKind.ISTIO : DataPlaneKind.OTHER;
  }

  /**
   * The namespace of the implementation's controller, when it has one apart from the data plane.
   * @internal
   */
  public _controllerNamespace(): string | undefined {
    return this.flavour === Flavour.ENVOY_GATEWAY ? this.fixedNamespace ?? ENVOY_GATEWAY_NAMESPACE : undefined;
  }

  /** `GatewayImplementation.envoyGateway`, `.istio`, `.nginxGatewayFabric` or `.custom`. */
  public toString(): string {
    return `GatewayImplementation.${this.flavour}`;
  }
}

/** Container ports: single numbered ports, each once, at least one. */
function checkContainerPorts(where: string, ports: Port[]): Port[] {
  const checked = checkPorts(`${where} (containerPorts)`, ports);
  if (checked.length === 0) {
    throw netsecError(where, 'containerPorts is empty, so no client could reach the gateway', ports,
      'List the container ports the gateway\'s Service targets, e.g. [Port.tcp(8443)], or leave containerPorts out.');
  }
  const seen = new Set<string>();
  for (const port of checked) {
    if (!port.isNumeric || port.endPort !== undefined) {
      throw netsecError(where, 'containerPorts must be single numbered container ports', port.toString(), 'Give each as Port.tcp(n), e.g. Port.tcp(8443).');
    }
    if (seen.has(port.toString())) throw netsecError(where, 'containerPorts lists a port twice', port.toString(), 'List each port once.');
    seen.add(port.toString());
  }
  return checked;
}

/** True when `x` is a `GatewayImplementation` made by one of its factories. */
export function isGatewayImplementation(x: unknown): x is GatewayImplementation {
  return x instanceof GatewayImplementation;
}
