import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { admitEdge } from './edge-admission';
import { BackendPlan, planBackend } from './ingress-backend';
import { IngressController } from './ingress-controller';
import { checkPathType, PathType, resolveHosts, resolvePaths } from './route-match';
import { SecureGateway } from './secure-gateway';
import { checkedInput } from '../core/checked-input';
import { netsecError, validationProblem } from '../core/errors';
import { isWildcardHostname } from '../core/hostname';
import { checkDns1123Subdomain, toDnsLabel } from '../core/names';
import { normalizeIpBlock } from '../core/peer';
import { Port, Protocol } from '../core/port';
import { defaultName } from '../core/scope-defaults';
import { compareStrings } from '../core/selector';
import { IntentModel } from '../model/intent-model';
import { recordIngressController } from '../platform/component-records';
import { HttpsListener, renderForwardingRoute } from '../render/gateway';
import { renderIngress } from '../render/ingress';
import { TierService } from '../tiers/service';
import { IsolatedTier } from '../tiers/tier';
import { admitAcmeSolvers } from '../tls/acme-solvers';
import { addBackendTls, backendCertificateProps, BackendTlsOptions, resolveBackendTls, ResolvedBackendTls } from '../tls/backend-tls';
import { CertificateOptions, checkCertificateOptions, checkCertificateProps, IssuerKind, IssuerReference, TlsCertificate } from '../tls/certificate';
import { resolveTlsSource, TlsSource } from '../tls/tls-source';

/** Properties of a `SecureIngress`. */
export interface SecureIngressProps {
  /**
   * The public host name (RFC 1123; a wildcard only as the whole leftmost label). Give `host` or `hosts`.
   * @default - see `hosts`
   */
  readonly host?: string;
  /**
   * Several host names, all served by the backend and all in the certificate.
   * @default - see `host`
   */
  readonly hosts?: string[];
  /**
   * What serves the traffic: an `IsolatedTier`, a cdk8s-plus workload (Deployment, StatefulSet, ...), or a
   * cdk8s-plus Service. A workload or Service whose pods are not yet an `IsolatedTier` (same namespace,
   * same labels) becomes a tier that isolates ingress only, so that the controller is the one peer let in.
   */
  readonly backend: IConstruct;
  /** The backend's container port (one TCP port); the Service forwards to it and only it is opened. */
  readonly port: Port;
  /**
   * The request paths routed to the backend: "/" followed by letters, digits, "/", "_", "-" and ".".
   * @default ['/']
   */
  readonly paths?: string[];
  /**
   * How `paths` match.
   * @default PathType.PREFIX
   */
  readonly pathType?: PathType;
  /**
   * The Ingress controller that terminates TLS: its class and the pods let into the backend. Exactly one
   * of `controller` and `gateway` is required; there is no default controller.
   * @default - see `gateway`
   */
  readonly controller?: IngressController;
  /**
   * The Gateway API gateway that terminates TLS: an HTTPS listener per host on it, an HTTPRoute in the
   * backend's namespace, and only the gateway's data-plane pods let into the backend. Exactly one of
   * `controller` and `gateway` is required.
   * @default - see `controller`
   */
  readonly gateway?: SecureGateway;
  /**
   * The IngressClass; it must be the controller's (not with `gateway`).
   * @default - the controller's class
   */
  readonly ingressClassName?: string;
  /**
   * TLS source as a class (with `controller`; a gateway's TLS source is set on the `SecureGateway`).
   * With `controller`, exactly one of `tls`, `clusterIssuer`, `issuer`, `issuerReference` and
   * `tlsSecretName` is required.
   * @default - see `clusterIssuer`
   */
  readonly tls?: TlsSource;
  /**
   * TLS source: a cert-manager ClusterIssuer by name (shorthand for `tls: TlsSource.clusterIssuer(name)`).
   * @default - none
   */
  readonly clusterIssuer?: string;
  /**
   * TLS source: a cert-manager Issuer by name, in the backend's namespace.
   * @default - none
   * @deprecated use `tls: TlsSource.issuer(name)`
   */
  readonly issuer?: string;
  /**
   * TLS source: an issuer reference, e.g. `AcmeClusterIssuer.issuer`, which knows its kind and whether
   * it solves ACME HTTP-01.
   * @default - none
   * @deprecated use `tls: TlsSource.issuerReference(reference)`
   */
  readonly issuerReference?: IssuerReference;
  /**
   * TLS source: an existing Secret of type kubernetes.io/tls in the backend's namespace. No Certificate
   * is emitted; renewing it is up to you.
   * @default - none
   * @deprecated use `tls: TlsSource.existingSecret(name)`
   */
  readonly tlsSecretName?: string;
  /**
   * Whether the issuer named by `clusterIssuer` or `issuer` is ACME with HTTP-01 challenges. Then the
   * edge must reach cert-manager's solver pods (label acme.cert-manager.io/http01-solver=true,
   * TCP 8089) in the backend's namespace, or issuance fails silently under default deny, so a policy
   * admitting the controller to them (and nothing else) is emitted. Set false for DNS-01 and non-ACME
   * issuers. With `issuerReference`, the reference says it instead.
   * @default true
   * @deprecated use `tls: TlsSource.clusterIssuer(name, { acmeHttp01 })`
   */
  readonly acmeHttp01?: boolean;
  /**
   * Client address ranges allowed to use the site, written as the controller's allowlist annotation
   * (ingress-nginx only). Refused for other controllers and for gateways, which have no such field: restrict
   * sources at their LoadBalancer Service. The controller must see client addresses for this to work.
   * @default - every client
   */
  readonly sourceRanges?: string[];
  /**
   * Encrypt the hop from the gateway to the backend (`gateway` only): a cert-manager Certificate for the
   * Service's in-cluster DNS name and a BackendTLSPolicy that makes the gateway verify it.
   * @default - plaintext from the gateway to the backend (use a mesh, or this option)
   */
  readonly backendTls?: BackendTlsOptions;
  /**
   * Lifetime and key of the emitted Certificate (with `controller` and an issuer; a gateway's
   * certificates take the SecureGateway's `certificate`).
   * @default - ECDSA P-256, 90 days, renewed 30 days before expiry
   */
  readonly certificate?: CertificateOptions;
  /**
   * The name of the Ingress (or HTTPRoute) and of the Service and Certificate made for it; the TLS
   * Secret of an Ingress is `<name>-tls`.
   * @default - derived from the construct id
   */
  readonly name?: string;
}


