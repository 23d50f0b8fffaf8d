import { IConstruct } from 'constructs';
import {
  PlatformComponent, dataPlaneComponent, ENVOY_GATEWAY_CONTROLLER_LABELS, ENVOY_GATEWAY_XDS_PORT, envoyContainerPort, envoyGatewayControllerComponent,
  certManagerComponents, ISTIO_ROOT_NAMESPACE, ISTIOD_LABELS, ISTIOD_XDS_TLS_PORT, istiodComponent, ztunnelComponent,
} from './platform-component';
import { validationProblem } from '../core/errors';
import { toDistinctDnsLabel } from '../core/names';
import { IPeer, Peer } from '../core/peer';
import { Port } from '../core/port';
import { compareStrings } from '../core/selector';
import { IntentModel } from '../model/intent-model';

/*
 * The calls features make to record the platform components they rely on. Each feature names what it
 * knows (the mesh its control plane, a gateway its implementation's data plane); the facts live in
 * platform-component.ts.
 */

/**
 * Adds `component` to the app's model. The first time its pods are recorded, a check is attached to the
 * construct that needs it: a NamespaceIsolation over its namespace would cut it off unless a
 * ClusterIsolation guards that namespace (which writes its flows as a platform tier) or the app describes
 * its pods with a tier of its own. Edge data planes are checked by their features, with their own wording.
 */
export function addComponent(model: IntentModel, component: PlatformComponent): void {
  const key = labelKey(component.podLabels);
  const known = model.platformComponents.some((c) => c.namespace === component.namespace && labelKey(c.podLabels) === key);
  model.addPlatformComponent(component);
  if (known || component.dataPlane) return;
  component.declaredBy.node.addValidation({ validate: () => namespaceIsolationProblems(model, component) });
}

function namespaceIsolationProblems(model: IntentModel, component: PlatformComponent): string[] {
  const ns = component.namespace;
  if (!model.namespaceBaselineIsolates(ns) || model.clusterIsolates(ns) || model.endpointSelecting(ns, component.podLabels)) return [];
  return [validationProblem(`a NamespaceIsolation isolates namespace ${ns}, where ${component.description} runs, but its flows are written only where a ClusterIsolation `
    + 'guards the namespace, so it would be cut off', ns,
  `Leave ${ns} out of NamespaceIsolation, or let a ClusterIsolation guard it (not exempt, with apiServerAddresses), which writes the component's flows as a platform tier.`)];
}

function labelKey(labels: { [key: string]: string }): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => compareStrings(a, b)));
}

/** Records the mesh control plane (istiod; ztunnel too in ambient) that `mesh` relies on. */
export function recordMeshControlPlane(mesh: IConstruct, rootNamespace: string, ambient: boolean, controlPlane: IPeer | undefined): void {
  const model = IntentModel.of(mesh);
  const config = controlPlane?.toPeerConfig();
  const describable = config === undefined
    || (config.namespace !== undefined && config.podSelector?.matchLabels !== undefined && !config.podSelector.matchExpressions?.length);
  if (!describable) return;
  const namespace = config?.namespace ?? rootNamespace;
  const istiod = istiodComponent(namespace, mesh);
  addComponent(model, config ? { ...istiod, podLabels: { ...config.podSelector!.matchLabels! } } : istiod);
  if (ambient) addComponent(model, ztunnelComponent(rootNamespace, mesh));
}

/** The implementations whose data plane the library can describe. */
export enum DataPlaneKind {
  ENVOY_GATEWAY = 'envoyGateway',
  ISTIO = 'istio',
  OTHER = 'other',
}

/**
 * Records a gateway's data plane (and Envoy Gateway's controller). Listener ports are the Gateway's
 * (443 and the HTTP redirect's 80); an implementation whose container ports or control plane the
 * library does not know is recorded as unwritable, so a guarded namespace running it is refused.
 */
