import { DenseCells, MatrixCells } from './matrix-cells';
import { netsecError } from '../../core/errors';
import { Port } from '../../core/port';

/** An ordered pair of modelled pods, each named `namespace/pod`. */
export interface PodPair {
  /** The pod that opens the connection, as `namespace/pod`. */
  readonly source: string;
  /** The pod that accepts it, as `namespace/pod`. */
  readonly destination: string;
}

/**
 * Which modelled pod may connect to which on one port: rows are sources, columns destinations.
 *
 * Made by `Reachability.matrix()`. `toString()` prints the truth table the way the upstream Kubernetes
 * e2e NetworkPolicy tests do: `.` for allowed, `X` for denied.
 */
export class ReachabilityMatrix {
  /**
   * Builds a matrix from its cells (row-major, 1 = allowed).
   * @internal
   */
  public static _fromCells(pods: string[], port: Port, cells: Uint8Array, addressRanges: string[] = []): ReachabilityMatrix {
    return new ReachabilityMatrix(pods, port, new DenseCells(cells, pods.length), addressRanges);
  }

  /**
   * Builds a matrix from cells stored in any form (e.g. per class of interchangeable pods).
   * @internal
   */
  public static _fromStore(pods: string[], port: Port, cells: MatrixCells): ReachabilityMatrix {
    return new ReachabilityMatrix(pods, port, cells, []);
  }

  /**
   * The rows and columns: the pods, as `namespace/pod`, sorted by namespace then name, followed (with
   * `includeAddresses`) by the address ranges, as `first-last`, in address order.
   */
  public readonly pods: string[];
  /**
   * The address ranges among `pods` (with `MatrixOptions.includeAddresses`), as `first-last`.
   * Cells between two ranges are not judged: `isAllowed` is false for them and `toString` prints `-`.
   */
  public readonly addressRanges: string[];
  /** The destination port every cell is about. */
  public readonly port: Port;

  private readonly cells: MatrixCells;
  private readonly positions: Map<string, number>;

  private constructor(pods: string[], port: Port, cells: MatrixCells, addressRanges: string[]) {
    this.pods = [...pods];
    this.addressRanges = [...addressRanges];
    this.port = port;
    this.cells = cells;
    this.positions = new Map(pods.map((p, i) => [p, i]));
  }

  /** The number of allowed ordered pairs, a pod to itself included (ranges included, with `includeAddresses`). */
  public get allowedCount(): number {
    return this.cells.allowedCount();
  }

  /**
   * True when `client` may open a connection to `server` on the matrix's port.
   * @param client a pod as `namespace/pod`
   * @param server a pod as `namespace/pod`
   */
  public isAllowed(client: string, server: string): boolean {
    return this.cells.cell(this.position(client), this.position(server)) === 1;
  }

  /** Every allowed pair of distinct pods, in row order. */
  public allowedPairs(): PodPair[] {
    const n = this.pods.length;
    const pairs: PodPair[] = [];
    for (let from = 0; from < n; from++) {
      for (let to = 0; to < n; to++) {
        if (from !== to && this.cells.cell(from, to) === 1) pairs.push({ source: this.pods[from], destination: this.pods[to] });
      }
    }
    return pairs;
  }

  /**
   * The truth table: a heading with the port, then one row per source pod with `.` (allowed) or `X`
   * (denied) under each destination pod.
   */
  public toString(): string {
    const n = this.pods.length;
    const corner = 'from \\ to';
    const first = Math.max(corner.length, ...this.pods.map(p => p.length));
    const widths = this.pods.map(p => p.length);
    const lines = [`${this.port.toString()} (. allowed, X denied)`, [corner.padEnd(first), ...this.pods].join(' ')];
    for (let from = 0; from < n; from++) {
      const marks = this.pods.map((_, to) => {
        const cell = this.cells.cell(from, to);
        return (cell === 1 ? '.' : cell === 2 ? '-' : 'X').padEnd(widths[to]);
      });
      lines.push([this.pods[from].padEnd(first), ...marks].join(' ').trimEnd());
    }
    return lines.join('\n');
  }

  private position(pod: string): number {
    const position = this.positions.get(pod);
    if (position === undefined) {
      throw netsecError('ReachabilityMatrix', 'names a pod that is not in the matrix', pod,
        `Name a pod as "namespace/pod"; the matrix has: ${this.pods.join(', ') || '(no pods)'}.`);
    }
    return position;
  }
}
