import { AuditContext, clusterObjectSubject, objectSubject, podSubject, Report } from './audit-context';

/*
 * What the analyzer cannot see (NETSEC022): network policies of kinds it does not evaluate, and pods on
 * the node's network. Its verdicts about them are uncertain; the audit says so too, so that a clean
 * audit never rests on what the proof is blind to.
 */

/** NETSEC022: network policies the analyzer does not evaluate, and hostNetwork pods. */
function outsideTheAnalysis(c: AuditContext, report: Report): void {
  for (const policy of c.model.unevaluatedPolicies ?? []) {
    const apiVersion = typeof policy.object?.apiVersion === 'string' ? policy.object.apiVersion : 'no apiVersion';
    report(policy.namespace === undefined ? clusterObjectSubject(policy.object) : objectSubject(policy.object),
      `is a network policy the analyzer does not evaluate (${apiVersion}); it may allow what every evaluated policy denies, `
      + `so answers about the pods it may select (${policy.namespace === undefined ? 'any namespace' : `namespace ${policy.namespace}`}) are uncertain`,
      'Write the intent as a NetworkPolicy (networking.k8s.io/v1), a ClusterNetworkPolicy or a Cilium policy the analyzer reads, '
      + 'or accept this finding with the reason the policy opens nothing.');
  }
  for (const pod of c.index.pods) {
    if (pod.hostNetwork !== true) continue;
    report(podSubject(pod),
      'runs with hostNetwork: NetworkPolicy does not reliably apply to it and its traffic carries the node\'s address, '
      + 'so no isolation the analyzer finds for it holds',
      'Run it without hostNetwork, or restrict its traffic on the nodes (a host firewall, host policies) and accept this finding with that reason.');
  }
}

/** The coverage rules of the catalogue. */
export const coverageChecks = { NETSEC022: outsideTheAnalysis };
