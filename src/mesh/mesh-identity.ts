import { netsecError } from '../core/errors';
import { checkDns1123Subdomain } from '../core/names';
import { describePeerConfig, IpBlockConfig, IPeer, PeerConfig, resolvePeer } from '../core/peer';
import { isEmptySelector, selectorKey } from '../core/selector';
import { IsolatedTier } from '../tiers/tier';

/*
 * Workload identity in the mesh: how the source of a declared flow is named in an Istio
 * AuthorizationPolicy. Tiers and configured workloads are named exactly, by the SPIFFE principal of their
 * service account; whole namespaces by namespace and IP blocks by address. A peer Istio cannot name
 * exactly is refused rather than widened.
 */

/**
 * The service account that pods outside any tier run as (an ingress controller, a gateway, a scraper),
 * so that mesh authorization names them by principal instead of by namespace.
 *
 * @example
 * new MeshMtls(chart, 'mesh', { mode: MtlsMode.STRICT, identities: [
 *   { peer: IngressController.ingressNginx().peer, serviceAccountName: 'ingress-nginx' },
 *   { peer: Peer.pods({ istio: 'ingressgateway' }, 'istio-system'), serviceAccountName: 'istio-ingressgateway-service-account' },
 * ] });
 */
export interface WorkloadIdentity {
  /**
   * The pods, as flows name them: pod labels in one named namespace (`Peer.pods(labels, namespace)`).
   * A flow source matches when it selects the same labels in the same namespace.
   */
  readonly peer: IPeer;
  /** The service account those pods run as. */
  readonly serviceAccountName: string;
}

/** A workload identity checked and keyed for lookup. */
export interface ResolvedIdentity {
  /** `<namespace>|<pod selector>`: equal keys select the same pods. */
  readonly key: string;
  readonly namespace: string;
  readonly serviceAccountName: string;
}

/**
 * How a flow source is written in an AuthorizationPolicy `from.source`: one principal, one namespace
 * (`*` for any), or one IP block (with its exceptions).
 */
export interface MeshSource {
  readonly principal?: string;
  readonly namespace?: string;
  readonly ipBlock?: IpBlockConfig;
}

/** Why a flow source has no Istio equivalent: parts of a `netsecError`. */
export interface SourceProblem {
  readonly what: string;
  readonly value: unknown;
  readonly fix: string;
}

/** The SPIFFE principal Istio gives a service account: `<trustDomain>/ns/<namespace>/sa/<serviceAccount>`. */
export function principalOf(trustDomain: string, namespace: string, serviceAccountName: string): string {
  // Istio matches principals with a leading or trailing "*" as a prefix or suffix, and "/" separates the
  // parts: a part that is not a plain name could widen the principal to other service accounts or
  // namespaces ("<td>/ns/shop/sa/*"), so each part is a DNS-1123 name or nothing is written.
  for (const [field, value] of [['trustDomain', trustDomain], ['namespace', namespace], ['serviceAccountName', serviceAccountName]] as const) {
    const bad = badPrincipalPart(value);
    if (bad) throw netsecError(undefined, `a principal's ${field} ${bad}`, value, 'Name the service account by its metadata.name; "*" and "/" are never part of one.');
  }
  return `${trustDomain}/ns/${namespace}/sa/${serviceAccountName}`;
}

/** What is wrong with a part of a principal (trust domain, namespace or service account), or undefined. */
function badPrincipalPart(value: unknown): string | undefined {
  return typeof value === 'string' ? checkDns1123Subdomain(value) : 'must be a string';
}

/** Checks a trust domain (a DNS-like name such as `cluster.local`) and returns it. */
export function checkTrustDomain(where: string, trustDomain: string): string {
  const bad = typeof trustDomain === 'string' ? checkDns1123Subdomain(trustDomain) : 'must be a string';
  if (bad) {
    throw netsecError(where, `trustDomain ${bad}`, trustDomain,
      'Use the mesh\'s trust domain (meshConfig.trustDomain), "cluster.local" unless it was changed.');
  }
  return trustDomain;
}

/** Checks a workload identity and returns its lookup key. */
export function resolveIdentity(where: string, identity: WorkloadIdentity): ResolvedIdentity {
  if (identity === null || typeof identity !== 'object') {
    throw netsecError(where, 'a workload identity must be an object', identity, 'Pass { peer: Peer.pods(labels, "namespace"), serviceAccountName: "sa" }.');
  }
  const peer = identity.peer;
  const resolved = resolvePeer(where, peer);
  if (IsolatedTier.isIsolatedTier(peer)) {
    throw netsecError(where, 'a workload identity names a tier', String(peer),
      'Set serviceAccountName on the tier itself; identities are for peers that are not tiers.');
  }
  const config = resolved.toPeerConfig();
  if (config.ipBlock || !config.podSelector || isEmptySelector(config.podSelector) || config.namespace === undefined) {
    throw netsecError(where, 'a workload identity must select pods by labels in one named namespace', describePeerConfig(config),
      'Use Peer.pods({ app: "..." }, "namespace") for the peer of the identity.');
  }
  // Read once: what is checked is what the principal is built from (a getter could answer "*" later).
  const serviceAccountName: unknown = identity.serviceAccountName;
  const bad = badPrincipalPart(serviceAccountName);
  if (bad) {
    throw netsecError(where, `serviceAccountName ${bad}`, serviceAccountName, 'Use the service account\'s metadata.name.');
  }
  return { key: podKey(config.namespace, config), namespace: config.namespace, serviceAccountName: serviceAccountName as string };
}

