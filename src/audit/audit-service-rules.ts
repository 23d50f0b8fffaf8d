import { AuditContext, compare, objectsOf, objectSubject, podSubject, Report, RuleCheck } from './audit-context';
import { namespaceOf } from '../analysis/input/manifests';
import { Protocol } from '../core/port';

/*
 * Services and Ingresses: how the workloads are exposed (NETSEC006, 007, 008), and whether the ports
 * pods accept are the ports their Services expose (NETSEC011, 013).
 */

// ---------------------------------------------------------------------------------------------------
// Services and Ingresses

const SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';

function loadBalancerSourceRanges(c: AuditContext, report: Report): void {
  for (const service of objectsOf(c, 'Service', '')) {
    if (service.spec?.type !== 'LoadBalancer') continue;
    const field: unknown = service.spec?.loadBalancerSourceRanges;
    const annotation: unknown = service.metadata?.annotations?.[SOURCE_RANGES_ANNOTATION];
    const ranges = Array.isArray(field) && field.length > 0
      ? field.map(String)
      : typeof annotation === 'string' && annotation.trim().length > 0 ? annotation.split(',').map(s => s.trim()) : [];
    const fix = 'Set spec.loadBalancerSourceRanges to the client ranges that need the service, or put it behind the ingress controller '
      + '(type ClusterIP with a SecureIngress).';
    if (ranges.length === 0) {
      report(objectSubject(service), 'type LoadBalancer without loadBalancerSourceRanges: the cloud load balancer admits every address', fix);
      continue;
    }
    const open = ranges.filter(r => /\/0$/.test(r));
    if (open.length > 0) {
      report(objectSubject(service), `type LoadBalancer with loadBalancerSourceRanges ${open.join(', ')}: every address is admitted`, fix);
    }
  }
}

function nodePortServices(c: AuditContext, report: Report): void {
  for (const service of objectsOf(c, 'Service', '')) {
    if (service.spec?.type !== 'NodePort') continue;
    const ports = (Array.isArray(service.spec?.ports) ? service.spec.ports : [])
      .map((p: any) => `${p?.protocol ?? 'TCP'} ${p?.port}${p?.nodePort !== undefined ? ` (nodePort ${p.nodePort})` : ''}`);
    report(objectSubject(service),
      `type NodePort opens ${ports.length > 0 ? ports.join(', ') : 'its ports'} on every node; node ports bypass the ingress controller and many NetworkPolicy implementations see the node, not the client, as the source`,
      'Use type ClusterIP and expose the service through the ingress controller (SecureIngress); if a node port is unavoidable, firewall the node port range outside the cluster.');
  }
}

function ingressWithoutTls(c: AuditContext, report: Report): void {
  for (const ingress of objectsOf(c, 'Ingress', 'networking.k8s.io')) {
    const tls: any[] = Array.isArray(ingress.spec?.tls) ? ingress.spec.tls : [];
    const tlsHosts: string[] = tls.flatMap(t => (Array.isArray(t?.hosts) ? t.hosts : []).map(String));
    const tlsForAnyHost = tls.some(t => !Array.isArray(t?.hosts) || t.hosts.length === 0);
    const rules: any[] = Array.isArray(ingress.spec?.rules) ? ingress.spec.rules : [];
    const fix = 'Add a spec.tls entry with the host and a certificate Secret (SecureIngress issues one with cert-manager), and redirect HTTP to HTTPS.';
    const uncovered = new Set<string>();
    for (const rule of rules) {
      const host = typeof rule?.host === 'string' && rule.host.length > 0 ? rule.host : undefined;
      if (host === undefined) {
        if (!tlsForAnyHost) uncovered.add('every host (a rule without host)');
      } else if (!tlsForAnyHost && !tlsHosts.some(pattern => hostMatches(pattern, host))) {
        uncovered.add(host);
      }
    }
    if (ingress.spec?.defaultBackend !== undefined && tls.length === 0) uncovered.add('the default backend');
    if (uncovered.size > 0) {
      report(objectSubject(ingress), `serves ${[...uncovered].join(', ')} without TLS${tls.length === 0 ? ' (no spec.tls)' : ''}`, fix);
    }
  }
}

