/** What `Reachability.matrix()` judges besides the modelled pods. */
export interface MatrixOptions {
  /**
   * Adds rows and columns for the IPv4 ranges outside the cluster, cut into the largest ranges in which
   * every pod's answer is the same (`0.0.0.0-255.255.255.255` when no policy tells addresses apart).
   * A range's row says which pods it may connect to (their ingress side), its column which pods may
   * connect to it (their egress side); range-to-range cells are not judged (`-`). A named port never
   * reaches an address, since only a pod gives a port name a number.
   * @default false
   */
  readonly includeAddresses?: boolean;
}
