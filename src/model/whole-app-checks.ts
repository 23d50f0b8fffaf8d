/*
 * Checks of the whole app, and other answers computed from the whole intent, kept until the intent
 * changes. cdk8s validates the whole app, and renders lazily, once per chart it synthesizes; answering
 * again only when something was recorded keeps synthesis linear in the number of charts. Whether the
 * intent changed is read from a generation counter the model supplies.
 */

/** The whole-app checks and memoized answers of one app. */
export class WholeAppChecks {
  // Values computed from the intent, each with the generation it was computed in.
  private readonly memos = new Map<string, { generation: number; value: unknown }>();
  // The checks, by key, in registration order.
  private readonly checks = new Map<string, () => string[]>();

  /** `generation` changes whenever intent is recorded. */
  public constructor(private readonly generation: () => number) {}

  /** `compute()`'s value, kept under `key` until the generation changes. */
  public memo<T>(key: string, compute: () => T): T {
    const generation = this.generation();
    const kept = this.memos.get(key);
    if (kept !== undefined && kept.generation === generation) return kept.value as T;
    const value = compute();
    this.memos.set(key, { generation, value });
    return value;
  }

  /**
   * Registers a check under `key`, once (later registrations of the key are ignored). Its messages name
   * the construct they are about: they are reported under the model's path, not that construct's.
   */
  public add(key: string, check: () => string[]): void {
    if (!this.checks.has(key)) this.checks.set(key, check);
  }

  /**
   * The problems every check finds, run once per generation. `treeKey` describes what the checks read
   * from the construct tree rather than from the intent (e.g. how many charts the app has), so that a
   * change there counts as a change too.
   */
  public problems(treeKey: string): string[] {
    return [...this.memo(`whole-app checks (${treeKey})`, () => [...this.checks.values()].flatMap((check) => check()))];
  }

  /** How many checks are registered (for the model's generation: a new check has not run yet). */
  public get size(): number {
    return this.checks.size;
  }
}
