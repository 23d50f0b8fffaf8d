import { compare } from './audit-context';
import { AuditRules } from './audit-rules';
import { AUDIT_ACCEPT_ANNOTATION, AUDIT_ACCEPT_REASON_ANNOTATION, isClusterScoped, readAcceptance } from './audit-suppression';
import { namespaceOf } from '../analysis/input/manifests';

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
}

/**
 * The acceptance of every object that carries one, sorted by object. `sourceOf` says where an object
 * comes from (a file, a construct path); undefined leaves the source at "annotations of the object".
 */
export function listAcceptances(objects: readonly any[], sourceOf: (object: any) => string | undefined = () => undefined): AcceptanceEntry[] {
  const entries: AcceptanceEntry[] = [];
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
