import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { netsecError } from './errors';
import { toDnsLabel } from './names';
import { Port } from './port';
import { compareStrings } from './selector';
import { TierService } from './service';
import { IsolatedTier, resolveNamespace } from './tier';
import { isPlusService, isPlusWorkload, PlusService } from './workload';

/*
 * What a SecureIngress routes to: the tier its controller rule goes on, and the Service and port its
 * Ingress names. A tier gets a Service of its own; a cdk8s-plus workload or Service is matched to the
 * tier with the same namespace and pod labels, made (isolating ingress only) when the app has none.
 */

/** The backend of a SecureIngress, resolved. */
export interface ResolvedBackend {
  readonly tier: IsolatedTier;
  readonly serviceName: string;
  readonly servicePort: number;
  /** The Service made for a tier backend; undefined for a cdk8s-plus Service used as it is. */
  readonly service?: TierService;
}

/**
 * Resolves `backend` for the SecureIngress `ingress` (named `name`), making the Service or tier it needs
 * as children of `ingress`.
 */
export function resolveBackend(ingress: Construct, name: string, backend: IConstruct, port: Port): ResolvedBackend {
  if (IsolatedTier.isIsolatedTier(backend)) return tierBackend(ingress, name, backend, port);
  if (isPlusService(backend)) return serviceBackend(ingress, name, backend, port);
  if (isPlusWorkload(backend)) {
    const namespace = resolveNamespace(backend.node.scope!, backend.node.id, backend.metadata.namespace);
    const tier = findTier(ingress, namespace, backend.matchLabels)
      ?? IsolatedTier.fromWorkload(ingress, 'Backend', backend, { isolateEgress: false, name: toDnsLabel([name, 'backend']) });
    return tierBackend(ingress, name, tier, port);
  }
  throw netsecError(ingress, 'backend must be an IsolatedTier, a cdk8s-plus workload or a cdk8s-plus Service',
    backend?.node?.path ?? String(backend), 'Pass the tier that serves the site, e.g. backend: web.');
}

/** The first tier in the app with exactly these pod labels in this namespace. */
export function findTier(scope: IConstruct, namespace: string, podLabels: { [key: string]: string }): IsolatedTier | undefined {
  const wanted = JSON.stringify(Object.entries(podLabels).sort(([a], [b]) => compareStrings(a, b)));
  return scope.node.root.node.findAll().find((c): c is IsolatedTier => IsolatedTier.isIsolatedTier(c)
    && c.namespace === namespace
    && JSON.stringify(Object.entries(c.podLabels)) === wanted);
}

function tierBackend(ingress: Construct, name: string, tier: IsolatedTier, port: Port): ResolvedBackend {
  checkTier(ingress, tier, port);
  const service = new TierService(ingress, 'Service', { tier, name, ports: [{ targetPort: port, name: 'http' }] });
  return { tier, serviceName: service.name, servicePort: service.ports[0].port, service };
}

/**
 * A cdk8s-plus Service is used as it is. Its selector names the pods, so the controller rule goes on the
 * tier with exactly those labels.
 */
function serviceBackend(ingress: Construct, name: string, service: PlusService, port: Port): ResolvedBackend {
  const spec = ApiObject.of(service).toJson().spec ?? {};
  const selector: { [key: string]: string } = spec.selector ?? {};
  if (Object.keys(selector).length === 0) {
    throw netsecError(ingress, 'the backend Service has no selector, so its pods are unknown and the controller-only rule cannot be written',
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
  const tier = findTier(ingress, namespace, selector) ?? new IsolatedTier(ingress, 'Backend', {
    podLabels: selector,
    namespace,
    ports: ports.map((p) => Port.tcp(target(p))),
    isolateEgress: false,
    name: toDnsLabel([name, 'backend']),
  });
  checkTier(ingress, tier, port);
  return { tier, serviceName: service.name, servicePort: match.port };
}

function checkTier(ingress: Construct, tier: IsolatedTier, port: Port): void {
  // Whether a namespace baseline isolates the tier is known only once the whole app is declared.
  ingress.node.addValidation({
    validate: () => tier.isIngressIsolated() ? [] : [
      `${ingress.node.path}: ${tier} does not isolate ingress, so any pod could reach the backend, not only the controller (${JSON.stringify(tier.node.path)}). `
      + 'Leave isolateIngress at its default (true) on the backend tier, or isolate its namespace with NamespaceIsolation.',
    ],
  });
  if (tier.ports.length > 0 && !tier.ports.some((served) => port.isCoveredBy(served))) {
    throw netsecError(ingress, `port is not served by the backend ${tier}`, port.toString(),
      `Use one of the tier's ports (${tier.ports.join(', ')}), or add the port to the tier's ports.`);
  }
}
