import { AuditContext, objectsOf, stringMap } from './audit-context';
import { namespaceOf } from '../analysis/input/manifests';
import { CompiledPolicy } from '../analysis/policies/policy-model';

/*
 * The FQDN backstop. With Istio enforcement, a tier's NetworkPolicy opens the FQDN ports to every public
 * address and the pod's sidecar, an Istio Sidecar with `outboundTrafficPolicy: REGISTRY_ONLY`, passes
 * only the hosts of the ServiceEntries it imports (Istio reference: networking Sidecar,
 * OutboundTrafficPolicy). The NetworkPolicy rule is then a backstop, not the allowlist, but only:
 * - for pods that such a Sidecar certainly applies to: a Sidecar with a workloadSelector applies to a
 *   pod when the pod carries all its labels, which is certain for every pod the policy selects when the
 *   policy's matchLabels include them; a Sidecar without a workloadSelector applies to the pods of its
 *   namespace that no workload Sidecar selects, so it counts only when no Sidecar of another mode could
 *   select one of the policy's pods;
 * - for TCP: the sidecar intercepts TCP only, UDP and SCTP go straight to the network.
 * A Cilium `toFQDNs` policy is not a backstop: Cilium adds NetworkPolicy and CiliumNetworkPolicy
 * allows together, so a rule to every address stays open whatever toFQDNs says.
 */

const ISTIO_NETWORKING = 'networking.istio.io';

/** The Sidecar that makes a policy's wide egress a backstop for TCP, as `namespace/name`; undefined when none does. */
export function registryOnlySidecarFor(c: AuditContext, policy: CompiledPolicy): string | undefined {
  const raw = c.model.policies.find(p => namespaceOf(p.object) === policy.namespace && p.object?.metadata?.name === policy.name)?.object;
  const selector = raw?.spec?.podSelector ?? {};
  const policyLabels = stringMap(selector.matchLabels);
  const sidecars = objectsOf(c, 'Sidecar', ISTIO_NETWORKING).filter(s => namespaceOf(s) === policy.namespace);
  const registryOnly = (s: any) => s?.spec?.outboundTrafficPolicy?.mode === 'REGISTRY_ONLY';
  const labelsOf = (s: any) => stringMap(s?.spec?.workloadSelector?.labels);
  const isWorkloadSidecar = (s: any) => Object.keys(labelsOf(s)).length > 0;

  // Every workload Sidecar that could apply to one of the policy's pods (no label conflict).
  const mayApply = sidecars.filter(s => isWorkloadSidecar(s)
    && Object.entries(labelsOf(s)).every(([k, v]) => policyLabels[k] === undefined || policyLabels[k] === v));
  const certain = mayApply.filter(s => Object.entries(labelsOf(s)).every(([k, v]) => policyLabels[k] === v));
  // Istio leaves undefined which of two workload Sidecars applies: all candidates must be REGISTRY_ONLY.
  if (certain.length > 0 && mayApply.every(registryOnly)) return nameOf(certain.filter(registryOnly)[0]);
  if (mayApply.some(s => !registryOnly(s))) return undefined;
  const namespaceWide = sidecars.filter(s => !isWorkloadSidecar(s));
  if (namespaceWide.length > 0 && namespaceWide.every(registryOnly)) return nameOf(namespaceWide[0]);
  return undefined;
}

function nameOf(sidecar: any): string {
  return `${namespaceOf(sidecar)}/${sidecar.metadata?.name}`;
}
