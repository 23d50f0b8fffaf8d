import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { certManager } from './l1';

/** The cert-manager API group every issuer reference names. */
const CERT_MANAGER_GROUP = 'cert-manager.io';

/** A cert-manager Certificate as recorded by TlsCertificate: every field checked, lifetimes as Go durations. */
export interface CertificateRecord {
  readonly name: string;
  readonly namespace: string;
  readonly secretName: string;
  readonly dnsNames: string[];
  readonly ipAddresses: string[];
  readonly commonName?: string;
  readonly certificateAuthority: boolean;
  readonly duration: string;
  readonly renewBefore: string;
  readonly issuer: { readonly kind: string; readonly name: string };
  readonly key: { readonly family: 'ECDSA' | 'RSA'; readonly size: number };
}

/** The cert-manager.io/v1 Certificate: a new private key on every renewal (`rotationPolicy: Always`). */
export function renderCertificate(scope: Construct, id: string, certificate: CertificateRecord): ApiObject {
  const cm = certManager();
  return new cm.Certificate(scope, id, {
    metadata: { name: certificate.name, namespace: certificate.namespace },
    spec: {
      ...(certificate.commonName !== undefined ? { commonName: certificate.commonName } : {}),
      ...(certificate.dnsNames.length > 0 ? { dnsNames: [...certificate.dnsNames] } : {}),
      ...(certificate.ipAddresses.length > 0 ? { ipAddresses: [...certificate.ipAddresses] } : {}),
      ...(certificate.certificateAuthority ? { isCa: true } : {}),
      duration: certificate.duration,
      renewBefore: certificate.renewBefore,
      issuerRef: { group: CERT_MANAGER_GROUP, kind: certificate.issuer.kind, name: certificate.issuer.name },
      privateKey: {
        algorithm: cm.CertificateSpecPrivateKeyAlgorithm[certificate.key.family],
        size: certificate.key.size,
        rotationPolicy: cm.CertificateSpecPrivateKeyRotationPolicy.ALWAYS,
      },
      secretName: certificate.secretName,
    },
  });
}
