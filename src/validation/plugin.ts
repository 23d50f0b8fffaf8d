import { ContextLike } from './contract';
import { ManifestFiles } from './manifest-files';
import { acceptancesToViolation, findingsToViolations, summarize } from './violations';
import { Reachability } from '../analysis/reachability';
import { checkSeverity, failingFindings, resolveRuleIds } from '../audit/audit';
import { AuditFinding, AuditSeverity } from '../audit/audit-finding';
import { netsecError } from '../core/errors';

/** Properties of `NetsecValidation`, given as `properties:` of its `validations:` entry in cdk8s.yaml. */
export interface NetsecValidationProps {
  /**
   * The least severity that fails synthesis: `low`, `medium`, `high` or `critical` (any case; the values
   * of `AuditSeverity`). Findings below it are still reported, marked "reported only".
   * @default "high"
   */
  readonly failOn?: string;
  /**
   * Audit rules to leave out, by identifier or name (e.g. `NETSEC013` or `ingress-without-service`).
   * Ignored rules are neither reported nor fail synthesis.
   * @default - every rule of `AuditRules.all()` is checked
   */
  readonly ignore?: string[];
  /**
   * Models one representative pod for each NetworkPolicy podSelector that selects no workload in the
   * manifests (see `ReachabilityOptions.inferPods`), so tiers without workloads in the app are audited
   * as pods (default deny, metadata endpoint, Service ports).
   * @default true
   */
  readonly inferPods?: boolean;
}

/**
 * A cdk8s-cli validation plugin that audits the synthesized manifests with `Reachability.audit()`.
 *
 * `cdk8s synth` loads it from the `validations:` list of cdk8s.yaml, constructs it with the entry's
 * `properties` and calls `validate` once the app is synthesized. Every file the app wrote is modelled
 * together, so flows across charts and namespaces are judged as the cluster would judge them. The report
 * has one violation per audit rule: the rule identifier and name, the rule's description with its
 * severity, the fix, and every violating object with its manifest file, its construct path (which the
 * CLI looks up by `metadata.name`) and one location per finding. Synthesis fails (exit code 2) when a
 * finding is at least as severe as `failOn`, or when the manifests cannot be analyzed at all (invalid
 * YAML, or a NetworkPolicy the API server would reject).
 *
 * @example
 * // cdk8s.yaml
 * // validations:
 * //   - package: cdk8s-netsec
 * //     version: 1.2.3
 * //     class: NetsecValidation
 * //     properties:
 * //       failOn: medium
 * //       ignore: [NETSEC011]
 */
export class NetsecValidation {
  /** The least severity that fails synthesis. */
  public readonly failOn: AuditSeverity;
  /** The rules left out, as identifiers. */
  public readonly ignore: string[];
  /** Whether pods are inferred from policies that select no workload. */
  public readonly inferPods: boolean;

  /**
   * Checks the properties; throws, naming the property, the value and the fix, on an unknown severity
   * or rule, so that a typo in cdk8s.yaml stops synthesis instead of weakening the check.
   *
   * @param props the configuration (`NetsecValidationProps`)
   */
  public constructor(props: NetsecValidationProps = {}) {
    this.failOn = checkFailOn(props?.failOn);
    this.ignore = checkIgnore(props?.ignore);
    if (props?.inferPods !== undefined && typeof props.inferPods !== 'boolean') {
      throw netsecError('NetsecValidation', 'inferPods is not a boolean', props.inferPods, 'Write inferPods: true or inferPods: false.');
    }
    this.inferPods = props?.inferPods ?? true;
  }

  /**
   * Audits the manifests of `context` and submits its report.
   *
   * @param context the CLI's `ValidationContext` (cdk8s-cli `lib/plugins/validation`): `manifests`
   * (paths of the synthesized YAML files) and `report` (`addViolation`, `submit`) are used. Typed
   * loosely so that the package does not depend on cdk8s-cli at run time.
   */
  public async validate(context: any): Promise<void> {
    const { manifests, report } = context as ContextLike;
    let files: ManifestFiles;
    let findings: AuditFinding[];
    try {
      files = ManifestFiles.read(manifests ?? []);
      findings = Reachability.fromManifests(files.objects, { inferPods: this.inferPods }).audit({ ignore: this.ignore });
    } catch (e) {
      report.addViolation({
        ruleName: 'manifests-not-analyzable',
        recommendation: `The manifests cannot be analyzed: ${(e as Error).message}`,
        fix: 'Correct the object the message names; the audit runs once every manifest can be read.',
        violatingResources: (manifests ?? []).map(manifestPath => ({
          resourceName: manifestPath.split(/[\\/]/).pop() ?? manifestPath,
          locations: [(e as Error).message],
          manifestPath,
        })),
      });
      report.submit('failure', { Error: (e as Error).message });
      return;
    }
    for (const violation of findingsToViolations(findings, files, this.failOn)) report.addViolation(violation);
    const acceptances = acceptancesToViolation(files);
    if (acceptances !== undefined) report.addViolation(acceptances);
    const fails = failingFindings(findings, this.failOn).length > 0;
    report.submit(fails ? 'failure' : 'success', {
      ...summarize(findings, this.failOn, this.ignore),
      ...(acceptances === undefined ? {} : { Acceptances: `${acceptances.violatingResources.length} (listed under audit-acceptances, never fail)` }),
    });
  }
}

function checkFailOn(value: unknown): AuditSeverity {
  if (value === undefined || value === null) return AuditSeverity.HIGH;
  return checkSeverity(value, 'NetsecValidation', 'failOn', 'in the properties of the validation in cdk8s.yaml');
}

function checkIgnore(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    throw netsecError('NetsecValidation', 'ignore is not a list', value,
      'Write it as a YAML list of rule identifiers or names, e.g. ignore: [NETSEC011].');
  }
  return resolveRuleIds(value, 'NetsecValidation', 'ignore', 'Use identifiers or names from AuditRules.all()');
}
