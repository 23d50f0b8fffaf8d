import { ClusterIndex } from '../analysis/engine/cluster';
import { ManifestModel, ModelPod, namespaceOf } from '../analysis/input/manifests';
import { CompiledPolicy } from '../analysis/policies/policy-model';

/*
 * What every audit rule receives, and the helpers rules in several files share. Internal: not
 * re-exported.
 */

/** The object a finding is about. */
export interface Subject {
  /** The object's apiVersion when the finding is about a manifest object; otherwise found from the kind. */
  readonly apiVersion?: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly constructPath?: string;
}

/** Finds the construct that emitted an object (kind, namespace or undefined for cluster-scoped, name). */
export type ConstructPathLookup = (kind: string, namespace: string | undefined, name: string) => string | undefined;

/** The model a rule reads. */
export interface AuditContext {
  readonly model: ManifestModel;
  readonly index: ClusterIndex;
  readonly lookup: ConstructPathLookup;
}

/** Reports one finding of the running rule. */
export type Report = (subject: Subject, message: string, fix: string) => void;

/** One rule's check. */
export type RuleCheck = (context: AuditContext, report: Report) => void;

/** The objects of a kind in an API group (`''` for the core group); objects without apiVersion match any group. */
export function objectsOf(c: AuditContext, kind: string, group: string): any[] {
  return c.model.objects.filter(o => o?.kind === kind && groupMatches(o.apiVersion, group));
}

function groupMatches(apiVersion: unknown, group: string): boolean {
  if (typeof apiVersion !== 'string') return true;
  const slash = apiVersion.indexOf('/');
  return (slash < 0 ? '' : apiVersion.slice(0, slash)) === group;
}

/** The subject for a modelled pod: the object it comes from. */
export function podSubject(pod: ModelPod): Subject {
  return { kind: pod.kind, namespace: pod.namespace, name: pod.objectName ?? pod.name, constructPath: pod.constructPath };
}

/** The subject for a compiled policy: a NetworkPolicy, or the kind it was read from (a CiliumNetworkPolicy, ...). */
export function policySubject(policy: CompiledPolicy): Subject {
  return { kind: policy.kind ?? 'NetworkPolicy', namespace: policy.namespace, name: policy.name };
}

/** The subject for a manifest object. */
export function objectSubject(object: any): Subject {
  return { ...apiVersionOf(object), kind: object.kind, namespace: namespaceOf(object), name: String(object.metadata?.name ?? '<unnamed>') };
}

/** The subject for a cluster-scoped manifest object (no namespace). */
export function clusterObjectSubject(object: any): Subject {
  return { ...apiVersionOf(object), kind: object.kind, name: String(object.metadata?.name ?? '<unnamed>') };
}

function apiVersionOf(object: any): { apiVersion?: string } {
  return typeof object?.apiVersion === 'string' ? { apiVersion: object.apiVersion } : {};
}

/** `{a=1, b=2}`, keys sorted; `{}` when empty. */
export function describeLabels(labels: Readonly<Record<string, string>>): string {
  const entries = Object.entries(labels).sort(([a], [b]) => compare(a, b));
  return entries.length === 0 ? '{}' : `{${entries.map(([k, v]) => `${k}=${v}`).join(', ')}}`;
}

/** The first `max` names, then "and N more". */
export function listNames(names: readonly string[], max = 5): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/** An array field, or [] when absent or not an array. */
export function arrayOf(value: unknown): any[] {
  return Array.isArray(value) ? value : [];
}

/** A plain map field (e.g. matchLabels) as string pairs; {} when absent or not a map. */
export function stringMap(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

/** Code-point order, as every sorted output of the audit uses. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
