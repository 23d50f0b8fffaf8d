import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { AuditAcceptance } from '../audit/audit-acceptance';
import { validationProblem } from '../core/errors';
import { describePeerConfig, IPeer } from '../core/peer';
import { Port } from '../core/port';
import { admitEdge } from '../edge/edge-admission';
import { IntentModel } from '../model/intent-model';
import { ClusterDns } from '../platform/cluster-dns';
import { NamespaceIsolation } from '../tiers/namespace-isolation';
import { IsolatedTier } from '../tiers/tier';

/*
 * cert-manager's HTTP-01 solver pods, which an ACME issuer's edge must reach while a challenge runs.
 */

/** Pods cert-manager starts to answer ACME HTTP-01 challenges, and the port they listen on. */
const SOLVER_LABELS = { 'acme.cert-manager.io/http01-solver': 'true' };
const SOLVER_PORT = 8089;
const SOLVER_NAME = 'acme-http01-solver';
const SOLVER_MARK = Symbol.for('cdk8s-netsec.AcmeSolverTier');

/**
 * Lets `edge` (an ingress controller's or a gateway's data-plane pods) reach cert-manager's HTTP-01 solver
 * pods in `namespace` on their port, and nothing else; one solver tier per namespace, found in the app's
 * model when it exists.
 */
export function admitAcmeSolvers(scope: Construct, namespace: string, edge: IPeer): void {
  const known = IntentModel.of(scope).endpointSelecting(namespace, SOLVER_LABELS);
  const solver = IsolatedTier.isIsolatedTier(known) ? known : solverTier(scope, namespace);
  admitEdge(solver, SOLVER_NAME, solver, edge, Port.tcp(SOLVER_PORT));
}

/** True when `x` is a solver tier the library made (not one the app declared for the same pods). */
export function isAcmeSolverTier(x: unknown): x is IsolatedTier {
  return IsolatedTier.isIsolatedTier(x) && SOLVER_MARK in x;
}

/** The tier of cert-manager's HTTP-01 solver pods in `namespace`, which the library makes once. */
function solverTier(scope: Construct, namespace: string): IsolatedTier {
  const solver = new IsolatedTier(Chart.of(scope), `${SOLVER_NAME}-${namespace}`, {
    name: SOLVER_NAME,
    namespace,
    podLabels: SOLVER_LABELS,
    ports: [Port.tcp(SOLVER_PORT)],
    isolateEgress: false,
    // Solver pods are short-lived cert-manager pods the edge reaches in plaintext; the ACME issuers of
    // this library keep sidecars out of them. Under ambient, ztunnel still captures them: MeshMtls
    // admits the edge's identity to them (see isAcmeSolverTier).
    inMesh: false,
  });
  Object.defineProperty(solver, SOLVER_MARK, { value: true });
  // The solver's egress is isolated only by its namespace (a NamespaceIsolation, or a ClusterIsolation
  // guarding it), which may be declared after the edge: its DNS is read from them when the app
  // synthesizes, and the NetworkPolicy renderer reads `dns` only then.
  Object.defineProperty(solver, 'dns', { get: () => governingDns(solver).dns, enumerable: true });
  solver.node.addValidation({ validate: () => dnsDisagreement(solver) });
  AuditAcceptance.accept(solver, ['NETSEC013'], 'cert-manager creates a Service for each HTTP-01 solver pod while a challenge runs');
  return solver;
}

/** A statement of where the pods of the solver's namespace resolve names, and the path of the construct that made it. */
interface DnsStatement {
  readonly dns: ClusterDns;
  readonly by: string;
}

/**
 * The DNS of the solver's namespace, which governs the solver pods' egress:
 * - a NamespaceIsolation that isolates the namespace's egress (its policy selects the solver pods too,
 *   so its DNS rule applies to them anyway);
 * - else the ClusterIsolation that guards the namespace (the DNS its Baseline gives every pod there, as
 *   the model records it; the guardrails' default, kube-dns, when it records none);
 * - else none: the solver's egress is not isolated, and no DNS rule is written.
 * Tiers state the DNS of their own pods only, never of the solver's.
 */
function statementsFor(solver: IsolatedTier): DnsStatement[] {
  const model = IntentModel.of(solver);
  const isolations: DnsStatement[] = model.groupsIn(solver.namespace)
    .filter((g): g is NamespaceIsolation => g instanceof NamespaceIsolation && g.isolatesEgress)
    .map((g) => ({ dns: g.dns, by: g.node.path }));
  const cluster = model.clusterBaseline;
  const guarded = cluster?.dns !== undefined && model.clusterIsolates(solver.namespace) ? [{ dns: cluster.dns, by: cluster.declaredAt }] : [];
  return [...isolations, ...guarded];
}

function governingDns(solver: IsolatedTier): DnsStatement {
  return statementsFor(solver)[0] ?? { dns: ClusterDns.kubeDns(), by: solver.node.path };
}

/** Two statements of the namespace's DNS that differ leave the solver's DNS ambiguous: refused. */
function dnsDisagreement(solver: IsolatedTier): string[] {
  const statements = statementsFor(solver);
  const first = statements[0];
  const other = statements.find((s) => dnsKey(s.dns) !== dnsKey(first.dns));
  if (!other) return [];
  return [validationProblem(`the HTTP-01 solver pods of namespace ${solver.namespace} resolve names through the DNS of their namespace, `
    + `which ${first.by} and ${other.by} state differently`,
  [describeDns(first.dns), describeDns(other.dns)],
  'Give both the same dns (the cluster\'s one DNS service).')];
}

function dnsKey(dns: ClusterDns): string {
  return JSON.stringify(dns._destinations.map((d) => [d.peer.toPeerConfig(), d.ports.map(String)]));
}

function describeDns(dns: ClusterDns): string {
  if (dns._destinations.length === 0) return 'no DNS';
  return dns._destinations.map((d) => `${describePeerConfig(d.peer.toPeerConfig())} on ${d.ports.map(String).join(', ')}`).join('; ');
}
