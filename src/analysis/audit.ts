import { AuditFinding, AuditOptions, AuditSeverity } from './audit-finding';
import { ClusterIndex } from './cluster';
import { ManifestModel } from './manifests';

/** The severities in increasing order. */
const ORDER: readonly AuditSeverity[] = [AuditSeverity.LOW, AuditSeverity.MEDIUM, AuditSeverity.HIGH, AuditSeverity.CRITICAL];

/** Compares severities (negative when `a` is less severe than `b`). */
export function compareSeverity(a: AuditSeverity, b: AuditSeverity): number {
  return ORDER.indexOf(a) - ORDER.indexOf(b);
}

/** Parses a severity name (`low`, `medium`, `high`, `critical`, any case); undefined when unknown. */
export function parseSeverity(text: string): AuditSeverity | undefined {
  return ORDER.find(s => s === String(text).toLowerCase());
}

/** Runs every rule of the catalogue. (Implementation in progress.) */
export function runAudit(_model: ManifestModel, _index: ClusterIndex, _options: AuditOptions): AuditFinding[] {
  throw new Error('Reachability.audit: not implemented yet');
}
