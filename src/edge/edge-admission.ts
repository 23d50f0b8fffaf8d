import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { netsecError, validationProblem } from '../core/errors';
import { toDnsLabel } from '../core/names';
import { IPeer, PeerConfig } from '../core/peer';
import { Port } from '../core/port';
import { IntentModel } from '../model/intent-model';
import { renderIngressIdentityPolicy } from '../render/cilium-network-policy';
import { IsolatedTier } from '../tiers/tier';

/*
 * How an edge's data plane is let into a tier, on one port: a NetworkPolicy rule from its pods (namespace
 * and labels together), or, for Cilium's Gateway API and Ingress, a CiliumNetworkPolicy admitting the
 * reserved `ingress` identity, because Cilium's per-node Envoy is not a pod a NetworkPolicy could name.
 */

/** Cilium's reserved `ingress` identity, as the edge peer of a gateway whose data plane is Cilium's Envoy. */
export class CiliumIngressIdentity implements IPeer {
  public toPeerConfig(): PeerConfig {
    throw netsecError('CiliumIngressIdentity', 'Cilium\'s reserved ingress identity is not a NetworkPolicy peer', 'ingress',
      'Admit it with a CiliumNetworkPolicy (fromEntities: [ingress]), as SecureIngress does for GatewayImplementation.cilium().');
  }

  public toString(): string {
    return 'Cilium\'s reserved ingress identity';
  }
}

/** True when `peer` is Cilium's ingress identity rather than pods. */
export function isCiliumIngressIdentity(peer: IPeer): boolean {
  return peer instanceof CiliumIngressIdentity;
}

/**
 * Lets `edge` reach `tier` on `port`. `name` names the CiliumNetworkPolicy when one is needed (it is
 * created as a child of `scope`, so that it belongs to the construct that asked).
 */
export function admitEdge(scope: Construct, name: string, tier: IsolatedTier, edge: IPeer, port: Port): void {
  if (!isCiliumIngressIdentity(edge)) {
    tier.allowFrom(edge, port);
    return;
  }
  const policyName = toDnsLabel([name, 'cilium-ingress']);
  const id = `CiliumIngress-${tier.namespace}-${policyName}`;
  if (scope.node.tryFindChild(id)) return;
  IntentModel.of(scope).names.claim('CiliumNetworkPolicy', tier.namespace, policyName, scope);
  new ApiObject(scope, id,
    renderIngressIdentityPolicy(scope.node.path, { name: policyName, namespace: tier.namespace, podLabels: tier.podLabels, port }));
  // The CiliumNetworkPolicy selects the tier for ingress in Cilium; its NetworkPolicy must keep every other
  // caller out, and a mesh cannot authorize a proxy that has no workload identity.
  scope.node.addValidation({
    validate: () => {
      const problems: string[] = [];
      if (!tier.isIngressIsolated()) {
        problems.push(validationProblem(`${tier} does not isolate ingress, so Cilium's gateway would not be the only caller`, tier.node.path,
          'Leave isolateIngress at its default (true) on the backend tier.'));
      }
      const mesh = IntentModel.of(scope).meshes.find((m: any) => typeof m.covers === 'function' && m.covers(tier.namespace) && m.authorization);
      if (mesh) {
        problems.push(validationProblem(`${mesh.node.path} authorizes callers of ${tier} by identity, and Cilium's ingress proxy has none`, tier.namespace,
          'Route through a gateway whose data plane runs as pods with a service account (e.g. GatewayImplementation.istio()), or cover the namespace without authorization.'));
      }
      return problems;
    },
  });
}
