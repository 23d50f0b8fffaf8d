import { failingFindings, parseSeverity, resolveRuleIds } from '../audit/audit';
import { AuditFinding, AuditSeverity } from '../audit/audit-finding';
import { netsecError } from '../core/errors';
import { Port } from '../core/port';

/*
 * What analyze and diff share: the --fail-on threshold, the --ignore list, and how findings and ports
 * are printed as text and as JSON.
 */

/** The severities from most to least severe, for counts. */
export const SEVERITIES_DESCENDING: readonly AuditSeverity[] = [AuditSeverity.CRITICAL, AuditSeverity.HIGH, AuditSeverity.MEDIUM, AuditSeverity.LOW];

/** Reads `--fail-on`: a severity, or `none` (undefined: never fail on findings). */
export function parseFailOn(text: string, command: string): AuditSeverity | undefined {
  if (text.toLowerCase() === 'none') return undefined;
  const severity = parseSeverity(text);
  if (severity === undefined) {
    throw netsecError(`cdk8s-netsec ${command} --fail-on`, 'is not a severity', text, 'Use low, medium, high, critical or none.');
  }
  return severity;
}

/** Checks `--ignore` entries against the audit catalogue, so that a typo does not silently ignore nothing. */
export function checkIgnored(ignore: readonly string[], command: string): string[] {
  resolveRuleIds(ignore, `cdk8s-netsec ${command}`, '--ignore');
  return [...ignore];
}

/** The findings at or above the threshold that no object accepts; none when there is no threshold. */
export function failing(findings: readonly AuditFinding[], threshold: AuditSeverity | undefined): AuditFinding[] {
  return threshold === undefined ? [] : failingFindings(findings, threshold);
}

/** A finding as an indented text block: severity, rule, object, message, fix. */
export function findingText(finding: AuditFinding): string {
  return [
    `  ${finding.severity.toUpperCase()} ${finding.ruleId} ${finding.ruleName}: ${finding.resource}${finding.suppressed ? ' (suppressed)' : ''}`,
    `    ${finding.message}`,
    ...(finding.suppressed ? [`    Accepted: ${finding.suppressionReason}`] : []),
    `    Fix: ${finding.fix}`,
  ].join('\n');
}

/** Counts per severity in words, most severe first: `1 high, 2 low`. */
export function severityCounts(findings: readonly AuditFinding[]): string {
  return SEVERITIES_DESCENDING
    .map(s => [s, findings.filter(f => f.severity === s).length] as const)
    .filter(([, count]) => count > 0)
    .map(([s, count]) => `${count} ${s}`)
    .join(', ');
}

/** `1 finding` / `2 findings`; irregular plurals are given. */
export function plural(count: number, noun: string, nouns: string = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}

/** A finding as a JSON object: every field of the finding, optional ones only when known. */
export function findingJson(finding: AuditFinding): object {
  return {
    ruleId: finding.ruleId,
    ruleName: finding.ruleName,
    severity: finding.severity,
    resource: finding.resource,
    kind: finding.kind,
    ...(finding.namespace !== undefined ? { namespace: finding.namespace } : {}),
    name: finding.name,
    message: finding.message,
    fix: finding.fix,
    ...(finding.constructPath !== undefined ? { constructPath: finding.constructPath } : {}),
    ...(finding.suppressed ? { suppressed: true, suppressionReason: finding.suppressionReason } : {}),
  };
}

/** A port as a JSON object: `{ protocol, port }`, `{ protocol, port, endPort }`, `{ protocol, name }`, or `{ protocol }` for all ports. */
export function portJson(port: Port): object {
  return {
    protocol: port.protocol,
    ...(port.startPort !== undefined ? { port: port.startPort } : {}),
    ...(port.endPort !== undefined ? { endPort: port.endPort } : {}),
    ...(port.name !== undefined ? { name: port.name } : {}),
  };
}
