import { ClusterIndex } from './cluster';
import { Protocol } from '../../core/port';
import { namespaceOf } from '../input/manifests';
import { compileSelector } from '../policies/selectors';

/*
 * The ports the ingress data plane opens connections on: every Ingress (networking.k8s.io/v1, and the
 * legacy extensions/v1beta1 backend fields) and OpenShift Route (route.openshift.io/v1) leads through a
 * Service to the pods it selects, on the Service port's targetPort (a number, or a container port name
 * resolved per pod). A Route without `spec.port` leads to every port of its Service. Backends that do not
 * resolve (no such Service, no selector, unknown port) lead nowhere.
 */

/** One pod the ingress data plane connects to, on one port. */
export interface IngressTarget {
  readonly position: number;
  readonly protocol: Protocol;
  readonly port: number;
}

interface BackendRef {
  readonly namespace: string;
  readonly service: string;
  /** A Service port number or name; undefined: every port of the Service. */
  readonly port?: number | string;
  /** True when `port` names the pods' target port (Route `targetPort`) rather than a Service port. */
  readonly isTargetPort: boolean;
}

/** Every (pod, port) an Ingress or Route leads to, deduplicated, in a stable order. */
export function ingressTargets(objects: readonly any[], index: ClusterIndex): IngressTarget[] {
  const services = new Map<string, any>();
  for (const object of objects) {
    if (object?.kind === 'Service' && typeof object.metadata?.name === 'string') services.set(`${namespaceOf(object)}/${object.metadata.name}`, object);
  }
  const seen = new Set<string>();
  const targets: IngressTarget[] = [];
  for (const backend of objects.flatMap(backendsOf)) {
    const service = services.get(`${backend.namespace}/${backend.service}`);
    if (!service || !service.spec?.selector || typeof service.spec.selector !== 'object') continue;
    let selector;
    try {
      selector = compileSelector({ matchLabels: service.spec.selector }, 'Service', 'spec.selector');
    } catch {
      continue;
    }
    const ports: any[] = Array.isArray(service.spec.ports) ? service.spec.ports : [];
    const chosen = ports.filter(p => backend.port === undefined || p.name === backend.port
      || (backend.isTargetPort ? (p.targetPort ?? p.port) === backend.port : p.port === backend.port));
    index.pods.forEach((pod, position) => {
      if (pod.namespace !== backend.namespace || !selector.matches(pod.labels)) return;
      for (const servicePort of chosen) {
        const protocol: Protocol = servicePort.protocol ?? Protocol.TCP;
        const target = servicePort.targetPort ?? servicePort.port;
        const number = typeof target === 'number' ? target
          : pod.ports.find(p => p.name === target && p.protocol === protocol)?.port;
        if (number === undefined) continue;
        const key = `${position}|${protocol}|${number}`;
        if (seen.has(key)) continue;
        seen.add(key);
        targets.push({ position, protocol, port: number });
      }
    });
  }
  return targets;
}

function backendsOf(object: any): BackendRef[] {
  if (object === null || typeof object !== 'object') return [];
  const namespace = namespaceOf(object);
  if (object.kind === 'Ingress') {
    const refs: BackendRef[] = [];
    const add = (backend: any) => {
      if (!backend || typeof backend !== 'object') return;
      if (backend.service && typeof backend.service.name === 'string') {
        const port = backend.service.port?.number ?? backend.service.port?.name;
        refs.push({ namespace, service: backend.service.name, port, isTargetPort: false });
      } else if (typeof backend.serviceName === 'string') {
        refs.push({ namespace, service: backend.serviceName, port: backend.servicePort, isTargetPort: false });
      }
    };
    add(object.spec?.defaultBackend ?? object.spec?.backend);
    for (const rule of Array.isArray(object.spec?.rules) ? object.spec.rules : []) {
      for (const path of Array.isArray(rule?.http?.paths) ? rule.http.paths : []) add(path?.backend);
    }
    return refs;
  }
  if (object.kind === 'Route' && typeof object.apiVersion === 'string' && object.apiVersion.startsWith('route.openshift.io/')) {
    const port = object.spec?.port?.targetPort;
    const targets = [object.spec?.to, ...(Array.isArray(object.spec?.alternateBackends) ? object.spec.alternateBackends : [])];
    return targets
      .filter(t => t && (t.kind === undefined || t.kind === 'Service') && typeof t.name === 'string')
      .map(t => ({ namespace, service: t.name, port, isTargetPort: true }));
  }
  return [];
}
