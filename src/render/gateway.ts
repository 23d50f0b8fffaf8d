import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { gatewayApi } from './l1';
import { NAMESPACE_NAME_LABEL } from '../core/peer';
import { compareStrings } from '../core/selector';

/*
 * Gateway API objects (gateway.networking.k8s.io/v1), built from what SecureGateway and SecureIngress
 * recorded. The Gateway's listeners and the redirect route's host names are read at synth, so hosts
 * routed through the gateway later in the program are still listed.
 */

const GROUP = 'gateway.networking.k8s.io';
/** The most hostnames one HTTPRoute may list. */
const MAX_ROUTE_HOSTNAMES = 16;

/** The port of the HTTP listener (which only redirects) and of the HTTPS listeners. */
export const HTTP_LISTENER_PORT = 80;
export const HTTPS_LISTENER_PORT = 443;

/** The HTTP listener's name: the one listener on port 80, which only redirects. */
export const HTTP_LISTENER = 'http';

/** One HTTPS listener of a gateway: one host, its certificate, and the one namespace whose routes it admits. */
export interface HttpsListener {
  readonly hostname: string;
  readonly name: string;
  readonly routeNamespace: string;
  readonly secretName: string;
  /** The Certificate that writes the Secret; undefined for an existing Secret. */
  readonly certificateName?: string;
  /** Set when the Secret is in another namespace than the Gateway. */
  readonly secretNamespace?: string;
}

/** A Gateway as recorded by SecureGateway. */
export interface GatewayRecord {
  readonly name: string;
  readonly namespace: string;
  readonly gatewayClassName: string;
  /** The HTTPS listeners, read at synth. */
  listeners(): HttpsListener[];
}

/** An HTTPRoute that forwards a SecureIngress's hosts and paths to its Service. */
export interface ForwardingRoute {
  readonly name: string;
  readonly namespace: string;
  readonly gateway: GatewayRecord;
  /** The HTTPS listeners the route attaches to, one per host. */
  readonly listeners: HttpsListener[];
  readonly paths: string[];
  /** `PathPrefix` or `Exact`. */
  readonly pathMatch: string;
  readonly serviceName: string;
  readonly servicePort: number;
}

/** The Gateway: one HTTP listener on 80 for its own namespace's redirect, one HTTPS listener on 443 per host. */
export function renderGateway(scope: Construct, id: string, gateway: GatewayRecord): ApiObject {
  const Gateway = gatewayApi().Gateway;
  return new ApiObject(scope, id, {
    apiVersion: Gateway.GVK.apiVersion,
    kind: Gateway.GVK.kind,
    metadata: { name: gateway.name, namespace: gateway.namespace },
    spec: Lazy.any({
      produce: () => ({
        gatewayClassName: gateway.gatewayClassName,
        listeners: [
          { name: HTTP_LISTENER, port: HTTP_LISTENER_PORT, protocol: 'HTTP', allowedRoutes: allowedRoutes(gateway.namespace, gateway.namespace) },
          ...sortedListeners(gateway).map((l) => ({
            name: l.name,
            hostname: l.hostname,
            port: HTTPS_LISTENER_PORT,
            protocol: 'HTTPS',
            tls: {
              mode: 'Terminate',
              certificateRefs: [{
                group: '',
                kind: 'Secret',
                name: l.secretName,
                ...(l.secretNamespace !== undefined ? { namespace: l.secretNamespace } : {}),
              }],
            },
            allowedRoutes: allowedRoutes(l.routeNamespace, gateway.namespace),
          })),
        ],
      }),
    }),
  });
}

/**
 * The HTTPRoute of the HTTP listener: every request for a host of the gateway gets a 301 to the same URL
 * over HTTPS. It has no backends, so nothing is served in plaintext.
 */
export function renderRedirectRoute(scope: Construct, id: string, name: string, gateway: GatewayRecord): ApiObject {
  const HttpRoute = gatewayApi().HttpRoute;
  return new ApiObject(scope, id, {
    apiVersion: HttpRoute.GVK.apiVersion,
    kind: HttpRoute.GVK.kind,
    metadata: { name, namespace: gateway.namespace },
    spec: Lazy.any({
      produce: () => {
        // The hosts, when an HTTPRoute can list them all (16); else every host of the HTTP listener, which
        // only redirects either way.
        const hostnames = [...new Set(gateway.listeners().map((l) => l.hostname))].sort(compareStrings);
        return {
          parentRefs: [{ group: GROUP, kind: 'Gateway', name: gateway.name, sectionName: HTTP_LISTENER }],
          ...(hostnames.length > 0 && hostnames.length <= MAX_ROUTE_HOSTNAMES ? { hostnames } : {}),
          rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
        };
      },
    }),
  });
}

/** The HTTPRoute of a SecureIngress: in the backend's namespace, attached to its hosts' HTTPS listeners only. */
export function renderForwardingRoute(scope: Construct, id: string, route: ForwardingRoute): ApiObject {
  const sameNamespace = route.namespace === route.gateway.namespace;
  return new (gatewayApi().HttpRoute)(scope, id, {
    metadata: { name: route.name, namespace: route.namespace },
    spec: {
      parentRefs: route.listeners.map((l) => ({
        group: GROUP,
        kind: 'Gateway',
        name: route.gateway.name,
        ...(sameNamespace ? {} : { namespace: route.gateway.namespace }),
        sectionName: l.name,
      })),
      hostnames: route.listeners.map((l) => l.hostname),
      rules: [{
        matches: route.paths.map((value) => ({ path: { type: route.pathMatch as any, value } })),
        backendRefs: [{ group: '', kind: 'Service', name: route.serviceName, port: route.servicePort }],
      }],
    },
  });
}

/** Lets Gateways of `gatewayNamespace` read one Secret of `namespace` (a certificate kept elsewhere). */
export function renderSecretGrant(scope: Construct, id: string, name: string, namespace: string,
  gatewayNamespace: string, secretName: string): ApiObject {
  return new (gatewayApi().ReferenceGrant)(scope, id, {
    metadata: { name, namespace },
    spec: {
      from: [{ group: GROUP, kind: 'Gateway', namespace: gatewayNamespace }],
      to: [{ group: '', kind: 'Secret', name: secretName }],
    },
  });
}

/** A BackendTLSPolicy: gateways connect to the Service over TLS, verifying `hostname` against the CA bundle. */
export function renderBackendTlsPolicy(scope: Construct, id: string, props: {
  name: string; namespace: string; serviceName: string; hostname: string; caConfigMapName: string;
}): ApiObject {
  return new (gatewayApi().BackendTlsPolicy)(scope, id, {
    metadata: { name: props.name, namespace: props.namespace },
    spec: {
      targetRefs: [{ group: '', kind: 'Service', name: props.serviceName }],
      validation: {
        caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: props.caConfigMapName }],
        hostname: props.hostname,
      },
    },
  });
}

/** Routes from the gateway's own namespace, or from exactly one other namespace by its name label; never All. */
function allowedRoutes(routeNamespace: string, gatewayNamespace: string): any {
  const namespaces = routeNamespace === gatewayNamespace
    ? { from: 'Same' }
    : { from: 'Selector', selector: { matchLabels: { [NAMESPACE_NAME_LABEL]: routeNamespace } } };
  return { namespaces, kinds: [{ group: GROUP, kind: 'HTTPRoute' }] };
}

function sortedListeners(gateway: GatewayRecord): HttpsListener[] {
  return [...gateway.listeners()].sort((a, b) => compareStrings(a.hostname, b.hostname));
}
