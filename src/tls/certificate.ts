import { ApiObject, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { checkedInput, readPropsOnce } from '../core/checked-input';
import { parseAddress } from '../core/cidr';
import { netsecError } from '../core/errors';
import { checkServedHostname } from '../core/hostname';
import { checkDns1123Subdomain, toDnsLabel } from '../core/names';
import { checkNamespace } from '../core/peer';
import { defaultName, resolveNamespace } from '../core/scope-defaults';
import { IntentModel } from '../model/intent-model';
import { recordCertManager } from '../platform/component-records';
import { renderCertificate } from '../render/certificate';

/** Whether an issuer is namespaced or cluster-wide. */
export enum IssuerKind {
  /** A namespaced `Issuer`: it signs only Certificates of its own namespace. */
  ISSUER = 'Issuer',
  /** A cluster-scoped `ClusterIssuer`: it signs Certificates of every namespace. */
  CLUSTER_ISSUER = 'ClusterIssuer',
}

/** Options for `IssuerReference.clusterIssuer()`. */
export interface ClusterIssuerReferenceOptions {
  /**
   * The issuer is ACME and solves HTTP-01 challenges through an ingress controller. Certificates from it
   * need the controller to reach cert-manager's solver pods, so `SecureIngress` writes that allowance.
   * @default false
   */
  readonly acmeHttp01?: boolean;
}

/** Options for `IssuerReference.issuer()`. */
export interface IssuerReferenceOptions extends ClusterIssuerReferenceOptions {
  /**
   * The namespace of the Issuer; Certificates signed by it must be in the same namespace.
   * @default - the namespace of the Certificate that uses the reference
   */
  readonly namespace?: string;
}

/**
 * Which cert-manager issuer signs a certificate (`spec.issuerRef`), and what it needs from the network.
 *
 * The issuer helpers (`AcmeClusterIssuer`, `PrivateCertificateAuthority`) return references that know
 * their kind and whether they solve ACME HTTP-01 challenges; for issuers managed elsewhere, make one
 * with the factories.
 *
 * @example
 * IssuerReference.clusterIssuer('letsencrypt-prod', { acmeHttp01: true });
 * IssuerReference.issuer('internal-ca', { namespace: 'shop' });
 */
export class IssuerReference {
  /** A cluster-scoped `ClusterIssuer`, usable from every namespace. */
  public static clusterIssuer(name: string, options: ClusterIssuerReferenceOptions = {}): IssuerReference {
    const where = 'IssuerReference.clusterIssuer';
    return new IssuerReference(IssuerKind.CLUSTER_ISSUER, checkIssuerName(where, name), undefined, checkAcmeOption(where, options));
  }

  /** A namespaced `Issuer`, usable only from its own namespace. */
  public static issuer(name: string, options: IssuerReferenceOptions = {}): IssuerReference {
    const where = 'IssuerReference.issuer';
    const acmeHttp01 = checkAcmeOption(where, options);
    const given = options.namespace;
    const namespace = given === undefined ? undefined : checkNamespace(where, given);
    return new IssuerReference(IssuerKind.ISSUER, checkIssuerName(where, name), namespace, acmeHttp01);
  }

  /** `Issuer` or `ClusterIssuer`. */
  public readonly kind: IssuerKind;
  /** The issuer's name. */
  public readonly name: string;
  /** The namespace of an `Issuer`, when known; undefined for a `ClusterIssuer`. */
  public readonly namespace?: string;
  /** Whether the issuer solves ACME HTTP-01 challenges through an ingress controller. */
  public readonly acmeHttp01: boolean;

  private constructor(kind: IssuerKind, name: string, namespace: string | undefined, acmeHttp01: boolean) {
    this.kind = kind;
    this.name = name;
    this.namespace = namespace;
    this.acmeHttp01 = acmeHttp01;
  }

  /** `ClusterIssuer letsencrypt-prod`, or `Issuer shop/internal-ca`. */
  public toString(): string {
    return `${this.kind} ${this.namespace !== undefined ? `${this.namespace}/` : ''}${this.name}`;
  }
}

/** The private key of a certificate: algorithm and size. */
export enum KeyAlgorithm {
  /** ECDSA on the NIST P-256 curve: small, fast, accepted by every current TLS client. */
  ECDSA_P256 = 'ECDSA_P256',
  /** ECDSA on the NIST P-384 curve. */
  ECDSA_P384 = 'ECDSA_P384',
  /** RSA with a 2048-bit modulus, for clients without ECDSA support. */
  RSA_2048 = 'RSA_2048',
  /** RSA with a 3072-bit modulus. */
  RSA_3072 = 'RSA_3072',
  /** RSA with a 4096-bit modulus. */
  RSA_4096 = 'RSA_4096',
}

/** The lifetime and key of a certificate; every field has a secure default. */
export interface CertificateOptions {
  /**
   * The requested lifetime. ACME issuers such as Let's Encrypt choose their own and ignore it.
   * At least one hour.
   * @default Duration.days(90)
   */
  readonly duration?: Duration;
  /**
   * How long before expiry cert-manager renews. At least five minutes and shorter than `duration`;
   * when an issuer returns a shorter-lived certificate, cert-manager shortens the window accordingly.
   * @default Duration.days(30) - a third of the default lifetime
   */
  readonly renewBefore?: Duration;
  /**
   * The private key algorithm and size. The key is regenerated on every renewal (`rotationPolicy: Always`),
   * so a leaked key stops being useful at the next renewal.
   * @default KeyAlgorithm.ECDSA_P256
   */
  readonly keyAlgorithm?: KeyAlgorithm;
}

/** Properties of a `TlsCertificate`. */
export interface TlsCertificateProps extends CertificateOptions {
  /** The issuer that signs the certificate. */
  readonly issuer: IssuerReference;
  /**
   * DNS names the certificate is valid for (subject alternative names); a wildcard only as the whole
   * leftmost label.
   * @default - none; at least one of dnsNames, ipAddresses or commonName must be given
   */
  readonly dnsNames?: string[];
  /**
   * IP addresses the certificate is valid for.
   * @default - none
   */
  readonly ipAddresses?: string[];
  /**
   * The subject common name. TLS clients ignore it when a DNS name or address is present; a CA
   * certificate needs one to be recognisable.
   * @default - none
   */
  readonly commonName?: string;
  /**
   * Request a CA certificate (`isCA: true`) that can sign other certificates.
   * @default false
   */
  readonly certificateAuthority?: boolean;
  /**
   * The Secret cert-manager writes the key and certificate into (in the certificate's namespace).
   * @default - `<name>-tls`
   */
  readonly secretName?: string;
  /**
   * The Certificate object's name.
   * @default - derived from the construct id
   */
  readonly name?: string;
  /**
   * The namespace of the Certificate and its Secret.
   * @default - the namespace of the enclosing chart
   */
  readonly namespace?: string;
}

const DEFAULT_DURATION = Duration.days(90);
const DEFAULT_RENEW_BEFORE = Duration.days(30);

/**
 * A cert-manager `Certificate` with secure defaults: ECDSA P-256, a new private key on every renewal
 * (`rotationPolicy: Always`), a 90-day lifetime renewed 30 days before expiry.
 *
 * @example
 * new TlsCertificate(chart, 'api-tls', {
 *   dnsNames: ['api.shop.svc', 'api.shop.svc.cluster.local'],
 *   issuer: internalCa.issuer,
 * });
 */
export class TlsCertificate extends Construct {
  /** The Certificate object's name. */
  public readonly name: string;
  /** The namespace of the Certificate and its Secret. */
  public readonly namespace: string;
  /** The Secret that holds the issued key and certificate. */
  public readonly secretName: string;
  /** The DNS names the certificate is valid for. */
  public readonly dnsNames: string[];
  /** The issuer that signs it. */
  public readonly issuer: IssuerReference;
  /** The Certificate object. */
  public readonly apiObject: ApiObject;

  /**
   * @param scope the parent construct
   * @param id the construct id, unique among its siblings
   * @param props the configuration (`TlsCertificateProps`)
   */
  public constructor(scope: Construct, id: string, props: TlsCertificateProps) {
    const input = checkedInput(scope, id, (path) => checkCertificateProps(scope, id, path, props), { props: { given: props, struct: 'TlsCertificateProps' } });
    super(scope, id);
    this.namespace = input.namespace;
    this.name = input.name;
    this.secretName = input.secretName;
    this.issuer = input.issuer;
    this.dnsNames = input.dnsNames;

    const model = IntentModel.of(this);
    model.names.claim('Certificate', this.namespace, this.name, this);
    // Two Certificates writing one Secret would overwrite each other's key on every renewal.
    model.names.claim('Secret', this.namespace, this.secretName, this);
    recordCertManager(this);

    // Rendered from the checked copy only: a prop read again here could answer differently (a getter, a Proxy).
    this.apiObject = renderCertificate(this, 'Resource', {
      name: this.name,
      namespace: this.namespace,
      secretName: this.secretName,
      dnsNames: [...input.dnsNames],
      ipAddresses: [...input.ipAddresses],
      commonName: input.commonName,
      certificateAuthority: input.certificateAuthority,
      duration: input.lifetime.duration,
      renewBefore: input.lifetime.renewBefore,
      issuer: { kind: input.issuerRef.kind, name: input.issuerRef.name },
      key: input.key,
    });
  }
}

/** A checked lifetime: as Go durations for the Certificate, and in whole seconds. */
export interface CheckedLifetime {
  readonly duration: string;
  readonly renewBefore: string;
  readonly durationSeconds: number;
  readonly renewBeforeSeconds: number;
}

/** Everything a `TlsCertificate` builds from, checked before it joins the tree. */
export interface CheckedCertificate {
  readonly namespace: string;
  readonly name: string;
  readonly secretName: string;
  readonly dnsNames: string[];
  readonly ipAddresses: string[];
  readonly commonName?: string;
  readonly certificateAuthority: boolean;
  /** The issuer as given (for `TlsCertificate.issuer`). */
  readonly issuer: IssuerReference;
  /** The issuer's kind and name as read once and checked: what `spec.issuerRef` says. */
  readonly issuerRef: { readonly kind: IssuerKind; readonly name: string };
  readonly lifetime: CheckedLifetime;
  readonly key: { family: 'ECDSA' | 'RSA'; size: number };
}

/**
 * Checks the props of a `TlsCertificate` that `scope` is about to create with this `id` (whose path is
 * `path`), as its constructor does, so that a construct can refuse before it creates anything. Every prop
 * is read once; the result is a copy the constructor renders from, so that a getter or Proxy that answers
 * differently on a second read cannot put an unchecked value (another issuer, a non-address, a CA flag)
 * into the Certificate.
 */
export function checkCertificateProps(scope: IConstruct, id: string, path: string, props: TlsCertificateProps): CheckedCertificate {
  if (props === null || typeof props !== 'object') {
    throw netsecError(path, 'props must be an object', props, 'Pass { dnsNames, issuer }.');
  }
  const given = readPropsOnce(props, 'TlsCertificateProps');
  const namespace = resolveNamespace(scope, id, given.namespace);
  const name = given.name ?? defaultName(scope, id);
  const secretName = given.secretName ?? toDnsLabel([name, 'tls']);
  checkObjectName(path, 'name', name);
  checkObjectName(path, 'secretName', secretName);
  const issuerRef = checkIssuer(path, given.issuer, namespace);
  const dnsNames = stringList(path, 'dnsNames', given.dnsNames);
  const ipAddresses = stringList(path, 'ipAddresses', given.ipAddresses);
  if (given.certificateAuthority !== undefined && typeof given.certificateAuthority !== 'boolean') {
    throw netsecError(path, 'certificateAuthority must be true or false', given.certificateAuthority,
      'Pass certificateAuthority: true only for a CA certificate, or leave it out.');
  }
  if (given.commonName !== undefined && typeof given.commonName !== 'string') {
    throw netsecError(path, 'commonName must be a string', given.commonName, 'Pass a name such as "Shop internal CA", or leave it out.');
  }
  checkSubject(path, dnsNames, ipAddresses, given.commonName, { dnsNames: given.dnsNames, ipAddresses: given.ipAddresses });
  const lifetime = checkLifetime(path, given);
  const key = checkKeyAlgorithm(path, given.keyAlgorithm);
  return {
    namespace,
    name,
    secretName,
    dnsNames,
    ipAddresses,
    commonName: given.commonName,
    certificateAuthority: given.certificateAuthority ?? false,
    issuer: given.issuer!,
    issuerRef,
    lifetime,
    key,
  };
}

/** A copy of a list of strings, each item read once; undefined is the empty list. */
function stringList(path: string, field: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw netsecError(path, `${field} must be a list`, String(value), `Pass ${field} as a list, e.g. ${field}: ["..."], or leave it out.`);
  }
  const length = value.length;
  const copy: string[] = [];
  for (let i = 0; i < length; i++) {
    const item: unknown = value[i];
    if (typeof item !== 'string') throw netsecError(path, `${field} entry must be a string`, String(item), `List ${field} as strings.`);
    copy.push(item);
  }
  return copy;
}

