/** How serious an audit finding is, from `LOW` to `CRITICAL`. */
export enum AuditSeverity {
  /** Worth a look; often intended. */
  LOW = 'low',
  /** A gap in defence in depth. */
  MEDIUM = 'medium',
  /** Traffic is allowed that a reviewer would not expect, or protection is missing. */
  HIGH = 'high',
  /** A known path to credentials or to the whole network. */
  CRITICAL = 'critical',
}

/** One rule of the audit catalogue. */
export interface AuditRule {
  /** The stable identifier, e.g. `NETSEC001`. Identifiers are never reused or renumbered. */
  readonly id: string;
  /** A short kebab-case name, e.g. `namespace-without-default-deny`. */
  readonly name: string;
  /** The severity of its findings. */
  readonly severity: AuditSeverity;
  /** What the rule checks, in one sentence. */
  readonly description: string;
}

/** One problem the audit found in a set of manifests. Findings are data: print, filter or count them. */
export interface AuditFinding {
  /** The rule's stable identifier, e.g. `NETSEC004`. */
  readonly ruleId: string;
  /** The rule's name, e.g. `egress-to-any-address`. */
  readonly ruleName: string;
  /** The severity. */
  readonly severity: AuditSeverity;
  /** The object concerned, e.g. `NetworkPolicy shop/web` or `Namespace shop`. */
  readonly resource: string;
  /** The kind of the object concerned (`Namespace`, `Pod`, `Deployment`, `NetworkPolicy`, `Service`, ...). */
  readonly kind: string;
  /**
   * The namespace of the object concerned.
   * @default - a cluster-scoped object (a Namespace)
   */
  readonly namespace?: string;
  /** The name of the object concerned. */
  readonly name: string;
  /** What is wrong, naming the offending value. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
  /**
   * The path of the construct that emitted the object, when the model was built from constructs.
   * @default - unknown (the model was built from plain manifests)
   */
  readonly constructPath?: string;
  /**
   * True when the object accepts this rule on purpose (annotation `netsec.cdk8s.io/audit-accept` with a
   * reason, or `AuditAcceptance.accept`): the finding is shown but never fails a threshold.
   * @default false
   */
  readonly suppressed?: boolean;
  /**
   * Why the finding is accepted, from the annotation `netsec.cdk8s.io/audit-accept-reason`.
   * @default - not suppressed
   */
  readonly suppressionReason?: string;
}

/** Options of `Reachability.audit`. */
export interface AuditOptions {
  /**
   * Report only findings of at least this severity.
   * @default AuditSeverity.LOW (every finding)
   */
  readonly minSeverity?: AuditSeverity;
  /**
   * Rule identifiers or names to leave out (e.g. `["NETSEC007"]` or `["nodeport-service"]`).
   * @default - none
   */
  readonly ignore?: string[];
}
