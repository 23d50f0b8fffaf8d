import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { istioSecurity } from './l1';
import type { PeerAuthenticationSpecMtlsMode, PeerAuthenticationSpecPortLevelMtlsMode } from '../imports/security.istio.io';
import type { MtlsMode, ResolvedPortException } from '../mesh/mesh-peer-authentication';

/** Renders the namespace- or mesh-wide PeerAuthentication: every workload there accepts `mode`. */
export function renderPeerAuthentication(scope: Construct, id: string, name: string, namespace: string, mode: MtlsMode): ApiObject {
  return new (istioSecurity().PeerAuthentication)(scope, id, {
    metadata: { name, namespace },
    spec: { mtls: { mode: mode as string as PeerAuthenticationSpecMtlsMode } },
  });
}

/**
 * Renders the PeerAuthentication of one workload's port exceptions: the mesh's mode for the workload, and
 * another mode on each listed container port (ports sorted). Workload-scoped policies are ignored in the
 * root namespace, so it goes to the pods' own namespace.
 */
export function renderPortException(scope: Construct, id: string, exception: ResolvedPortException, mode: MtlsMode): ApiObject {
  return new (istioSecurity().PeerAuthentication)(scope, id, {
    metadata: { name: exception.name, namespace: exception.namespace },
    spec: {
      selector: { matchLabels: exception.labels },
      mtls: { mode: mode as string as PeerAuthenticationSpecMtlsMode },
      portLevelMtls: Object.fromEntries(Object.keys(exception.ports).sort((a, b) => Number(a) - Number(b))
        .map((port) => [port, { mode: exception.ports[port] as string as PeerAuthenticationSpecPortLevelMtlsMode }])),
    },
  });
}
