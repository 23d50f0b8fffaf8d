import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { AuditAcceptance } from '../audit/audit-acceptance';
import { IPeer } from '../core/peer';
import { Port } from '../core/port';
import { admitEdge } from '../edge/edge-admission';
import { IntentModel } from '../model/intent-model';
import { IsolatedTier } from '../tiers/tier';

/*
 * cert-manager's HTTP-01 solver pods, which an ACME issuer's edge must reach while a challenge runs.
 */

/** Pods cert-manager starts to answer ACME HTTP-01 challenges, and the port they listen on. */
const SOLVER_LABELS = { 'acme.cert-manager.io/http01-solver': 'true' };
const SOLVER_PORT = 8089;
const SOLVER_NAME = 'acme-http01-solver';

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

/** The tier of cert-manager's HTTP-01 solver pods in `namespace`, which the library makes once. */
function solverTier(scope: Construct, namespace: string): IsolatedTier {
  const solver = new IsolatedTier(Chart.of(scope), `${SOLVER_NAME}-${namespace}`, {
    name: SOLVER_NAME,
    namespace,
    podLabels: SOLVER_LABELS,
    ports: [Port.tcp(SOLVER_PORT)],
    isolateEgress: false,
    // Solver pods are short-lived cert-manager pods the edge reaches in plaintext; the ACME issuers of
    // this library keep sidecars out of them, so mesh authorization does not apply.
    inMesh: false,
  });
  AuditAcceptance.accept(solver, ['NETSEC013'], 'cert-manager creates a Service for each HTTP-01 solver pod while a challenge runs');
  return solver;
}
