/*
 * Library bugs the composition property finds today. Each entry names the bug and rewrites a generated
 * app that would hit it into the nearest one that does not (or, for a refusal that names the wrong fix,
 * accepts today's wording), so the suite stays green while the fixes land and the rest of the app is
 * still checked; the property itself stays as it should be. Remove an entry once its fix is merged (the
 * test then covers the combination again). Each fix belongs to a file another branch owns; see the
 * comments and the regression tests they name.
 */
import { AppSpec, CONTROLLER, dataPlaneOf } from './app-spec';

export interface KnownBug {
  readonly name: string;
  readonly matches: (spec: AppSpec) => boolean;
  /** The same app without the combination that hits the bug. */
  readonly avoid?: (spec: AppSpec) => AppSpec;
  /** For a refusal whose message is right but names the wrong fix: the text it names today, per namespace. */
  readonly refusalFix?: { readonly namespace: string; readonly fix: string };
}

const exemptAlso = (spec: AppSpec, ns: string): AppSpec => ({ ...spec, exempt: [...spec.exempt, ns] });

/** The namespaces of the edge data planes the library writes as components and that lack istiod when meshed. */
const meshedEdgeNamespaces = (spec: AppSpec) => [
  ...(spec.controllerBackend !== undefined ? [CONTROLLER.namespace] : []),
  ...(spec.gateway?.kind === 'envoy' ? [dataPlaneOf('envoy')!.namespace] : []),
];

export const KNOWN_BUGS: KnownBug[] = [
  {
    // A meshed edge data plane (its principal authorizes the backends, so it presents an mTLS identity: a
    // sidecar) needs istiod on 15012 like any sidecar; under ClusterIsolation the component policy of an
    // Envoy Gateway data plane allows only its own controller (18000), its routes and DNS, and that of an
    // ingress controller its backends, solvers, the API server and DNS. Neither the data-plane component
    // (src/platform/component-records.ts, dataPlaneComponent) nor MeshMtls writes it.
    name: 'meshed edge data plane cannot reach istiod',
    matches: (spec) => spec.clusterIsolation && spec.mesh !== 'none' && meshedEdgeNamespaces(spec).some((ns) => !spec.exempt.includes(ns)),
    avoid: (spec) => meshedEdgeNamespaces(spec).reduce((s, ns) => (s.exempt.includes(ns) ? s : exemptAlso(s, ns)), spec),
  },
];

/**
 * The app with every known bug avoided, the names of the bugs it would have hit, and the fix text each
 * refused namespace's message names today where that is a known bug.
 */
export function avoidKnownBugs(spec: AppSpec): { spec: AppSpec; avoided: string[]; refusalFixes: Map<string, string> } {
  const avoided: string[] = [];
  const refusalFixes = new Map<string, string>();
  let current = spec;
  for (const bug of KNOWN_BUGS) {
    if (bug.matches(current)) {
      avoided.push(bug.name);
      if (bug.avoid) current = bug.avoid(current);
      if (bug.refusalFix) refusalFixes.set(bug.refusalFix.namespace, bug.refusalFix.fix);
    }
  }
  return { spec: current, avoided, refusalFixes };
}
