import { IResolver, ResolutionContext } from 'cdk8s';
import { IConstruct } from 'constructs';
import { resolveRuleIds } from './audit';
import { Acceptance, ACCEPTANCE_RULE_ID, AUDIT_ACCEPT_ANNOTATION, AUDIT_ACCEPT_REASON_ANNOTATION, readAcceptance } from './audit-suppression';
import { netsecError } from '../core/errors';

/** What one `accept` call recorded on a construct. */
interface Recorded {
  readonly ruleIds: readonly string[];
  readonly reason: string;
}

/** Where the acceptances of a construct are kept: on the construct itself, so that they belong to its tree. */
const RECORDED = Symbol.for('cdk8s-netsec.AuditAcceptance');
/** Marks the app resolver that renders acceptances (one per app, also across copies of this library). */
const RESOLVER_MARK = Symbol.for('cdk8s-netsec.AuditAcceptance.resolver');

/**
 * Accepts audit findings on purpose, with a reason, for every Kubernetes object a construct emits.
 *
 * `accept` annotates each ApiObject under the construct when it renders with `netsec.cdk8s.io/audit-accept`
 * (the rule identifiers) and `netsec.cdk8s.io/audit-accept-reason` (why). The audit
 * (`Reachability.audit`, `NetsecAudit`, the `cdk8s synth` plugin and the CLI, which all read the YAML)
 * still reports those findings, marked suppressed with the reason, but they never fail a threshold.
 * The same two annotations written by hand on any object in any YAML do the same; an annotation
 * without a reason, or naming an unknown rule, is itself a finding (NETSEC014) and suppresses nothing.
 *
 * @example
 * AuditAcceptance.accept(legacyService, ['NETSEC007'], 'node port needed by the on-prem load balancer until Q3');
 */
export class AuditAcceptance {
  /** The annotation that lists the accepted rules (identifiers or names, separated by commas). */
  public static readonly RULES_ANNOTATION: string = AUDIT_ACCEPT_ANNOTATION;
  /** The annotation that says why they are accepted; required. */
  public static readonly REASON_ANNOTATION: string = AUDIT_ACCEPT_REASON_ANNOTATION;

  /**
   * Accepts the findings of some rules for every object under `scope`.
   *
   * Calls add up: nested or repeated calls accept the union of their rules, each with its reason.
   *
   * @param scope the construct whose objects (all ApiObjects below it, however deep) accept the rules
   * @param ruleIds identifiers or names of rules from `AuditRules.all()`, e.g. `['NETSEC007']`; at least one
   * @param reason why the findings are acceptable, shown next to every suppressed finding; not empty
   * @throws when the scope is not a construct, a rule is unknown or NETSEC014, or the reason is empty
   */
  public static accept(scope: IConstruct, ruleIds: string[], reason: string): void {
    const where = scope?.node?.path !== undefined ? (scope.node.path || '<app>') : 'AuditAcceptance.accept';
    if (scope?.node === undefined || typeof scope.node.findAll !== 'function') {
      throw netsecError('AuditAcceptance.accept', 'scope is not a construct', typeof scope, 'Pass the chart or construct whose objects accept the findings.');
    }
    if (!Array.isArray(ruleIds) || ruleIds.length === 0) {
      throw netsecError(where, 'accepts no audit rule', ruleIds,
        'Name at least one rule by identifier or name from AuditRules.all(), e.g. ["NETSEC007"].');
    }
    const ids = resolveRuleIds(ruleIds, where, 'ruleIds', 'Name rules by identifier or name from AuditRules.all()');
    if (ids.includes(ACCEPTANCE_RULE_ID)) {
      throw netsecError(where, `cannot accept ${ACCEPTANCE_RULE_ID}, the rule that checks acceptances themselves`, ruleIds,
        'Fix the acceptance annotations it reports instead.');
    }
    if (typeof reason !== 'string' || reason.trim().length === 0) {
      throw netsecError(where, 'accepts audit findings without a reason', reason,
        'Say why the findings are acceptable (who decided, until when); the reason is shown next to every suppressed finding.');
    }
    const holder = scope as any;
    const first = holder[RECORDED] === undefined;
    const recorded: Recorded[] = first ? [] : holder[RECORDED];
    recorded.push({ ruleIds: [...new Set(ids)].sort(), reason: reason.trim().replace(/\s+/g, ' ') });
    if (first) Object.defineProperty(holder, RECORDED, { value: recorded, enumerable: false });
    renderAcceptancesIn(scope);
  }

