import { exemptionAcceptance, readExemptions } from './acceptance-list';
import { addressChecks } from './audit-address-rules';
import { AuditContext, compare, ConstructPathLookup, describeLabels, listNames, objectsOf, objectSubject, podSubject, policySubject, Report, RuleCheck, Subject } from './audit-context';
import { coverageChecks } from './audit-coverage-rules';
import { AuditFinding, AuditOptions, AuditSeverity } from './audit-finding';
import { gatewayChecks } from './audit-gateway-rules';
import { baselineDenies, guardrailChecks } from './audit-guardrail-rules';
import { oneSidedFlows } from './audit-one-sided-flows';
import { AuditRules } from './audit-rules';
import { serviceChecks } from './audit-service-rules';
import { Acceptance, ACCEPTANCE_RULE_ID, invalidAcceptances, objectOfSubject, readAcceptance } from './audit-suppression';
import { ClusterIndex } from '../analysis/engine/cluster';
import { ManifestModel, namespaceOf } from '../analysis/input/manifests';
import { CompiledRule } from '../analysis/policies/policy-model';
import { netsecError } from '../core/errors';

export type { ConstructPathLookup } from './audit-context';

/*
 * The audit: each rule of the catalogue (audit-rules.ts) is one function from the model to findings.
 * Rules read the same compiled policies the analyzer evaluates, so a finding about reachability (the
 * metadata endpoint) is exactly what `explain` would answer.
 */

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

const CHECKS: Record<string, RuleCheck> = {
  NETSEC001: (c, report) => defaultDeny(c, 'ingress', report),
  NETSEC002: (c, report) => defaultDeny(c, 'egress', report),
  NETSEC003: unselectedPods,
  ...addressChecks,
  NETSEC006: serviceChecks.NETSEC006,
  NETSEC007: serviceChecks.NETSEC007,
  NETSEC008: serviceChecks.NETSEC008,
  NETSEC009: (c, report) => peerAuthenticationMode(c, 'PERMISSIVE', report),
  NETSEC010: (c, report) => peerAuthenticationMode(c, 'DISABLE', report),
  NETSEC011: serviceChecks.NETSEC011,
  NETSEC012: cidrsWithHostBits,
  NETSEC013: serviceChecks.NETSEC013,
  NETSEC014: invalidAcceptances,
  NETSEC015: oneSidedFlows,
  ...gatewayChecks,
  ...guardrailChecks,
  ...coverageChecks,
};

/** Finds what the construct at a path (and its ancestors) accepts, when the model was built from constructs. */
export type ConstructAcceptanceLookup = (constructPath: string) => Acceptance | undefined;

/** Runs every rule of the catalogue that the options keep; findings sorted most severe first. */
export function runAudit(model: ManifestModel, index: ClusterIndex, options: AuditOptions, lookup: ConstructPathLookup,
  constructAcceptance: ConstructAcceptanceLookup = () => undefined): AuditFinding[] {
  const minSeverity = checkedSeverity(options.minSeverity);
  const ignored = checkedIgnores(options.ignore);
  const context: AuditContext = { model, index, lookup };
  const findings: AuditFinding[] = [];
  // A namespace a Baseline default deny leaves out on purpose (with a reason) accepts that about itself only.
  const exemptions = readExemptions(model.objects, (namespace) => index.labelsOf(namespace));
  for (const rule of AuditRules.all()) {
    if (ignored.has(rule.id) || compareSeverity(rule.severity, minSeverity) < 0) continue;
    CHECKS[rule.id](context, (subject, message, fix) => {
      const constructPath = subject.constructPath ?? lookup(subject.kind, subject.namespace, subject.name);
      const acceptance = rule.id === ACCEPTANCE_RULE_ID ? undefined
        : accepting(rule.id, acceptanceOf(context, subject, constructAcceptance)) ?? accepting(rule.id, exemptionAcceptance(exemptions, subject));
      findings.push({
        ruleId: rule.id,
        ruleName: rule.name,
        severity: rule.severity,
        resource: subject.namespace === undefined ? `${subject.kind} ${subject.name}` : `${subject.kind} ${subject.namespace}/${subject.name}`,
        kind: subject.kind,
        ...(subject.namespace === undefined ? {} : { namespace: subject.namespace }),
        name: subject.name,
        message,
        fix,
        ...(constructPath === undefined ? {} : { constructPath }),
        ...(acceptance === undefined ? {} : { suppressed: true, suppressionReason: acceptance.reason }),
      });
    });
  }
  return findings.sort((a, b) => compareSeverity(b.severity, a.severity)
    || compare(a.ruleId, b.ruleId) || compare(a.resource, b.resource) || compare(a.message, b.message));
}