function checkIssuer(path: string, issuer: IssuerReference | undefined, namespace: string): { kind: IssuerKind; name: string } {
  if (!(issuer instanceof IssuerReference)) {
    throw netsecError(path, 'issuer must be an IssuerReference', issuer,
      'Use IssuerReference.clusterIssuer("name"), IssuerReference.issuer("name"), or the reference of an issuer helper.');
  }
  const kind = issuer.kind;
  const name = issuer.name;
  const issuerNamespace = issuer.namespace;
  const badName = typeof name === 'string' ? checkDns1123Subdomain(name) : 'must be a string';
  if ((kind !== IssuerKind.ISSUER && kind !== IssuerKind.CLUSTER_ISSUER) || badName) {
    throw netsecError(path, 'issuer is not a reference its factories made', { kind, name },
      'Use IssuerReference.clusterIssuer("name"), IssuerReference.issuer("name"), or the reference of an issuer helper.');
  }
  if (kind === IssuerKind.ISSUER && issuerNamespace !== undefined && issuerNamespace !== namespace) {
    throw netsecError(path, `${issuer} cannot sign a Certificate in namespace ${namespace}: an Issuer signs only its own namespace`,
      issuer.toString(), 'Put the Certificate in the Issuer\'s namespace, or use a ClusterIssuer.');
  }
  return { kind, name };
}

