import { ApiObject, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { CertificateOptions, checkCertificateProps, checkObjectName, IssuerKind, IssuerReference, KeyAlgorithm, TlsCertificate } from './certificate';
import { checkedInput } from '../core/checked-input';
import { netsecError } from '../core/errors';
import { toDnsLabel } from '../core/names';
import { checkNamespace } from '../core/peer';
import { defaultName, resolveNamespace } from '../core/scope-defaults';
import { SecureGateway } from '../edge/secure-gateway';
import { IntentModel } from '../model/intent-model';
import { clusterScoped } from '../render/cluster-scoped';
import { certManager } from '../render/l1';

/** Properties of an `AcmeClusterIssuer`. */
export interface AcmeClusterIssuerProps {
  /**
   * The ACME directory URL (https only).
   * @default AcmeClusterIssuer.LETS_ENCRYPT_PRODUCTION
   */
  readonly server?: string;
  /**
   * The contact address of the ACME account.
   * @default - no contact address
   */
  readonly email?: string;
  /**
   * The IngressClass that serves the HTTP-01 challenge paths. It must be the class of the controller
   * that receives the domain's public HTTP traffic on port 80.
   * @default 'nginx' - unless `gateway` is given
   */
  readonly ingressClassName?: string;
  /**
   * Solve HTTP-01 challenges through this gateway instead of an ingress class: cert-manager's Gateway API
   * solver (`gatewayHTTPRoute`) attaches its challenge routes to the gateway's HTTP listener.
   * @default - through `ingressClassName`
   */
  readonly gateway?: SecureGateway;
  /**
   * The Secret (in cert-manager's cluster resource namespace) that holds the ACME account key;
   * cert-manager creates it.
   * @default - `<name>-account-key`
   */
  readonly accountKeySecretName?: string;
  /**
   * The ClusterIssuer's name.
   * @default - derived from the construct id
   */
  readonly name?: string;
}

/**
 * An ACME `ClusterIssuer` (Let's Encrypt by default) that proves domain control with HTTP-01 challenges
 * served through an ingress class.
 *
 * The solver Service is ClusterIP rather than cert-manager's default NodePort, so a challenge never
 * opens a port on every node. Its `issuer` reference knows it solves HTTP-01, so a `SecureIngress` using
 * it lets the controller reach the solver pods.
 *
 * @example
 * const letsencrypt = new AcmeClusterIssuer(chart, 'letsencrypt', { email: 'ops@example.com' });
 * new SecureIngress(chart, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080),
 *   issuerReference: letsencrypt.issuer });
 */
export class AcmeClusterIssuer extends Construct {
  /** Let's Encrypt's production directory: trusted certificates, strict rate limits. */
  public static readonly LETS_ENCRYPT_PRODUCTION = 'https://acme-v02.api.letsencrypt.org/directory';
  /** Let's Encrypt's staging directory: untrusted certificates, generous limits, for testing. */
  public static readonly LETS_ENCRYPT_STAGING = 'https://acme-staging-v02.api.letsencrypt.org/directory';

  /** The ClusterIssuer's name. */
  public readonly name: string;
  /** A reference for Certificates and `SecureIngress` (ClusterIssuer, ACME HTTP-01). */
  public readonly issuer: IssuerReference;
  /** The ClusterIssuer object. */
  public readonly apiObject: ApiObject;

  /**
   * @param scope the parent construct
   * @param id the construct id, unique among its siblings
   * @param props the configuration (`AcmeClusterIssuerProps`)
   */
  public constructor(scope: Construct, id: string, props: AcmeClusterIssuerProps = {}) {
    const { name, server, email, ingressClassName, accountKey, gateway } = checkedInput(scope, id, (path) => checkAcmeProps(scope, id, path, props),
      { props: { given: props, struct: 'AcmeClusterIssuerProps' } });
    super(scope, id);
    this.name = name;
    const solverEdge = gateway !== undefined ? `gateway:${gateway.namespace}/${gateway.name}` : `ingress:${ingressClassName}`;
    this.node.addValidation({ validate: () => this.certificatesServedElsewhere(solverEdge) });

    IntentModel.of(this).names.claim('ClusterIssuer', '', this.name, this);
    this.issuer = IssuerReference.clusterIssuer(this.name, { acmeHttp01: true });
    this.apiObject = clusterScoped(new (certManager().ClusterIssuer)(this, 'Resource', {
      metadata: { name: this.name },
      spec: {
        acme: {
          server,
          ...(email !== undefined ? { email } : {}),
          privateKeySecretRef: { name: accountKey },
          solvers: [{ http01: gateway !== undefined ? { gatewayHttpRoute: gatewaySolver(gateway) } : { ingress: ingressSolver(ingressClassName) } }],
        },
      },
    }));
  }

  /**
   * Certificates this issuer signs for hosts that another edge serves: Let's Encrypt fetches the HTTP-01
   * token from the host's port 80, which that other edge answers, so the solver's route is never reached
   * and the certificate is never issued. Checked at synth, when every route is known.
   */
  private certificatesServedElsewhere(solverEdge: string): string[] {
    const errors: string[] = [];
    // The routes as the model records them (each SecureIngress once), not a walk of the whole tree: cdk8s
    // runs this check once per chart it synthesizes.
    const routes = new Set(IntentModel.of(this).edgeRoutesOfAllEdges.map((r) => r.owner));
    for (const construct of routes) {
      const route = construct as any;
      if (typeof route._servingEdge !== 'function' || !Array.isArray(route.certificates)) continue;
      const edge: string = route._servingEdge();
      if (edge === solverEdge) continue;
      for (const certificate of route.certificates) {
        const issuer = certificate.issuer;
        if (issuer?.kind !== IssuerKind.CLUSTER_ISSUER || issuer.name !== this.name) continue;
        errors.push(netsecError(construct, `the hosts are served by ${describeEdge(edge)}, but ClusterIssuer ${this.name} answers HTTP-01 challenges through ${describeEdge(solverEdge)}, so the challenge for them can never be answered`,
          certificate.dnsNames, `Issue these hosts from an AcmeClusterIssuer bound to ${describeEdge(edge)} (${edge.startsWith('gateway:') ? 'gateway: <that SecureGateway>' : `ingressClassName: "${edge.slice('ingress:'.length)}"`}), or serve them through ${describeEdge(solverEdge)}.`).message);
      }
    }
    return errors;
  }
}

/** Properties of a `PrivateCertificateAuthority`. */
/** An edge key (`gateway:<ns>/<name>` or `ingress:<class>`) for people. */
function describeEdge(key: string): string {
  return key.startsWith('gateway:') ? `gateway ${key.slice('gateway:'.length)}` : `ingress class ${key.slice('ingress:'.length)}`;
}

export interface PrivateCertificateAuthorityProps extends CertificateOptions {
  /** The CA certificate's common name, e.g. "shop internal CA". */
  readonly commonName: string;
  /**
   * Make cluster-wide issuers (ClusterIssuer), usable from every namespace. The CA certificate and its
   * Secret then live in cert-manager's cluster resource namespace.
   * @default false - namespaced Issuers, usable only from `namespace`
   */
  readonly clusterWide?: boolean;
  /**
   * The namespace of the issuers and the CA certificate (namespaced CA only).
   * @default - the namespace of the enclosing chart
   */
  readonly namespace?: string;
  /**
   * cert-manager's cluster resource namespace (`--cluster-resource-namespace`), where a ClusterIssuer
   * reads its CA Secret (cluster-wide CA only).
   * @default 'cert-manager'
   */
  readonly clusterResourceNamespace?: string;
  /**
   * The base name of the objects: the CA issuer is named this, the self-signed issuer
   * `<name>-selfsigned`, the CA certificate and its Secret `<name>-ca`.
   * @default - derived from the construct id
   */
  readonly name?: string;
}

/**
 * A private certificate authority for internal TLS, run by cert-manager: a self-signed issuer signs a CA
 * certificate, and a CA issuer signs workload certificates with it.
 *
 * The CA defaults to ECDSA P-256, a one-year lifetime renewed four months before expiry, and a new key on
 * every renewal. Clients must trust the CA certificate (`ca.crt` in its Secret); distribute it (for
 * example with trust-manager) before certificates are rotated onto a renewed CA.
 *
 * @example
 * const ca = new PrivateCertificateAuthority(chart, 'internal-ca', { commonName: 'shop internal CA' });
 * new TlsCertificate(chart, 'api-tls', { dnsNames: ['api.shop.svc'], issuer: ca.issuer });
 */
export class PrivateCertificateAuthority extends Construct {
  /** The CA issuer: a reference for the Certificates it should sign. */
  public readonly issuer: IssuerReference;
  /** The self-signed issuer that signs only the CA certificate. */
  public readonly selfSignedIssuer: IssuerReference;
  /** The CA certificate. */
  public readonly certificate: TlsCertificate;

  /**
   * @param scope the parent construct
   * @param id the construct id, unique among its siblings
   * @param props the configuration (`PrivateCertificateAuthorityProps`)
   */
  public constructor(scope: Construct, id: string, props: PrivateCertificateAuthorityProps) {
    const input = checkedInput(scope, id, (path) => checkCaProps(scope, id, path, props), { props: { given: props, struct: 'PrivateCertificateAuthorityProps' } });
    super(scope, id);
    this.selfSignedIssuer = this.makeIssuer('SelfSigned', input.selfSignedName, input.clusterWide, input.namespace, { selfSigned: {} });
    this.certificate = new TlsCertificate(this, 'Certificate', { ...input.certificate, issuer: this.selfSignedIssuer });
    this.issuer = this.makeIssuer('Issuer', input.name, input.clusterWide, input.namespace, { ca: { secretName: this.certificate.secretName } });
  }

  private makeIssuer(id: string, name: string, clusterWide: boolean, namespace: string, spec: any): IssuerReference {
    const model = IntentModel.of(this);
    if (clusterWide) {
      model.names.claim('ClusterIssuer', '', name, this);
      clusterScoped(new (certManager().ClusterIssuer)(this, id, { metadata: { name }, spec }));
      return IssuerReference.clusterIssuer(name);
    }
    model.names.claim('Issuer', namespace, name, this);
    new (certManager().Issuer)(this, id, { metadata: { name, namespace }, spec });
    return IssuerReference.issuer(name, { namespace });
  }
}

/** Checks an ACME issuer's props before the issuer joins the tree. */
function checkAcmeProps(scope: Construct, id: string, path: string, props: AcmeClusterIssuerProps) {
  if (props === null || typeof props !== 'object') {
    throw netsecError(path, 'props must be an object', props, 'Pass { email }, e.g. { email: "ops@example.com" }, or leave the props out.');
  }
  const name = props.name ?? defaultName(scope, id);
  checkObjectName(path, 'name', name);
  const server = props.server ?? AcmeClusterIssuer.LETS_ENCRYPT_PRODUCTION;
  checkServer(path, server);
  // Each prop is read once: what is checked is what the ClusterIssuer is built from.
  const email = props.email;
  if (email !== undefined && (typeof email !== 'string' || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))) {
    throw netsecError(path, 'email is not an e-mail address', email, 'Give an address such as "ops@example.com", or leave email out.');
  }
  const gateway = props.gateway;
  if (gateway !== undefined) {
    // A look-alike object would name any Gateway (and namespace) as the one that answers the challenges.
    if (!SecureGateway.isSecureGateway(gateway) || gateway.node.root !== scope.node.root) {
      throw netsecError(path, 'gateway must be a SecureGateway', String(gateway), 'Pass the SecureGateway whose HTTP listener receives the domain\'s traffic on port 80.');
    }
    if (props.ingressClassName !== undefined) {
      throw netsecError(path, 'both ingressClassName and gateway are set', props.ingressClassName,
        'Challenges are solved through one edge: drop ingressClassName to use the gateway, or drop gateway.');
    }
  }
  const ingressClassName = props.ingressClassName ?? 'nginx';
  checkObjectName(path, 'ingressClassName', ingressClassName);
  const accountKey = props.accountKeySecretName ?? toDnsLabel([name, 'account-key']);
  checkObjectName(path, 'accountKeySecretName', accountKey);
  return { name, server, email, ingressClassName, accountKey, gateway };
}

