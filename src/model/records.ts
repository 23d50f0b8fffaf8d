import type { IConstruct } from 'constructs';
import type { IPeer } from '../core/peer';
import type { Port } from '../core/port';
import type { MetadataEndpointAccess } from '../guardrails/metadata-endpoint-access';
import type { ClusterDns } from '../platform/cluster-dns';

/*
 * The records of intent the model keeps: plain data that constructs write and renderers read. A record
 * names the construct behind it by path where messages are all it is needed for; it keeps the construct
 * itself only where a reader calls into it (a flow's declarer is the scope of its errors, a Service's owner
 * claims its name, a route's owner answers which edge serves it, an enforcer is found by its kind).
 */

/** One declared flow: `source` may open connections to `destination` on `ports`. */
export interface Flow {
  /** Where connections start. */
  readonly source: IPeer;
  /** Where connections go. */
  readonly destination: IPeer;
  /** The destination ports; empty means every port of every protocol. */
  readonly ports: Port[];
  /** The construct whose call declared the flow (for errors and explanations). */
  readonly declaredBy: IConstruct;
  /**
   * Data-plane traffic a mesh adds for a declared flow (ambient HBONE on TCP 15008): written into
   * NetworkPolicies, never into mesh authorization.
   * @default false
   */
  readonly transport?: boolean;
  /**
   * A platform component's admission of every pod (e.g. istiod accepting xDS from any namespace): written
   * on the component's own policy only, never mirrored onto the groups it happens to select, whose side
   * is written by the feature that needs it (the mesh's or the DNS egress rule).
   * @default false
   */
  readonly componentSideOnly?: boolean;
}

/** A Service the library emitted, so that other renderers (mesh DestinationRules, audits) can find it. */
export interface ServiceRecord {
  /** The Service name. */
  readonly name: string;
  /** The Service namespace. */
  readonly namespace: string;
  /** The peer whose pods back the Service (usually an `IsolatedTier`). */
  readonly backend: IPeer;
  /** The target (container) ports the Service forwards to. */
  readonly targetPorts: Port[];
  /** The construct that emitted it (it claims the Service's name). */
  readonly owner: IConstruct;
}

/**
 * Traffic that the isolated pods of a namespace need whatever flows they declare, for a platform component
 * to work: e.g. mesh sidecars reaching their control plane. Every isolated group of pods there gets the
 * rule in the direction it isolates.
 */
export interface RequiredTraffic {
  /**
   * The namespace whose isolated pods need the traffic.
   * @default - every namespace
   */
  readonly namespace?: string;
  /** The peer the pods must reach (egress) or accept (ingress). */
  readonly peer: IPeer;
  /** The ports; empty means every port of every protocol. */
  readonly ports: Port[];
  /** The path of the construct that needs it (for errors and explanations). */
  readonly requiredAt: string;
}

/** Labels that Namespace objects the library emits must carry, for a platform component (e.g. mesh injection). */
export interface RequiredNamespaceLabels {
  /**
   * The namespace whose Namespace object needs the labels.
   * @default - every namespace
   */
  readonly namespace?: string;
  /** The labels. */
  readonly labels: { [key: string]: string };
  /** The path of the construct that needs them (for errors). */
  readonly requiredAt: string;
}

/** Hosts and paths an edge (an ingress class or a gateway) routes to one backend. */
export interface EdgeRouteRecord {
  /** Which edge serves the route: routes of different edges never compete. */
  readonly edge: string;
  /** The host names. */
  readonly hosts: string[];
  /** The request paths. */
  readonly paths: string[];
  /** How the paths match (routes with different match types do not compete). */
  readonly pathType: string;
  /** A description of the backend, for errors. */
  readonly backend: string;
  /** The construct that declared the route (issuers ask it which edge serves its certificates). */
  readonly owner: IConstruct;
}

/**
 * The identity of an edge's data plane (an ingress controller's or a gateway's pods): the pods as flows
 * name them, and the service account they run as, so that mesh authorization can name them by principal.
 */
export interface EdgeIdentityRecord {
  /** The pods: labels in one named namespace. */
  readonly peer: IPeer;
  /** The service account those pods run as. */
  readonly serviceAccountName: string;
  /** The path of the construct that declared the edge. */
  readonly declaredAt: string;
}

/**
 * Cluster-wide isolation (a `ClusterIsolation`): every pod of every namespace but the exempt ones is
 * isolated in both directions by a Baseline ClusterNetworkPolicy, whatever NetworkPolicies exist.
 */
export interface ClusterBaseline {
  /** The namespaces the guardrails leave alone. */
  readonly exemptNamespaces: string[];
  /** The pods that keep access to the cloud metadata endpoint. */
  readonly metadataEndpointAccess: MetadataEndpointAccess[];
  /**
   * Where pods of guarded namespaces resolve names (the DNS its Baseline accepts), which pods the library
   * makes there (e.g. cert-manager's HTTP-01 solvers) are given.
   * @default - not recorded: such pods get kube-dns, the guardrails' own default
   */
  readonly dns?: ClusterDns;
  /** The path of the construct that declared it (for errors). */
  readonly declaredAt: string;
}

/**
 * An egress allowlist enforced beyond NetworkPolicy (e.g. the Istio objects of a `RestrictedEgress`), so
 * that enforcement points can find each other without scanning the construct tree.
 */
export interface EgressEnforcementRecord {
  /** The construct that emits the enforcement objects. */
  readonly enforcer: IConstruct;
  /** The isolated groups of pods it restricts. */
  readonly targets: IConstruct[];
}
