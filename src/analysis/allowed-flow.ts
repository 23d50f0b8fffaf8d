import { Port } from '../port';

/** An allowed connection between two modelled pods and every port it is allowed on. */
export interface AllowedFlow {
  /** The source pod, as `namespace/pod`. */
  readonly source: string;
  /** The destination pod, as `namespace/pod`. */
  readonly destination: string;
  /**
   * The allowed destination ports, merged into ranges, per protocol in the order TCP, UDP, SCTP; a
   * protocol allowed entirely is one whole-protocol `Port` (`Port.allTcp()` etc.).
   */
  readonly ports: Port[];
  /** The ports in words, e.g. `TCP 80, 8000-8100; UDP 53`, `all TCP` or `all traffic`. */
  readonly description: string;
}