/**
 * What accepts findings about a subject: the annotations of its own object, exactly that object (API
 * group and version, kind, namespace, name); only a subject without an object of its own (a tier) is
 * accepted through the `AuditAcceptance` at or above its construct. An object's acceptance is never
 * looked up through a construct found by kind and name, which a namesake of another group could answer.
 */
function acceptanceOf(c: AuditContext, subject: Subject, constructAcceptance: ConstructAcceptanceLookup): Acceptance | undefined {
  const object = objectOfSubject(c, subject);
  if (object !== undefined) return readAcceptance(object);
  return subject.constructPath === undefined ? undefined : constructAcceptance(subject.constructPath);
}

/** The acceptance when it accepts the rule with a reason (an acceptance without a reason suppresses nothing). */
function accepting(ruleId: string, acceptance: Acceptance | undefined): Acceptance | undefined {
  return acceptance !== undefined && acceptance.reason !== undefined && acceptance.ruleIds.includes(ruleId) ? acceptance : undefined;
}

/** The findings that count against a threshold: at or above it, and not suppressed. */
export function failingFindings(findings: readonly AuditFinding[], threshold: AuditSeverity): AuditFinding[] {
  return findings.filter(f => !f.suppressed && compareSeverity(f.severity, threshold) >= 0);
}

function checkedSeverity(severity: AuditSeverity | undefined): AuditSeverity {
  return severity === undefined ? AuditSeverity.LOW : checkSeverity(severity, 'Reachability.audit', 'minSeverity');
}

function checkedIgnores(ignore: string[] | undefined): Set<string> {
  return new Set(resolveRuleIds(ignore ?? [], 'Reachability.audit', 'ignore'));
}

/** A finding on one line: rule, severity, resource, construct path when known, message and fix. */
export function findingLine(f: AuditFinding): string {
  const construct = f.constructPath === undefined ? '' : ` (construct ${f.constructPath})`;
  const suppressed = f.suppressed ? ` [suppressed: ${f.suppressionReason}]` : '';
  return `${f.ruleId} ${f.ruleName} [${f.severity}]${suppressed} ${f.resource}${construct}: ${f.message}. Fix: ${f.fix}`;
}

/**
 * Reads a severity name (any case, surrounding blanks ignored) given as `field` of `where`; throws naming
 * them, the value and the choices. `context` ends the fix, e.g. where the value is written.
 */
export function checkSeverity(value: unknown, where: string, field: string, context = '(AuditSeverity)'): AuditSeverity {
  const severity = typeof value === 'string' ? parseSeverity(value.trim()) : undefined;
  if (severity === undefined) {
    throw netsecError(where, `${field} is not a severity`, value, `Use one of ${ORDER.join(', ')} ${context}.`);
  }
  return severity;
}

/**
 * The identifiers of the rules named (by identifier or name) in `field` of `where`; throws naming the
 * first entry that names no rule, with the catalogue, so that a typo never silently ignores nothing.
 */
export function resolveRuleIds(entries: readonly unknown[], where: string, field: string,
  fix = 'Use rule identifiers or names from AuditRules.all()'): string[] {
  return entries.map(entry => {
    const rule = typeof entry === 'string' ? AuditRules.find(entry.trim()) : undefined;
    if (rule === undefined) {
      throw netsecError(where, `${field} names no audit rule`, entry, `${fix}: ${AuditRules.all().map(r => `${r.id} (${r.name})`).join(', ')}.`);
    }
    return rule.id;
  });
}

// ---------------------------------------------------------------------------------------------------
// NetworkPolicy coverage


function defaultDeny(c: AuditContext, direction: 'ingress' | 'egress', report: Report): void {
  const type = direction === 'ingress' ? 'Ingress' : 'Egress';
  for (const namespace of c.index.namespaces) {
    const pods = c.index.pods.filter(p => p.namespace === namespace);
    if (pods.length === 0) continue;
    const covered = c.index.policies.some(p => p.namespace === namespace && p.podSelector.matchesAll && p[direction] !== undefined);
    // A Baseline-tier ClusterNetworkPolicy Deny of every peer isolates the namespace's new pods as well.
    if (covered || baselineDenies(c, namespace, direction)) continue;
    report({ kind: 'Namespace', name: namespace },
      `namespace ${namespace} has ${pods.length} pod${pods.length === 1 ? '' : 's'} (${listNames(pods.map(p => p.name))}) but no NetworkPolicy `
      + `with an empty podSelector and policy type ${type}, so a pod added later is not ${direction}-isolated`,
      `Add a default-deny policy for the namespace (podSelector: {}, policyTypes: [${type}]), e.g. new NamespaceIsolation(chart, 'baseline', { namespace: '${namespace}' }), `
      + 'and allow each needed flow explicitly.');
  }
}

