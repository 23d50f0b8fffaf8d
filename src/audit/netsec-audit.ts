import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { AuditFinding, AuditSeverity, Reachability } from '../analysis';
import { checkSeverity, failingFindings, findingLine, resolveRuleIds } from './audit';
import { checkedInput } from '../core/checked-input';
import { netsecError } from '../core/errors';

/** Properties of `NetsecAudit`. */
export interface NetsecAuditProps {
  /**
   * Synthesis fails when a finding of at least this severity exists. Less severe findings do not fail it.
   * @default AuditSeverity.HIGH
   */
  readonly failOn?: AuditSeverity;
  /**
   * Rule identifiers or names to leave out (e.g. `["NETSEC013"]`); see `AuditRules.all()`.
   * @default - none
   */
  readonly ignore?: string[];
  /**
   * Plain manifest objects audited together with the app's (e.g. Namespaces with labels, or the cluster
   * DNS pods), as `ReachabilityOptions.additionalManifests`.
   * @default - only the app's manifests and its tiers
   */
  readonly additionalManifests?: any[];
}

/**
 * Runs the `Reachability` audit over the whole app when it synthesizes, and fails synthesis (as any
 * construct validation does) when a finding at or above `failOn` exists. This makes a plain
 * `app.synth()` refuse what the audit flags, without the cdk8s CLI plugin.
 *
 * Add one per app; the audit sees every chart, so flows between charts are judged together.
 *
 * @example
 * new NetsecAudit(chart, 'audit', { failOn: AuditSeverity.MEDIUM, ignore: ['NETSEC013'] });
 */
export class NetsecAudit extends Construct {
  private readonly failOn: AuditSeverity;
  private readonly ignore: string[];
  private readonly additionalManifests: any[];
  /** True while the audit renders the charts: `Chart.toJson()` validates the tree again, this construct included. */
  private auditing = false;
  /** How many `App.synth()`/`synthYaml()` calls are running (see `reuseDuringSynthesis`). */
  private synthesizing = 0;
  /** The findings of the running app synthesis. */
  private cached?: AuditFinding[];

  /**
   * @param scope the parent construct
   * @param id the construct id, unique among its siblings
   * @param props the configuration (`NetsecAuditProps`)
   */
  public constructor(scope: Construct, id: string, props: NetsecAuditProps = {}) {
    // Bad severities and unknown rules are reported now, not at synth, and before the audit joins the tree.
    const input = checkedInput(scope, id, (path) => checkAuditProps(path, props));
    super(scope, id);
    this.failOn = input.failOn;
    this.ignore = input.ignore;
    this.additionalManifests = input.additionalManifests;
    this.node.addValidation({ validate: () => (this.auditing ? [] : this.findings().map(f => this.describe(f))) });
    this.reuseDuringSynthesis(App.of(this));
  }

  /**
   * The findings that fail synthesis: those at or above `failOn`, without the ignored rules and without
   * the findings an object accepts (`AuditAcceptance`), which never fail.
   */
  public findings(): AuditFinding[] {
    if (this.cached !== undefined) return [...this.cached];
    this.auditing = true;
    let findings: AuditFinding[];
    try {
      findings = Reachability.fromApp(App.of(this), { additionalManifests: this.additionalManifests })
        .audit({ minSeverity: this.failOn, ignore: this.ignore });
      findings = failingFindings(findings, this.failOn);
    } finally {
      this.auditing = false;
    }
    if (this.synthesizing > 0) this.cached = findings;
    return [...findings];
  }

  /**
   * cdk8s validates the whole app once, and again inside every chart it renders, so one `app.synth()`
   * of an app with many charts would run the audit once per chart. The app's synth methods are wrapped
   * so that the findings of one synthesis are computed once and dropped when it ends; a synthesis after
   * a change audits afresh.
   */
  private reuseDuringSynthesis(app: App): void {
    for (const method of ['synth', 'synthYaml'] as const) {
      const original = app[method] as (...args: unknown[]) => unknown;
      (app as any)[method] = (...args: unknown[]) => {
        this.synthesizing++;
        try {
          return original.apply(app, args);
        } finally {
          if (--this.synthesizing === 0) this.cached = undefined;
        }
      };
    }
  }

  private describe(finding: AuditFinding): string {
    const owner = finding.constructPath ?? 'the construct that emits it';
    return `${findingLine(finding)} To accept it on purpose, call AuditAcceptance.accept(<${owner}>, ['${finding.ruleId}'], '<why>'), `
      + `or add "${finding.ruleId}" to the ignore list of ${this.node.path} to ignore the rule everywhere.`;
  }
}

function checkAuditProps(path: string, props: NetsecAuditProps): { failOn: AuditSeverity; ignore: string[]; additionalManifests: any[] } {
  if (props === null || typeof props !== 'object') {
    throw netsecError(path, 'props must be an object', props, 'Pass { failOn: AuditSeverity.HIGH }, or leave the props out.');
  }
  if (props.ignore !== undefined && !Array.isArray(props.ignore)) {
    throw netsecError(path, 'ignore must be a list of rule identifiers', props.ignore, 'Pass e.g. ignore: ["NETSEC013"].');
  }
  if (props.additionalManifests !== undefined && !Array.isArray(props.additionalManifests)) {
    throw netsecError(path, 'additionalManifests must be a list of manifest objects', typeof props.additionalManifests,
      'Pass plain objects, e.g. additionalManifests: [namespaceManifest].');
  }
  return {
    failOn: props.failOn === undefined ? AuditSeverity.HIGH : checkSeverity(props.failOn, path, 'failOn'),
    ignore: resolveRuleIds(props.ignore ?? [], path, 'ignore'),
    additionalManifests: [...props.additionalManifests ?? []],
  };
}
