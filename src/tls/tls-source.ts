import { IssuerReference } from './certificate';
import { netsecError } from '../core/errors';
import { checkDns1123Subdomain } from '../core/names';
import { checkNamespace } from '../core/peer';

/** Options for `TlsSource.clusterIssuer()` and `TlsSource.issuer()`. */
export interface TlsIssuerOptions {
  /**
   * The issuer is ACME and solves HTTP-01 challenges through the edge. The edge (ingress controller or
   * gateway data plane) must then reach cert-manager's solver pods (label
   * acme.cert-manager.io/http01-solver=true, TCP 8089), or issuance fails silently under default deny,
   * so a policy admitting the edge to them (and nothing else) is emitted. Set false for DNS-01 and
   * non-ACME issuers.
   * @default true
   */
  readonly acmeHttp01?: boolean;
}

/** Options for `TlsSource.existingSecret()`. */
export interface ExistingSecretOptions {
  /**
   * The namespace of the Secret. Only a gateway can read a Secret of another namespace, and only with a
   * ReferenceGrant, which `SecureGateway` then emits in the Secret's namespace.
   * @default - the namespace of the object that reads it (the Ingress, or the Gateway)
   */
  readonly namespace?: string;
}

/**
 * Where the certificate of a TLS edge comes from: a cert-manager issuer that issues and renews it, or an
 * existing Secret of type kubernetes.io/tls that you renew yourself.
 *
 * @example
 * TlsSource.clusterIssuer('letsencrypt-prod');
 * TlsSource.issuer('internal-ca', { acmeHttp01: false });
 * TlsSource.issuerReference(letsencrypt.issuer);
 * TlsSource.existingSecret('shop-tls');
 */
export class TlsSource {
  /** A cert-manager ClusterIssuer by name. */
  public static clusterIssuer(name: string, options: TlsIssuerOptions = {}): TlsSource {
    const where = 'TlsSource.clusterIssuer';
    const acmeHttp01 = checkAcme(where, options);
    return new TlsSource(IssuerReference.clusterIssuer(checkName(where, 'name', name), { acmeHttp01 }), undefined, undefined);
  }

  /** A cert-manager Issuer by name, in the namespace of the Certificate that uses it. */
  public static issuer(name: string, options: TlsIssuerOptions = {}): TlsSource {
    const where = 'TlsSource.issuer';
    const acmeHttp01 = checkAcme(where, options);
    return new TlsSource(IssuerReference.issuer(checkName(where, 'name', name), { acmeHttp01 }), undefined, undefined);
  }

  /** An issuer reference, e.g. `AcmeClusterIssuer.issuer`, which knows its kind and whether it solves HTTP-01. */
  public static issuerReference(reference: IssuerReference): TlsSource {
    if (!(reference instanceof IssuerReference)) {
      throw netsecError('TlsSource.issuerReference', 'reference must be an IssuerReference', reference,
        'Pass the issuer of an issuer helper (e.g. letsencrypt.issuer), or IssuerReference.clusterIssuer("name").');
    }
    return new TlsSource(reference, undefined, undefined);
  }

  /** An existing Secret of type kubernetes.io/tls. No Certificate is emitted; renewing it is up to you. */
  public static existingSecret(name: string, options: ExistingSecretOptions = {}): TlsSource {
    const where = 'TlsSource.existingSecret';
    const namespace = options.namespace === undefined ? undefined : checkNamespace(where, options.namespace);
    return new TlsSource(undefined, checkName(where, 'name', name), namespace);
  }

  /** The issuer that signs the certificate; undefined for an existing Secret. */
  public readonly issuerRef?: IssuerReference;
  /** The existing Secret's name; undefined when an issuer signs the certificate. */
  public readonly secretName?: string;
  /** The existing Secret's namespace, when given. */
  public readonly secretNamespace?: string;

  private constructor(issuer: IssuerReference | undefined, secretName: string | undefined, secretNamespace: string | undefined) {
    this.issuerRef = issuer;
    this.secretName = secretName;
    this.secretNamespace = secretNamespace;
  }

  /** Whether the issuer solves ACME HTTP-01 challenges through the edge (false for an existing Secret). */
  public get acmeHttp01(): boolean {
    return this.issuerRef?.acmeHttp01 ?? false;
  }

  /** `ClusterIssuer letsencrypt-prod`, or `Secret shop-tls`. */
  public toString(): string {
    return this.issuerRef ? this.issuerRef.toString() : `Secret ${this.secretNamespace ? `${this.secretNamespace}/` : ''}${this.secretName}`;
  }
}

/** True when `x` is a `TlsSource` made by one of its factories. */
export function isTlsSource(x: unknown): x is TlsSource {
  return x instanceof TlsSource;
}

