import { ApiObject, App } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { AuditFinding, AuditSeverity, Reachability } from '../analysis';
import { checkSeverity, failingFindings, findingLine, resolveRuleIds } from './audit';
import { acceptanceCount } from './audit-acceptance';
import { checkedInput } from '../core/checked-input';
import { netsecError } from '../core/errors';
import { IntentModel } from '../model/intent-model';

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
  /** The findings of the app as it was when last audited, with that state. */
  private cached?: { readonly state: string; readonly findings: AuditFinding[] };

  /**
   * @param scope the parent construct
   * @param id the construct id, unique among its siblings
   * @param props the configuration (`NetsecAuditProps`)
   */
  public constructor(scope: Construct, id: string, props: NetsecAuditProps = {}) {
    // Bad severities and unknown rules are reported now, not at synth, and before the audit joins the tree.
    const input = checkedInput(scope, id, (path) => checkAuditProps(path, props), { inChart: false, props: { given: props, struct: 'NetsecAuditProps' } });
    super(scope, id);
    this.failOn = input.failOn;
    this.ignore = input.ignore;
    this.additionalManifests = input.additionalManifests;
    // An ordinary cdk8s validation: app.synth(), synthYaml() and chart.toJson() fail with the findings.
    this.node.addValidation({ validate: () => (this.auditing ? [] : this.findings().map(f => this.describe(f))) });
  }

  /**
   * The findings that fail synthesis: those at or above `failOn`, without the ignored rules and without
   * the findings an object accepts (`AuditAcceptance`), which never fail.
   *
   * cdk8s validates the whole app once per synthesis and again for every chart it renders. The findings
   * are therefore kept with a fingerprint of the app (its constructs, the intent declared on them, each
   * object's metadata and JSON patches, the acceptances) and audited afresh only when it changes, so one
   * synthesis audits once however many charts the app has.
   */
  public findings(): AuditFinding[] {
    const state = appState(this.node.root);
    if (this.cached?.state !== state) {
      this.auditing = true;
      try {
        const findings = Reachability.fromApp(App.of(this), { additionalManifests: this.additionalManifests })
          .audit({ minSeverity: this.failOn, ignore: this.ignore });
        this.cached = { state, findings: failingFindings(findings, this.failOn) };
      } finally {
        this.auditing = false;
      }
    }
    return [...this.cached.findings];
  }

  private describe(finding: AuditFinding): string {
    // The finding line names the construct already; the hint names it again only by reference.
    const owner = finding.constructPath !== undefined ? 'that construct' : 'the construct that emits it';
    return `${findingLine(finding)} To accept it on purpose, call AuditAcceptance.accept(<${owner}>, ['${finding.ruleId}'], '<why>'), `
      + `or add "${finding.ruleId}" to this audit's ignore list (ignore: ["${finding.ruleId}"]) to ignore the rule everywhere.`;
  }
}

/**
 * What the audit's answer depends on, read without rendering anything: every construct path (what is
 * emitted), the intent recorded in the model (flows add no construct), and each object's own metadata,
 * JSON patches and acceptances (which change an object without adding one).
 */
function appState(root: IConstruct): string {
  const parts: string[] = [];
  for (const construct of root.node.findAll()) {
    parts.push(`${construct.node.path} ${acceptanceCount(construct)}`);
    if (ApiObject.isApiObject(construct)) {
      const object = construct as ApiObject;
      parts.push(JSON.stringify(object.metadata.toJson()), String((object as any).patches?.length ?? 0));
    }
  }
  parts.push(IntentModel.find(root)?.revision() ?? '');
  return parts.join('\n');
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
