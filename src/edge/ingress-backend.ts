import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { AppProtocol, serviceFieldsOf } from '../core/app-protocol';
import { netsecError, validationProblem } from '../core/errors';
import { toDnsLabel } from '../core/names';
import { Port } from '../core/port';
import { resolveNamespace } from '../core/scope-defaults';
import { IntentModel } from '../model/intent-model';
import { TierService } from '../tiers/service';
import { IsolatedTier } from '../tiers/tier';
import { isPlusService, isPlusWorkload, PlusService, readWorkload } from '../tiers/workload';

/*
 * What a SecureIngress routes to: the tier its edge rule goes on, and the Service and port its Ingress
 * or HTTPRoute names. A tier gets a Service of its own; a cdk8s-plus workload or Service is matched to
 * the tier with the same namespace and pod labels (a lookup in the app's intent model), made (isolating
 * ingress only) when the app has none.
 *
 * Planning checks everything and creates nothing; building creates the objects, and cannot fail.
 */

/** The backend of a SecureIngress, resolved. */
export interface ResolvedBackend {
  readonly tier: IsolatedTier;
  readonly serviceName: string;
  readonly servicePort: number;
  /** The Service made for a tier backend; undefined for a cdk8s-plus Service used as it is. */
  readonly service?: TierService;
}

/** A checked backend: its namespace, and how to build it. */
export interface BackendPlan {
  readonly namespace: string;
  /** The name of the Service the edge will route to (made for the backend, or the cdk8s-plus Service's). */
  readonly serviceName: string;
  /** Creates the Service or tier the backend needs, as children of `ingress`. */
  build(ingress: Construct): ResolvedBackend;
}

const SERVICE_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Checks `backend` for the SecureIngress that is about to be made under `scope` at `ingress` (its path),
 * named `name`, without creating anything.
 */
export function planBackend(scope: IConstruct, ingress: string, name: string, backend: IConstruct, port: Port): BackendPlan {
  const model = IntentModel.find(scope);
  if (IsolatedTier.isIsolatedTier(backend)) {
    checkServiceName(ingress, name);
    checkTierPort(ingress, backend, port);
    return { namespace: backend.namespace, serviceName: name, build: (i) => tierBackend(i, name, backend, port) };
  }
  if (isPlusService(backend)) return planServiceBackend(ingress, model, name, backend, port);
  if (isPlusWorkload(backend)) {
    const namespace = resolveNamespace(backend.node.scope!, backend.node.id, backend.metadata.namespace);
    const known = model?.endpointSelecting(namespace, backend.matchLabels);
    checkServiceName(ingress, name);
    if (IsolatedTier.isIsolatedTier(known)) {
      checkTierPort(ingress, known, port);
      return { namespace, serviceName: name, build: (i) => tierBackend(i, name, known, port) };
    }
    // Everything fromWorkload would refuse is refused here, before anything is built.
    const containerPorts = readWorkload(`${ingress}/Backend`, backend).ports.map((p) => p.startPort!);
    if (containerPorts.length > 0 && !containerPorts.includes(port.startPort!)) {
      throw netsecError(ingress, 'port is not a container port of the backend workload', port.toString(),
        `Use one of its container ports (${containerPorts.join(', ')}), or add the port to the container.`);
    }
    return {
      namespace,
      serviceName: name,
      build: (i) => tierBackend(i, name,
        IsolatedTier.fromWorkload(i, 'Backend', backend, { isolateEgress: false, name: toDnsLabel([name, 'backend']) }), port),
    };
  }
  throw netsecError(ingress, 'backend must be an IsolatedTier, a cdk8s-plus workload or a cdk8s-plus Service',
    backend?.node?.path ?? String(backend), 'Pass the tier that serves the site, e.g. backend: web.');
}

