/*
 * The part of the cdk8s-cli validation contract (cdk8s-cli/lib/plugins/validation.d.ts, cdk8s-cli 2.x)
 * this plugin uses, restated so that the package needs no cdk8s-cli at run time: the CLI hands the plugin
 * its own `ValidationContext`, which matches these shapes structurally. Internal: not re-exported.
 */

/** A resource that violates a rule, as the CLI's report takes it. */
export interface ViolatingResource {
  /** `metadata.name`; the CLI looks the construct path up by this name in the app's construct metadata. */
  readonly resourceName: string;
  /** Where in the resource the problem is; each entry counts as one occurrence in the printed report. */
  readonly locations: readonly string[];
  /** The manifest file the resource was synthesized into. */
  readonly manifestPath: string;
}

/** One rule and every resource that violates it. */
export interface Violation {
  readonly ruleName: string;
  readonly recommendation: string;
  readonly fix: string;
  readonly violatingResources: readonly ViolatingResource[];
}

/** The CLI's `ValidationReport`: violations go in, then exactly one `submit`. */
export interface ReportLike {
  addViolation(violation: Violation): void;
  submit(status: 'success' | 'failure', metadata?: { readonly [key: string]: string }): void;
}

/** The CLI's `ValidationContext`. */
export interface ContextLike {
  /** Absolute paths of the synthesized YAML files. */
  readonly manifests: readonly string[];
  /** The report to fill and submit. */
  readonly report: ReportLike;
  /** The CLI's logger (prints to stdout). */
  readonly logger?: { log(message: string): void };
}
