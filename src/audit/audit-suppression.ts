import { AUDIT_ACCEPT_ANNOTATION, AUDIT_ACCEPT_REASON_ANNOTATION } from './audit-annotations';
import { AuditContext, objectSubject, clusterObjectSubject, Report, Subject } from './audit-context';
import { AuditRules } from './audit-rules';
import { namespaceOf } from '../analysis/input/manifests';

/*
 * Per-object suppression. An object accepts findings about itself with two annotations: the rules it
 * accepts (identifiers or names, comma-separated) and why. Accepted findings stay in the audit output,
 * marked suppressed with the reason, and never fail a threshold. An acceptance without a reason
 * suppresses nothing; it and rule names the catalogue does not know are reported (NETSEC014), so a
 * typo never hides what it meant to accept.
 */

export { AUDIT_ACCEPT_ANNOTATION, AUDIT_ACCEPT_REASON_ANNOTATION } from './audit-annotations';

/** The rule whose findings are about acceptances themselves; an object cannot accept it for itself. */
export const ACCEPTANCE_RULE_ID = 'NETSEC014';

/** What one object's annotations accept. */
export interface Acceptance {
  /** The identifiers of the accepted rules the catalogue knows, sorted. */
  readonly ruleIds: string[];
  /** The entries that name no rule, as written. */
  readonly unknown: string[];
  /** The reason, trimmed; undefined when absent or blank. */
  readonly reason?: string;
  /** True when the rules annotation is present (even if empty). */
  readonly hasRules: boolean;
}

/** Splits an acceptance list: entries separated by commas or blanks, empty ones dropped. */
export function splitRuleList(text: string): string[] {
  return text.split(/[\s,]+/).map(s => s.trim()).filter(s => s.length > 0);
}

/** Reads the acceptance annotations of an object; undefined when it has neither. */
export function readAcceptance(object: any): Acceptance | undefined {
  const annotations = object?.metadata?.annotations;
  if (annotations === null || typeof annotations !== 'object') return undefined;
  const rules: unknown = annotations[AUDIT_ACCEPT_ANNOTATION];
  const reason: unknown = annotations[AUDIT_ACCEPT_REASON_ANNOTATION];
  if (rules === undefined && reason === undefined) return undefined;
  const entries = typeof rules === 'string' ? splitRuleList(rules) : [];
  const known = new Set<string>();
  const unknown: string[] = [];
  for (const entry of entries) {
    const rule = AuditRules.find(entry);
    if (rule === undefined) unknown.push(entry);
    else known.add(rule.id);
  }
  const text = typeof reason === 'string' ? reason.trim() : '';
  return {
    ruleIds: [...known].sort(),
    unknown,
    ...(text.length > 0 ? { reason: text } : {}),
    hasRules: rules !== undefined,
  };
}

/**
 * The API group of each kind the audit names without an object at hand (a modelled pod's workload, a
 * compiled policy, a namespace): the group the analyzer reads that kind from, so that a Knative `Service`
 * or a Calico `NetworkPolicy` of the same name is never taken for it.
 */
const GROUP_OF_KIND = new Map<string, string>([
  ['Namespace', ''], ['Pod', ''], ['ReplicationController', ''], ['Deployment', 'apps'], ['StatefulSet', 'apps'],
  ['DaemonSet', 'apps'], ['ReplicaSet', 'apps'], ['Job', 'batch'], ['CronJob', 'batch'], ['NetworkPolicy', 'networking.k8s.io'],
  ['CiliumNetworkPolicy', 'cilium.io'], ['CiliumClusterwideNetworkPolicy', 'cilium.io'],
]);

/**
 * The object a subject names, exactly: same apiVersion (or, for a subject without one, the group the
 * analyzer reads its kind from), kind, namespace (for namespaced kinds) and name. Undefined when no
 * object is (an `IsolatedTier`, a namespace the manifests only imply).
 */
export function objectOfSubject(c: AuditContext, subject: Subject): any {
  const group = subject.apiVersion === undefined ? GROUP_OF_KIND.get(subject.kind) : undefined;
  if (subject.apiVersion === undefined && group === undefined) return undefined;
  return c.model.objects.find(o => o?.kind === subject.kind
    && String(o.metadata?.name) === subject.name
    && (subject.namespace === undefined ? isClusterScoped(o) : !isClusterScoped(o) && namespaceOf(o) === subject.namespace)
    && (subject.apiVersion !== undefined ? o.apiVersion === subject.apiVersion : groupOf(o) === group));
}

/** The API group of an object; an object without apiVersion is of its kind's usual group, as the analyzer reads it. */
function groupOf(object: any): string | undefined {
  if (typeof object.apiVersion !== 'string') return GROUP_OF_KIND.get(object.kind);
  const slash = object.apiVersion.indexOf('/');
  return slash < 0 ? '' : object.apiVersion.slice(0, slash);
}

/** NETSEC014: acceptances without a reason, naming unknown rules, or giving a reason for nothing. */
export function invalidAcceptances(c: AuditContext, report: Report): void {
  const ruleList = 'Name rules by identifier or name from AuditRules.all() (e.g. "NETSEC007,NETSEC004")';
  for (const object of c.model.objects) {
    const acceptance = readAcceptance(object);
    if (acceptance === undefined) continue;
    const subject = isClusterScoped(object) ? clusterObjectSubject(object) : objectSubject(object);
    const written = String(object.metadata.annotations[AUDIT_ACCEPT_ANNOTATION] ?? '');
    if (acceptance.hasRules && acceptance.reason === undefined) {
      report(subject, `annotation ${AUDIT_ACCEPT_ANNOTATION} "${written}" has no ${AUDIT_ACCEPT_REASON_ANNOTATION}, so it suppresses nothing`,
        `Say why the findings are accepted in the annotation ${AUDIT_ACCEPT_REASON_ANNOTATION} (AuditAcceptance.accept(scope, rules, reason) writes both).`);
    }
    if (acceptance.unknown.length > 0) {
      report(subject, `annotation ${AUDIT_ACCEPT_ANNOTATION} names no audit rule for ${acceptance.unknown.map(u => `"${u}"`).join(', ')}`,
        `${ruleList}; remove the entries that name none.`);
    }
    if (acceptance.hasRules && acceptance.ruleIds.length === 0 && acceptance.unknown.length === 0) {
      report(subject, `annotation ${AUDIT_ACCEPT_ANNOTATION} is empty`, `${ruleList}, or remove the annotation.`);
    }
    if (!acceptance.hasRules) {
      report(subject, `annotation ${AUDIT_ACCEPT_REASON_ANNOTATION} is set but ${AUDIT_ACCEPT_ANNOTATION} names no rules, so it accepts nothing`,
        `${ruleList} in ${AUDIT_ACCEPT_ANNOTATION}, or remove the reason.`);
    }
  }
}

/** Kinds the audit names without a namespace. */
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterNetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy',
  'ClusterIssuer', 'GatewayClass', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'CiliumClusterwideNetworkPolicy']);

/** True for kinds that live outside namespaces. */
export function isClusterScoped(object: any): boolean {
  return CLUSTER_SCOPED.has(object?.kind);
}
