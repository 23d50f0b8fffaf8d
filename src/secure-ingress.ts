import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { CertificateOptions, checkObjectName, IssuerReference, TlsCertificate } from './certificate';
import { netsecError } from './errors';
import { checkHostname, isWildcardHostname } from './hostname';
import { findTier, resolveBackend } from './ingress-backend';
import { IngressController } from './ingress-controller';
import { IntentModel } from './intent';
import { toDnsLabel } from './names';
import { normalizeIpBlock } from './peer';
import { Port, Protocol } from './port';
import { compareStrings } from './selector';
import { TierService } from './service';
import { defaultName, IsolatedTier } from './tier';

/** How an Ingress path matches request paths. */
export enum PathType {
  /** The path and everything below it, matched per path element (`/api` matches `/api/v1`, not `/apiv1`). */
  PREFIX = 'Prefix',
  /** Only the path itself. */
  EXACT = 'Exact',
}

/** The checked TLS source of a SecureIngress. */
interface ResolvedTls {
  readonly secretName: string;
  readonly issuer?: IssuerReference;
  readonly namespacedIssuer?: string;
  readonly acmeHttp01: boolean;
}

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
   * The controller that terminates TLS: its class and the pods let into the backend.
   * @default IngressController.ingressNginx() - class nginx, pods app.kubernetes.io/name=ingress-nginx in ingress-nginx
   */
  readonly controller?: IngressController;
  /**
   * The IngressClass; it must be the controller's.
   * @default - the controller's class
   */
  readonly ingressClassName?: string;
  /**
   * TLS source: a cert-manager ClusterIssuer by name. Exactly one of `clusterIssuer`, `issuer`,
   * `issuerReference` and `tlsSecretName` is required.
   * @default - none
   */
  readonly clusterIssuer?: string;
  /**
   * TLS source: a cert-manager Issuer by name, in the backend's namespace.
   * @default - none
   */
  readonly issuer?: string;
  /**
   * TLS source: an issuer reference, e.g. `AcmeClusterIssuer.issuer`, which knows its kind and whether
   * it solves ACME HTTP-01.
   * @default - none
   */
  readonly issuerReference?: IssuerReference;
  /**
   * TLS source: an existing Secret of type kubernetes.io/tls in the backend's namespace. No Certificate
   * is emitted; renewing it is up to you.
   * @default - none
   */
  readonly tlsSecretName?: string;
  /**
   * Whether the issuer named by `clusterIssuer` or `issuer` is ACME with HTTP-01 challenges. Then the
   * controller must reach cert-manager's solver pods (label acme.cert-manager.io/http01-solver=true,
   * TCP 8089) in the backend's namespace, or issuance fails silently under default deny, so a policy
   * admitting the controller to them (and nothing else) is emitted. Set false for DNS-01 and non-ACME
   * issuers. With `issuerReference`, the reference says it instead.
   * @default true
   */
  readonly acmeHttp01?: boolean;
  /**
   * Client address ranges allowed to use the site (ingress-nginx only: written as its
   * `allowlist-source-range` annotation). The controller must see client addresses for this to work.
   * @default - every client
   */
  readonly sourceRanges?: string[];
  /**
   * Lifetime and key of the emitted Certificate (not with `tlsSecretName`).
   * @default - ECDSA P-256, 90 days, renewed 30 days before expiry
   */
  readonly certificate?: CertificateOptions;
  /**
   * The name of the Ingress and of the Service and Certificate made for it; the TLS Secret is `<name>-tls`.
   * @default - derived from the construct id
   */
  readonly name?: string;
}

/** Pods cert-manager starts to answer ACME HTTP-01 challenges, and the port they listen on. */
const SOLVER_LABELS = { 'acme.cert-manager.io/http01-solver': 'true' };
const SOLVER_PORT = 8089;
const SOLVER_NAME = 'acme-http01-solver';
const NGINX_PREFIX = 'nginx.ingress.kubernetes.io';
/** What ingress-nginx accepts in Prefix and Exact paths with strict path validation (its default since v1.12). */
const PATH = /^\/[A-Za-z0-9/_.-]*$/;

