/*
 * How a matrix's cells are stored. Internal: `ReachabilityMatrix` reads its cells through this, so that
 * a large cluster's answers are kept per class of interchangeable pods (a few MB) instead of one byte per
 * ordered pair (400 MB at 20,000 pods).
 */

/** The cells of an n*n matrix: 1 allowed, 0 denied, 2 not judged. */
export interface MatrixCells {
  /** The cell of one ordered pair of positions. */
  cell(from: number, to: number): number;
  /** The number of cells that are 1. */
  allowedCount(): number;
}

/** One byte per cell, row-major: cell `from * n + to`. */
export class DenseCells implements MatrixCells {
  public constructor(private readonly cells: Uint8Array, private readonly n: number) {}

  public cell(from: number, to: number): number {
    return this.cells[from * this.n + to];
  }

  public allowedCount(): number {
    let count = 0;
    for (let i = 0; i < this.cells.length; i++) if (this.cells[i] === 1) count++;
    return count;
  }
}

/**
 * Cells per class: each position has a row class (as a source) and a column class (as a destination,
 * -1 when it cannot be reached on the port at all); a cell between two distinct positions is the cell of
 * their classes, and a position to itself is allowed exactly when it can be reached on the port (a pod
 * cannot block traffic to itself).
 */
export class ClassCells implements MatrixCells {
  public constructor(
    private readonly rowOf: Int32Array,
    private readonly columnOf: Int32Array,
    private readonly columns: number,
    /** Row-major over classes: cell `row * columns + column`, 1 when allowed. */
    private readonly classCells: Uint8Array,
  ) {}

  public cell(from: number, to: number): number {
    const column = this.columnOf[to];
    if (column < 0) return 0;
    if (from === to) return 1;
    return this.classCells[this.rowOf[from] * this.columns + column];
  }

  public allowedCount(): number {
    const rows = this.classCells.length / Math.max(1, this.columns);
    const rowSizes = new Float64Array(rows);
    const columnSizes = new Float64Array(this.columns);
    for (let i = 0; i < this.rowOf.length; i++) {
      rowSizes[this.rowOf[i]]++;
      if (this.columnOf[i] >= 0) columnSizes[this.columnOf[i]]++;
    }
    let count = 0;
    for (let r = 0; r < rows; r++) {
      if (rowSizes[r] === 0) continue;
      for (let c = 0; c < this.columns; c++) {
        if (this.classCells[r * this.columns + c] === 1) count += rowSizes[r] * columnSizes[c];
      }
    }
    // The class cells counted each pod to itself as a pair of its classes: count it as allowed instead.
    for (let i = 0; i < this.rowOf.length; i++) {
      const column = this.columnOf[i];
      if (column >= 0) count += 1 - this.classCells[this.rowOf[i] * this.columns + column];
    }
    return count;
  }
}