function tierBackend(ingress: Construct, name: string, tier: IsolatedTier, port: Port): ResolvedBackend {
  addIsolationCheck(ingress, tier);
  // The edge speaks HTTP to the backend: `http` unless the tier declares HTTP/2 or gRPC on the port, which
  // the Service then names (`http2`, `grpc`) so that Istio and the gateway proxy that protocol.
  const declared = port.appProtocol ?? tier.ports.find((p) => p.appProtocol !== undefined && p.protocol === port.protocol
    && p.startPort === port.startPort && p.endPort === undefined && p.name === port.name)?.appProtocol;
  const portName = declared !== undefined && declared !== AppProtocol.TCP ? serviceFieldsOf(declared).namePrefix : 'http';
  const service = new TierService(ingress, 'Service', { tier, name, ports: [{ targetPort: port, name: portName }] });
  return { tier, serviceName: service.name, servicePort: service.ports[0].port, service };
}

/**
 * A cdk8s-plus Service is used as it is. Its selector names the pods, so the edge rule goes on the
 * tier with exactly those labels.
 */
function planServiceBackend(ingress: string, model: IntentModel | undefined, name: string, service: PlusService, port: Port): BackendPlan {
  const spec = ApiObject.of(service).toJson().spec ?? {};
  const selector: { [key: string]: string } = spec.selector ?? {};
  if (Object.keys(selector).length === 0) {
    throw netsecError(ingress, 'the backend Service has no selector, so its pods are unknown and the edge-only rule cannot be written',
      service.node.path, 'Select the pods (service.select(...)) before creating the SecureIngress, or pass their IsolatedTier as backend.');
  }
  const ports: any[] = spec.ports ?? [];
  const target = (p: any): number => p.targetPort ?? p.port;
  const match = ports.find((p) => target(p) === port.startPort && (p.protocol ?? 'TCP') === 'TCP');
  if (!match) {
    throw netsecError(ingress, `the backend Service does not forward to ${port}`, ports.map((p) => `${p.port}->${target(p)}`),
      'Pass the container port one of its ports targets, or bind that port on the Service.');
  }
  const namespace = resolveNamespace(service.node.scope!, service.node.id, service.metadata.namespace);
  const known = model?.endpointSelecting(namespace, selector);
  if (IsolatedTier.isIsolatedTier(known)) checkTierPort(ingress, known, port);
  const build = (i: Construct): ResolvedBackend => {
    const tier = IsolatedTier.isIsolatedTier(known) ? known : new IsolatedTier(i, 'Backend', {
      podLabels: selector,
      namespace,
      ports: ports.map((p) => Port.tcp(target(p))),
      isolateEgress: false,
      name: toDnsLabel([name, 'backend']),
    });
    addIsolationCheck(i, tier);
    return { tier, serviceName: service.name, servicePort: match.port };
  };
  return { namespace, serviceName: service.name, build };
}

function checkServiceName(ingress: string, name: string): void {
  if (!SERVICE_NAME.test(name) || name.length > 63) {
    throw netsecError(ingress, 'name must be a DNS-1035 label, because the backend Service is named after it: lower-case letters, digits and "-", starting with a letter',
      name, 'Pass name, e.g. name: "public".');
  }
}

function checkTierPort(ingress: string, tier: IsolatedTier, port: Port): void {
  if (tier.ports.length > 0 && !tier.ports.some((served) => port.isCoveredBy(served))) {
    throw netsecError(ingress, `port is not served by the backend ${tier}`, port.toString(),
      `Use one of the tier's ports (${tier.ports.join(', ')}), or add the port to the tier's ports.`);
  }
}

function addIsolationCheck(ingress: Construct, tier: IsolatedTier): void {
  // Whether a namespace baseline isolates the tier is known only once the whole app is declared.
  ingress.node.addValidation({
    validate: () => tier.isIngressIsolated() ? [] : [validationProblem(`${tier} does not isolate ingress, so any pod could reach the backend, not only the edge`,
      tier.node.path, 'Leave isolateIngress at its default (true) on the backend tier, or isolate its namespace with NamespaceIsolation.')],
  });
}
