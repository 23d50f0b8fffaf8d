import { Construct } from 'constructs';
import { CertificateOptions, checkCertificateOptions, IssuerKind, IssuerReference, TlsCertificate, TlsCertificateProps } from './certificate';
import { netsecError } from '../core/errors';
import { checkDns1123Subdomain, toDnsLabel } from '../core/names';
import { IntentModel } from '../model/intent-model';
import { renderBackendTlsPolicy } from '../render/gateway';

/** TLS from a gateway to the backend Service of a `SecureIngress` (the `backendTls` prop). */
export interface BackendTlsOptions {
  /**
   * The issuer of the backend's certificate: a private CA (e.g. `PrivateCertificateAuthority.issuer`),
   * not an ACME issuer, since the name is cluster-internal.
   */
  readonly issuer: IssuerReference;
  /**
   * The ConfigMap, in the backend's namespace, holding the CA bundle (key `ca.crt`) the gateway verifies
   * the backend's certificate with. Publish it yourself, e.g. with trust-manager from the CA Secret.
   * @default - `<name>-ca` where name is the SecureIngress's name
   */
  readonly caConfigMapName?: string;
  /**
   * The cluster DNS domain of the Service name in the certificate and the policy's `hostname`.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
  /**
   * Lifetime and key of the backend's certificate.
   * @default - ECDSA P-256, a new key on every renewal, 90 days, renewed 30 days before expiry
   */
  readonly certificate?: CertificateOptions;
}

/** Backend TLS options, checked. */
export interface ResolvedBackendTls {
  readonly issuer: IssuerReference;
  readonly caConfigMapName: string;
  readonly clusterDomain: string;
  readonly certificate?: CertificateOptions;
}

/** Checks `backendTls` of the SecureIngress at `where` (named `name`, backend in `namespace`). */
export function resolveBackendTls(where: string, name: string, namespace: string, options: BackendTlsOptions): ResolvedBackendTls {
  if (options === null || typeof options !== 'object') {
    throw netsecError(where, 'backendTls must be an object', options, 'Pass backendTls: { issuer: internalCa.issuer }.');
  }
  // Each option is read once: the checked values are the ones the Certificate and the policy get.
  const issuer = options.issuer;
  if (!(issuer instanceof IssuerReference)) {
    throw netsecError(where, 'backendTls.issuer must be an IssuerReference', String(issuer),
      'Pass the issuer of a private CA, e.g. backendTls: { issuer: internalCa.issuer }.');
  }
  if (issuer.acmeHttp01) {
    throw netsecError(where, 'backendTls.issuer solves ACME HTTP-01, which cannot prove a cluster-internal Service name', issuer.toString(),
      'Use a private CA issuer (PrivateCertificateAuthority) for the backend certificate.');
  }
  if (issuer.kind === IssuerKind.ISSUER && issuer.namespace !== undefined && issuer.namespace !== namespace) {
    throw netsecError(where, `backendTls.issuer cannot sign in namespace ${namespace}: an Issuer signs only its own namespace`,
      issuer.toString(), 'Use a ClusterIssuer, or an Issuer in the backend\'s namespace.');
  }
  const caConfigMapName = options.caConfigMapName ?? toDnsLabel([name, 'ca']);
  const clusterDomain = options.clusterDomain ?? 'cluster.local';
  for (const [field, value] of [['caConfigMapName', caConfigMapName], ['clusterDomain', clusterDomain]]) {
    const bad = typeof value === 'string' ? checkDns1123Subdomain(value) : 'must be a string';
    if (bad) throw netsecError(where, `backendTls.${field} ${bad}`, value, `Pass a ${field} such as "${field === 'clusterDomain' ? 'cluster.local' : 'shop-ca'}".`);
  }
  const certificate = checkCertificateOptions(where, options.certificate);
  return { issuer, caConfigMapName, clusterDomain, certificate };
}

/**
 * The props of the backend's Certificate: the Service's in-cluster DNS names, signed by the backend
 * issuer. A SecureIngress checks them (`checkCertificateProps`) before it creates anything.
 */
export function backendCertificateProps(name: string, namespace: string, serviceName: string, tls: ResolvedBackendTls): TlsCertificateProps {
  const hostname = backendHostname(namespace, serviceName, tls);
  return {
    ...tls.certificate,
    name: toDnsLabel([name, 'backend']),
    namespace,
    secretName: toDnsLabel([name, 'backend-tls']),
    dnsNames: [hostname, `${serviceName}.${namespace}.svc`, `${serviceName}.${namespace}`, serviceName],
    issuer: tls.issuer,
  };
}

function backendHostname(namespace: string, serviceName: string, tls: ResolvedBackendTls): string {
  return `${serviceName}.${namespace}.svc.${tls.clusterDomain}`;
}

/**
 * Emits the backend's Certificate (for the Service's in-cluster DNS names) and the BackendTLSPolicy that
 * makes gateways connect to the Service over TLS and verify that name.
 */
export function addBackendTls(scope: Construct, name: string, namespace: string, serviceName: string, tls: ResolvedBackendTls): TlsCertificate {
  const hostname = backendHostname(namespace, serviceName, tls);
  const certificate = new TlsCertificate(scope, 'BackendCertificate', backendCertificateProps(name, namespace, serviceName, tls));
  IntentModel.of(scope).names.claim('BackendTLSPolicy', namespace, name, scope);
  renderBackendTlsPolicy(scope, 'BackendTlsPolicy', { name, namespace, serviceName, hostname, caConfigMapName: tls.caConfigMapName });
  return certificate;
}