/**
 * A public HTTPS entry point: an Ingress terminating TLS at the ingress controller with a certificate
 * cert-manager issues and renews, a ClusterIP Service for the backend, and a NetworkPolicy rule that lets
 * only the controller's pods reach the backend, only on `port`.
 *
 * All objects live in the backend's namespace. HTTP is redirected to HTTPS; see docs/secure-ingress.md
 * for which annotations each controller gets and how HSTS is provided.
 *
 * @example
 * new SecureIngress(chart, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080),
 *   clusterIssuer: 'letsencrypt-prod', ingressClassName: 'nginx' });
 */
export class SecureIngress extends Construct {
  /** The name of the Ingress (and of its Service and Certificate). */
  public readonly name: string;
  /** The namespace of every object emitted (the backend's). */
  public readonly namespace: string;
  /** The host names served. */
  public readonly hosts: string[];
  /** The request paths routed to the backend. */
  public readonly paths: string[];
  /** How the paths match. */
  public readonly pathType: PathType;
  /** The IngressClass. */
  public readonly ingressClassName: string;
  /** The controller let into the backend. */
  public readonly controller: IngressController;
  /** The Secret the Ingress reads its certificate from. */
  public readonly tlsSecretName: string;
  /** The tier the controller is let into. */
  public readonly backendTier: IsolatedTier;
  /** The Service the Ingress routes to. */
  public readonly serviceName: string;
  /** The Service port the Ingress routes to. */
  public readonly servicePort: number;
  /** The Service emitted for the backend; undefined when the backend is a cdk8s-plus Service. */
  public readonly service?: TierService;
  /** The Certificate; undefined with `tlsSecretName`. */
  public readonly certificate?: TlsCertificate;
  /** The Ingress object. */
  public readonly apiObject: k8s.KubeIngress;

  /**
   * @param scope the parent construct
   * @param id the construct id, unique among its siblings
   * @param props the configuration (`SecureIngressProps`)
   */
  public constructor(scope: Construct, id: string, props: SecureIngressProps) {
    super(scope, id);
    this.name = props.name ?? defaultName(scope, id);
    checkObjectName(this, 'name', this.name);
    this.controller = props.controller ?? IngressController.ingressNginx();
    this.ingressClassName = props.ingressClassName ?? this.controller.className;
    if (this.ingressClassName !== this.controller.className) {
      throw netsecError(this, `ingressClassName is not the class of the ${this.controller}`, this.ingressClassName,
        `Pass the controller that serves it, e.g. controller: IngressController.custom({ className: "${this.ingressClassName}", namespace, podLabels }), so that its pods are the ones let into the backend.`);
    }
    this.hosts = this.resolveHosts(props);
    this.paths = this.resolvePaths(props.paths ?? ['/']);
    this.pathType = props.pathType ?? PathType.PREFIX;
    const port = this.checkPort(props.port);
    this.checkRoutes();
    // Everything that can be refused is checked before the backend Service or any other object exists.
    const tls = this.resolveTls(props);
    this.tlsSecretName = tls.secretName;
    const annotations = this.annotations(props.sourceRanges);
    if (tls.acmeHttp01) {
      const wildcard = this.hosts.find(isWildcardHostname);
      if (wildcard) {
        throw netsecError(this, 'ACME HTTP-01 cannot validate a wildcard host', wildcard,
          'Use an issuer that solves DNS-01 for wildcards (and set acmeHttp01: false), or list the host names.');
      }
    }

    const backend = resolveBackend(this, this.name, props.backend, port);
    this.backendTier = backend.tier;
    this.namespace = backend.tier.namespace;
    this.serviceName = backend.serviceName;
    this.servicePort = backend.servicePort;
    this.service = backend.service;

    const issuer = tls.issuer ?? (tls.namespacedIssuer !== undefined
      ? IssuerReference.issuer(tls.namespacedIssuer, { namespace: this.namespace, acmeHttp01: tls.acmeHttp01 })
      : undefined);
    if (issuer) {
      if (tls.acmeHttp01) this.allowSolverPods();
      this.certificate = new TlsCertificate(this, 'Certificate', {
        ...props.certificate,
        name: this.name,
        namespace: this.namespace,
        secretName: tls.secretName,
        dnsNames: [...this.hosts],
        issuer,
      });
    }

    // The one rule that opens the backend: the controller pods (namespace AND labels), on `port` only.
    this.backendTier.allowFrom(this.controller.peer, port);

    IntentModel.of(this).claimName('Ingress', this.namespace, this.name, this);
    this.apiObject = new k8s.KubeIngress(this, 'Resource', {
      metadata: {
        name: this.name,
        namespace: this.namespace,
        ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      },
      spec: {
        ingressClassName: this.ingressClassName,
        tls: [{ hosts: [...this.hosts], secretName: this.tlsSecretName }],
        rules: this.hosts.map((host) => ({
          host,
          http: {
            paths: this.paths.map((path) => ({
              path,
              pathType: this.pathType,
              backend: { service: { name: this.serviceName, port: { number: this.servicePort } } },
            })),
          },
        })),
      },
    });
  }