function checkSubject(path: string, dnsNames: string[], ipAddresses: string[], commonName: string | undefined, given: object): void {
  if (dnsNames.length === 0 && ipAddresses.length === 0 && commonName === undefined) {
    throw netsecError(path, 'the certificate names no subject', given,
      'Give dnsNames (or ipAddresses), e.g. dnsNames: ["shop.example.com"].');
  }
  const seen = new Set<string>();
  for (const name of dnsNames) {
    const bad = checkServedHostname(name, true);
    if (bad) throw netsecError(path, `dnsNames entry ${bad}`, name, 'Use a DNS name such as "shop.example.com" or "*.example.com".');
    if (seen.has(name)) throw netsecError(path, 'dnsNames lists a name twice', name, 'List each name once.');
    seen.add(name);
  }
  for (const address of ipAddresses) {
    if (!parseAddress(address)) {
      throw netsecError(path, 'ipAddresses entry is not an IP address', address, 'Use an address such as "10.0.0.10" or "2001:db8::10".');
    }
  }
  if (commonName !== undefined && (commonName.length === 0 || commonName.length > 64)) {
    throw netsecError(path, 'commonName must be 1 to 64 characters', commonName, 'Shorten it; put long names in dnsNames.');
  }
}

const KEYS: { [algorithm: string]: { family: 'ECDSA' | 'RSA'; size: number } | undefined } = {
  [KeyAlgorithm.ECDSA_P256]: { family: 'ECDSA', size: 256 },
  [KeyAlgorithm.ECDSA_P384]: { family: 'ECDSA', size: 384 },
  [KeyAlgorithm.RSA_2048]: { family: 'RSA', size: 2048 },
  [KeyAlgorithm.RSA_3072]: { family: 'RSA', size: 3072 },
  [KeyAlgorithm.RSA_4096]: { family: 'RSA', size: 4096 },
};