/** Everything a SecureIngress checked before it creates its first child. */
interface Plan {
  readonly name: string;
  readonly hosts: string[];
  readonly paths: string[];
  readonly pathType: PathType;
  readonly port: Port;
  readonly backend: BackendPlan;
  readonly edgeKey: string;
  readonly controller?: IngressController;
  readonly gateway?: SecureGateway;
  readonly ingressClassName?: string;
  readonly annotations: { [key: string]: string };
  readonly tls?: TlsSource;
  readonly listeners: HttpsListener[];
  readonly backendTls?: ResolvedBackendTls;
  readonly certificateOptions?: CertificateOptions;
}

/**
 * A public HTTPS entry point in front of a backend, through an Ingress controller or a Gateway API gateway
 * (exactly one of `controller` and `gateway`; there is no default).
 *
 * - `controller`: an Ingress terminating TLS at the controller with a certificate cert-manager issues
 *   and renews, and the controller's HTTPS-redirect annotation;
 * - `gateway`: an HTTPS listener per host on the `SecureGateway` and an HTTPRoute in the backend's
 *   namespace attached to those listeners only (HTTP is redirected by the gateway).
 *
 * Either way a ClusterIP Service is made for the backend, and a NetworkPolicy rule lets only the edge's
 * pods (namespace and labels together) reach the backend, only on `port`. The construct checks all its
 * input before it creates anything: a refused SecureIngress leaves nothing behind.
 *
 * @example
 * new SecureIngress(chart, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080),
 *   clusterIssuer: 'letsencrypt-prod', controller: IngressController.ingressNginx() });
 * new SecureIngress(chart, 'api-edge', { host: 'api.example.com', backend: api, port: Port.tcp(9090), gateway: gw });
 */
