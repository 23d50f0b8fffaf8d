import { lockFields, markMadeByLibrary } from '../core/checked-input';
import { netsecError } from '../core/errors';
import { checkNamespace } from '../core/peer';

/** The one namespace a plain `exemptNamespaces` entry may name, and the reason it carries. */
export const KUBE_SYSTEM = 'kube-system';
export const KUBE_SYSTEM_REASON = 'the cluster\'s own system components (CNI, kube-proxy, cloud agents) run in kube-system with flows the app does not describe';

/**
 * A namespace the guardrails' Baseline default deny leaves alone, with the reason. The metadata-endpoint
 * deny still applies there: an exemption never opens the cloud metadata endpoint.
 *
 * @example
 * NamespaceExemption.of('legacy-billing', 'not yet described by tiers; tracked in PLAT-123');
 */
export class NamespaceExemption {
  /**
   * Exempts `namespace` from the Baseline default deny.
   * @param namespace the namespace
   * @param reason why, for reviewers and the audit (not empty)
   */
  public static of(namespace: string, reason: string): NamespaceExemption {
    const where = 'NamespaceExemption.of';
    const name = checkNamespace(where, namespace);
    if (typeof reason !== 'string' || reason.trim().length === 0) {
      throw netsecError(where, `the exemption of ${name} has no reason`, reason, 'State why the namespace is left out of the default deny, e.g. "vendor operator with undocumented flows".');
    }
    // One line: the reasons are written one per line on the Baseline policy, which the audit reads back.
    return new NamespaceExemption(name, reason.trim().replace(/\s+/g, ' '));
  }

  /** The exempt namespace (not `namespace`, which names nothing here but reads like the factory). */
  public readonly namespaceName: string;
  /** Why it is exempt. */
  public readonly reason: string;

  private constructor(namespace: string, reason: string) {
    this.namespaceName = namespace;
    this.reason = reason;
    lockFields(this, ['namespaceName', 'reason']);
    markMadeByLibrary(this);
  }

  /** `kube-system (the cluster's own ...)`. */
  public toString(): string {
    return `${this.namespaceName} (${this.reason})`;
  }
}
