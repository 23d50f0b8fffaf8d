/** The verdict of one side of a connection: the source's egress or the destination's ingress. */
export interface DirectionVerdict {
  /** True when this side lets the connection through. */
  readonly allowed: boolean;
  /**
   * True when at least one NetworkPolicy with this policy type selects the pod, so only what its rules
   * admit gets through. False for a pod no such policy selects and for an address outside the cluster.
   */
  readonly isolated: boolean;
  /** True when this end of the connection is an address outside the cluster, which no NetworkPolicy governs. */
  readonly outsideCluster: boolean;
  /** The rules that admit the connection, as `namespace/policy ingress[i]` (or `egress[i]`), sorted. */
  readonly allowedBy: string[];
  /** The policies that isolate the pod in this direction, as `namespace/policy`, sorted. */
  readonly isolatedBy: string[];
  /**
   * The admin or baseline rule that decided this side (AdminNetworkPolicy, BaselineAdminNetworkPolicy or
   * ClusterNetworkPolicy, as `Kind name ingress[i] "rule name" (Action)`), when one did.
   * @default - no admin or baseline rule decided; NetworkPolicy (or no policy) did
   */
  readonly decidedBy?: string;
  /** One sentence saying why. */
  readonly reason: string;
  /**
   * What this side's answer depends on that the analyzer does not know or does not evaluate (an address
   * of a pod inside the pod network, a peer or deny section it does not read), one sentence each; empty
   * when the answer is certain.
   */
  readonly caveats: string[];
}

/** Why a connection is or is not allowed, side by side. */
export interface Explanation {
  /** True when the connection is allowed. */
  readonly allowed: boolean;
  /**
   * True when source and destination are the same pod: such traffic is always allowed whatever the
   * policies say (Kubernetes: "a pod cannot block access to itself").
   */
  readonly selfTraffic: boolean;
  /** The source's egress side. */
  readonly egress: DirectionVerdict;
  /** The destination's ingress side. */
  readonly ingress: DirectionVerdict;
  /**
   * True when the answer depends on nothing the analyzer does not know: `caveats` is empty. An uncertain
   * `allowed: false` means "not shown to be allowed", never "safe".
   */
  readonly certain: boolean;
  /** Why the answer is not certain, one sentence each (both sides together); empty when it is. */
  readonly caveats: string[];
  /** A readable multi-line account of the verdict. */
  readonly text: string;
}
