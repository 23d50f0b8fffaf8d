import { App, Chart } from 'cdk8s';
import { describeFindings, endpointLabel, flowLine } from './format';
import { Reachability, ReachabilityEndpoint, ReachabilityOptions } from '../analysis/reachability';
import { AuditFinding, AuditOptions } from '../audit/audit-finding';
import { netsecError } from '../core/errors';
import { Port } from '../core/port';

/** Options for `NetsecAssertions`: how the model is built, and how strict the assertions are. */
export interface NetsecAssertionsOptions extends ReachabilityOptions {
  /**
   * Accept an answer the analyzer is not certain of (`Reachability.verdict` with caveats: an address rule
   * that covers part of the pod network, a policy part it does not evaluate). By default `allows` and
   * `denies` fail on such an answer, whatever it is, because it proves nothing.
   * @default false
   */
  readonly allowUncertain?: boolean;
}

/**
 * Assertions about what a set of manifests allows, for any test runner.
 *
 * Each assertion returns nothing when it holds and throws a plain `Error` when it does not. The message
 * states the expectation and carries the evidence: for a connection, both endpoints, the port and the
 * analyzer's full explanation (which policy and which rule decided each side); for the audit, every
 * finding with its rule, resource, message and fix. Jest, Mocha, Vitest, `node:test` and plain
 * `node:assert` scripts all report a thrown error as a failure, so no matcher library is needed.
 *
 * @example
 * const policies = NetsecAssertions.fromChart(chart);
 * policies.allows({ namespace: 'shop', pod: 'web' }, { namespace: 'shop', pod: 'api' }, Port.tcp(9090));
 * policies.denies({ namespace: 'shop', pod: 'web' }, { namespace: 'data', pod: 'db' }, Port.tcp(5432));
 * policies.hasNoFindings({ minSeverity: AuditSeverity.HIGH });
 */
export class NetsecAssertions {
  /**
   * Asserts about a chart: its manifests plus every `IsolatedTier` in it as one pod named after the
   * tier's construct id (see `Reachability.fromChart`).
   */
  public static fromChart(chart: Chart, options: NetsecAssertionsOptions = {}): NetsecAssertions {
    return new NetsecAssertions(Reachability.fromChart(chart, modelOptions(options)), options);
  }

  /** Asserts about every chart of an app together (see `Reachability.fromApp`). */
  public static fromApp(app: App, options: NetsecAssertionsOptions = {}): NetsecAssertions {
    return new NetsecAssertions(Reachability.fromApp(app, modelOptions(options)), options);
  }

  /**
   * Asserts about plain manifest objects, e.g. the documents of a YAML file or `Testing.synth(chart)`
   * (see `Reachability.fromManifests`; `inferPods` models the tiers of synthesized YAML).
   */
  public static fromManifests(manifests: any[], options: NetsecAssertionsOptions = {}): NetsecAssertions {
    return new NetsecAssertions(Reachability.fromManifests(manifests, modelOptions(options)), options);
  }

  /** Asserts about a model that is already built. */
  public static fromReachability(reachability: Reachability, options: NetsecAssertionsOptions = {}): NetsecAssertions {
    return new NetsecAssertions(reachability, options);
  }

  /** The model the assertions query; use it for questions the assertions do not ask. */
  public readonly reachability: Reachability;

  private readonly allowUncertain: boolean;

  private constructor(reachability: Reachability, options: NetsecAssertionsOptions) {
    this.reachability = reachability;
    this.allowUncertain = options.allowUncertain === true;
  }

  /**
   * Asserts that `client` may open a connection to `server` on `port`.
   * @param port a single numeric or named port, as for `Reachability.explain`
   * @throws Error with the explanation of why the connection is denied
   */
  public allows(client: ReachabilityEndpoint, server: ReachabilityEndpoint, port: Port): void {
    this.expectConnection(client, server, port, true);
  }

  /**
   * Asserts that `client` may not open a connection to `server` on `port`.
   *
   * Traffic of a pod to itself is always allowed, so denying it fails.
   * @param port a single numeric or named port, as for `Reachability.explain`
   * @throws Error with the explanation of which rules let the connection through
   */
  public denies(client: ReachabilityEndpoint, server: ReachabilityEndpoint, port: Port): void {
    this.expectConnection(client, server, port, false);
  }

  /**
   * Asserts the complete set of connections a pod may open to other modelled pods.
   *
   * Each expected entry reads `namespace/pod: ports`, with the ports written as `AllowedFlow.description`
   * writes them (`TCP 9090`, `TCP 80, 8000-8100; UDP 53`, `all TCP`, `all traffic`). The order of the
   * entries does not matter. Addresses outside the cluster and pods that are not modelled (e.g. DNS pods
   * not given through `additionalManifests`) are not part of the comparison.
   *
   * @param client the source pod, as `{ namespace, pod }`
   * @param expected every allowed destination, e.g. `["shop/api: TCP 9090"]`; empty for none
   * @throws Error listing the unexpected and the missing entries next to the actual ones
   */
  public allowsExactlyFrom(client: ReachabilityEndpoint, expected: string[]): void {
    const source = this.podId(client, 'allowsExactlyFrom');
    const actual = this.reachability.flows().filter(f => f.source === source).map(f => flowLine(f.destination, f.description));
    compareFlows(`${source} to connect to exactly`, expected, actual, 'allowsExactlyFrom');
  }