  private resolveHosts(props: SecureIngressProps): string[] {
    if (props.host !== undefined && props.hosts !== undefined) {
      throw netsecError(this, 'both host and hosts are set', { host: props.host, hosts: props.hosts }, 'Use host for one name or hosts for several, not both.');
    }
    const hosts = props.host !== undefined ? [props.host] : [...(props.hosts ?? [])];
    if (hosts.length === 0) {
      throw netsecError(this, 'no host is given', props.hosts, 'Pass host: "shop.example.com" (or hosts: [...]); an Ingress without a host cannot have a certificate.');
    }
    for (const [i, host] of hosts.entries()) {
      const bad = checkHostname(host, true);
      if (bad) {
        throw netsecError(this, `host ${bad}`, host,
          'Use a DNS name such as "shop.example.com"; a wildcard only as the whole leftmost label, as in "*.example.com".');
      }
      if (hosts.indexOf(host) !== i) throw netsecError(this, 'a host is listed twice', host, 'List each host once.');
    }
    return hosts;
  }

  private resolvePaths(paths: string[]): string[] {
    if (paths.length === 0) throw netsecError(this, 'paths is empty', paths, 'Leave paths out to route "/", or list paths such as "/api".');
    for (const [i, path] of paths.entries()) {
      if (typeof path !== 'string' || !PATH.test(path)) {
        throw netsecError(this, 'path must start with "/" and contain only letters, digits, "/", "_", "-" and "."', path,
          'Write a plain path such as "/api"; regular expressions are not Prefix or Exact paths.');
      }
      if (paths.indexOf(path) !== i) throw netsecError(this, 'a path is listed twice', path, 'List each path once.');
    }
    return [...paths];
  }

  private checkPort(port: Port): Port {
    if (!(port instanceof Port) || port.protocol !== Protocol.TCP || !port.isNumeric || port.endPort !== undefined) {
      throw netsecError(this, 'port must be one numeric TCP port: the backend\'s container port', String(port),
        'Pass the port the backend listens on, e.g. port: Port.tcp(8080).');
    }
    return port;
  }

  /** Two Ingresses of one class routing the same host and path would let the controller pick one at random. */
  private checkRoutes(): void {
    for (const other of this.node.root.node.findAll()) {
      if (!(other instanceof SecureIngress) || other === this || other.ingressClassName !== this.ingressClassName) continue;
      // A SecureIngress whose constructor threw is left in the tree half-built and routes nothing.
      if (other.apiObject === undefined) continue;
      if (other.pathType !== this.pathType) continue;
      for (const host of this.hosts.filter((h) => other.hosts.includes(h))) {
        const path = this.paths.find((p) => other.paths.includes(p));
        if (path !== undefined) {
          throw netsecError(this, `host and path are already routed by ${other.node.path} to ${other.backendTier}`, `${host}${path}`,
            'Route each host and path to one backend: change the host or paths, or serve both from one SecureIngress.');
        }
      }
    }
  }