/** True when a TLS host (exact, or `*.domain` for one label) covers a rule host. */
function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p === h) return true;
  if (p.startsWith('*.')) {
    const dot = h.indexOf('.');
    return dot > 0 && h.slice(dot) === p.slice(1);
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------
// Ingress ports and Services

/**
 * Ingress ports a pod accepts that no Service selecting it exposes. `withService` reports pods that some
 * Service selects (NETSEC011, a port mismatch); otherwise pods that no Service selects (NETSEC013).
 */
function ingressPortsWithoutService(c: AuditContext, withService: boolean, report: Report): void {
  const services = objectsOf(c, 'Service', '').filter(s => {
    const selector = s.spec?.selector;
    return selector && typeof selector === 'object' && Object.keys(selector).length > 0;
  });
  c.index.pods.forEach((pod, i) => {
    const wanted = new Map<string, { protocol: Protocol; port: number }>();
    for (const { rule } of c.index.ingressOf[i].rules) {
      for (const entry of rule.ports ?? []) {
        if (entry.port === undefined || entry.endPort !== undefined || entry.name !== undefined) continue;
        wanted.set(`${entry.protocol} ${entry.port}`, { protocol: entry.protocol, port: entry.port });
      }
    }
    if (wanted.size === 0) return;
    const selecting = services.filter(s => namespaceOf(s) === pod.namespace
      && Object.entries(s.spec.selector).every(([k, v]) => pod.labels[k] === v));
    if ((selecting.length > 0) !== withService) return;
    const exposed = new Set<string>();
    for (const service of selecting) {
      for (const port of Array.isArray(service.spec?.ports) ? service.spec.ports : []) {
        const protocol: Protocol = port?.protocol ?? Protocol.TCP;
        const target = port?.targetPort ?? port?.port;
        const number = typeof target === 'string' && !/^\d+$/.test(target)
          ? pod.ports.find(p => p.name === target && p.protocol === protocol)?.port
          : Number(target);
        if (number !== undefined && Number.isInteger(number)) exposed.add(`${protocol} ${number}`);
      }
    }
    const missing = [...wanted.keys()].filter(k => !exposed.has(k)).sort(compareProtocolPorts);
    if (missing.length === 0) return;
    if (withService) {
      const names = selecting.map(s => s.metadata?.name).sort();
      report(podSubject(pod), `${pod.namespace}/${pod.name} accepts ingress on ${missing.join(', ')}, but the Services that select it `
        + `(${names.join(', ')}) expose no such target port`,
      'Correct the port in the ingress rule, or give the Service a port with that targetPort (IsolatedTier.expose()).');
    } else {
      report(podSubject(pod), `${pod.namespace}/${pod.name} accepts ingress on ${missing.join(', ')}, but no Service in namespace ${pod.namespace} selects it`,
        'If clients reach the pods through a Service, add it (IsolatedTier.expose()); ignore this rule when the Service is managed elsewhere.');
    }
  });
}

function compareProtocolPorts(a: string, b: string): number {
  const [pa, na] = a.split(' ');
  const [pb, nb] = b.split(' ');
  return compare(pa, pb) || Number(na) - Number(nb);
}

/** The Service and Ingress rules of the catalogue. */
export const serviceChecks: Record<string, RuleCheck> = {
  NETSEC006: loadBalancerSourceRanges,
  NETSEC007: nodePortServices,
  NETSEC008: ingressWithoutTls,
  NETSEC011: (c, report) => ingressPortsWithoutService(c, true, report),
  NETSEC013: (c, report) => ingressPortsWithoutService(c, false, report),
};