/**
 * Checks the lifetime and key of `options` (the nested `certificate` props of a construct that issues
 * certificates later), so that the construct can refuse them before it creates anything. Returns the
 * checked copy (each field read once, the lifetimes as whole seconds) for the construct to keep: the
 * original read again later, through a getter or a Proxy, could answer with a lifetime the Certificate
 * refuses after the construct has joined the tree.
 */
export function checkCertificateOptions(where: IConstruct | string, options: CertificateOptions | undefined): CertificateOptions | undefined {
  if (options === undefined) return undefined;
  if (options === null || typeof options !== 'object') {
    throw netsecError(where, 'certificate must be an object', options, 'Pass CertificateOptions, e.g. { duration: Duration.days(90) }, or leave certificate out.');
  }
  const given = { duration: options.duration, renewBefore: options.renewBefore, keyAlgorithm: options.keyAlgorithm };
  const lifetime = checkLifetime(where, given);
  checkKeyAlgorithm(where, given.keyAlgorithm);
  return Object.freeze({
    duration: Duration.seconds(lifetime.durationSeconds),
    renewBefore: Duration.seconds(lifetime.renewBeforeSeconds),
    keyAlgorithm: given.keyAlgorithm ?? KeyAlgorithm.ECDSA_P256,
  });
}

