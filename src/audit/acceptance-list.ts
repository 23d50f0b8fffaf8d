import { compare, Subject } from './audit-context';
import { AuditRules } from './audit-rules';
import { Acceptance, AUDIT_ACCEPT_ANNOTATION, AUDIT_ACCEPT_REASON_ANNOTATION, isClusterScoped, readAcceptance } from './audit-suppression';
import { namespaceOf } from '../analysis/input/manifests';
import { compileSelector } from '../analysis/policies/selectors';
import { NAMESPACE_NAME_LABEL } from '../core/peer';

/*
 * Every acceptance in a set of manifests, listed for a report: which object (API version, kind,
 * namespace, name) accepts which rules, why, and where the acceptance is written. Acceptances that
 * suppress nothing (no reason, unknown rules) are listed too, marked invalid, so that a report reader
 * sees every decision made on purpose and every one that failed. Internal: not re-exported.
 */

/** One object's acceptance. */
export interface AcceptanceEntry {
  /** `apiVersion Kind namespace/name` (no namespace for cluster-scoped kinds). */
  readonly object: string;
  /** The accepted rules as `NETSEC007 nodeport-service`, sorted; unknown entries as written. */
  readonly rules: string[];
  /** The reason; undefined when absent or blank. */
  readonly reason?: string;
  /** True when the acceptance suppresses its rules' findings (a reason, known rules only). */
  readonly valid: boolean;
  /** Where it is written: the object's annotations, and the file or construct that holds the object when known. */
  readonly source: string;
  /**
   * Why an invalid entry suppresses nothing, when another rule than NETSEC014 says so.
   * @default - see NETSEC014
   */
  readonly invalidBecause?: string;
}

/**
 * The annotation on a Baseline-tier ClusterNetworkPolicy that lists the namespaces its subject leaves out
 * on purpose, one `namespace: reason` per line (ClusterIsolation writes it on its default deny).
 */
export const EXEMPTIONS_ANNOTATION = 'netsec.cdk8s.io/exemptions';

/**
 * What an exemption accepts about its namespace, and only about the Namespace itself: that no default
 * deny covers it (NETSEC001, NETSEC002) and that it is outside the guardrails (NETSEC020). Findings about
 * its pods or any other object are not accepted.
 */
export const EXEMPTION_RULE_IDS: readonly string[] = ['NETSEC001', 'NETSEC002', 'NETSEC020'];

/** One namespace an exemptions annotation names. */
export interface ExemptionRecord {
  readonly namespace: string;
  /** The reason; undefined when the line gives none. */
  readonly reason?: string;
  /** The object that carries the annotation. */
  readonly policy: any;
  /** Why it suppresses nothing, or undefined when it holds. */
  readonly invalidBecause?: string;
}

/**
 * Every exemption written on the objects, checked: it holds when it is written on a Baseline-tier
 * ClusterNetworkPolicy whose subject leaves the namespace out, with a reason. `labelsOf` gives a
 * namespace's labels (its automatic name label at least).
 */
export function readExemptions(objects: readonly any[], labelsOf: (namespace: string) => Readonly<Record<string, string>>): ExemptionRecord[] {
  const records: ExemptionRecord[] = [];
  for (const policy of flatten(objects)) {
    const text: unknown = policy.metadata?.annotations?.[EXEMPTIONS_ANNOTATION];
    if (text === undefined) continue;
    const baseline = policy.kind === 'ClusterNetworkPolicy' && typeof policy.apiVersion === 'string'
      && policy.apiVersion.startsWith('policy.networking.k8s.io/') && policy.spec?.tier === 'Baseline';
    for (const line of String(text).split('\n').map((l) => l.trim()).filter((l) => l.length > 0)) {
      const match = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?):(.*)$/.exec(line);
      const namespace = match ? match[1] : line;
      const reason = match && match[3].trim().length > 0 ? match[3].trim() : undefined;
      const invalidBecause = !match ? `the line "${line}" is not "namespace: reason"`
        : reason === undefined ? 'it gives no reason'
          : !baseline ? `it is written on ${describe(policy)}, not on a Baseline-tier ClusterNetworkPolicy`
            : subjectSelects(policy, labelsOf(namespace)) ? `the subject of ${describe(policy)} covers the namespace, so nothing is exempt`
              : undefined;
      records.push({ namespace, ...(reason === undefined ? {} : { reason }), policy, ...(invalidBecause === undefined ? {} : { invalidBecause }) });
    }
  }
  return records;
}

/**
 * What the exemptions accept about `subject`: for a Namespace an exemption holds for, its rules with the
 * reasons; nothing for any other subject.
 */
export function exemptionAcceptance(records: readonly ExemptionRecord[], subject: Subject): Acceptance | undefined {
  if (subject.kind !== 'Namespace' || subject.namespace !== undefined) return undefined;
  const holding = records.filter((r) => r.namespace === subject.name && r.invalidBecause === undefined);
  if (holding.length === 0) return undefined;
  return { ruleIds: [...EXEMPTION_RULE_IDS], unknown: [], reason: [...new Set(holding.map((r) => r.reason!))].join('; '), hasRules: true };
}

