import type { IConstruct } from 'constructs';
import { closestName } from '../core/near-names';

/*
 * Namespaces the app declares and namespaces its constructs place objects in, so that a namespace one or
 * two edits away from a declared one is refused as a typo at synth: its objects would land in a
 * namespace nobody isolated, next to the one meant. Namespaces far from every declared one are taken as
 * meant (a tier may live in another team's namespace).
 */

/** The declared and used namespaces of one app. */
export class NamespaceTypos {
  private readonly declared = new Set<string>();
  // The first use of each namespace: the one a message names (its path is read only for a message).
  private readonly firstUses = new Map<string, { by: IConstruct; what: string }>();
  private uses = 0;

  /** Records that the app knows `namespace` (it isolates it, or a platform component is installed there). */
  public declare(namespace: string): void {
    this.declared.add(namespace);
  }

  /** True when the app declared `namespace`. */
  public isDeclared(namespace: string): boolean {
    return this.declared.has(namespace);
  }

  /** Records that `by` places `what` (a tier, an edge, a mesh) in `namespace`; checked at synth. */
  public use(namespace: string, by: IConstruct, what: string): void {
    this.uses++;
    if (!this.firstUses.has(namespace)) this.firstUses.set(namespace, { by, what });
  }

  /**
   * One message per used namespace that is not declared but is near a declared one. `alsoDeclared` are
   * namespaces declared outside the model (the namespaces charts are bound to, read from the tree).
   */
  public problems(alsoDeclared: string[]): string[] {
    const declared = new Set([...this.declared, ...alsoDeclared]);
    if (declared.size === 0) return [];
    const errors: string[] = [];
    for (const [namespace, first] of this.firstUses) {
      if (declared.has(namespace)) continue;
      const close = closestName(namespace, [...declared]);
      if (close === undefined) continue;
      errors.push(`${first.by.node.path}: ${first.what} is in namespace ${namespace}, which the app neither isolates nor declares, next to the declared namespace ${close} ("${namespace}"). `
        + `Did you mean "${close}"? Fix the namespace, or declare "${namespace}" on purpose: isolate it with new NamespaceIsolation(chart, "id", { namespace: "${namespace}" }), or bind a chart to it (new Chart(app, "id", { namespace: "${namespace}" })).`);
    }
    return errors;
  }

  /** Grows with every declaration of a new namespace and every use (for the model's generation). */
  public get size(): number {
    return this.declared.size + this.uses;
  }
}