  /**
   * Asserts the complete set of modelled pods that may connect to a pod.
   *
   * Each expected entry reads `namespace/pod: ports`, naming the source pod, with the ports written as in
   * `allowsExactlyFrom`. The order of the entries does not matter; sources outside the cluster are not
   * part of the comparison.
   *
   * @param to the destination pod, as `{ namespace, pod }`
   * @param expected every allowed source, e.g. `["shop/web: TCP 9090"]`; empty for none
   * @throws Error listing the unexpected and the missing entries next to the actual ones
   */
  public allowsExactlyTo(to: ReachabilityEndpoint, expected: string[]): void {
    const destination = this.podId(to, 'allowsExactlyTo');
    const actual = this.reachability.flows().filter(f => f.destination === destination).map(f => flowLine(f.source, f.description));
    compareFlows(`${destination} to accept connections from exactly`, expected, actual, 'allowsExactlyTo');
  }

  /**
   * Asserts that the audit (`Reachability.audit`) finds nothing, apart from findings an object accepts
   * with a reason (`AuditAcceptance`, or the `netsec.cdk8s.io/audit-accept` annotations), which never fail.
   * @param options which severities to consider and which rules to leave out
   * @throws Error listing every finding that is not suppressed: rule, severity, resource, message and fix
   */
  public hasNoFindings(options: AuditOptions = {}): void {
    const findings = this.reachability.audit(options).filter(f => !f.suppressed);
    if (findings.length === 0) return;
    const scope = options.minSeverity ? ` of severity ${options.minSeverity} or above` : '';
    throw new Error(`Expected no audit findings${scope}, but found ${findings.length}:\n${describeFindings(findings)}`);
  }

  /**
   * Asserts that the audit reports a rule, optionally for one resource.
   * @param rule the rule's identifier (`NETSEC004`) or name (`egress-to-any-address`)
   * @param resource the object as findings name it, `Kind namespace/name` (`NetworkPolicy shop/web`) or
   * `Kind name` for a cluster-scoped object (`Namespace shop`)
   * @throws Error listing every finding the audit did report
   */
  public hasFinding(rule: string, resource?: string): void {
    const findings = this.reachability.audit();
    const matches = findings.filter((f: AuditFinding) => (f.ruleId === rule || f.ruleName === rule)
      && (resource === undefined || f.resource === resource));
    if (matches.length > 0) return;
    const expected = resource === undefined ? rule : `${rule} on ${resource}`;
    const found = findings.length === 0 ? 'no findings at all' : `these ${findings.length}:\n${describeFindings(findings)}`;
    throw new Error(`Expected an audit finding ${expected}, but found ${found}`);
  }

  private expectConnection(from: ReachabilityEndpoint, to: ReachabilityEndpoint, port: Port, allowed: boolean): void {
    const explanation = this.reachability.explain(from, to, port);
    if (!explanation.certain && !this.allowUncertain) {
      throw new Error(`Expected ${endpointLabel(from)} -> ${endpointLabel(to)} on ${port} to be ${allowed ? 'allowed' : 'denied'}, `
        + `but the analyzer cannot tell for certain (pass allowUncertain: true to accept its best answer, ${explanation.allowed ? 'allowed' : 'denied'}).\n`
        + explanation.text);
    }
    if (explanation.allowed === allowed) return;
    const [expected, actual] = allowed ? ['allowed', 'denied'] : ['denied', 'allowed'];
    throw new Error(`Expected ${endpointLabel(from)} -> ${endpointLabel(to)} on ${port} to be ${expected}, but it is ${actual}.\n`
      + explanation.text);
  }

  /** The `namespace/pod` id of a pod endpoint, checked against the model. */
  private podId(endpoint: ReachabilityEndpoint, method: string): string {
    if (endpoint?.pod === undefined || endpoint.ip !== undefined) {
      throw netsecError(`NetsecAssertions.${method}`, 'needs a pod endpoint', endpoint,
        'Name a modelled pod as { namespace, pod }; flows are listed between pods only.');
    }
    const id = endpointLabel(endpoint);
    if (!this.reachability.pods.includes(id)) {
      throw netsecError(`NetsecAssertions.${method}`, 'names a pod that is not modelled', id,
        `Modelled pods: ${this.reachability.pods.join(', ') || '(none)'}.`);
    }
    return id;
  }
}

/** The options that build the model, without the assertion options. */
function modelOptions(options: NetsecAssertionsOptions): ReachabilityOptions {
  const { allowUncertain: _ignored, ...rest } = options ?? {};
  return rest;
}

function compareFlows(expectation: string, expected: string[], actual: string[], method: string): void {
  if (!Array.isArray(expected) || expected.some(e => typeof e !== 'string')) {
    throw netsecError(`NetsecAssertions.${method}`, 'expects a list of "namespace/pod: ports" strings', expected,
      'Pass e.g. ["shop/api: TCP 9090"], or [] for no connections.');
  }
  const want = new Set(expected.map(normalizeFlowLine));
  const have = new Set(actual);
  const unexpected = actual.filter(a => !want.has(a));
  const missing = [...want].filter(e => !have.has(e)).sort();
  if (unexpected.length === 0 && missing.length === 0) return;
  const list = (lines: string[]) => lines.length === 0 ? '  (none)' : lines.map(l => `  ${l}`).join('\n');
  const parts = [`Expected ${expectation}:`, list([...want].sort()), 'but the policies allow:', list(actual)];
  if (unexpected.length > 0) parts.push('Unexpected:', list(unexpected));
  if (missing.length > 0) parts.push('Missing:', list(missing));
  throw new Error(parts.join('\n'));
}

/** Tolerates spacing differences around the colon and between ports. */
function normalizeFlowLine(line: string): string {
  const colon = line.indexOf(':');
  if (colon < 0) return line.trim();
  return flowLine(line.slice(0, colon).trim(), line.slice(colon + 1).trim().replace(/\s+/g, ' '));
}