export class SecureIngress extends Construct {
  /** The name of the Ingress or HTTPRoute (and of its Service and Certificate). */
  public readonly name: string;
  /** The namespace of the Ingress or HTTPRoute, the Service and the rule (the backend's). */
  public readonly namespace: string;
  /** The host names served. */
  public readonly hosts: string[];
  /** The request paths routed to the backend. */
  public readonly paths: string[];
  /** How the paths match. */
  public readonly pathType: PathType;
  /** The IngressClass; undefined through a gateway. */
  public readonly ingressClassName?: string;
  /** The controller let into the backend; undefined through a gateway. */
  public readonly controller?: IngressController;
  /** The gateway whose data plane is let into the backend; undefined with a controller. */
  public readonly gateway?: SecureGateway;
  /** The Secret the Ingress reads its certificate from (with a controller); undefined through a gateway. */
  public readonly tlsSecretName?: string;
  /** The tier the edge is let into. */
  public readonly backendTier: IsolatedTier;
  /** The Service the edge routes to. */
  public readonly serviceName: string;
  /** The Service port the edge routes to. */
  public readonly servicePort: number;
  /** The Service emitted for the backend; undefined when the backend is a cdk8s-plus Service. */
  public readonly service?: TierService;
  /** The Certificates of the hosts (one with a controller, one per host through a gateway); empty with an existing Secret. */
  public readonly certificates: TlsCertificate[] = [];
  /** The Ingress (with a controller) or HTTPRoute (through a gateway). */
  public readonly apiObject: ApiObject;

  /**
   * @param scope the parent construct
   * @param id the construct id, unique among its siblings
   * @param props the configuration (`SecureIngressProps`)
   */
  public constructor(scope: Construct, id: string, props: SecureIngressProps) {
    const plan = checkedInput(scope, id, (path) => planIngress(scope, id, path, props), { props: { given: props, struct: 'SecureIngressProps' } });
    super(scope, id);
    this.name = plan.name;
    // Copies: the plan's lists are what the app's model records, and a caller changing these properties
    // must not change the routes other edges and issuers are checked against.
    this.hosts = [...plan.hosts];
    this.paths = [...plan.paths];
    this.pathType = plan.pathType;
    this.controller = plan.controller;
    this.gateway = plan.gateway;
    this.ingressClassName = plan.ingressClassName;
    this.namespace = plan.backend.namespace;

    // Everything below creates objects; nothing below can be refused.
    const backend = plan.backend.build(this);
    this.backendTier = backend.tier;
    this.serviceName = backend.serviceName;
    this.servicePort = backend.servicePort;
    this.service = backend.service;
    const model = IntentModel.of(this);
    model.addEdgeRoute({
      edge: plan.edgeKey, hosts: plan.hosts, paths: plan.paths, pathType: plan.pathType, backend: String(backend.tier), owner: this,
    });

    if (this.gateway) {
      this.apiObject = this.buildGatewayRoute(this.gateway, plan);
    } else {
      this.tlsSecretName = plan.tls!.secretName ?? toDnsLabel([plan.name, 'tls']);
      this.apiObject = this.buildIngress(plan, this.tlsSecretName);
    }
    // The one rule that opens the backend: the edge's pods (namespace AND labels), on `port` only.
    const edge = this.gateway?.peer ?? plan.controller!.peer;
    admitEdge(this, plan.name, this.backendTier, edge, plan.port);
  }

  /**
   * The edge that serves this route's hosts, as the key ACME issuers compare with the edge their HTTP-01
   * solver uses: `gateway:<namespace>/<name>` or `ingress:<ingressClassName>`.
   * @internal
   */
  public _servingEdge(): string {
    return this.gateway ? `gateway:${this.gateway.namespace}/${this.gateway.name}` : `ingress:${this.ingressClassName}`;
  }

