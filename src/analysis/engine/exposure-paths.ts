import { arrayOf, AuditContext, objectsOf } from '../../audit/audit-context';
import { attaches, listenersOf } from '../../audit/audit-gateway-rules';
import { Port, Protocol } from '../../core/port';
import { ModelPod, namespaceOf } from '../input/manifests';
import { ExposedAddressRange, ExposurePath } from '../report/exposure';

/*
 * The paths into the cluster that lead to a pod: Services the cloud or the nodes expose (LoadBalancer,
 * NodePort, externalIPs), Ingresses, Gateway API routes (HTTPRoute, GRPCRoute, TLSRoute, TCPRoute,
 * UDPRoute) and OpenShift Routes. Who may use a path is not decided here: `admission` is the engine's
 * answer for the path's data plane, and a Service path reads the engine-derived outside ranges.
 */

/** The sources of the data plane the engine lets through on at least one of the target ports. */
export type Admission = (targets: readonly Port[]) => string[];

/** The Services in the pod's namespace whose selector selects it. */
function servicesSelecting(c: AuditContext, pod: ModelPod): any[] {
  return objectsOf(c, 'Service', '').filter(s => {
    const selector = s.spec?.selector;
    return namespaceOf(s) === pod.namespace && selector && typeof selector === 'object' && Object.keys(selector).length > 0
      && Object.entries(selector).every(([k, v]) => pod.labels[k] === v);
  });
}

/** The workload port a Service port leads to (a named targetPort resolves against the pod); undefined when it declares none. */
function targetPortOf(servicePort: any, pod: ModelPod): Port | undefined {
  const protocol: Protocol = servicePort?.protocol ?? Protocol.TCP;
  const target = servicePort?.targetPort ?? servicePort?.port;
  if (typeof target === 'string' && !/^\d+$/.test(target)) {
    const number = pod.ports.find(p => p.name === target && p.protocol === protocol)?.port;
    return number === undefined ? undefined : Port.portRange(protocol, number, number);
  }
  const number = Number(target);
  return Number.isInteger(number) && number > 0 && number <= 65535 ? Port.portRange(protocol, number, number) : undefined;
}

export function servicePaths(c: AuditContext, pod: ModelPod, outside: readonly ExposedAddressRange[]): ExposurePath[] {
  const paths: ExposurePath[] = [];
  for (const service of servicesSelecting(c, pod)) {
    const type = service.spec?.type;
    const externalIPs: string[] = arrayOf(service.spec?.externalIPs).map(String);
    const entries = arrayOf(service.spec?.ports).map(p => ({ raw: p, target: targetPortOf(p, pod) }));
    const targets = entries.filter(e => e.target !== undefined).map(e => e.target!);
    const admittedFrom = outside
      .filter(range => targets.some(t => range.ports.some(p => covers(p, t))))
      .map(range => `${range.addresses} (${range.description})`);
    const path = (description: string): ExposurePath => ({
      kind: 'Service', resource: `Service ${pod.namespace}/${service.metadata?.name}`, description, targetPorts: targets, admittedFrom, reachable: admittedFrom.length > 0,
    });
    if (type === 'LoadBalancer' || type === 'NodePort') {
      const sources: string[] = arrayOf(service.spec?.loadBalancerSourceRanges).map(String);
      const ports = entries.map(e => `${e.raw?.protocol ?? 'TCP'} ${e.raw?.port}${e.raw?.nodePort ? ` (nodePort ${e.raw.nodePort})` : ''} -> ${e.target?.toString() ?? 'no port of the workload'}`);
      const scope = type === 'LoadBalancer'
        ? `source ranges ${sources.length > 0 ? sources.join(', ') : 'every address (no loadBalancerSourceRanges)'}`
        : 'on every node';
      paths.push(path(`${type} ${ports.join(', ')}, ${scope}`));
    }
    // Any Service type: the nodes accept traffic to these addresses on the Service ports, from anywhere.
    if (externalIPs.length > 0) {
      const ports = entries.map(e => `${e.raw?.protocol ?? 'TCP'} ${e.raw?.port} -> ${e.target?.toString() ?? 'no port of the workload'}`);
      paths.push(path(`externalIPs ${externalIPs.join(', ')} ${ports.join(', ')}, from every address that routes to them`));
    }
  }
  return paths;
}

