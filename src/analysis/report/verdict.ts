/**
 * The answer to "may this connection be opened?", with how sure the analyzer is.
 *
 * `allowed` is what `Reachability.isAllowed` returns. When `certain` is false, the answer depends on
 * something the analyzer does not know (the address of a pod whose IP the manifests do not give, inside
 * a rule's CIDR only in part) or does not evaluate (a Cilium deny section or entity, an AdminNetworkPolicy
 * `nodes` peer, a network policy of a kind or API group it does not evaluate such as Calico's or
 * Antrea's, a pod on the node's network); `caveats` says what. An uncertain "not allowed" is never a proof that the path is closed.
 */
export interface Verdict {
  /** True when the analyzer finds the connection allowed. */
  readonly allowed: boolean;
  /** True when no caveat applies. */
  readonly certain: boolean;
  /** What the answer depends on that the analyzer does not know or evaluate, one sentence each, sorted. */
  readonly caveats: string[];
}
