import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { istioNetworking } from './l1';
import type { ServiceEntrySpec } from '../imports/networking.istio.io';

/**
 * Renders an Istio ServiceEntry that registers an outside destination with the sidecars of its own
 * namespace only (`exportTo: ["."]`, `location: MESH_EXTERNAL`): one allowlist never widens another
 * namespace's registry.
 */
export function renderServiceEntry(scope: Construct, id: string, name: string, namespace: string,
  spec: Omit<ServiceEntrySpec, 'location' | 'exportTo'>): ApiObject {
  return new (istioNetworking().ServiceEntry)(scope, id, {
    metadata: { name, namespace },
    spec: { ...spec, location: istioNetworking().ServiceEntrySpecLocation.MESH_UNDERSCORE_EXTERNAL, exportTo: ['.'] },
  });
}

/** The Istio protocol of a ServiceEntry port: names are visible in TLS SNI (443) and HTTP Host (80) only. */
export function istioProtocol(port: number): string {
  return port === 443 ? 'TLS' : port === 80 ? 'HTTP' : 'TCP';
}
