import { AuditContext, arrayOf, compare, objectsOf, objectSubject, Report, RuleCheck, stringMap } from './audit-context';
import { namespaceOf } from '../analysis/input/manifests';
import { compileSelector } from '../analysis/policies/selectors';

/*
 * Gateway API (gateway.networking.k8s.io/v1, the pinned standard-channel CRDs) read as the audit reads
 * Ingress: an HTTP listener must only redirect (NETSEC016, as NETSEC008 for Ingress), a route's backends
 * must exist with the port it names (NETSEC017/018, as NETSEC013/011), and a listener must not accept
 * routes from every namespace (NETSEC019). Attachment follows the Gateway API spec: a parentRef names
 * the Gateway (kind Gateway, namespace defaulting to the route's), optionally one listener by
 * sectionName and/or port, and the listener's allowedRoutes must admit the route's namespace
 * (`from` defaults to Same).
 */

const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** A listener of a Gateway, with the Gateway it belongs to. */
interface Listener {
  readonly gateway: any;
  readonly gatewayId: string;
  readonly raw: any;
  readonly name: string;
}

/** Every listener of every Gateway in the manifests, in input order. */
export function listenersOf(c: AuditContext): Listener[] {
  return objectsOf(c, 'Gateway', GATEWAY_GROUP).flatMap(gateway => arrayOf(gateway.spec?.listeners).map(raw => ({
    gateway,
    gatewayId: `${namespaceOf(gateway)}/${gateway.metadata?.name}`,
    raw,
    name: String(raw?.name ?? ''),
  })));
}

/** The HTTPRoutes in the manifests. */
export function httpRoutesOf(c: AuditContext): any[] {
  return objectsOf(c, 'HTTPRoute', GATEWAY_GROUP);
}

/** True when the listener accepts the route: a parentRef names it and allowedRoutes admits the route's namespace. */
export function attaches(c: AuditContext, route: any, listener: Listener): boolean {
  const routeNamespace = namespaceOf(route);
  const gatewayNamespace = namespaceOf(listener.gateway);
  const named = arrayOf(route.spec?.parentRefs).some(ref => (ref?.kind ?? 'Gateway') === 'Gateway'
    && (ref?.group ?? GATEWAY_GROUP) === GATEWAY_GROUP
    && ref?.name === listener.gateway.metadata?.name
    && (ref?.namespace ?? routeNamespace) === gatewayNamespace
    && (ref?.sectionName === undefined || ref.sectionName === listener.name)
    && (ref?.port === undefined || Number(ref.port) === Number(listener.raw?.port)));
  if (!named || !hostnamesIntersect(listener.raw?.hostname, arrayOf(route.spec?.hostnames).map(String))) return false;
  const namespaces = listener.raw?.allowedRoutes?.namespaces;
  const from = namespaces?.from ?? 'Same';
  if (from === 'All') return true;
  if (from === 'Same') return routeNamespace === gatewayNamespace;
  if (from === 'Selector') {
    try {
      return compileSelector(namespaces?.selector, `Gateway ${listener.gatewayId}`, 'allowedRoutes.namespaces.selector')
        .matches(c.index.labelsOf(routeNamespace));
    } catch {
      return false;
    }
  }
  return false;
}

/**
 * True when a route's hostnames and a listener's hostname share a host (Gateway API: a listener or route
 * without hostnames matches every host; `*.example.com` matches every host below example.com).
 */
function hostnamesIntersect(listenerHostname: unknown, routeHostnames: readonly string[]): boolean {
  if (typeof listenerHostname !== 'string' || listenerHostname.length === 0 || routeHostnames.length === 0) return true;
  return routeHostnames.some(h => gatewayHostMatches(listenerHostname, h) || gatewayHostMatches(h, listenerHostname));
}

/** True when `pattern` (a host or `*.suffix`) covers `host` (a host or a narrower wildcard). */
function gatewayHostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p === h) return true;
  return p.startsWith('*.') && h.endsWith(p.slice(1)) && h.length > p.length - 1;
}

/** A backendRef that names a core Service (kind Service is the default). */
function isServiceRef(ref: any): boolean {
  return (ref?.kind ?? 'Service') === 'Service' && (ref?.group ?? '') === '';
}