  private buildIngress(plan: Plan, secretName: string): ApiObject {
    const controller = plan.controller!;
    const tls = plan.tls!;
    if (tls.issuerRef) {
      if (tls.acmeHttp01) admitAcmeSolvers(this, this.namespace, controller.peer);
      this.certificates.push(new TlsCertificate(this, 'Certificate', {
        ...plan.certificateOptions,
        name: plan.name,
        namespace: this.namespace,
        secretName,
        dnsNames: [...plan.hosts],
        issuer: tls.issuerRef,
      }));
    }
    const model = IntentModel.of(this);
    // The controller's pods are a platform component: in a namespace the ClusterIsolation guards they get a
    // policy of their own (or the guardrails refuse them); a NamespaceIsolation alone would cut them off.
    recordIngressController(this, {
      className: controller.className,
      namespace: controller.namespace,
      podLabels: controller.podLabels,
      containerPorts: controller.containerPorts,
      webhookPorts: controller.webhookPorts,
      description: String(controller),
    });
    this.node.addValidation({
      validate: () => {
        if (model.clusterIsolates(controller.namespace)
          || (!model.namespaceIsolatesIngress(controller.namespace) && !model.namespaceIsolatesEgress(controller.namespace))) return [];
        // With guardrails in the app the namespace is exempt from them: the fix is to stop exempting it.
        const guardrails = model.clusterBaseline;
        const guard = guardrails
          ? `or stop exempting it in ${guardrails.declaredAt} (exemptNamespaces, exemptions), so the guardrails write the controller's flows as a platform component`
          : 'or guard it with a ClusterIsolation (with apiServerAddresses), which writes the controller\'s flows as a platform component';
        return [validationProblem(`the app isolates namespace ${controller.namespace}, where the ${controller} runs, so clients could not reach it and its connections to the backend would be denied`,
          controller.namespace, `Leave ${controller.namespace} out of NamespaceIsolation, ${guard}, or write its ingress and egress yourself.`)];
      },
    });
    if (controller.serviceAccountName !== undefined) {
      model.addEdgeIdentity({ peer: controller.peer, serviceAccountName: controller.serviceAccountName, declaredAt: this.node.path });
    }
    model.names.claim('Ingress', this.namespace, plan.name, this);
    return renderIngress(this, 'Resource', {
      name: plan.name,
      namespace: this.namespace,
      ingressClassName: plan.ingressClassName!,
      annotations: plan.annotations,
      hosts: plan.hosts,
      paths: plan.paths,
      pathType: plan.pathType,
      tlsSecretName: secretName,
      serviceName: this.serviceName,
      servicePort: this.servicePort,
    });
  }

  private buildGatewayRoute(gateway: SecureGateway, plan: Plan): ApiObject {
    const issuer = gateway.tls.issuerRef;
    if (issuer) {
      for (const listener of plan.listeners) {
        this.certificates.push(new TlsCertificate(this, `Certificate-${listener.name}`, {
          ...gateway._certificateOptions,
          name: listener.certificateName!,
          namespace: gateway.namespace,
          secretName: listener.secretName,
          dnsNames: [listener.hostname],
          issuer,
        }));
      }
    }
    gateway._addListeners(this, plan.listeners);
    if (plan.backendTls) addBackendTls(this, plan.name, this.namespace, this.serviceName, plan.backendTls);
    IntentModel.of(this).names.claim('HTTPRoute', this.namespace, plan.name, this);
    return renderForwardingRoute(this, 'Resource', {
      name: plan.name,
      namespace: this.namespace,
      gateway: gateway._record,
      listeners: plan.listeners,
      paths: plan.paths,
      pathMatch: plan.pathType === PathType.EXACT ? 'Exact' : 'PathPrefix',
      serviceName: this.serviceName,
      servicePort: this.servicePort,
    });
  }
}