/**
 * The Istio source for a flow from `peer` into pods of `destinationNamespace`, or why there is none.
 *
 * - a tier, or pods listed in `identities`: the principal of their service account (exact);
 * - pods by label without a known identity: none, a namespace would admit more than the pods;
 * - a whole namespace: that namespace;
 * - every pod of every namespace: any namespace (`*`), i.e. any mTLS-authenticated workload;
 * - an IP block: the block, compared with the connection's source address;
 * - pods in namespaces chosen by labels: none, Istio cannot see namespace labels.
 */
export function meshSourceOf(peer: IPeer, destinationNamespace: string, trustDomain: string,
  identities: ResolvedIdentity[]): MeshSource | SourceProblem {
  if (IsolatedTier.isIsolatedTier(peer)) {
    if (!peer.inMesh) {
      return {
        what: `${peer} runs outside the mesh, so it cannot present the mTLS identity a meshed destination requires`,
        value: peer.node.path,
        fix: 'Enroll its pods in the mesh (inMesh: true, with a service account), or add a PERMISSIVE port exception for the destination port.',
      };
    }
    const serviceAccountName = peer.serviceAccountName;
    if (serviceAccountName === undefined) return missingServiceAccount(peer);
    // The tier checked it; a value changed on the tier since (from JavaScript) is refused, never widened.
    const bad = badPrincipalPart(serviceAccountName);
    if (bad) {
      return {
        what: `${peer} has a serviceAccountName that ${bad}, so its principal would not name one service account`,
        value: serviceAccountName,
        fix: 'Set serviceAccountName on the tier to the service account\'s metadata.name, and do not change it afterwards.',
      };
    }
    return { principal: principalOf(trustDomain, peer.namespace, serviceAccountName) };
  }
  const config = peer.toPeerConfig();
  if (config.ipBlock) return { ipBlock: config.ipBlock };
  if (config.namespaceSelector) {
    return {
      what: `${peer} selects namespaces by label, which Istio authorization cannot see`,
      value: describePeerConfig(config),
      fix: 'Name the namespaces with Peer.namespace("name") or Peer.pods(labels, "name"), or make the callers a tier with a service account.',
    };
  }
  if (config.allNamespaces) {
    if (config.podSelector && !isEmptySelector(config.podSelector)) {
      return {
        what: `${peer} selects pods by label in every namespace, which Istio authorization cannot express without allowing every workload`,
        value: describePeerConfig(config),
        fix: 'Name the callers\' namespace with Peer.pods(labels, "name"), or make them a tier with a service account.',
      };
    }
    return { namespace: '*' };
  }
  const namespace = config.namespace ?? destinationNamespace;
  if (config.podSelector && !isEmptySelector(config.podSelector)) {
    const identity = identities.find((i) => i.key === podKey(namespace, config));
    if (identity) return { principal: principalOf(trustDomain, identity.namespace, identity.serviceAccountName) };
    // A namespace source would admit every workload of the namespace, more than the pods declared.
    return {
      what: `${peer} selects pods by label, and mesh authorization can name them only by their service account, which the app does not know`,
      value: describePeerConfig(config),
      fix: `Make the callers a tier with serviceAccountName, or give their service account in MeshMtls identities: [{ peer, serviceAccountName }]; use Peer.namespace("${namespace}") if every pod of the namespace may call.`,
    };
  }
  return { namespace };
}

/** The problem of a tier that takes part in mesh flows without a service account. */
export function missingServiceAccount(tier: IsolatedTier): SourceProblem {
  return {
    what: `${tier} has no service account, so mesh authorization cannot name it`,
    value: tier.serviceAccountName,
    fix: `Set serviceAccountName on the tier to the service account its pods run as (e.g. "${tier.name}").`,
  };
}

/** True when `x` is a `SourceProblem` rather than a result. */
export function isSourceProblem<T extends object>(x: T | SourceProblem): x is SourceProblem {
  return (x as SourceProblem).what !== undefined;
}

function podKey(namespace: string, config: PeerConfig): string {
  return `${namespace}|${selectorKey(config.podSelector ?? {})}`;
}
