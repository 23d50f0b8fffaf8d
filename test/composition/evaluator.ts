/*
 * An independent, deliberately naive evaluator of synthesized manifests, written for the composition
 * test and never used to produce output. It imports nothing from src/ (in particular not src/analysis):
 * each semantics is read from its API reference (see the files it composes).
 *
 * L4, for each side of a connection (the source's egress, the destination's ingress):
 *   Admin ClusterNetworkPolicy (first match by priority: Accept / Deny / Pass)
 *   -> NetworkPolicy and CiliumNetworkPolicy together (isolated if either selects; allows add up;
 *      Cilium deny sections win)
 *   -> Baseline ClusterNetworkPolicy, only when nothing isolated the pod (no match: allowed).
 * A pod may always reach itself. An address outside the cluster (or a Cilium reserved identity) has no
 * side of its own. L7: Istio PeerAuthentication + AuthorizationPolicy at the destination's proxy.
 */
import { ciliumDenies, ciliumVerdict } from './cilium-policy';
import { clusterVerdict } from './cluster-network-policy';
import { meshAllows, MeshSettings, DEFAULT_MESH } from './istio-policy';
import { Direction, NamespaceLabels, networkPolicyVerdict } from './network-policy';
import { Pod, podOf, Query } from './world';

export { Endpoint, Pod, Query } from './world';

const NAME_LABEL = 'kubernetes.io/metadata.name';

export class Evaluator {
  private readonly networkPolicies: any[];
  private readonly namespaceLabels: NamespaceLabels;

  public constructor(private readonly objects: any[], private readonly mesh: MeshSettings = DEFAULT_MESH) {
    this.networkPolicies = objects.filter((o) => o.kind === 'NetworkPolicy');
    const declared = new Map<string, { [key: string]: string }>();
    for (const o of objects) if (o.kind === 'Namespace') declared.set(o.metadata.name, o.metadata.labels ?? {});
    this.namespaceLabels = (ns) => ({ ...(declared.get(ns) ?? {}), [NAME_LABEL]: ns });
  }

  /** True when the L4 policies let the connection through on both sides. */
  public l4(q: Query): boolean {
    const src = podOf(q.source);
    const dst = podOf(q.destination);
    if (src && dst && src === dst) return true;
    return (!src || this.side(src, 'egress', q)) && (!dst || this.side(dst, 'ingress', q));
  }

  /** True when the destination's mesh proxy accepts the connection (always, for pods outside the mesh). */
  public l7(q: Query): boolean {
    return meshAllows(this.objects, q, this.mesh);
  }

  /** Both layers. */
  public allows(q: Query): boolean {
    return this.l4(q) && this.l7(q);
  }

  private side(pod: Pod, direction: Direction, q: Query): boolean {
    const admin = clusterVerdict(this.objects, 'Admin', pod, direction, q, this.namespaceLabels);
    if (admin === 'Accept') return true;
    if (admin === 'Deny') return false;
    if (ciliumDenies(this.objects, pod, direction, q, this.namespaceLabels)) return false;
    const np = networkPolicyVerdict(this.networkPolicies, pod, direction, q, this.namespaceLabels);
    const cilium = ciliumVerdict(this.objects, pod, direction, q, this.namespaceLabels);
    if (np === true || cilium === true) return true;
    if (np === false || cilium === false) return false;
    return clusterVerdict(this.objects, 'Baseline', pod, direction, q, this.namespaceLabels) !== 'Deny';
  }
}