/** True when an allowed-ports entry (a range or a whole protocol) covers a single target port. */
function covers(allowed: Port, target: Port): boolean {
  if (allowed.protocol !== target.protocol) return false;
  if (allowed.isAllPorts) return true;
  const start = allowed.startPort ?? 0;
  return start <= target.startPort! && target.startPort! <= (allowed.endPort ?? start);
}

/** A Service port as a backend names it: by number or by name. */
interface BackendPort { readonly number?: unknown; readonly name?: unknown }

/**
 * The workload port a backend leads to: null when the backend's Service does not select the pod,
 * undefined when it does but the named Service port leads to no port of the pod.
 */
function backendTarget(c: AuditContext, pod: ModelPod, namespace: string, name: unknown, port: BackendPort): Port | undefined | null {
  if (namespace !== pod.namespace) return null;
  const service = servicesSelecting(c, pod).find(s => s.metadata?.name === name);
  if (service === undefined) return null;
  const entry = arrayOf(service.spec?.ports).find(p => (port.name !== undefined ? p?.name === port.name : Number(p?.port) === Number(port.number)));
  return entry === undefined ? undefined : targetPortOf(entry, pod);
}

export function ingressPaths(c: AuditContext, pod: ModelPod, admission: Admission): ExposurePath[] {
  const paths: ExposurePath[] = [];
  for (const ingress of objectsOf(c, 'Ingress', 'networking.k8s.io')) {
    const namespace = namespaceOf(ingress);
    const tlsHosts = new Set(arrayOf(ingress.spec?.tls).flatMap(t => arrayOf(t?.hosts).map(String)));
    const className = ingress.spec?.ingressClassName ?? ingress.metadata?.annotations?.['kubernetes.io/ingress.class'] ?? 'the default class';
    const backends: { host: string; path: string; service: any }[] = [];
    if (ingress.spec?.defaultBackend?.service) backends.push({ host: '*', path: '(default backend)', service: ingress.spec.defaultBackend.service });
    for (const rule of arrayOf(ingress.spec?.rules)) {
      for (const path of arrayOf(rule?.http?.paths)) {
        if (!path?.backend?.service) continue;
        backends.push({ host: rule?.host ?? '*', path: `${path.path ?? '/'} (${path.pathType ?? 'ImplementationSpecific'})`, service: path.backend.service });
      }
    }
    for (const backend of backends) {
      const target = backendTarget(c, pod, namespace, backend.service.name, backend.service.port ?? {});
      if (target === null) continue;
      const targets = target === undefined ? [] : [target];
      const admittedFrom = admission(targets);
      const port = backend.service.port?.number ?? backend.service.port?.name;
      paths.push({
        kind: 'Ingress',
        resource: `Ingress ${namespace}/${ingress.metadata?.name}`,
        description: `host ${backend.host} path ${backend.path} via the ingress controller of ${className}${tlsHosts.has(backend.host) ? ' (TLS)' : ' (no TLS for this host)'}, `
          + `Service ${backend.service.name}:${port} -> ${target?.toString() ?? 'no port of the workload'}`,
        targetPorts: targets,
        admittedFrom,
        reachable: admittedFrom.length > 0,
      });
    }
  }
  return paths;
}

/** The Gateway API route kinds that lead through a gateway's data plane to Services. */
const ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute'];
const GATEWAY_GROUP = 'gateway.networking.k8s.io';

