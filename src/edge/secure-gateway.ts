import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { CiliumIngressIdentity } from './edge-admission';
import { GatewayImplementation } from './gateway-implementation';
import { checkedInput } from '../core/checked-input';
import { netsecError, validationProblem } from '../core/errors';
import { checkDns1123Label, checkDns1123Subdomain, toDistinctDnsLabel, toDnsLabel } from '../core/names';
import { IPeer, Peer } from '../core/peer';
import { defaultName, resolveNamespace } from '../core/scope-defaults';
import { IntentModel } from '../model/intent-model';
import { recordGatewayDataPlane } from '../platform/component-records';
import { GatewayRecord, HTTP_LISTENER_PORT, HTTPS_LISTENER_PORT, HttpsListener, renderGateway, renderRedirectRoute, renderSecretGrant } from '../render/gateway';
import { admitAcmeSolvers } from '../tls/acme-solvers';
import { CertificateOptions, checkCertificateOptions, IssuerKind } from '../tls/certificate';
import { resolveTlsSource, TlsSource } from '../tls/tls-source';

/** Properties of a `SecureGateway`. */
export interface SecureGatewayProps {
  /** The GatewayClass of the implementation that runs the gateway (e.g. "eg" for Envoy Gateway, "istio"). */
  readonly gatewayClassName: string;
  /** The implementation behind the class: where its data-plane pods run and how they are selected. */
  readonly implementation: GatewayImplementation;
  /**
   * The namespace of the Gateway (and of its certificates and redirect route).
   * @default - the namespace of the enclosing chart
   */
  readonly namespace?: string;
  /**
   * TLS source: a cert-manager ClusterIssuer by name, assumed to solve ACME HTTP-01 through this gateway
   * unless `tls` says otherwise. Exactly one of `clusterIssuer`, `issuer` and `tls` is required.
   * @default - see `tls`
   */
  readonly clusterIssuer?: string;
  /**
   * TLS source: a cert-manager Issuer by name, in the gateway's namespace (ACME HTTP-01 assumed).
   * @default - see `tls`
   */
  readonly issuer?: string;
  /**
   * TLS source as a class: `TlsSource.clusterIssuer()`, `.issuer()`, `.issuerReference()` or
   * `.existingSecret()` (one Secret, e.g. a wildcard certificate, for every host).
   * @default - see `clusterIssuer` and `issuer`
   */
  readonly tls?: TlsSource;
  /**
   * Lifetime and key of the Certificates issued for the listeners (not with an existing Secret).
   * @default - ECDSA P-256, a new key on every renewal, 90 days, renewed 30 days before expiry
   */
  readonly certificate?: CertificateOptions;
  /**
   * The Gateway's name (a DNS-1123 label: implementations copy it into label values).
   * @default - derived from the construct id
   */
  readonly name?: string;
}

/**
 * A Gateway API `Gateway` that terminates TLS for the hosts routed through it.
 *
 * It starts with one HTTP listener on port 80, whose only route redirects to HTTPS (301, no backends).
 * Each `SecureIngress` with `gateway: thisGateway` adds, per host, an HTTPS listener on 443 for exactly
 * that hostname with a certificate for exactly that host, admitting routes only from the backend's
 * namespace (never All), and the backend's NetworkPolicy admits only this gateway's data-plane pods.
 *
 * @example
 * const gw = new SecureGateway(chart, 'edge', { namespace: 'edge', gatewayClassName: 'eg',
 *   implementation: GatewayImplementation.envoyGateway(), clusterIssuer: 'letsencrypt-prod' });
 * new SecureIngress(chart, 'api-edge', { host: 'api.example.com', backend: api, port: Port.tcp(9090), gateway: gw });
 */
export class SecureGateway extends Construct {
  /** True when `x` is a `SecureGateway`. */
  public static isSecureGateway(x: any): x is SecureGateway {
    return x instanceof SecureGateway;
  }

  /** The Gateway's name. */
  public readonly name: string;
  /** The Gateway's namespace. */
  public readonly namespace: string;
  /** The GatewayClass. */
  public readonly gatewayClassName: string;
  /** The implementation that runs the data plane. */
  public readonly implementation: GatewayImplementation;
  /** Where the listeners' certificates come from. */
  public readonly tls: TlsSource;
  /** The namespace of this gateway's data-plane pods. */
  public readonly dataPlaneNamespace: string;
  /** The labels that select this gateway's data-plane pods. */
  public readonly dataPlaneLabels: { [key: string]: string };
  /** The service account of the data-plane pods, when the implementation names it predictably. */
  public readonly dataPlaneServiceAccountName?: string;
  /** The data-plane pods as a peer: one selector for their namespace and labels together. */
  public readonly peer: IPeer;
  /** The Gateway object. */
  public readonly apiObject: ApiObject;
  /** The HTTPRoute of the HTTP listener, which only redirects to HTTPS. */
  public readonly redirectRoute: ApiObject;
  /** @internal */
  public readonly _certificateOptions?: CertificateOptions;
  private readonly listenersByHost = new Map<string, { listener: HttpsListener; owner: IConstruct }>();
  private readonly record: GatewayRecord;

