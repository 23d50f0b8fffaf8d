import { Port } from '../../core/port';

/** A range of addresses outside the cluster that may reach a workload, and on which ports. */
export interface ExposedAddressRange {
  /** The range as `first-last`, e.g. `0.0.0.0-9.255.255.255` or `::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff`. */
  readonly addresses: string;
  /** The same range as the fewest CIDR blocks, in address order. */
  readonly cidrs: string[];
  /** The ports every address of the range may open on the workload. */
  readonly ports: Port[];
  /** The ports in words, e.g. `TCP 443` or `all traffic`. */
  readonly description: string;
}

/** One path into the cluster that leads to a workload: a Service the cloud or the nodes expose, an Ingress, or a Gateway API route. */
export interface ExposurePath {
  /**
   * The kind of the object that opens the path: `Service` (LoadBalancer, NodePort or externalIPs),
   * `Ingress`, `HTTPRoute`, `GRPCRoute`, `TLSRoute`, `TCPRoute`, `UDPRoute` or (OpenShift) `Route`.
   */
  readonly kind: string;
  /** The object, e.g. `Ingress shop/web`. */
  readonly resource: string;
  /**
   * What the path is: for a Service its type, ports and source ranges; for an Ingress the host, path and
   * class (the ingress controller is the path in); for a route the gateway, listener, hostname and path
   * (the gateway's data plane is the path in).
   */
  readonly description: string;
  /** The workload ports the path leads to (Service target ports resolved against the workload). */
  readonly targetPorts: Port[];
  /**
   * Which sources may use the path, each as the engine behind `isAllowed` judges it on the target ports.
   * For a Service, the outside address ranges (`fromOutside`) that may open a target port. For an
   * Ingress or route, the data plane: `{ingress-controller}` (a data plane the manifests do not model,
   * as a pod without labels in an unknown namespace; Cilium's `ingress` entity admits it), and one pod
   * for each pod peer of the workload's ingress rules (`<peer> (<policy>)`), among which the controller's
   * or gateway's pods must be. Admin and Baseline tiers and the source's own egress are applied.
   */
  readonly admittedFrom: string[];
  /** True when `admittedFrom` is not empty: the path can reach the workload. */
  readonly reachable: boolean;
}

/** What can reach one workload, and through which paths into the cluster. */
export interface WorkloadExposure {
  /** `namespace/name` of the modelled pod (a Pod, a workload's representative pod, or a tier). */
  readonly workload: string;
  /** The workload's namespace. */
  readonly namespace: string;
  /** The modelled pod's name. */
  readonly pod: string;
  /** The kind of the object the workload comes from (`Deployment`, `Pod`, `IsolatedTier`, ...). */
  readonly kind: string;
  /**
   * The addresses outside the cluster that may connect to it, as the maximal ranges that share one set
   * of ports; ranges that may open nothing are left out. Every address counts as outside, as for
   * `isAllowed({ ip })`; an address inside the pod network may also be a pod (`verdict` says so).
   */
  readonly fromOutside: ExposedAddressRange[];
  /**
   * The ports a pod in any namespace may open on it: a pod without labels in a namespace that has no
   * label besides its name (`kubernetes.io/metadata.name`) and no NetworkPolicy of its own, i.e. a
   * namespace the manifests do not know, judged by the engine on both sides: its own egress (Admin and
   * Baseline tiers, cluster-wide Cilium policies) and the workload's ingress. Address rules apply to it
   * through the pod network.
   */
  readonly fromAnyNamespace: Port[];
  /** `fromAnyNamespace` in words, `nothing` when empty. */
  readonly fromAnyNamespaceDescription: string;
  /**
   * The ports a new pod without labels in the workload's own namespace may open on it: admitted by the
   * workload's ingress and allowed by the egress policies that select such a pod (a namespace default
   * deny does).
   */
  readonly fromOwnNamespace: Port[];
  /** `fromOwnNamespace` in words, `nothing` when empty. */
  readonly fromOwnNamespaceDescription: string;
  /**
   * The ports the cluster's ingress controller (or gateway data plane, or OpenShift router) reaches
   * through the Ingresses and routes that lead to the workload, when it is modelled, as netpol-analyzer's
   * `{ingress-controller}` is, as a pod of a namespace the manifests do not know: the target ports of
   * those paths that `fromAnyNamespace` holds.
   */
  readonly fromIngressController: Port[];
  /** `fromIngressController` in words, `nothing` when empty. */
  readonly fromIngressControllerDescription: string;
  /** The Services, Ingresses, Gateway API routes and OpenShift Routes that lead to the workload, in that order. */
  readonly paths: ExposurePath[];
  /**
   * What the answers above depend on that the analyzer does not know or evaluate (see
   * `Reachability.verdict`), as `<way in>: <protocol ports>: <caveat>`, sorted; empty when every answer is
   * certain. A way in shown as `nothing` with a caveat may be open.
   */
  readonly caveats: string[];
}
