import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { toDnsLabel } from '../core/names';
import { IPeer } from '../core/peer';
import { Port } from '../core/port';
import type { IntentModel } from '../model/intent-model';
import { IsolatedPods } from '../tiers/isolated-pods';
import { IsolatedTier } from '../tiers/tier';

/*
 * The contract between `RestrictedEgress` and the enforcement points of FQDN destinations (one file per
 * enforcement point: fqdn-istio.ts, fqdn-cilium.ts). `RestrictedEgress` checks everything, then renders.
 */

/** One FQDN destination, merged by host name. */
export interface FqdnEntry {
  /** The host name, possibly a `*.` wildcard. */
  readonly hostname: string;
  /** Every port the name is allowed on. */
  readonly ports: Port[];
}

/** One IP destination, merged by CIDR. */
export interface IpEntry {
  /** The block, in canonical form. */
  readonly cidr: string;
  /** The ports; empty means every port. */
  readonly ports: Port[];
  /** True for `Destination.internet`. */
  readonly internet: boolean;
}

/** What a `RestrictedEgress` asks an enforcement point to enforce. */
export interface FqdnEgressRequest {
  /** The base name of emitted objects. */
  readonly baseName: string;
  /** The isolated pods whose egress is restricted. */
  readonly targets: IsolatedPods[];
  /** The FQDN destinations. */
  readonly fqdns: FqdnEntry[];
  /** The IP destinations (also those an enforcement point must let through, such as the metadata endpoint). */
  readonly ipEntries: IpEntry[];
  /** The cluster's DNS domain, for in-cluster Service names. */
  readonly clusterDomain: string;
  /** The app's intent model. */
  readonly model: IntentModel;
}

/** The objects an enforcement point emitted. */
export interface FqdnEnforcementOutput {
  /** The emitted objects. */
  readonly objects: ApiObject[];
}

/** One enforcement point: one implementation of this interface per `FqdnEnforcement` member. */
export interface FqdnEnforcer {
  /** Throws, naming `where`, when the request cannot be enforced. Runs before any construct is made. */
  check(where: string, request: FqdnEgressRequest): void;
  /** The L3 peers the pods need on the FQDN ports, given the internet blocks of the `RestrictedEgress`. */
  fqdnNetworkPeers(internet: IPeer[]): IPeer[];
  /** Emits the enforcement objects under `owner`; `fqdnPeers` are the peers of `fqdnNetworkPeers`. */
  render(owner: Construct, request: FqdnEgressRequest, fqdnPeers: IPeer[]): FqdnEnforcementOutput;
}

/** The name of the object an enforcement point emits for one target: the base name, plus the target's name when there are several. */
export function enforcementObjectName(request: FqdnEgressRequest, target: IsolatedPods): string {
  return request.targets.length === 1 ? request.baseName : toDnsLabel([request.baseName, targetName(target)]);
}

/** A tier's name, or a namespace target's namespace. */
export function targetName(target: IsolatedPods): string {
  return IsolatedTier.isIsolatedTier(target) ? target.name : target.namespace;
}
