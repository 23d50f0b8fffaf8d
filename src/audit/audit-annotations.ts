/*
 * The annotations with which an object accepts audit findings: their one home. Internal; users read them
 * as `AuditAcceptance.RULES_ANNOTATION` and `AuditAcceptance.REASON_ANNOTATION`.
 */

/** The annotation that lists the rules an object accepts, e.g. `NETSEC007,NETSEC004`. */
export const AUDIT_ACCEPT_ANNOTATION = 'netsec.cdk8s.io/audit-accept';
/** The annotation that says why the object accepts them; required. */
export const AUDIT_ACCEPT_REASON_ANNOTATION = 'netsec.cdk8s.io/audit-accept-reason';