function unselectedPods(c: AuditContext, report: Report): void {
  c.index.pods.forEach((pod, i) => {
    if (c.index.ingressOf[i].policies.length > 0 || c.index.egressOf[i].policies.length > 0) return;
    if (baselineDenies(c, pod.namespace, 'ingress') && baselineDenies(c, pod.namespace, 'egress')) return;
    report(podSubject(pod),
      `no NetworkPolicy selects ${pod.namespace}/${pod.name} (labels ${describeLabels(pod.labels)}), so every connection to and from it is allowed`,
      'Select the pods with a policy that isolates both directions (an IsolatedTier over their labels, or a namespace default deny) and allow only the flows they need.');
  });
}

// ---------------------------------------------------------------------------------------------------
// Istio

function peerAuthenticationMode(c: AuditContext, mode: 'PERMISSIVE' | 'DISABLE', report: Report): void {
  const fix = mode === 'PERMISSIVE'
    ? 'Use mode STRICT once every client has a sidecar (MeshMtls with MtlsMode.STRICT); keep PERMISSIVE only for a migration, on the fewest workloads and ports.'
    : 'Use mode STRICT; if a port must accept clients outside the mesh (e.g. a metrics scraper), allow it on that port only and restrict it with a NetworkPolicy.';
  for (const object of objectsOf(c, 'PeerAuthentication', 'security.istio.io')) {
    const scope = describePeerAuthenticationScope(object);
    const where: string[] = [];
    if (object.spec?.mtls?.mode === mode) where.push(scope);
    const portLevel = object.spec?.portLevelMtls;
    if (portLevel && typeof portLevel === 'object') {
      const ports = Object.keys(portLevel).filter(port => portLevel[port]?.mode === mode).sort((a, b) => Number(a) - Number(b));
      if (ports.length > 0) where.push(`port${ports.length === 1 ? '' : 's'} ${ports.join(', ')} of ${scope}`);
    }
    if (where.length === 0) continue;
    report(objectSubject(object),
      `mTLS mode ${mode} for ${where.join('; ')}: ${mode === 'PERMISSIVE' ? 'plain-text connections are accepted next to mTLS' : 'connections are accepted in plain text only'}`,
      fix);
  }
}

function describePeerAuthenticationScope(object: any): string {
  const labels = object.spec?.selector?.matchLabels;
  const namespace = namespaceOf(object);
  if (labels && typeof labels === 'object' && Object.keys(labels).length > 0) {
    return `workloads ${describeLabels(labels)} in namespace ${namespace}`;
  }
  return `every workload in namespace ${namespace}${namespace === 'istio-system' ? ' (the root namespace: the whole mesh, by default)' : ''}`;
}

// ---------------------------------------------------------------------------------------------------
// CIDRs

function cidrsWithHostBits(c: AuditContext, report: Report): void {
  for (const policy of c.index.policies) {
    const subject: Subject = policySubject(policy);
    const rules: CompiledRule[] = [...policy.ingress ?? [], ...policy.egress ?? []];
    for (const rule of rules) {
      const peerField = rule.direction === 'ingress' ? 'from' : 'to';
      (rule.peers ?? []).forEach((peer, p) => {
        if (peer.kind !== 'ipBlock') return;
        const field = `spec.${rule.direction}[${rule.index}].${peerField}[${p}].ipBlock`;
        const blocks = [{ block: peer.cidr, field: `${field}.cidr` }, ...peer.except.map((block, e) => ({ block, field: `${field}.except[${e}]` }))];
        for (const { block, field: where } of blocks) {
          if (block.withHostBits === undefined) continue;
          const single = `${block.withHostBits.split('/')[0]}/${block.family === 'ipv4' ? 32 : 128}`;
          report(subject, `${where} "${block.withHostBits}" has host bits set; it is modelled as ${block.text}, but CNIs differ on how they read it`,
            `Write the block you mean: "${block.text}" for the network, or "${single}" for the one address.`);
        }
      });
    }
  }
}