/** Checks every prop of a SecureIngress, nested ones included; creates nothing. */
function planIngress(scope: Construct, id: string, path: string, props: SecureIngressProps): Plan {
  if (props === null || typeof props !== 'object') {
    throw netsecError(path, 'props must be an object', props, 'Pass { host, backend, port, gateway } or { host, backend, port, controller, clusterIssuer }.');
  }
  const name = props.name ?? defaultName(scope, id);
  const badName = typeof name === 'string' ? checkDns1123Subdomain(name) : 'must be a string';
  if (badName) throw netsecError(path, `name ${badName}`, name, 'Pass a name such as "public".');
  const edge = checkEdge(scope, path, props);
  const hosts = resolveHosts(path, props.host, props.hosts);
  const paths = resolvePaths(path, props.paths ?? ['/']);
  const pathType = checkPathType(path, props.pathType ?? PathType.PREFIX);
  const port = checkPort(path, props.port);
  const backend = planBackend(scope, path, name, props.backend, port);
  const namespace = backend.namespace;

  if (edge.gateway) {
    const gateway = edge.gateway;
    for (const field of ['tls', 'clusterIssuer', 'issuer', 'issuerReference', 'tlsSecretName', 'acmeHttp01', 'certificate', 'ingressClassName', 'sourceRanges'] as const) {
      if (props[field] !== undefined) {
        throw netsecError(path, `${field} does not apply through a gateway`, String(props[field]),
          field === 'sourceRanges'
            ? 'Gateway API has no client allowlist field: restrict sources at the gateway\'s LoadBalancer Service (loadBalancerSourceRanges).'
            : `Set the TLS source and certificate options on the SecureGateway (${gateway.node.path}), or route through a controller.`);
      }
    }
    // An HTTPRoute carries at most 16 hostnames and 64 path matches per rule.
    if (hosts.length > 16) {
      throw netsecError(path, 'more than 16 hosts for one HTTPRoute', hosts.length, 'Split the hosts over several SecureIngresses.');
    }
    if (paths.length > 64) {
      throw netsecError(path, 'more than 64 paths for one HTTPRoute rule', paths.length, 'Route a common prefix instead, or split the paths over several SecureIngresses.');
    }
    checkWildcardAcme(path, hosts, gateway.tls);
    const listeners = gateway._planListeners(path, hosts, namespace);
    const backendTlsProps = props.backendTls;
    const backendTls = backendTlsProps === undefined ? undefined : resolveBackendTls(path, name, namespace, backendTlsProps);
    // The backend's Certificate is checked as its constructor will check it (names from the Service and
    // namespace, the lifetime): a refusal there would come after this edge joined the tree.
    if (backendTls) checkCertificateProps(scope, id, `${path}/BackendCertificate`, backendCertificateProps(name, namespace, backend.serviceName, backendTls));
    return {
      name, hosts, paths, pathType, port, backend, gateway, edgeKey: `gateway:${gateway.namespace}/${gateway.name}`, annotations: {}, listeners, backendTls,
    };
  }

  const controller = edge.controller!;
  if (props.backendTls !== undefined) {
    throw netsecError(path, 'backendTls needs a gateway (BackendTLSPolicy is Gateway API)', String(props.backendTls),
      'Route through a SecureGateway (gateway: ...), or drop backendTls and encrypt the hop with a mesh.');
  }
  const ingressClassName = props.ingressClassName ?? controller.className;
  if (ingressClassName !== controller.className) {
    throw netsecError(path, `ingressClassName is not the class of the ${controller}`, ingressClassName,
      `Pass the controller that serves it, e.g. controller: IngressController.custom({ className: "${ingressClassName}", namespace, podLabels }), so that its pods are the ones let into the backend.`);
  }
  const tls = resolveTlsSource(path, props, ['tls', 'clusterIssuer', 'issuer', 'issuerReference', 'tlsSecretName']);
  if (tls === undefined) {
    throw netsecError(path, 'no TLS source is given', undefined,
      'Pass exactly one of clusterIssuer: "letsencrypt-prod", issuer: "<issuer in the namespace>", issuerReference, tlsSecretName, or tls: TlsSource....');
  }
  const certificate = props.certificate;
  if (tls.secretName !== undefined) {
    if (certificate !== undefined) {
      throw netsecError(path, 'certificate applies only when a Certificate is issued', tls.toString(), 'Drop certificate, or use an issuer instead of an existing Secret.');
    }
    if (tls.secretNamespace !== undefined && tls.secretNamespace !== namespace) {
      throw netsecError(path, `an Ingress reads its TLS Secret from its own namespace (${namespace})`, tls.toString(),
        'Copy the Secret into the backend\'s namespace, or route through a SecureGateway, which can read it with a ReferenceGrant.');
    }
  }
  // Nested props are checked with the rest, and the checked copy is what the Certificate gets: a lifetime it
  // would refuse (or a getter that answers one on a second read) must not leave a half-built edge.
  const certificateOptions = checkCertificateOptions(path, certificate);
  const issuer = tls.issuerRef;
  if (issuer && issuer.kind === IssuerKind.ISSUER && issuer.namespace !== undefined && issuer.namespace !== namespace) {
    throw netsecError(path, `${issuer} cannot sign a Certificate in namespace ${namespace}: an Issuer signs only its own namespace`,
      issuer.toString(), 'Use an Issuer of the backend\'s namespace, or a ClusterIssuer.');
  }
  checkWildcardAcme(path, hosts, tls);
  const edgeKey = `ingress:${ingressClassName}`;
  checkRoutes(scope, path, edgeKey, hosts, paths, pathType);
  const annotations = controller._annotations(path, resolveSourceRanges(path, props.sourceRanges));
  return {
    name,
    hosts,
    paths,
    pathType,
    port,
    backend,
    edgeKey,
    controller,
    ingressClassName,
    annotations,
    tls,
    listeners: [],
    certificateOptions,
  };
}