/** Checks a CA's props, the CA certificate's included, before the CA joins the tree. */
function checkCaProps(scope: Construct, id: string, path: string, props: PrivateCertificateAuthorityProps) {
  if (props === null || typeof props !== 'object') {
    throw netsecError(path, 'props must be an object', props, 'Pass { commonName }, e.g. { commonName: "Shop internal CA" }.');
  }
  const name = props.name ?? defaultName(scope, id);
  checkObjectName(path, 'name', name);
  const clusterWide = props.clusterWide ?? false;
  // A truthy non-boolean ("false" from JavaScript) would make a ClusterIssuer every namespace can use.
  if (typeof clusterWide !== 'boolean') {
    throw netsecError(path, 'clusterWide must be true or false', clusterWide, 'Pass clusterWide: true for a ClusterIssuer, or leave it out for an Issuer of the namespace.');
  }
  if (clusterWide && props.namespace !== undefined) {
    throw netsecError(path, 'namespace is set for a cluster-wide CA', props.namespace,
      'A cluster-wide CA keeps its certificate in clusterResourceNamespace; drop namespace, or set clusterWide: false.');
  }
  if (!clusterWide && props.clusterResourceNamespace !== undefined) {
    throw netsecError(path, 'clusterResourceNamespace is set for a namespaced CA', props.clusterResourceNamespace,
      'Set clusterWide: true, or use namespace for a namespaced CA.');
  }
  const namespace = clusterWide
    ? checkNamespace(path, props.clusterResourceNamespace ?? 'cert-manager')
    : resolveNamespace(scope, id, props.namespace);
  const selfSignedName = toDnsLabel([name, 'selfsigned']);
  const certificate = {
    name: toDnsLabel([name, 'ca']),
    secretName: toDnsLabel([name, 'ca']),
    namespace,
    commonName: props.commonName,
    certificateAuthority: true,
    duration: props.duration ?? Duration.days(365),
    renewBefore: props.renewBefore ?? Duration.days(120),
    keyAlgorithm: props.keyAlgorithm ?? KeyAlgorithm.ECDSA_P256,
  };
  // The CA certificate is checked as its own constructor will check it, signed by the self-signed issuer.
  const selfSigned = clusterWide ? IssuerReference.clusterIssuer(selfSignedName) : IssuerReference.issuer(selfSignedName, { namespace });
  checkCertificateProps(scope, 'Certificate', `${path}/Certificate`, { ...certificate, issuer: selfSigned });
  return { name, clusterWide, namespace, selfSignedName, certificate };
}

// The edge reaches solver pods in plaintext: keep Istio sidecars out of them, or a STRICT namespace
// refuses the ACME challenge.
const SOLVER_POD_TEMPLATE = { metadata: { annotations: { 'sidecar.istio.io/inject': 'false' } } };

function ingressSolver(ingressClassName: string): any {
  return { ingressClassName, serviceType: 'ClusterIP', podTemplate: SOLVER_POD_TEMPLATE };
}

/** The Gateway API solver: challenge routes attach to the gateway's HTTP listener (port 80). */
function gatewaySolver(gateway: SecureGateway): any {
  return {
    parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: gateway.name, namespace: gateway.namespace, sectionName: 'http' }],
    serviceType: 'ClusterIP',
    podTemplate: SOLVER_POD_TEMPLATE,
  };
}

function checkServer(scope: IConstruct | string, server: string): void {
  let url: URL | undefined;
  try {
    url = new URL(server);
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== 'https:') {
    throw netsecError(scope, 'server must be the https URL of an ACME directory', server,
      'Use AcmeClusterIssuer.LETS_ENCRYPT_PRODUCTION, LETS_ENCRYPT_STAGING, or your CA\'s https directory URL.');
  }
}
