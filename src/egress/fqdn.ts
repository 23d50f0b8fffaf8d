import { CILIUM_ENFORCER } from './fqdn-cilium';
import { FqdnEnforcer } from './fqdn-enforcer';
import { ISTIO_ENFORCER } from './fqdn-istio';
import { netsecError } from '../core/errors';

/**
 * Where FQDN destinations of a `RestrictedEgress` are enforced. NetworkPolicy matches IP addresses only,
 * so a name needs a component that sees it: a proxy that reads the TLS SNI or HTTP Host, or a CNI that
 * watches DNS answers.
 */
export enum FqdnEnforcement {
  /**
   * Istio sidecars: a ServiceEntry per destination (exported to its own namespace only) and a Sidecar
   * with `outboundTrafficPolicy: REGISTRY_ONLY` for the selected pods, whose registry holds exactly the
   * allowed destinations. The pods also get an L3 rule to the public internet on the FQDN ports, because
   * NetworkPolicy cannot name hosts: the sidecar is the enforcement point, so the pods must run one. A
   * tier with `inMesh: false`, or pods in an ambient-mode namespace, are refused (use `CILIUM`).
   */
  ISTIO = 'ISTIO',
  /**
   * Cilium: one CiliumNetworkPolicy per restricted tier (or namespace) with a `toFQDNs` rule per name on
   * exactly its ports, and a DNS rule to the pods' cluster DNS through which Cilium's DNS proxy learns the
   * names' addresses. No rule to public addresses is written into the NetworkPolicy: Cilium adds
   * NetworkPolicies and CiliumNetworkPolicies up, so such a rule would open the ports to every address.
   * The cluster's CNI must be Cilium.
   */
  CILIUM = 'CILIUM',
}

/** The implementation of an enforcement option. */
export function fqdnEnforcer(enforcement: FqdnEnforcement): FqdnEnforcer {
  switch (enforcement) {
    case FqdnEnforcement.ISTIO: return ISTIO_ENFORCER;
    case FqdnEnforcement.CILIUM: return CILIUM_ENFORCER;
    default: throw netsecError('FqdnEnforcement', 'is not a known enforcement option', enforcement,
      `Use one of: ${Object.keys(FqdnEnforcement).map((k) => `FqdnEnforcement.${k}`).join(', ')}.`);
  }
}