  /**
   * Checks the TLS source. An `issuer` by name is returned as `namespacedIssuer`: its reference needs the
   * backend's namespace, which is known only once the backend is resolved.
   */
  private resolveTls(props: SecureIngressProps): ResolvedTls {
    const given = (['clusterIssuer', 'issuer', 'issuerReference', 'tlsSecretName'] as const).filter((k) => props[k] !== undefined);
    if (given.length !== 1) {
      throw netsecError(this, given.length === 0 ? 'no TLS source is given' : `more than one TLS source is given (${given.join(', ')})`,
        Object.fromEntries(given.map((k) => [k, String(props[k])])),
        'Pass exactly one of clusterIssuer: "letsencrypt-prod", issuer: "<issuer in the namespace>", issuerReference, or tlsSecretName.');
    }
    const secretName = toDnsLabel([this.name, 'tls']);
    const acmeHttp01 = props.acmeHttp01 ?? true;
    if (props.tlsSecretName !== undefined) {
      if (props.acmeHttp01 !== undefined || props.certificate !== undefined) {
        throw netsecError(this, 'acmeHttp01 and certificate apply only when a Certificate is issued', props.tlsSecretName,
          'Drop them, or use clusterIssuer/issuer instead of tlsSecretName.');
      }
      checkObjectName(this, 'tlsSecretName', props.tlsSecretName);
      return { secretName: props.tlsSecretName, acmeHttp01: false };
    }
    if (props.issuerReference !== undefined) {
      if (props.acmeHttp01 !== undefined) {
        throw netsecError(this, 'acmeHttp01 is set next to issuerReference', props.acmeHttp01,
          'Say it on the reference: IssuerReference.clusterIssuer(name, { acmeHttp01 }).');
      }
      return { secretName, issuer: props.issuerReference, acmeHttp01: props.issuerReference.acmeHttp01 };
    }
    if (props.clusterIssuer !== undefined) {
      checkObjectName(this, 'clusterIssuer', props.clusterIssuer);
      return { secretName, issuer: IssuerReference.clusterIssuer(props.clusterIssuer, { acmeHttp01 }), acmeHttp01 };
    }
    checkObjectName(this, 'issuer', props.issuer!);
    return { secretName, namespacedIssuer: props.issuer!, acmeHttp01 };
  }

  /** Lets the controller reach cert-manager's HTTP-01 solver pods in this namespace (one policy per namespace). */
  private allowSolverPods(): void {
    const solver = findTier(this, this.namespace, SOLVER_LABELS) ?? new IsolatedTier(Chart.of(this), `${SOLVER_NAME}-${this.namespace}`, {
      name: SOLVER_NAME,
      namespace: this.namespace,
      podLabels: SOLVER_LABELS,
      ports: [Port.tcp(SOLVER_PORT)],
      isolateEgress: false,
      // Solver pods are short-lived cert-manager pods the ingress controller reaches in plaintext; the
      // ACME issuers of this library keep sidecars out of them, so mesh authorization does not apply.
      inMesh: false,
    });
    solver.allowFrom(this.controller.peer, Port.tcp(SOLVER_PORT));
  }

  private annotations(sourceRanges: string[] | undefined): { [key: string]: string } {
    if (sourceRanges !== undefined && !this.controller.isIngressNginx) {
      throw netsecError(this, `sourceRanges needs ingress-nginx; the ${this.controller} has no annotation the library can write for it`,
        sourceRanges, 'Restrict sources at that controller\'s LoadBalancer Service (loadBalancerSourceRanges), or drop sourceRanges.');
    }
    if (!this.controller.isIngressNginx) return {};
    const annotations: { [key: string]: string } = { [`${NGINX_PREFIX}/force-ssl-redirect`]: 'true' };
    if (sourceRanges !== undefined) {
      if (sourceRanges.length === 0) {
        throw netsecError(this, 'sourceRanges is empty', sourceRanges, 'Leave sourceRanges out to accept every client, or list CIDRs.');
      }
      const ranges = [...new Set(sourceRanges.map((c) => normalizeIpBlock(this.node.path, c, []).cidr))].sort(compareStrings);
      annotations[`${NGINX_PREFIX}/allowlist-source-range`] = ranges.join(',');
    }
    return annotations;
  }
}
