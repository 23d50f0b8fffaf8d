import { IConstruct } from 'constructs';
import { IPeer, Peer } from '../core/peer';
import { Port } from '../core/port';
import { IntentModel } from '../model/intent-model';
import type { Flow } from '../model/records';
import { ISTIOD_LABELS, ISTIOD_XDS_TLS_PORT } from '../platform/platform-component';
import { IsolatedTier } from '../tiers/tier';

/*
 * An edge's data plane (a gateway's proxies, an ingress controller) whose backends sit behind a mesh that
 * asks every caller for its identity (STRICT mTLS, or authorization by principal, which SecureIngress and
 * MeshMtls identities name) must present one: it runs in the mesh, with a sidecar (the Istio gateways and
 * the injected controllers do), and a sidecar dials the mesh's control plane on TCP 15012 or never becomes
 * ready. Under the guardrails the data plane's policy is the platform tier they write, so that egress is
 * written there. A mesh that covers the data plane's own namespace already decides for it (its sidecars'
 * egress is the namespace's, written on every group there; ambient pods need none), so nothing is added.
 */

/** What the guardrails read of a MeshMtls (its public API), without depending on the mesh module. */
interface MeshView extends IConstruct {
  readonly authorization: boolean;
  readonly mode: string;
  readonly rootNamespace: string;
  covers(namespace: string): boolean;
}

function isMeshView(x: IConstruct): x is MeshView {
  const m = x as any;
  return typeof m.covers === 'function' && typeof m.rootNamespace === 'string';
}

/** What a sidecar of `mesh` dials: the egress the mesh requires of its namespaces, else istiod in its root namespace. */
function controlPlaneOf(model: IntentModel, mesh: MeshView): { peer: IPeer; ports: Port[] }[] {
  const required = model.allRequiredEgress().filter((r) => r.requiredAt === mesh.node.path);
  if (required.length > 0) return required.map((r) => ({ peer: r.peer, ports: r.ports }));
  return [{ peer: Peer.pods(ISTIOD_LABELS, mesh.rootNamespace), ports: [Port.tcp(ISTIOD_XDS_TLS_PORT)] }];
}

/**
 * Gives the data-plane tier `edge` egress to the control plane of each mesh that requires an identity of
 * its callers at one of the edge's backends. Idempotent; called when the app is validated.
 */
export function joinBackendMeshes(edge: IsolatedTier, done: Set<string>): void {
  const model = IntentModel.of(edge);
  const meshes = model.meshes.filter(isMeshView);
  if (meshes.some((m) => m.covers(edge.namespace))) return;
  const backends = [...model.flowsFrom(edge), ...model.mirrors.flowsOnto(edge).egress]
    .filter((f) => !f.transport)
    .map((f: Flow) => f.destination)
    .filter((d): d is IsolatedTier => IsolatedTier.isIsolatedTier(d) && d.inMesh);
  for (const mesh of meshes) {
    if (!mesh.authorization && mesh.mode !== 'STRICT') continue;
    if (!backends.some((b) => mesh.covers(b.namespace))) continue;
    for (const { peer, ports } of controlPlaneOf(model, mesh)) {
      const key = `${edge.node.path} ${String(peer)} ${ports.map(String).join(',')}`;
      if (done.has(key)) continue;
      done.add(key);
      // Written on the edge's policy only: the control plane admits every pod on this port (its own
      // tier), as it does the sidecars of the mesh's namespaces.
      model.addFlow({ source: edge, destination: peer, ports, declaredBy: edge, componentSideOnly: true });
    }
  }
}