function checkName(where: string, field: string, value: string): string {
  const bad = typeof value === 'string' ? checkDns1123Subdomain(value) : 'must be a string';
  if (bad) throw netsecError(where, `${field} ${bad}`, value, 'Use the object\'s metadata.name, e.g. "letsencrypt-prod" or "shop-tls".');
  return value;
}

function checkAcme(where: string, options: TlsIssuerOptions): boolean {
  if (options === null || typeof options !== 'object') {
    throw netsecError(where, 'options must be an object', options, 'Pass { acmeHttp01: false }, or leave options out.');
  }
  const acme = options.acmeHttp01 ?? true;
  if (typeof acme !== 'boolean') throw netsecError(where, 'acmeHttp01 must be true or false', acme, 'Pass acmeHttp01: false for DNS-01 and non-ACME issuers.');
  return acme;
}

/** The TLS props of an edge construct: the class, or the shorthand shapes that stand for it. */
export interface TlsSourceProps {
  readonly tls?: TlsSource;
  readonly clusterIssuer?: string;
  readonly issuer?: string;
  readonly issuerReference?: IssuerReference;
  readonly tlsSecretName?: string;
  readonly acmeHttp01?: boolean;
}

/**
 * The one TLS source among `fields` of `props` (the class or a shorthand), or undefined when none is
 * given. Fails, naming `where`, when several are given or a value is invalid.
 */
export function resolveTlsSource(where: string, props: TlsSourceProps, fields: (keyof TlsSourceProps)[]): TlsSource | undefined {
  // Each prop is read once: the value checked is the value used.
  const values: { [field: string]: unknown } = {};
  for (const field of [...fields, 'acmeHttp01' as const]) values[field] = props[field];
  const given = fields.filter((k) => k !== 'acmeHttp01' && values[k] !== undefined);
  if (given.length > 1) {
    throw netsecError(where, `more than one TLS source is given (${given.join(', ')})`,
      Object.fromEntries(given.map((k) => [k, String(values[k])])), 'Pass exactly one of them.');
  }
  const acme = values.acmeHttp01 as boolean | undefined;
  if (acme !== undefined && !(given[0] === 'clusterIssuer' || given[0] === 'issuer')) {
    throw netsecError(where, 'acmeHttp01 applies only next to clusterIssuer or issuer', acme,
      'Say it on the source: TlsSource.clusterIssuer(name, { acmeHttp01 }), or IssuerReference.clusterIssuer(name, { acmeHttp01 }); an existing Secret needs no challenge.');
  }
  switch (given[0]) {
    case undefined:
      return undefined;
    case 'tls':
      if (!(values.tls instanceof TlsSource)) {
        throw netsecError(where, 'tls must be a TlsSource', String(values.tls), 'Use TlsSource.clusterIssuer("name"), .issuer(), .issuerReference() or .existingSecret().');
      }
      return recheck(where, values.tls);
    case 'clusterIssuer':
      return TlsSource.clusterIssuer(checkName(where, 'clusterIssuer', values.clusterIssuer as string), { acmeHttp01: acme });
    case 'issuer':
      return TlsSource.issuer(checkName(where, 'issuer', values.issuer as string), { acmeHttp01: acme });
    case 'issuerReference':
      if (!(values.issuerReference instanceof IssuerReference)) {
        throw netsecError(where, 'issuerReference must be an IssuerReference', String(values.issuerReference),
          'Pass the issuer of an issuer helper (e.g. letsencrypt.issuer), or IssuerReference.clusterIssuer("name").');
      }
      return TlsSource.issuerReference(values.issuerReference);
    default:
      return TlsSource.existingSecret(checkName(where, 'tlsSecretName', values.tlsSecretName as string));
  }
}

/**
 * A TlsSource as its factories would make it from `source`'s fields, each read once and checked again: its
 * fields are plain properties that JavaScript can change after the factory checked them (a Secret in
 * another namespace, a name that is not a name), and the edge builds ReferenceGrants and listeners from them.
 */
function recheck(where: string, source: TlsSource): TlsSource {
  const issuer = source.issuerRef;
  const secretName = source.secretName;
  const secretNamespace = source.secretNamespace;
  if (issuer !== undefined && secretName === undefined && secretNamespace === undefined) {
    if (!(issuer instanceof IssuerReference)) {
      throw netsecError(where, 'tls names an issuer that is not an IssuerReference', String(issuer), 'Make the source with TlsSource.clusterIssuer(), .issuer() or .issuerReference().');
    }
    return TlsSource.issuerReference(issuer);
  }
  if (issuer === undefined && secretName !== undefined) {
    return TlsSource.existingSecret(checkName(where, 'tls secret name', secretName), { namespace: secretNamespace });
  }
  throw netsecError(where, 'tls is not a TlsSource its factories made', source.toString(),
    'Make the source with TlsSource.clusterIssuer(), .issuer(), .issuerReference() or .existingSecret(), and do not change it afterwards.');
}
