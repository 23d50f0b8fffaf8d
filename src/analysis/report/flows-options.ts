/** How `Reachability.flows()` cuts the address space outside the cluster into ranges. */
export enum AddressRanges {
  /**
   * Per flow, the largest ranges that share one set of ports: adjacent ranges with the same answer are
   * merged, so `0.0.0.0-255.255.255.255` stands for "anywhere" when nothing distinguishes addresses.
   */
  MAXIMAL = 'maximal',
  /**
   * Every range the policies' CIDRs delimit (ipBlock, `networks`, Cilium CIDRs), in the direction at
   * hand, whether or not neighbours share an answer: the cut np-guard/netpol-analyzer prints.
   */
  POLICY_BLOCKS = 'policy-blocks',
}

/** What `Reachability.flows()` lists besides the connections between modelled pods. */
export interface FlowsOptions {
  /**
   * Also list connections with the outside of the cluster: to and from IPv4 address ranges (IPv6 is not
   * listed), to the names of Cilium `toFQDNs` rules, and from the ingress data plane
   * (`{ingress-controller}`) to the workloads an Ingress or OpenShift Route exposes through a Service.
   * Names are listed with the ports of the Cilium rule that allows them; admin and baseline policies
   * match addresses, not names, and are not applied to them.
   * @default false
   */
  readonly includeExternal?: boolean;
  /**
   * How address ranges are cut (with `includeExternal`).
   * @default AddressRanges.MAXIMAL
   */
  readonly addressRanges?: AddressRanges;
  /**
   * One entry per workload (`namespace/name[Kind]`: the controller that owns a Pod, the workload object,
   * or the Pod) instead of per modelled pod. A workload reaches another on a port when one of its pods
   * reaches one of the other's pods on it; connections inside one workload are not listed.
   * @default false
   */
  readonly byWorkload?: boolean;
}