function httpListenerServesBackends(c: AuditContext, report: Report): void {
  const routes = httpRoutesOf(c);
  for (const listener of listenersOf(c)) {
    if (listener.raw?.protocol !== 'HTTP') continue;
    for (const route of routes) {
      if (!attaches(c, route, listener)) continue;
      const serving = arrayOf(route.spec?.rules)
        .map((rule, i) => ({ rule, i }))
        .filter(({ rule }) => arrayOf(rule?.backendRefs).length > 0);
      if (serving.length === 0) continue;
      const backends = [...new Set(serving.flatMap(({ rule }) => arrayOf(rule.backendRefs).map(b => `${b?.name}${b?.port === undefined ? '' : `:${b.port}`}`)))].sort(compare);
      report(objectSubject(route),
        `attaches to HTTP listener "${listener.name}" (port ${listener.raw?.port}) of Gateway ${listener.gatewayId} and forwards `
        + `spec.rules[${serving.map(s => s.i).join(', ')}] to backends (${backends.join(', ')}) in plain text instead of only redirecting to HTTPS`,
        'Attach the forwarding route to the HTTPS listener only (parentRefs[].sectionName), and give the HTTP listener a route whose rules have a '
        + 'RequestRedirect filter with scheme https and no backendRefs (SecureGateway writes both).');
    }
  }
}

function backendServices(c: AuditContext, report: Report, missingService: boolean): void {
  const services = objectsOf(c, 'Service', '');
  for (const route of httpRoutesOf(c)) {
    const routeNamespace = namespaceOf(route);
    const problems: string[] = [];
    arrayOf(route.spec?.rules).forEach((rule, r) => arrayOf(rule?.backendRefs).forEach((ref, b) => {
      if (!isServiceRef(ref)) return;
      const namespace = ref?.namespace ?? routeNamespace;
      const where = `spec.rules[${r}].backendRefs[${b}]`;
      const service = services.find(s => s.metadata?.name === ref?.name && namespaceOf(s) === namespace);
      if (missingService) {
        if (service === undefined) problems.push(`${where} names Service ${namespace}/${ref?.name}, which is not in the manifests`);
        return;
      }
      if (service === undefined) return;
      const exposed = arrayOf(service.spec?.ports).map(p => Number(p?.port));
      if (ref?.port === undefined) {
        problems.push(`${where} names Service ${namespace}/${ref?.name} without a port (the Service exposes ${exposed.join(', ') || 'none'})`);
      } else if (!exposed.includes(Number(ref.port))) {
        problems.push(`${where} names port ${ref.port} of Service ${namespace}/${ref?.name}, which exposes ${exposed.join(', ') || 'no port'}`);
      }
    }));
    if (problems.length === 0) continue;
    report(objectSubject(route), problems.join('; '), missingService
      ? 'Add the Service (IsolatedTier.expose()) in the namespace the backendRef names, or correct the name; a Service created later by someone else would receive the traffic.'
      : 'Set backendRefs[].port to a port the Service exposes (spec.ports[].port, not the targetPort), or add that port to the Service.');
  }
}

function listenerAdmitsAllNamespaces(c: AuditContext, report: Report): void {
  for (const gateway of objectsOf(c, 'Gateway', GATEWAY_GROUP)) {
    const open = arrayOf(gateway.spec?.listeners).filter(l => {
      const namespaces = l?.allowedRoutes?.namespaces;
      if (namespaces?.from === 'All') return true;
      if (namespaces?.from !== 'Selector') return false;
      const selector = namespaces.selector ?? {};
      return Object.keys(stringMap(selector.matchLabels)).length === 0 && arrayOf(selector.matchExpressions).length === 0;
    });
    if (open.length === 0) continue;
    report(objectSubject(gateway),
      `listener${open.length === 1 ? '' : 's'} ${open.map(l => `"${l?.name}" (${l?.protocol} ${l?.port}${l?.hostname ? `, ${l.hostname}` : ''})`).join(', ')} `
      + 'accept routes from every namespace (allowedRoutes.namespaces.from: All, or a Selector that selects every namespace): any namespace can attach a route and take the host',
      'Admit only the namespaces the listener serves: from: Same, or from: Selector with kubernetes.io/metadata.name In [those namespaces] (SecureGateway does this).');
  }
}

/** The Gateway API rules of the catalogue. */
export const gatewayChecks: Record<string, RuleCheck> = {
  NETSEC016: httpListenerServesBackends,
  NETSEC017: (c, report) => backendServices(c, report, true),
  NETSEC018: (c, report) => backendServices(c, report, false),
  NETSEC019: listenerAdmitsAllNamespaces,
};
