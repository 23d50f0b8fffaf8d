import { FlowEndpointKind } from './flow-endpoint-kind';
import { Port } from '../../core/port';

/**
 * An allowed connection and every port it is allowed on: between two modelled pods, or, when asked
 * (`FlowsOptions`), between workloads, address ranges outside the cluster, Cilium FQDN names and the
 * ingress data plane.
 */
export interface AllowedFlow {
  /** The source: a pod as `namespace/pod`, or as named by `sourceKind`. */
  readonly source: string;
  /** The destination: a pod as `namespace/pod`, or as named by `destinationKind`. */
  readonly destination: string;
  /**
   * What the source is.
   * @default FlowEndpointKind.POD
   */
  readonly sourceKind?: FlowEndpointKind;
  /**
   * What the destination is.
   * @default FlowEndpointKind.POD
   */
  readonly destinationKind?: FlowEndpointKind;
  /**
   * The allowed destination ports, merged into ranges, per protocol in the order TCP, UDP, SCTP; a
   * protocol allowed entirely is one whole-protocol `Port` (`Port.allTcp()` etc.).
   */
  readonly ports: Port[];
  /** The ports in words, e.g. `TCP 80, 8000-8100; UDP 53`, `all TCP` or `all traffic`. */
  readonly description: string;
}
