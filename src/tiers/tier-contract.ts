import { IConstruct } from 'constructs';
import { IPeer } from '../core/peer';
import { Port } from '../core/port';

/**
 * An isolated tier as the constructs built on it see it: its pods (labels, namespace, ports) and the
 * flows it can open. `IsolatedTier` implements it; a Service, for one, fronts any `IIsolatedTier`.
 */
export interface IIsolatedTier extends IPeer, IConstruct {
  /** The base name of the objects rendered for the tier. */
  readonly name: string;
  /** The namespace of the tier's pods. */
  readonly namespace: string;
  /** The labels that select the tier's pods. */
  readonly podLabels: { [key: string]: string };
  /** The ports the tier serves (empty when not declared). */
  readonly ports: Port[];

  /**
   * Allows `peer` to connect to the tier's pods on `ports`; no ports means the ports the tier declares.
   *
   * @param peer who may connect
   * @param ports the destination ports
   */
  allowFrom(peer: IPeer, ...ports: Port[]): void;
}

const TIER_MARK = Symbol.for('cdk8s-netsec.IsolatedTier');

/** Marks an object as an isolated tier, so that `isIsolatedTier` knows it across copies of this library. */
export function markIsolatedTier(tier: IIsolatedTier): void {
  Object.defineProperty(tier, TIER_MARK, { value: true });
}

/**
 * True when `x` was made an isolated tier by any copy of this library. The mark must be the object's own:
 * an object that merely inherits from a tier (`Object.create(tier)`) is not one.
 */
export function isIsolatedTier(x: any): x is IIsolatedTier {
  return x !== null && typeof x === 'object' && Object.prototype.hasOwnProperty.call(x, TIER_MARK);
}
