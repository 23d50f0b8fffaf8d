import { netsecError } from '../core/errors';
import { checkLabelValue } from '../core/names';

/** The namespace label that turns on Istio's default sidecar injector. */
const SIDECAR_INJECTION_LABEL = 'istio-injection';
/** The namespace label that picks a revision of the Istio control plane for sidecar injection. */
const REVISION_LABEL = 'istio.io/rev';
/** The namespace label that enrolls pods in the ambient data plane (ztunnel, no sidecars). */
const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';

/** The Istio namespace labels that select a data plane; a namespace should carry at most one of them. */
export const MESH_NAMESPACE_LABELS = [SIDECAR_INJECTION_LABEL, REVISION_LABEL, DATAPLANE_MODE_LABEL];

/**
 * How pods of the namespaces a `MeshMtls` covers join the mesh, and so which labels the Namespace
 * objects the library emits carry.
 *
 * The data plane decides which traffic the NetworkPolicies must let through for the mesh to work:
 * sidecars reach istiod on TCP 15012; ambient pods exchange tunnelled (HBONE) traffic on TCP 15008.
 *
 * @example
 * MeshInjection.sidecar();          // istio-injection: enabled
 * MeshInjection.revision('1-24-0'); // istio.io/rev: 1-24-0 (canary / revision-based upgrades)
 * MeshInjection.ambient();          // istio.io/dataplane-mode: ambient
 */
export class MeshInjection {
  /** Sidecars from the default injector: `istio-injection: enabled`. */
  public static sidecar(): MeshInjection {
    return new MeshInjection({ [SIDECAR_INJECTION_LABEL]: 'enabled' }, false);
  }

  /**
   * Sidecars from one control-plane revision: `istio.io/rev: <revision>`. The namespace must not also
   * carry `istio-injection`, which takes precedence over the revision label.
   *
   * @param revision the revision name (or revision tag) of the istiod to inject from, e.g. "1-24-0" or "stable"
   */
  public static revision(revision: string): MeshInjection {
    const bad = typeof revision !== 'string' || revision.length === 0 ? 'must be a non-empty string' : checkLabelValue(revision);
    if (bad) {
      throw netsecError('MeshInjection.revision', `revision ${bad}`, revision,
        'Give the istiod revision or revision tag, e.g. "1-24-0" or "stable".');
    }
    return new MeshInjection({ [REVISION_LABEL]: revision }, false);
  }

  /**
   * The ambient data plane: `istio.io/dataplane-mode: ambient`. Pods get no sidecar; the node's ztunnel
   * carries their traffic over HBONE (TCP 15008) and enforces mTLS and L4 authorization.
   */
  public static ambient(): MeshInjection {
    return new MeshInjection({ [DATAPLANE_MODE_LABEL]: 'ambient' }, true);
  }

  /**
   * No namespace label: injection is configured elsewhere (a pod label, an existing namespace, a mesh
   * default). Pods are still assumed to run sidecars, so their control-plane egress is written.
   */
  public static unmanaged(): MeshInjection {
    return new MeshInjection({}, false);
  }

  /** The labels written on Namespace objects the library emits (empty for `unmanaged()`). */
  public readonly namespaceLabels: { [key: string]: string };
  /**
   * True for the ambient data plane (no sidecars).
   * @internal
   */
  public readonly _isAmbient: boolean;

  private constructor(namespaceLabels: { [key: string]: string }, isAmbient: boolean) {
    // Frozen and not writable: the labels decide whether pods get a proxy at all, and a label changed after
    // MeshMtls read them ("istio-injection": "disabled") would leave pods accepting plaintext. The instance
    // itself stays extensible (the jsii runtime tags the objects it hands to other languages).
    this.namespaceLabels = Object.freeze({ ...namespaceLabels });
    this._isAmbient = isAmbient;
    for (const field of ['namespaceLabels', '_isAmbient']) {
      Object.defineProperty(this, field, { writable: false, configurable: false });
    }
  }

  /** `sidecar (istio-injection=enabled)`, `ambient (istio.io/dataplane-mode=ambient)`, `unmanaged`. */
  public toString(): string {
    const labels = Object.entries(this.namespaceLabels).map(([k, v]) => `${k}=${v}`);
    if (labels.length === 0) return 'unmanaged';
    return `${this._isAmbient ? 'ambient' : 'sidecar'} (${labels.join(',')})`;
  }
}