/** Exactly one of controller and gateway, each of the right class. */
function checkEdge(scope: Construct, path: string, props: SecureIngressProps): { controller?: IngressController; gateway?: SecureGateway } {
  const { controller, gateway } = props;
  if (controller === undefined && gateway === undefined) {
    throw netsecError(path, 'neither controller nor gateway is given, and there is no default edge', undefined,
      'Pass gateway: a SecureGateway (Gateway API, recommended), or controller: IngressController.haproxy({...}) / .ingressNginx() (retired upstream, for clusters that still run it).');
  }
  if (controller !== undefined && gateway !== undefined) {
    throw netsecError(path, 'both controller and gateway are given', { controller: String(controller), gateway: String(gateway) },
      'Pass one of them: the edge that terminates TLS for these hosts.');
  }
  if (controller !== undefined && !(controller instanceof IngressController)) {
    throw netsecError(path, 'controller must be an IngressController', String(controller), 'Use IngressController.haproxy({...}), .f5Nginx({...}), .ingressNginx() or .custom({...}).');
  }
  if (gateway !== undefined && !SecureGateway.isSecureGateway(gateway)) {
    throw netsecError(path, 'gateway must be a SecureGateway', String(gateway), 'Pass a SecureGateway made in this app.');
  }
  if (gateway !== undefined && gateway.node.root !== scope.node.root) {
    throw netsecError(path, 'gateway belongs to another app', gateway.node.path, 'Pass a SecureGateway made in this app: its listeners are emitted with this app.');
  }
  return { controller, gateway };
}

function checkWildcardAcme(path: string, hosts: string[], tls: TlsSource): void {
  if (!tls.acmeHttp01) return;
  const wildcard = hosts.find(isWildcardHostname);
  if (wildcard) {
    throw netsecError(path, 'ACME HTTP-01 cannot validate a wildcard host', wildcard,
      'Use an issuer that solves DNS-01 for wildcards (acmeHttp01: false), or list the host names.');
  }
}

function checkPort(path: string, port: Port): Port {
  if (!(port instanceof Port) || port.protocol !== Protocol.TCP || !port.isNumeric || port.endPort !== undefined) {
    throw netsecError(path, 'port must be one numeric TCP port: the backend\'s container port', String(port),
      'Pass the port the backend listens on, e.g. port: Port.tcp(8080).');
  }
  return port;
}

/** Two Ingresses of one class routing the same host and path would let the controller pick one at random. */
function checkRoutes(scope: Construct, path: string, edgeKey: string, hosts: string[], paths: string[], pathType: PathType): void {
  for (const other of IntentModel.find(scope)?.edgeRoutes(edgeKey) ?? []) {
    if (other.pathType !== pathType) continue;
    for (const host of hosts.filter((h) => other.hosts.includes(h))) {
      const routed = paths.find((p) => other.paths.includes(p));
      if (routed !== undefined) {
        throw netsecError(path, `host and path are already routed by ${other.owner.node.path} to ${other.backend}`, `${host}${routed}`,
          'Route each host and path to one backend: change the host or paths, or serve both from one SecureIngress.');
      }
    }
  }
}

function resolveSourceRanges(path: string, sourceRanges: string[] | undefined): string[] | undefined {
  if (sourceRanges === undefined) return undefined;
  if (!Array.isArray(sourceRanges) || sourceRanges.length === 0) {
    throw netsecError(path, 'sourceRanges is empty', sourceRanges, 'Leave sourceRanges out to accept every client, or list CIDRs.');
  }
  return [...new Set(sourceRanges.map((c) => normalizeIpBlock(path, c, []).cidr))].sort(compareStrings);
}
