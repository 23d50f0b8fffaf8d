import { AuditRules } from './audit-rules';

/*
 * The audit catalogue as a Markdown table: the one rendering the README and docs/validation-plugin.md
 * hold between their markers, checked by tests and written by scripts/readme-audit-rules.ts. Internal.
 */

/** `| ID | Name | Severity | Finds |`, one row per rule of `AuditRules.all()`, in catalogue order. */
export function auditRulesTable(): string {
  return [
    '| ID | Name | Severity | Finds |',
    '| --- | --- | --- | --- |',
    ...AuditRules.all().map(r => `| ${r.id} | \`${r.name}\` | ${r.severity} | ${r.description.replace(/\|/g, '\\|')} |`),
  ].join('\n');
}

/** The marker pair around a generated table in a Markdown file. */
export const AUDIT_RULES_MARKERS = { start: '<!-- audit-rules:start -->', end: '<!-- audit-rules:end -->' };

/** The text with the table between the markers replaced by `table`; throws when the markers are missing. */
export function withAuditRulesTable(text: string, table: string = auditRulesTable()): string {
  const start = text.indexOf(AUDIT_RULES_MARKERS.start);
  const end = text.indexOf(AUDIT_RULES_MARKERS.end);
  if (start < 0 || end < start) throw new Error(`the markers ${AUDIT_RULES_MARKERS.start} and ${AUDIT_RULES_MARKERS.end} are missing`);
  return `${text.slice(0, start + AUDIT_RULES_MARKERS.start.length)}\n${table}\n${text.slice(end)}`;
}
