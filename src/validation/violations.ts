import { Violation, ViolatingResource } from './contract';
import { ManifestFiles } from './manifest-files';
import { acceptanceLine, listAcceptances } from '../audit/acceptance-list';
import { compareSeverity, failingFindings } from '../audit/audit';
import { AuditFinding, AuditSeverity } from '../audit/audit-finding';
import { AuditRules } from '../audit/audit-rules';

/*
 * Turns audit findings into the CLI's violations: one violation per rule, one violating resource per
 * object, one location per finding. Internal: not re-exported.
 */

/**
 * One violation per rule, in the order of the findings (most severe first); the suppressed findings of a
 * rule form a violation of their own, marked suppressed, that never fails.
 */
export function findingsToViolations(findings: AuditFinding[], files: ManifestFiles, failOn: AuditSeverity): Violation[] {
  const byRule = new Map<string, AuditFinding[]>();
  for (const finding of findings) {
    const key = `${finding.ruleId}${finding.suppressed ? ' suppressed' : ''}`;
    const group = byRule.get(key) ?? [];
    group.push(finding);
    byRule.set(key, group);
  }
  return [...byRule.values()].map(group => toViolation(group, files, failOn));
}

function toViolation(findings: AuditFinding[], files: ManifestFiles, failOn: AuditSeverity): Violation {
  const first = findings[0];
  const fails = compareSeverity(first.severity, failOn) >= 0;
  const verdict = first.suppressed
    ? `${first.severity}, suppressed: accepted on the object with a reason, never fails synthesis`
    : fails
      ? `${first.severity}, fails synthesis (failOn: ${failOn})`
      : `${first.severity}, reported only: below failOn ${failOn}`;
  const description = AuditRules.find(first.ruleId)?.description ?? first.message;
  const fixes = [...new Set(findings.map(f => f.fix))];
  return {
    ruleName: `${first.ruleId} ${first.ruleName}${first.suppressed ? ' (suppressed)' : ''}`,
    recommendation: `[${verdict}] ${description}`,
    fix: fixes.join('\n'),
    violatingResources: toResources(findings, files),
  };
}

/** Findings about the same object become one resource with a location per finding. */
function toResources(findings: AuditFinding[], files: ManifestFiles): ViolatingResource[] {
  const byResource = new Map<string, { resourceName: string; manifestPath: string; locations: string[] }>();
  for (const finding of findings) {
    let resource = byResource.get(finding.resource);
    if (resource === undefined) {
      // The CLI finds the construct path by metadata.name; an object the manifests only imply (a
      // Namespace) has no construct, so it is named in full to match nothing rather than a namesake.
      const held = files.holds(finding.kind, finding.namespace, finding.name);
      resource = {
        resourceName: held ? finding.name : finding.resource,
        manifestPath: files.fileOf(finding.kind, finding.namespace, finding.name) ?? '',
        locations: [],
      };
      byResource.set(finding.resource, resource);
    }
    const accepted = finding.suppressed ? ` (suppressed: ${finding.suppressionReason})` : '';
    resource.locations.push(`${finding.resource}: ${finding.message}${accepted}`);
  }
  return [...byResource.values()];
}

/** The summary rows of the report, e.g. `Findings: 3 (1 high, 2 low)`. */
export function summarize(findings: AuditFinding[], failOn: AuditSeverity, ignore: string[]): { [key: string]: string } {
  const counts = new Map<string, number>();
  for (const finding of findings) counts.set(finding.severity, (counts.get(finding.severity) ?? 0) + 1);
  const perSeverity = [...counts.entries()].map(([severity, count]) => `${count} ${severity}`).join(', ');
  const failing = failingFindings(findings, failOn).length;
  const suppressed = findings.filter(f => f.suppressed).length;
  return {
    'Findings': findings.length === 0 ? '0' : `${findings.length} (${perSeverity})`,
    'Fails on': `${failOn} and above (${failing} finding${failing === 1 ? '' : 's'})`,
    ...(suppressed > 0 ? { Suppressed: `${suppressed} (accepted on their objects, never fail)` } : {}),
    ...(ignore.length > 0 ? { 'Ignored rules': ignore.join(', ') } : {}),
  };
}

/**
 * Every acceptance in the manifests as one violation that never fails: each object that accepts rules,
 * with the rules, the reason and the file it is written in; invalid ones (no reason, unknown rules) are
 * marked. Undefined when no object accepts anything.
 */
export function acceptancesToViolation(files: ManifestFiles): Violation | undefined {
  const entries = listAcceptances(files.objects, object => files.fileHolding(object));
  if (entries.length === 0) return undefined;
  return {
    ruleName: 'audit-acceptances',
    recommendation: '[listed only, never fails] Findings accepted on purpose with the annotations netsec.cdk8s.io/audit-accept and '
      + 'netsec.cdk8s.io/audit-accept-reason (AuditAcceptance.accept writes them): each object, the rules it accepts, why, and where.',
    fix: 'Review each acceptance; remove it when its reason no longer holds.',
    violatingResources: entries.map(entry => ({
      resourceName: entry.object,
      locations: [acceptanceLine(entry)],
      manifestPath: entry.source.includes(' in ') ? entry.source.slice(entry.source.lastIndexOf(' in ') + 4) : '',
    })),
  };
}