  /**
   * What the constructs at and above `construct` accept, merged. Internal: used by `Reachability` for
   * findings about constructs that emit no object of their own (an `IsolatedTier`).
   * @internal
   */
  public static _acceptedAt(construct: IConstruct): Acceptance | undefined {
    return merge(construct.node.scopes.flatMap(c => (c as any)[RECORDED] as Recorded[] | undefined ?? []));
  }

  private constructor() {}
}

/** How many `accept` calls were made on `construct` itself (so that a cache can tell a new one). */
export function acceptanceCount(construct: IConstruct): number {
  return ((construct as any)[RECORDED] as Recorded[] | undefined)?.length ?? 0;
}

/**
 * Makes the app render acceptances into object metadata: a cdk8s resolver, so that nothing is written on
 * the objects themselves. It covers every object under an accepting construct when the object renders,
 * also objects added after the `accept` call, and `toJson()` of one object as much as `app.synth()`.
 */
function renderAcceptancesIn(scope: IConstruct): void {
  const resolvers: IResolver[] | undefined = (scope.node.root as any).resolvers;
  if (!Array.isArray(resolvers) || resolvers.some((r) => (r as any)[RESOLVER_MARK] === true)) return;
  resolvers.push(new AcceptanceResolver());
}

/**
 * Renders the merged acceptance of an object under accepting constructs into its `metadata.annotations`,
 * keeping what was written by hand. An object whose hand-written acceptance is invalid (no reason, a
 * blank one, unknown or no rules) is left as written: merging would lend it a reason, and NETSEC014 must
 * keep reporting it.
 */
class AcceptanceResolver implements IResolver {
  // The metadata this resolver produced: cdk8s resolves a replaced value again, which must be left alone.
  private readonly produced = new WeakSet<object>();

  public constructor() {
    Object.defineProperty(this, RESOLVER_MARK, { value: true });
  }

  public resolve(context: ResolutionContext): void {
    // Only the object's top-level metadata, as ApiObject.toJson resolves it.
    if (context.key.length !== 1 || context.key[0] !== 'metadata') return;
    const metadata = context.value;
    if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata) || this.produced.has(metadata)) return;
    const accepted = context.obj.node.scopes.flatMap(c => (c as any)[RECORDED] as Recorded[] | undefined ?? []);
    if (accepted.length === 0) return;
    const byHand = writtenByHand(metadata);
    if (byHand === null) return;
    const merged = merge([...byHand, ...accepted])!;
    const rendered = {
      ...metadata,
      annotations: { ...metadata.annotations ?? {}, [AUDIT_ACCEPT_ANNOTATION]: merged.ruleIds.join(','), [AUDIT_ACCEPT_REASON_ANNOTATION]: merged.reason! },
    };
    this.produced.add(rendered);
    context.replaceValue(rendered);
  }
}

/** The valid acceptance an object's metadata carries as written; null when it carries an invalid one. */
function writtenByHand(metadata: any): Recorded[] | null {
  const acceptance = readAcceptance({ metadata });
  if (acceptance === undefined) return [];
  const valid = acceptance.hasRules && acceptance.reason !== undefined && acceptance.ruleIds.length > 0 && acceptance.unknown.length === 0
    && !acceptance.ruleIds.includes(ACCEPTANCE_RULE_ID);
  return valid ? [{ ruleIds: acceptance.ruleIds, reason: acceptance.reason!.replace(/\s+/g, ' ') }] : null;
}

/** Rules united and sorted; one reason, or `RULE: reason` parts when the reasons differ. */
function merge(recorded: readonly Recorded[]): Acceptance | undefined {
  if (recorded.length === 0) return undefined;
  const reasons = new Map<string, string[]>();
  for (const entry of recorded) {
    for (const id of entry.ruleIds) {
      const list = reasons.get(id) ?? [];
      if (!list.includes(entry.reason)) list.push(entry.reason);
      reasons.set(id, list);
    }
  }
  const ruleIds = [...reasons.keys()].sort();
  const distinct = new Set([...reasons.values()].map(r => r.join('; ')));
  const reason = distinct.size === 1 ? [...distinct][0] : ruleIds.map(id => `${id}: ${reasons.get(id)!.join('; ')}`).join('; ');
  return { ruleIds, unknown: [], reason, hasRules: true };
}
