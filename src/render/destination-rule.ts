import type { ServiceRecord } from '../model/records';

/**
 * The spec of the DestinationRule for a Service the library emitted: clients in the mesh use Istio's
 * mutual TLS towards it (`ISTIO_MUTUAL`), or plaintext when the mesh turns mTLS off (`DISABLE`).
 */
export function destinationRuleSpec(service: ServiceRecord, clusterDomain: string, mutualTls: boolean): any {
  return {
    host: `${service.name}.${service.namespace}.svc.${clusterDomain}`,
    trafficPolicy: { tls: { mode: mutualTls ? 'ISTIO_MUTUAL' : 'DISABLE' } },
  };
}