export function recordGatewayDataPlane(gateway: IConstruct, kind: DataPlaneKind, gatewayName: { namespace: string; name: string },
  plane: { namespace: string; podLabels: { [key: string]: string }; containerPorts?: Port[] }, controllerNamespace: string | undefined,
  listenerPorts: number[]): void {
  const model = IntentModel.of(gateway);
  const description = `the data plane of ${gateway}`;
  const name = toDistinctDnsLabel(['gateway', gatewayName.namespace, gatewayName.name], `gateway-${gatewayName.namespace}-${gatewayName.name}`);
  const { namespace, podLabels } = plane;
  const installedNamespace = namespace !== gatewayName.namespace;
  model.namespaces.use(gatewayName.namespace, gateway, String(gateway));
  if (installedNamespace) model.namespaces.use(namespace, gateway, `the data plane of ${gateway}`);
  if (kind === DataPlaneKind.ENVOY_GATEWAY) {
    const controller = controllerNamespace ?? 'envoy-gateway-system';
    addComponent(model, envoyGatewayControllerComponent(controller, gateway));
    addComponent(model, dataPlaneComponent(name, description, namespace, podLabels, {
      containerPorts: listenerPorts.map((p) => Port.tcp(envoyContainerPort(p))),
      installedNamespace,
      controlPlane: { peer: Peer.pods(ENVOY_GATEWAY_CONTROLLER_LABELS, controller), ports: [Port.tcp(ENVOY_GATEWAY_XDS_PORT)] },
    }, gateway));
  } else if (kind === DataPlaneKind.ISTIO) {
    // The gateway's Envoy is configured by istiod, with or without a MeshMtls in the app.
    addComponent(model, istiodComponent(ISTIO_ROOT_NAMESPACE, gateway));
    addComponent(model, dataPlaneComponent(name, description, namespace, podLabels, {
      containerPorts: listenerPorts.map((p) => Port.tcp(p)),
      installedNamespace,
      controlPlane: { peer: Peer.pods(ISTIOD_LABELS, ISTIO_ROOT_NAMESPACE), ports: [Port.tcp(ISTIOD_XDS_TLS_PORT)] },
    }, gateway));
  } else {
    addComponent(model, dataPlaneComponent(name, description, namespace, podLabels, {
      containerPorts: plane.containerPorts,
      unwritable: plane.containerPorts === undefined ? 'the library does not know its container ports and control plane' : 'the library does not know its control plane',
      installedNamespace,
    }, gateway));
  }
}

/** An ingress controller's pods as its profile describes them. */
export interface IngressControllerPods {
  readonly className: string;
  readonly namespace: string;
  readonly podLabels: { [key: string]: string };
  /** The container ports clients reach; undefined when the profile does not know them. */
  readonly containerPorts?: Port[];
  /** The ports the API server calls (admission webhooks). */
  readonly webhookPorts: Port[];
  /** `ingress controller nginx (pods ... in namespace ...)`. */
  readonly description: string;
}

/**
 * Records the pods of an ingress controller that `ingress` routes through: clients from outside on its
 * container ports, the API server on its webhooks, and the API server (it watches Ingresses itself). Its
 * egress to backends and ACME solvers is written by the rules that admit it there. Without known
 * container ports it is recorded as unwritable, so a guarded namespace running it is refused.
 */
export function recordIngressController(ingress: IConstruct, controller: IngressControllerPods): void {
  const model = IntentModel.of(ingress);
  const name = toDistinctDnsLabel(['ingress-controller', controller.className], `ingress-controller-${controller.className}`);
  addComponent(model, dataPlaneComponent(name, `the ${controller.description}`, controller.namespace, controller.podLabels, {
    containerPorts: controller.containerPorts,
    webhookPorts: controller.webhookPorts,
    callsApiServer: true,
    installedNamespace: true,
    unwritable: controller.containerPorts === undefined
      ? 'the library does not know its container ports (give them as containerPorts of the IngressController profile)' : undefined,
  }, ingress));
}

/** Records cert-manager, which issues `certificate`. */
export function recordCertManager(certificate: IConstruct): void {
  const model = IntentModel.of(certificate);
  for (const component of certManagerComponents(certificate)) addComponent(model, component);
}
