import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { validationProblem } from '../core/errors';
import { toDnsLabel } from '../core/names';
import { describePeerConfig, PeerConfig } from '../core/peer';
import { compareStrings } from '../core/selector';
import { IntentModel } from '../model/intent-model';
import type { RequiredTraffic } from '../model/records';
import {
  CLUSTER_NETWORK_POLICY, ClusterAction, ClusterPeer, clusterPeerOf, clusterPeerProblem, ClusterPolicyIntent, ClusterTier, namespaceNamed,
  namespacesExcept, renderClusterPolicy,
} from '../render/cluster-network-policy';

/*
 * Egress a feature requires of every pod of a namespace (a sidecar mesh: istiod on TCP 15012, or the
 * sidecar never becomes ready) is written into the NetworkPolicy of each isolated group there. A pod that
 * no NetworkPolicy selects falls to the Baseline default deny instead, so the guardrails accept exactly
 * that egress for the namespace in a Baseline policy of its own, evaluated before the default deny. The
 * requirements are followed as they are recorded, so a mesh declared after the guardrails counts too.
 */

/** The key of the requirements that apply to every namespace (a mesh-wide MeshMtls). */
const EVERY_NAMESPACE = '*';

/** Writes the Baseline policies for the app's egress requirements, as they are known at synth. */
export class RequiredEgressPolicies {
  private readonly emitted = new Set<string>();

  /**
   * @param scope where the policies are made (the ClusterIsolation)
   * @param base the base name of the guardrails' policies
   * @param priority the Baseline priority they take (before the default deny)
   * @param exempt the namespaces the guardrails leave alone
   * @param policies where each policy made is added
   */
  public constructor(private readonly scope: Construct, private readonly base: string, private readonly priority: number,
    private readonly exempt: string[], private readonly policies: ApiObject[]) {}

  /**
   * Makes the policy of every namespace with requirements not made yet (called as intent is recorded,
   * never from a validation), and returns the requirements that a ClusterNetworkPolicy cannot express
   * (nothing is made for their namespace).
   */
  public emit(): string[] {
    return this.walk(true);
  }

  /** The requirements a ClusterNetworkPolicy cannot express, for the validation; makes nothing. */
  public problems(): string[] {
    return this.walk(false);
  }

  private walk(make: boolean): string[] {
    const model = IntentModel.of(this.scope);
    const byNamespace = new Map<string, RequiredTraffic[]>();
    for (const traffic of model.allRequiredEgress()) {
      const key = traffic.namespace ?? EVERY_NAMESPACE;
      if (key !== EVERY_NAMESPACE && this.exempt.includes(key)) continue;
      byNamespace.set(key, [...byNamespace.get(key) ?? [], traffic]);
    }
    const problems: string[] = [];
    for (const key of [...byNamespace.keys()].sort(compareStrings)) {
      const rules = byNamespace.get(key)!;
      const unwritable = rules.map((r) => ({ r, problem: this.peerOf(r).problem })).filter((x) => x.problem !== undefined);
      if (unwritable.length > 0) {
        problems.push(...unwritable.map(({ r, problem }) => validationProblem(`${r.requiredAt} requires the pods of ${describeNamespace(key)} to reach `
          + `${describePeerConfig(r.peer.toPeerConfig())}, which the Baseline must accept for pods no NetworkPolicy selects, but the peer ${problem}`,
        String(r.peer), 'Name the peer by namespace and labels, e.g. controlPlane: Peer.pods({ app: "istiod" }, "istio-system").')));
        continue;
      }
      if (!make || this.emitted.has(key)) continue;
      this.emitted.add(key);
      const name = toDnsLabel([this.base, 'required-egress', ...(key === EVERY_NAMESPACE ? [] : [key])]);
      IntentModel.of(this.scope).names.claim('ClusterNetworkPolicy', '', name, this.scope);
      // Rendered at synth: requirements of this namespace recorded later are written too.
      this.policies.push(new ApiObject(this.scope, `RequiredEgress-${key}`, {
        ...CLUSTER_NETWORK_POLICY,
        metadata: { name },
        spec: Lazy.any({ produce: () => renderClusterPolicy(this.intentOf(name, key)).spec }),
      }));
    }
    return problems;
  }

  private intentOf(name: string, key: string): ClusterPolicyIntent {
    const rules = IntentModel.of(this.scope).allRequiredEgress().filter((r) => (r.namespace ?? EVERY_NAMESPACE) === key);
    return {
      name,
      tier: ClusterTier.BASELINE,
      priority: this.priority,
      subject: { namespaces: key === EVERY_NAMESPACE ? namespacesExcept(this.exempt) : namespaceNamed(key) },
      egress: rules.map((r, i) => ({
        name: rules.length > 1 ? `accept-required-egress-${i + 1}` : 'accept-required-egress',
        action: ClusterAction.ACCEPT,
        peers: [this.peerOf(r).peer!],
        ports: r.ports,
      })),
    };
  }

  /**
   * The requirement's peer as a cluster peer. Pods named without a namespace are those of the namespace
   * that needs them, as in its NetworkPolicies; for a requirement of every namespace they cannot be named.
   */
  private peerOf(traffic: RequiredTraffic): { peer?: ClusterPeer; problem?: string } {
    const config: PeerConfig = traffic.peer.toPeerConfig();
    const unlocated = !config.ipBlock && config.namespace === undefined && !config.namespaceSelector && !config.allNamespaces;
    const located = unlocated && traffic.namespace !== undefined ? { ...config, namespace: traffic.namespace } : config;
    const problem = clusterPeerProblem(located, true);
    return problem ? { problem } : { peer: clusterPeerOf(located) };
  }
}

function describeNamespace(key: string): string {
  return key === EVERY_NAMESPACE ? 'every guarded namespace' : `namespace ${key}`;
}