/** A namespace's labels as the objects state them: its name label, and those of its Namespace object. */
export function namespaceLabelsIn(objects: readonly any[]): (namespace: string) => Readonly<Record<string, string>> {
  const given = new Map<string, Record<string, string>>();
  for (const o of flatten(objects)) {
    if (o.kind === 'Namespace' && typeof o.metadata?.name === 'string') given.set(o.metadata.name, { ...(o.metadata.labels ?? {}) });
  }
  return (namespace) => ({ ...given.get(namespace), [NAMESPACE_NAME_LABEL]: namespace });
}

/** True when a ClusterNetworkPolicy's subject selects pods of a namespace with these labels (an unreadable subject counts as selecting). */
function subjectSelects(policy: any, labels: Readonly<Record<string, string>>): boolean {
  const subject = policy.spec?.subject;
  try {
    if (subject?.namespaces !== undefined) return compileSelector(subject.namespaces, 'subject', 'namespaces').matches(labels);
    if (subject?.pods !== undefined) return compileSelector(subject.pods.namespaceSelector, 'subject', 'pods.namespaceSelector').matches(labels);
  } catch {
    return true;
  }
  return true;
}

/**
 * The acceptance of every object that carries one, sorted by object. `sourceOf` says where an object
 * comes from (a file, a construct path); undefined leaves the source at "annotations of the object".
 */
export function listAcceptances(objects: readonly any[], sourceOf: (object: any) => string | undefined = () => undefined): AcceptanceEntry[] {
  const entries: AcceptanceEntry[] = [];
  const exemptionRules = EXEMPTION_RULE_IDS.map((id) => `${id} ${AuditRules.find(id)!.name}`);
  for (const exemption of readExemptions(objects, namespaceLabelsIn(objects))) {
    const where = sourceOf(exemption.policy);
    entries.push({
      object: `v1 Namespace ${exemption.namespace}`,
      rules: exemptionRules,
      ...(exemption.reason === undefined ? {} : { reason: exemption.reason }),
      valid: exemption.invalidBecause === undefined,
      source: `annotation ${EXEMPTIONS_ANNOTATION} of ${describe(exemption.policy)}${where === undefined ? '' : ` in ${where}`}`,
      ...(exemption.invalidBecause === undefined ? {} : { invalidBecause: exemption.invalidBecause }),
    });
  }
  for (const object of flatten(objects)) {
    const acceptance = readAcceptance(object);
    if (acceptance === undefined) continue;
    const where = sourceOf(object);
    entries.push({
      object: describe(object),
      rules: [...acceptance.ruleIds.map(id => `${id} ${AuditRules.find(id)!.name}`), ...acceptance.unknown.map(u => `"${u}" (no such rule)`)],
      ...(acceptance.reason === undefined ? {} : { reason: acceptance.reason }),
      valid: acceptance.hasRules && acceptance.reason !== undefined && acceptance.ruleIds.length > 0 && acceptance.unknown.length === 0,
      source: `annotations ${AUDIT_ACCEPT_ANNOTATION} and ${AUDIT_ACCEPT_REASON_ANNOTATION} of the object${where === undefined ? '' : ` in ${where}`}`,
    });
  }
  return entries.sort((a, b) => compare(a.object, b.object));
}

/** One line per acceptance, as reports print it. */
export function acceptanceLine(entry: AcceptanceEntry): string {
  if (entry.invalidBecause !== undefined) {
    const reason = entry.reason === undefined ? 'no reason' : `"${entry.reason}"`;
    return `${entry.object} accepts ${entry.rules.join(', ')}: ${reason} [invalid: suppresses nothing, ${entry.invalidBecause}] (${entry.source})`;
  }
  const reason = entry.reason === undefined ? 'no reason, so it suppresses nothing (NETSEC014)' : `"${entry.reason}"`;
  const verdict = entry.valid ? '' : ' [invalid: suppresses nothing, see NETSEC014]';
  return `${entry.object} accepts ${entry.rules.join(', ') || 'no rule'}: ${reason}${entry.reason === undefined ? '' : verdict} (${entry.source})`;
}

function describe(object: any): string {
  const name = String(object.metadata?.name ?? '<unnamed>');
  const where = isClusterScoped(object) ? name : `${namespaceOf(object)}/${name}`;
  return `${typeof object.apiVersion === 'string' ? object.apiVersion : '<no apiVersion>'} ${object.kind} ${where}`;
}

/** Lists (`kind: List`, `PodList`, ...) give their items. */
function flatten(objects: readonly any[]): any[] {
  return objects.flatMap(o => (o !== null && typeof o === 'object' && typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items)
    ? flatten(o.items) : o !== null && typeof o === 'object' ? [o] : []));
}