function checkKeyAlgorithm(where: IConstruct | string, algorithm: KeyAlgorithm | undefined): { family: 'ECDSA' | 'RSA'; size: number } {
  const known = KEYS[algorithm ?? KeyAlgorithm.ECDSA_P256];
  if (known === undefined) {
    throw netsecError(where, 'keyAlgorithm is not a KeyAlgorithm', algorithm, 'Use KeyAlgorithm.ECDSA_P256 (the default), ECDSA_P384 or RSA_2048/3072/4096.');
  }
  return known;
}

/** Validates duration and renewBefore and renders them as Go durations (`2160h`), which cert-manager parses. */
function checkLifetime(scope: IConstruct | string, options: CertificateOptions): CheckedLifetime {
  const duration = seconds(scope, 'duration', options.duration ?? DEFAULT_DURATION);
  const renewBefore = seconds(scope, 'renewBefore', options.renewBefore ?? DEFAULT_RENEW_BEFORE);
  if (duration < 3600) {
    throw netsecError(scope, 'duration is shorter than the one hour cert-manager accepts', goDuration(duration),
      'Use Duration.hours(1) or longer; the default is 90 days.');
  }
  if (renewBefore < 300) {
    throw netsecError(scope, 'renewBefore is shorter than the five minutes cert-manager accepts', goDuration(renewBefore),
      'Use Duration.minutes(5) or longer; the default is 30 days.');
  }
  if (renewBefore >= duration) {
    throw netsecError(scope, 'renewBefore is not shorter than duration, so the certificate would renew as soon as it is issued',
      `${goDuration(renewBefore)} >= ${goDuration(duration)}`, 'Renew with a third of the lifetime left, e.g. duration 90 days and renewBefore 30 days.');
  }
  return { duration: goDuration(duration), renewBefore: goDuration(renewBefore), durationSeconds: duration, renewBeforeSeconds: renewBefore };
}

function seconds(scope: IConstruct | string, field: string, value: Duration): number {
  const total = value instanceof Duration ? value.toSeconds({ integral: false }) : NaN;
  if (!Number.isInteger(total)) {
    throw netsecError(scope, `${field} must be a Duration of whole seconds`, value, `Use Duration.days(), hours() or minutes() for ${field}.`);
  }
  return total;
}

/** Whole seconds as a Go duration string: `2160h`, `1h30m`, `5m`. */
function goDuration(total: number): string {
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const text = `${h > 0 ? `${h}h` : ''}${m > 0 ? `${m}m` : ''}${s > 0 ? `${s}s` : ''}`;
  return text.length > 0 ? text : '0s';
}

/** Fails unless `value` is a valid object name (DNS-1123 subdomain). */
export function checkObjectName(scope: IConstruct | string, field: string, value: string): void {
  const bad = typeof value === 'string' ? checkDns1123Subdomain(value) : 'must be a string';
  if (bad) throw netsecError(scope, `${field} ${bad}`, value, `Pass a ${field} such as "shop-tls".`);
}

/** The `acmeHttp01` option of an issuer reference, read once: true or false (a truthy string is refused). */
function checkAcmeOption(where: string, options: ClusterIssuerReferenceOptions): boolean {
  if (options === null || typeof options !== 'object') {
    throw netsecError(where, 'options must be an object', options, 'Pass { acmeHttp01: true }, or leave options out.');
  }
  const acme = options.acmeHttp01 ?? false;
  if (typeof acme !== 'boolean') {
    throw netsecError(where, 'acmeHttp01 must be true or false', acme, 'Pass acmeHttp01: true for an ACME issuer that solves HTTP-01 through the edge, or leave it out.');
  }
  return acme;
}

function checkIssuerName(where: string, name: string): string {
  const bad = typeof name === 'string' ? checkDns1123Subdomain(name) : 'must be a string';
  if (bad) throw netsecError(where, `issuer name ${bad}`, name, 'Use the issuer\'s metadata.name, e.g. "letsencrypt-prod".');
  return name;
}
