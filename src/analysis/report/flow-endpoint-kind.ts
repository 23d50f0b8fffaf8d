/** What one end of an `AllowedFlow` is. */
export enum FlowEndpointKind {
  /** A modelled pod, named `namespace/pod`. */
  POD = 'pod',
  /** A workload (the pods of one controller, or one Pod), named `namespace/name[Kind]`. */
  WORKLOAD = 'workload',
  /** An IPv4 range outside the cluster, named `first-last` (e.g. `0.0.0.0-9.255.255.255`). */
  ADDRESS_RANGE = 'address-range',
  /** A DNS name a Cilium `toFQDNs` rule allows (a name or a `*.` pattern), not an address. */
  FQDN = 'fqdn',
  /**
   * The ingress data plane, named `{ingress-controller}`: the cluster's Ingress/Route controller, and
   * Cilium's `ingress` entity. It is a source only, in a namespace of its own with no labels, so only
   * rules that admit every pod of every namespace (or the `ingress`, `cluster`, `all` entities) admit it.
   */
  INGRESS_CONTROLLER = 'ingress-controller',
}