  /**
   * @param scope the parent construct
   * @param id the construct id, unique among its siblings
   * @param props the configuration (`SecureGatewayProps`)
   */
  public constructor(scope: Construct, id: string, props: SecureGatewayProps) {
    const { name, namespace, gatewayClassName, implementation, tls, certificateOptions, plane, peer }
      = checkedInput(scope, id, (path) => checkGatewayProps(scope, id, path, props), { props: { given: props, struct: 'SecureGatewayProps' } });
    super(scope, id);
    this.name = name;
    this.namespace = namespace;
    this.gatewayClassName = gatewayClassName;
    this.implementation = implementation;
    this.tls = tls;
    this._certificateOptions = certificateOptions;
    this.dataPlaneNamespace = plane.namespace;
    this.dataPlaneLabels = Object.freeze({ ...plane.podLabels });
    this.dataPlaneServiceAccountName = plane.serviceAccountName;
    this.peer = peer;
    this.record = {
      name,
      namespace,
      gatewayClassName: this.gatewayClassName,
      listeners: () => [...this.listenersByHost.values()].map((l) => l.listener),
    };

    const model = IntentModel.of(this);
    model.names.claim('Gateway', namespace, name, this);
    this.apiObject = renderGateway(this, 'Resource', this.record);
    const redirectName = toDnsLabel([name, 'https-redirect']);
    model.names.claim('HTTPRoute', namespace, redirectName, this);
    this.redirectRoute = renderRedirectRoute(this, 'HttpsRedirect', redirectName, this.record);
    if (tls.secretNamespace !== undefined && tls.secretNamespace !== namespace) {
      const grantName = toDnsLabel([namespace, name, 'tls']);
      model.names.claim('ReferenceGrant', tls.secretNamespace, grantName, this);
      renderSecretGrant(this, 'SecretGrant', grantName, tls.secretNamespace, namespace, tls.secretName!);
    }
    if (!implementation._isCiliumIngress()) {
      recordGatewayDataPlane(this, implementation._dataPlaneKind(), { namespace, name }, plane,
        implementation._controllerNamespace(), [HTTPS_LISTENER_PORT, HTTP_LISTENER_PORT]);
    }
    if (tls.acmeHttp01) admitAcmeSolvers(this, namespace, peer);
    if (plane.serviceAccountName !== undefined) {
      model.addEdgeIdentity({ peer, serviceAccountName: plane.serviceAccountName, declaredAt: this.node.path });
    }
    this.node.addValidation({ validate: () => this.dataPlaneNamespaceProblems(model) });
  }

  /**
   * The data plane's own traffic (clients on the implementation's container ports, its egress to the
   * backends and its control plane) is not modelled, so a namespace baseline over the data-plane pods
   * would silently cut the gateway off. Whether the app isolates that namespace is known only once the
   * whole app is declared.
   */
  private dataPlaneNamespaceProblems(model: IntentModel): string[] {
    // Cilium's data plane is the node's Envoy, which namespace policies do not select.
    if (this.implementation._isCiliumIngress()) return [];
    const ns = this.dataPlaneNamespace;
    if (!model.namespaceIsolatesIngress(ns) && !model.namespaceIsolatesEgress(ns)) return [];
    // Where the ClusterIsolation guards the namespace, the guardrails write the data plane as a platform tier
    // (or refuse it); a NamespaceIsolation there adds nothing the tier does not allow.
    if (model.clusterIsolates(ns)) return [];
    return [validationProblem(`the app isolates namespace ${ns}, where this gateway's data-plane pods run, so clients could not reach them and their connections to the backends would be denied`,
      ns, `Leave ${ns} out of NamespaceIsolation, or write the data plane's ingress (its container ports) and egress (backends, control plane) yourself; `
      + 'with Envoy Gateway in its default mode the data plane runs in envoy-gateway-system, and the Gateway\'s own namespace can be isolated.')];
  }

