import { IConstruct } from 'constructs';
import { GroupScope } from './selection';
import { IPeer, isRegisteredGroupPeer } from '../core/peer';
import { ClusterDns } from '../platform/cluster-dns';

/**
 * What the intent model and the NetworkPolicy renderer read of a group of pods that one NetworkPolicy
 * isolates (a tier, or every pod of a namespace). The constructs implement it; the model names only
 * this shape, so that it does not depend on the constructs that feed it.
 */
export interface IsolatedGroup extends IPeer, IConstruct {
  /** The namespace of the pods. */
  readonly namespace: string;
  /** Whether the group's own policy denies ingress except for declared flows. */
  readonly isolatesIngress: boolean;
  /** Whether the group's own policy denies egress except for declared flows and DNS. */
  readonly isolatesEgress: boolean;
  /** Where the pods resolve names. */
  readonly dns: ClusterDns;
  /** True when ingress is denied except for declared flows (by this group or a namespace baseline). */
  isIngressIsolated(): boolean;
  /** True when egress is denied except for declared flows and DNS (by this group or a namespace baseline). */
  isEgressIsolated(): boolean;
  /** The namespace and labels of the pods. */
  _podScope(): GroupScope;
}

/**
 * True when a peer is an isolated group of the app (a tier or a namespace isolation), not a raw selector:
 * one the library built and registered, never an object that only has a `_podScope` method (a user's
 * own ApiObject, or an object derived from a tier).
 */
export function isIsolatedGroup(peer: IPeer): peer is IsolatedGroup {
  return isRegisteredGroupPeer(peer) && typeof (peer as any)._podScope === 'function';
}