export function routePaths(c: AuditContext, pod: ModelPod, admission: Admission): ExposurePath[] {
  const listeners = listenersOf(c);
  const paths: ExposurePath[] = [];
  for (const kind of ROUTE_KINDS) {
    for (const route of objectsOf(c, kind, GATEWAY_GROUP)) {
      const namespace = namespaceOf(route);
      const attached = listeners.filter(l => attaches(c, route, l));
      const hostnames = arrayOf(route.spec?.hostnames).map(String);
      arrayOf(route.spec?.rules).forEach(rule => {
        for (const ref of arrayOf(rule?.backendRefs)) {
          if ((ref?.kind ?? 'Service') !== 'Service' || (ref?.group ?? '') !== '') continue;
          const target = backendTarget(c, pod, ref?.namespace ?? namespace, ref?.name, { number: ref?.port });
          if (target === null) continue;
          const targets = target === undefined ? [] : [target];
          const admittedFrom = attached.length > 0 ? admission(targets) : [];
          const via = attached.length === 0 ? 'attached to no listener'
            : attached.map(l => `Gateway ${l.gatewayId} listener ${l.name} (${l.raw?.protocol} ${l.raw?.port}${l.raw?.hostname ? ` ${l.raw.hostname}` : ''})`).join(', ');
          paths.push({
            kind,
            resource: `${kind} ${namespace}/${route.metadata?.name}`,
            description: `${routeMatch(kind, rule, hostnames)}via ${via}, Service ${ref?.name}:${ref?.port} -> ${target?.toString() ?? 'no port of the workload'}`,
            targetPorts: targets,
            admittedFrom,
            reachable: admittedFrom.length > 0,
          });
        }
      });
    }
  }
  return paths;
}

/** What of the traffic a route rule takes: hostnames and paths (HTTP), methods (gRPC), hostnames (TLS). */
function routeMatch(kind: string, rule: any, hostnames: readonly string[]): string {
  const hosts = kind === 'TCPRoute' || kind === 'UDPRoute' ? '' : `hostnames ${hostnames.join(', ') || '(the listener\'s)'} `;
  if (kind === 'HTTPRoute') {
    const matches = arrayOf(rule?.matches).map(m => m?.path?.value).filter(v => typeof v === 'string');
    return `${hosts}path ${matches.join(', ') || '/'} `;
  }
  if (kind === 'GRPCRoute') {
    const methods = arrayOf(rule?.matches).map(m => [m?.method?.service, m?.method?.method].filter(Boolean).join('/')).filter(v => v.length > 0);
    return `${hosts}methods ${methods.join(', ') || '(all)'} `;
  }
  return hosts;
}

/**
 * OpenShift Routes (route.openshift.io/v1): `spec.to` and `spec.alternateBackends` name Services;
 * `spec.port.targetPort` picks the Service port by name, or by its target port number; without it, every
 * port of the Service. The router is the path in, like an ingress controller.
 */
export function openShiftRoutePaths(c: AuditContext, pod: ModelPod, admission: Admission): ExposurePath[] {
  const paths: ExposurePath[] = [];
  for (const route of objectsOf(c, 'Route', 'route.openshift.io')) {
    const namespace = namespaceOf(route);
    if (namespace !== pod.namespace) continue;
    const wanted = route.spec?.port?.targetPort;
    for (const backend of [route.spec?.to, ...arrayOf(route.spec?.alternateBackends)]) {
      if ((backend?.kind ?? 'Service') !== 'Service') continue;
      const service = servicesSelecting(c, pod).find(s => s.metadata?.name === backend?.name);
      if (service === undefined) continue;
      const entries = arrayOf(service.spec?.ports).filter(p => wanted === undefined
        || (typeof wanted === 'string' && !/^\d+$/.test(wanted) ? p?.name === wanted : Number(p?.targetPort ?? p?.port) === Number(wanted)));
      const targets = entries.map(e => targetPortOf(e, pod)).filter((t): t is Port => t !== undefined);
      const admittedFrom = admission(targets);
      paths.push({
        kind: 'Route',
        resource: `Route ${namespace}/${route.metadata?.name}`,
        description: `host ${route.spec?.host ?? '(generated)'} path ${route.spec?.path ?? '/'} via the OpenShift router${route.spec?.tls ? ' (TLS)' : ''}, `
          + `Service ${backend.name}${wanted === undefined ? '' : `:${wanted}`} -> ${targets.map(t => t.toString()).join(', ') || 'no port of the workload'}`,
        targetPorts: targets,
        admittedFrom,
        reachable: admittedFrom.length > 0,
      });
    }
  }
  return paths;
}