  /**
   * The HTTPS listeners `hosts` would get for routes of `routeNamespace`; fails when a host is already
   * served by this gateway. Records nothing.
   * @internal
   */
  public _planListeners(requester: IConstruct | string, hosts: string[], routeNamespace: string): HttpsListener[] {
    if (this.listenersByHost.size + hosts.length > 63) {
      throw netsecError(requester, `${this.node.path} would have more than the 64 listeners a Gateway may have`, hosts.length,
        'Spread the hosts over several SecureGateways.');
    }
    return hosts.map((hostname) => {
      const taken = this.listenersByHost.get(hostname);
      if (taken) {
        throw netsecError(requester, `host is already served by gateway ${this.namespace}/${this.name} for ${taken.owner.node.path}`, hostname,
          'Route each host through a gateway once: serve both paths from one SecureIngress, or use another host.');
      }
      const readable = hostname.replace(/^\*\./, 'wildcard.');
      // A Certificate and Secret per host, named after the gateway and the host (hashed: hosts flatten).
      const certificateName = this.tls.secretName === undefined ? toDistinctDnsLabel([this.name, readable], hostname) : undefined;
      return {
        hostname,
        name: toDistinctDnsLabel(['https', readable], hostname),
        routeNamespace,
        certificateName,
        secretName: this.tls.secretName ?? `${certificateName}-tls`,
        secretNamespace: this.tls.secretName !== undefined && this.tls.secretNamespace !== this.namespace ? this.tls.secretNamespace : undefined,
      };
    });
  }

  /**
   * Adds listeners planned by `_planListeners`.
   * @internal
   */
  public _addListeners(owner: IConstruct, listeners: HttpsListener[]): void {
    for (const listener of listeners) this.listenersByHost.set(listener.hostname, { listener, owner });
  }

  /** @internal */
  public get _record(): GatewayRecord {
    return this.record;
  }

  /** `gateway <namespace>/<name> (class <class>)`. */
  public toString(): string {
    return `gateway ${this.namespace}/${this.name} (class ${this.gatewayClassName})`;
  }
}

/** Checks every prop of a SecureGateway, its certificate options included, before it joins the tree. */
function checkGatewayProps(scope: Construct, id: string, path: string, props: SecureGatewayProps) {
  if (props === null || typeof props !== 'object') {
    throw netsecError(path, 'props must be an object', props, 'Pass { gatewayClassName, implementation, clusterIssuer }.');
  }
  const name = props.name ?? defaultName(scope, id);
  const badName = typeof name === 'string' ? checkDns1123Label(name) : 'must be a string';
  if (badName) throw netsecError(path, `name ${badName}`, name, 'Pass a name such as "edge".');
  // Each prop is read once: what is checked is what the Gateway is built from.
  const gatewayClassName = props.gatewayClassName;
  const implementation = props.implementation;
  const badClass = typeof gatewayClassName === 'string' ? checkDns1123Subdomain(gatewayClassName) : 'must be a string';
  if (badClass) {
    throw netsecError(path, `gatewayClassName ${badClass}`, gatewayClassName,
      'Use the metadata.name of the GatewayClass, e.g. "eg" for Envoy Gateway or "istio".');
  }
  if (!(implementation instanceof GatewayImplementation)) {
    throw netsecError(path, 'implementation must be a GatewayImplementation', String(implementation),
      'Use GatewayImplementation.envoyGateway(), .istio() or .custom({ namespace, podLabels }).');
  }
  const namespace = resolveNamespace(scope, id, props.namespace);
  const tls = resolveTlsSource(path, props, ['clusterIssuer', 'issuer', 'tls']);
  if (tls === undefined) {
    throw netsecError(path, 'no TLS source is given', undefined,
      'Pass exactly one of clusterIssuer: "letsencrypt-prod", issuer: "<issuer in the namespace>", or tls: TlsSource.existingSecret("name").');
  }
  const certificate = props.certificate;
  if (tls.secretName !== undefined && certificate !== undefined) {
    throw netsecError(path, 'certificate applies only when a Certificate is issued', tls.toString(),
      'Drop certificate, or use an issuer instead of an existing Secret.');
  }
  // The checked copy is what the listeners' Certificates get, however the original answers later.
  const certificateOptions = checkCertificateOptions(path, certificate);
  const issuer = tls.issuerRef;
  if (issuer && issuer.kind === IssuerKind.ISSUER && issuer.namespace !== undefined && issuer.namespace !== namespace) {
    throw netsecError(path, `${issuer} cannot sign the listeners' Certificates in namespace ${namespace}: an Issuer signs only its own namespace`,
      issuer.toString(), 'Use an Issuer of the gateway\'s namespace, or a ClusterIssuer.');
  }
  const plane = implementation._dataPlane(path, name, namespace, gatewayClassName);
  const peer: IPeer = implementation._isCiliumIngress() ? new CiliumIngressIdentity() : Peer.pods(plane.podLabels, plane.namespace);
  return { name, namespace, gatewayClassName, implementation, tls, certificateOptions, plane, peer };
}
