import type { IConstruct } from 'constructs';

/*
 * The names emitted objects claim, so that two objects never share a kind, namespace and name: the
 * first claim of a name wins, and every later claim of it by another construct is a conflict reported
 * at synth with both construct paths. Conflicts are kept as claims arrive, not searched for at synth,
 * because cdk8s validates the whole app once per chart it synthesizes.
 */

/** A name an emitted object claims. */
interface NameClaim {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly owner: IConstruct;
}

/** The name claims of one app. */
export class NameClaims {
  private readonly firstClaims = new Map<string, NameClaim>();
  private readonly conflicts: { claim: NameClaim; first: NameClaim }[] = [];

  /**
   * Reserves an object name for `owner`. The same owner may claim a name again (renderers that run more
   * than once); another owner's claim of it is a conflict.
   */
  public claim(kind: string, namespace: string, name: string, owner: IConstruct): void {
    const key = `${kind}/${namespace}/${name}`;
    const first = this.firstClaims.get(key);
    if (first === undefined) this.firstClaims.set(key, { kind, namespace, name, owner });
    else if (first.owner !== owner) this.conflicts.push({ claim: { kind, namespace, name, owner }, first });
  }

  /**
   * The constructs that claimed a name of `kind` in `namespace`, in the order of their first claim: e.g.
   * the isolated groups of pods of a namespace are the owners of its NetworkPolicies.
   */
  public owners(kind: string, namespace: string): IConstruct[] {
    const owners: IConstruct[] = [];
    for (const claim of [...this.firstClaims.values(), ...this.conflicts.map((c) => c.claim)]) {
      if (claim.kind === kind && claim.namespace === namespace && !owners.includes(claim.owner)) owners.push(claim.owner);
    }
    return owners;
  }

  /** One message per conflicting claim, naming the later claimant first and the first one after. */
  public problems(): string[] {
    return this.conflicts.map(({ claim, first }) =>
      `${claim.owner.node.path}: ${claim.kind} name is already used in namespace ${claim.namespace} by ${first.owner.node.path} ("${claim.name}"). Give one of them a different id or an explicit name.`);
  }

  /** Grows with every claim that changes what `owners` or `problems` answer (for the model's generation). */
  public get size(): number {
    return this.firstClaims.size + this.conflicts.length;
  }
}
