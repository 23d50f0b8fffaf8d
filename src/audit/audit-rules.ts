import { AUDIT_ACCEPT_ANNOTATION, AUDIT_ACCEPT_REASON_ANNOTATION } from './audit-annotations';
import { AuditRule, AuditSeverity } from './audit-finding';
import { METADATA_ADDRESSES } from '../core/addresses';

/*
 * The audit catalogue. Identifiers are stable: a rule that is retired keeps its number, and new rules
 * take the next one.
 */
const RULES: readonly AuditRule[] = [
  {
    id: 'NETSEC001',
    name: 'namespace-without-default-deny-ingress',
    severity: AuditSeverity.HIGH,
    description: 'A namespace with pods has no NetworkPolicy that selects every pod and isolates ingress, nor a Baseline-tier ClusterNetworkPolicy Deny of every peer for it, so new pods accept traffic from anywhere.',
  },
  {
    id: 'NETSEC002',
    name: 'namespace-without-default-deny-egress',
    severity: AuditSeverity.MEDIUM,
    description: 'A namespace with pods has no NetworkPolicy that selects every pod and isolates egress, nor a Baseline-tier ClusterNetworkPolicy Deny of every peer for it, so new pods may connect anywhere.',
  },
  {
    id: 'NETSEC003',
    name: 'pod-not-selected',
    severity: AuditSeverity.MEDIUM,
    description: 'No NetworkPolicy selects a pod and no Baseline-tier ClusterNetworkPolicy denies its namespace both directions, so it is isolated in neither direction.',
  },
  {
    id: 'NETSEC004',
    name: 'egress-to-any-address',
    severity: AuditSeverity.HIGH,
    description: 'An egress rule allows 0.0.0.0/0 or ::/0 or every destination (no `to`), or ipBlocks that together cover the public IPv4 or IPv6 space (e.g. 0.0.0.0/1 and 128.0.0.0/1), in one rule or across the rules of one pod on the same port.',
  },
  {
    id: 'NETSEC005',
    name: 'metadata-endpoint-reachable',
    severity: AuditSeverity.CRITICAL,
    description: `A pod may connect to a cloud metadata endpoint (${METADATA_ADDRESSES.join(', ')}) on a port where it serves instance data or node credentials.`,
  },
  {
    id: 'NETSEC006',
    name: 'load-balancer-without-source-ranges',
    severity: AuditSeverity.HIGH,
    description: 'A Service of type LoadBalancer has no loadBalancerSourceRanges, or one that admits every address.',
  },
  {
    id: 'NETSEC007',
    name: 'nodeport-service',
    severity: AuditSeverity.MEDIUM,
    description: 'A Service of type NodePort opens its port on every node, outside the ingress controller.',
  },
  {
    id: 'NETSEC008',
    name: 'ingress-without-tls',
    severity: AuditSeverity.HIGH,
    description: 'An Ingress serves a host (or every host) without a TLS entry for it.',
  },
  {
    id: 'NETSEC009',
    name: 'mtls-permissive',
    severity: AuditSeverity.MEDIUM,
    description: 'An Istio PeerAuthentication accepts plain text next to mTLS (mode PERMISSIVE) for a workload or port.',
  },
  {
    id: 'NETSEC010',
    name: 'mtls-disabled',
    severity: AuditSeverity.HIGH,
    description: 'An Istio PeerAuthentication turns mTLS off (mode DISABLE) for a workload or port.',
  },
  {
    id: 'NETSEC011',
    name: 'ingress-port-not-in-service',
    severity: AuditSeverity.MEDIUM,
    description: 'Services select a pod, but none of them exposes a port the pod accepts ingress on: the rule or the Service has the wrong port.',
  },
  {
    id: 'NETSEC012',
    name: 'cidr-with-host-bits',
    severity: AuditSeverity.MEDIUM,
    description: 'An ipBlock CIDR has host bits set (e.g. 10.0.0.1/24): the API server accepts it, and CNIs differ on whether it means the network or the one address; the analyzer models the network.',
  },
  {
    id: 'NETSEC013',
    name: 'ingress-without-service',
    severity: AuditSeverity.LOW,
    description: 'A pod accepts ingress on specific ports, but no Service in the manifests selects it (its Service may be defined elsewhere, or created at runtime, as for ACME solvers).',
  },
  {
    id: 'NETSEC014',
    name: 'invalid-audit-acceptance',
    severity: AuditSeverity.MEDIUM,
    description: `An object accepts audit rules (annotation ${AUDIT_ACCEPT_ANNOTATION}) without a reason in ${AUDIT_ACCEPT_REASON_ANNOTATION}, `
      + 'or names a rule the catalogue does not know; without a reason nothing is suppressed.',
  },
  {
    id: 'NETSEC015',
    name: 'one-sided-flow',
    severity: AuditSeverity.MEDIUM,
    description: 'One side of a connection between two modelled pods names the other specifically (an egress rule selecting the server, or an ingress rule selecting the client) while the other side denies it: the flow was meant, but the cluster drops it.',
  },
  {
    id: 'NETSEC016',
    name: 'gateway-http-listener-serves-backends',
    severity: AuditSeverity.HIGH,
    description: 'A Gateway listener with protocol HTTP has an attached HTTPRoute that forwards to backends instead of only redirecting to HTTPS (a RequestRedirect filter and no backendRefs): the Gateway API equivalent of NETSEC008.',
  },
  {
    id: 'NETSEC017',
    name: 'route-backend-service-missing',
    severity: AuditSeverity.MEDIUM,
    description: 'An HTTPRoute backendRef names a Service that is not in the manifests: the route serves errors, or a Service created later by someone else receives the traffic.',
  },
  {
    id: 'NETSEC018',
    name: 'route-backend-port-not-in-service',
    severity: AuditSeverity.MEDIUM,
    description: 'An HTTPRoute backendRef names a port its Service does not expose, or no port at all: the route cannot reach the backend.',
  },
  {
    id: 'NETSEC019',
    name: 'gateway-listener-admits-all-namespaces',
    severity: AuditSeverity.HIGH,
    description: 'A Gateway listener accepts routes from every namespace (allowedRoutes.namespaces.from: All), so any namespace can attach a route and claim its host.',
  },
  {
    id: 'NETSEC020',
    name: 'namespace-outside-guardrails',
    severity: AuditSeverity.HIGH,
    description: 'The manifests hold Baseline-tier ClusterNetworkPolicies, but a namespace with workloads is neither covered by a Baseline Deny for a direction nor isolated in it by a NetworkPolicy default deny.',
  },
  {
    id: 'NETSEC021',
    name: 'admin-accept-reopens-metadata-endpoint',
    severity: AuditSeverity.CRITICAL,
    description: 'An Admin-tier ClusterNetworkPolicy Accept egress rule has networks that cover a cloud metadata endpoint (any address of NETSEC005) on a port where it serves secrets: no NetworkPolicy or Baseline rule can deny it to its subjects.',
  },
  {
    id: 'NETSEC022',
    name: 'outside-the-analysis',
    severity: AuditSeverity.HIGH,
    description: 'A network policy of a kind or API group the analyzer does not evaluate (Calico, Antrea, OVN EgressFirewall, a NetworkPolicy of another group), which may open what every evaluated policy closes, or a pod with hostNetwork, to which NetworkPolicy does not reliably apply: answers about the pods involved are uncertain.',
  },
];

/** The audit catalogue: every rule `Reachability.audit()` checks, with its stable identifier. */
export class AuditRules {
  /** Every rule, in identifier order. */
  public static all(): AuditRule[] {
    return RULES.map(r => ({ ...r }));
  }

  /**
   * The rule with this identifier or name.
   * @returns undefined when no rule has it
   */
  public static find(idOrName: string): AuditRule | undefined {
    const rule = RULES.find(r => r.id === idOrName || r.name === idOrName);
    return rule ? { ...rule } : undefined;
  }

  private constructor() {}
}
