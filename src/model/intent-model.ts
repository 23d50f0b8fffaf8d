import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import type { IsolatedGroup } from './isolated-group';
import { closestName } from './near-names';
import { GroupScope, Selection, selectionOf } from './selection';
import { inCallerSpelling } from '../core/errors';
import { describePeerConfig, IPeer, PeerConfig } from '../core/peer';
import { Port } from '../core/port';
import type { MetadataEndpointAccess } from '../guardrails/metadata-endpoint-access';
import type { ClusterDns } from '../platform/cluster-dns';
import type { PlatformComponent } from '../platform/platform-component';

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
  /** The construct that emitted it. */
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
  /** The construct that needs it (for errors and explanations). */
  readonly requiredBy: IConstruct;
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
  /** The construct that needs them (for errors). */
  readonly requiredBy: IConstruct;
}

/**
 * Reacts to intent as it is declared: for renderers that emit one object per flow destination or per
 * Service, which must exist before the app synthesizes even when the intent comes later in the program.
 */
export interface IIntentObserver {
  /** Called once for every flow: first for the flows already declared, then as each one is added. */
  flowAdded(flow: Flow): void;
  /** Called once for every Service record: first for those already recorded, then as each one is added. */
  serviceAdded(service: ServiceRecord): void;
  /** Called for every isolated group added after the observer (a group is complete when it is added). */
  groupAdded?(group: IsolatedGroup): void;
  /**
   * Called when what selection and mirroring read may have changed for groups already recorded: a namespace
   * or cluster baseline (isolation), or labels a Namespace object must carry.
   */
  scopeChanged?(): void;
  /** Called for every edge identity recorded after the observer. */
  edgeIdentityAdded?(identity: EdgeIdentityRecord): void;
  /** Called when a mesh or traffic every pod of a namespace requires is recorded after the observer. */
  requirementAdded?(): void;
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
  /** The construct that declared the route. */
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
  /** The construct that declared the edge. */
  readonly declaredBy: IConstruct;
}

/** A name an emitted object claims, so that two objects never share a kind, namespace and name. */
interface NameClaim {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly owner: IConstruct;
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
  /** The construct that declared it (for errors). */
  readonly declaredBy: IConstruct;
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

const MODEL_ID = 'cdk8s-netsec.IntentModel';

/**
 * The network-security intent of one cdk8s app: every flow that tiers and other constructs declared.
 *
 * Constructs record intent here; each output (NetworkPolicy, Service, Istio policy, diagram) is rendered
 * from it when the app synthesizes. There is one model per app, kept as a child of the app's root.
 */
export class IntentModel extends Construct {
  /** The model of the app that `scope` belongs to (created on first use). */
  public static of(scope: IConstruct): IntentModel {
    const root = scope.node.root;
    const existing = root.node.tryFindChild(MODEL_ID);
    return existing instanceof IntentModel ? existing : new IntentModel(root, MODEL_ID);
  }

  /** The model of the app that `scope` belongs to, if one was made (never creates one). */
  public static find(scope: IConstruct): IntentModel | undefined {
    const existing = scope.node.root.node.tryFindChild(MODEL_ID);
    return existing instanceof IntentModel ? existing : undefined;
  }

  private readonly _flows: Flow[] = [];
  // The same flows indexed by peer, so that rendering each tier's policy does not scan every flow.
  private readonly flowsBySource = new Map<IPeer, Flow[]>();
  private readonly flowsByDestination = new Map<IPeer, Flow[]>();
  // The first claim of each name, and every later claim of it by another construct. Kept as claims
  // arrive because cdk8s validates the whole app once per chart it synthesizes.
  private readonly firstClaims = new Map<string, NameClaim>();
  private readonly nameConflicts: { claim: NameClaim; first: NameClaim }[] = [];
  private readonly _services: ServiceRecord[] = [];
  private readonly baselines: { namespace: string; ingress: boolean; egress: boolean }[] = [];
  private clusterWide?: ClusterBaseline;
  private readonly enforcements: EgressEnforcementRecord[] = [];
  private readonly requiredIngressRules: RequiredTraffic[] = [];
  private readonly requiredEgressRules: RequiredTraffic[] = [];
  private readonly observers: IIntentObserver[] = [];
  private readonly namespaceLabelRules: RequiredNamespaceLabels[] = [];
  // Every isolated group of pods of the app (tiers and namespace isolations), also by namespace.
  private readonly groups: IsolatedGroup[] = [];
  private readonly groupsByNamespace = new Map<string, IsolatedGroup[]>();
  // Namespaces the app declares (isolates, or names as a chart's namespace), with who declared them first.
  private readonly declared = new Map<string, IConstruct>();
  // Namespaces our constructs place objects in, with the first construct that did.
  private readonly used = new Map<string, { by: IConstruct; what: string }[]>();
  private namespaceUses = 0;
  // Flows mirrored onto the groups whose pods their raw-selector side selects; recomputed when intent changes.
  private mirrors?: Mirrors;
  // Values computed from the intent (whole-app checks, renderer caches), each with the generation it was
  // computed in; see `generation()`.
  private readonly memos = new Map<string, { generation: number; value: unknown }>();
  // Whole-app checks that features registered, by key.
  private readonly featureChecks = new Map<string, () => string[]>();
  private readonly _meshes: IConstruct[] = [];
  private readonly edgeRouteRecords: EdgeRouteRecord[] = [];
  private readonly edgeIdentityRecords: EdgeIdentityRecord[] = [];
  private readonly components: PlatformComponent[] = [];
  private readonly componentObservers: ((component: PlatformComponent) => void)[] = [];

  private constructor(scope: IConstruct, id: string) {
    super(scope as Construct, id);
    this.node.addValidation({
      validate: () => this.wholeAppProblems().map(inCallerSpelling),
    });
  }

  /** Every flow declared so far, in declaration order. */
  public get flows(): Flow[] {
    return [...this._flows];
  }

  /** Records a flow. Ports are kept as given; renderers merge and sort them. */
  public addFlow(flow: Flow): void {
    this.mirrors = undefined;
    // A namespace the user names in a peer is checked for typos like the namespace of a tier.
    for (const peer of [flow.source, flow.destination]) {
      const named = isIsolatedGroup(peer) ? undefined : peer.toPeerConfig().namespace;
      if (named !== undefined) this.useNamespace(named, flow.declaredBy, `the peer ${peer} of a flow`);
    }
    this._flows.push(flow);
    indexFlow(this.flowsBySource, flow.source, flow);
    indexFlow(this.flowsByDestination, flow.destination, flow);
    this.observers.forEach((o) => o.flowAdded(flow));
  }

  /** The flows whose destination is `peer` (compared by identity). */
  public flowsTo(peer: IPeer): Flow[] {
    return [...this.flowsByDestination.get(peer) ?? []];
  }

  /** The flows whose source is `peer` (compared by identity). */
  public flowsFrom(peer: IPeer): Flow[] {
    return [...this.flowsBySource.get(peer) ?? []];
  }

  /** Records a MeshMtls of the app. */
  public addMesh(mesh: IConstruct): void {
    this._meshes.push(mesh);
    this.observers.forEach((o) => o.requirementAdded?.());
  }

  /**
   * Records a platform component (cluster DNS, mesh control plane, an edge's data plane): its namespace
   * and pods, and the flows it needs. A component with the same namespace and labels as one recorded
   * before is the same pods and is kept once. The namespace it is installed in (a default such as
   * istio-system, or one the user stated for it) counts as declared for the typo check.
   */
  public addPlatformComponent(component: PlatformComponent): void {
    const key = `${component.namespace}/${labelKey(component.podLabels)}`;
    if (this.components.some((c) => `${c.namespace}/${labelKey(c.podLabels)}` === key)) return;
    this.components.push(component);
    if (component.installedNamespace) this.declareNamespace(component.namespace, component.declaredBy);
    this.componentObservers.forEach((o) => o(component));
  }

  /** Every platform component recorded, in declaration order. */
  public get platformComponents(): PlatformComponent[] {
    return [...this.components];
  }

  /** Calls `observer` for every platform component, those recorded so far and those to come. */
  public observePlatformComponents(observer: (component: PlatformComponent) => void): void {
    this.componentObservers.push(observer);
    this.components.forEach((c) => observer(c));
  }

  /** Every MeshMtls of the app, in declaration order. */
  public get meshes(): IConstruct[] {
    return [...this._meshes];
  }

  /** Records an isolated group of pods (a tier or a namespace isolation). */
  public addGroup(group: IsolatedGroup): void {
    this.mirrors = undefined;
    this.groups.push(group);
    const inNamespace = this.groupsByNamespace.get(group.namespace);
    if (inNamespace) inNamespace.push(group);
    else this.groupsByNamespace.set(group.namespace, [group]);
    this.observers.forEach((o) => o.groupAdded?.(group));
  }

  /** Every isolated group of pods, in declaration order. */
  public get isolatedGroups(): IsolatedGroup[] {
    return [...this.groups];
  }

  /** The isolated groups of one namespace, in declaration order. */
  public groupsIn(namespace: string): IsolatedGroup[] {
    return [...this.groupsByNamespace.get(namespace) ?? []];
  }

  /** Records that the app knows `namespace` (it isolates it, or a chart is bound to it). */
  public declareNamespace(namespace: string, by: IConstruct): void {
    if (!this.declared.has(namespace)) this.declared.set(namespace, by);
  }

  /** True when the app declares `namespace`. */
  public isDeclaredNamespace(namespace: string): boolean {
    return this.declared.has(namespace);
  }

  /** Records that a construct places `what` (a tier, an edge, a mesh) in `namespace`; checked at synth. */
  public useNamespace(namespace: string, by: IConstruct, what: string): void {
    this.namespaceUses++;
    const uses = this.used.get(namespace);
    if (uses) uses.push({ by, what });
    else this.used.set(namespace, [{ by, what }]);
  }

  /**
   * Flows to be written on `group` because their other side selects its pods without naming the group
   * (a raw selector, a namespace isolation around a tier, a DNS server that is a tier): ingress flows
   * whose destination selects every pod of the group, and egress flows whose source does.
   */
  public mirroredFlows(group: IsolatedGroup): { ingress: Flow[]; egress: Flow[] } {
    const mirrors = this.mirrors ?? (this.mirrors = computeMirrors(this.groups, this.groupsByNamespace, this.allFlowsWithDns(), this.clusterWide));
    return mirrors.byGroup.get(group) ?? { ingress: [], egress: [] };
  }

  /** Every declared flow plus each egress-isolated group's DNS rule, as flows (DNS servers can be tiers). */
  private allFlowsWithDns(): Flow[] {
    const dns = this.groups.filter((g) => g.isolatesEgress).flatMap((g) => g.dns._destinations
      .map((d) => ({ source: g as IPeer, destination: d.peer, ports: d.ports, declaredBy: g as IConstruct, dns: true })));
    return [...this._flows, ...dns];
  }

  /** Every Service the library emitted, in declaration order. */
  public get services(): ServiceRecord[] {
    return [...this._services];
  }

  /** Records a Service the library emitted (its name is claimed as well). */
  public addService(record: ServiceRecord): void {
    this.claimName('Service', record.namespace, record.name, record.owner);
    this._services.push(record);
    this.observers.forEach((o) => o.serviceAdded(record));
  }

  /** Calls `observer` for every flow and Service record, those declared so far and those to come. */
  public observe(observer: IIntentObserver): void {
    this.observers.push(observer);
    this._flows.forEach((f) => observer.flowAdded(f));
    this._services.forEach((s) => observer.serviceAdded(s));
  }

  /** Records ingress that every ingress-isolated group of pods in `traffic.namespace` must accept. */
  public requireIngress(traffic: RequiredTraffic): void {
    this.requiredIngressRules.push(traffic);
    this.observers.forEach((o) => o.requirementAdded?.());
  }

  /** Records egress that every egress-isolated group of pods in `traffic.namespace` must be allowed. */
  public requireEgress(traffic: RequiredTraffic): void {
    this.requiredEgressRules.push(traffic);
    this.observers.forEach((o) => o.requirementAdded?.());
  }

  /**
   * Records labels that the emitted Namespace object of `required.namespace` must carry. They are read when
   * the Namespace object renders, so namespaces declared later get them too.
   */
  public requireNamespaceLabels(required: RequiredNamespaceLabels): void {
    this.mirrors = undefined;
    this.namespaceLabelRules.push(required);
    this.observers.forEach((o) => o.scopeChanged?.());
  }

  /** Every label rule that applies to `namespace`, in declaration order. */
  public requiredNamespaceLabels(namespace: string): RequiredNamespaceLabels[] {
    return this.namespaceLabelRules.filter((r) => r.namespace === undefined || r.namespace === namespace);
  }

  /** The ingress that isolated pods of `namespace` must accept, in declaration order. */
  public requiredIngress(namespace: string): RequiredTraffic[] {
    return this.requiredIngressRules.filter((r) => r.namespace === undefined || r.namespace === namespace);
  }

  /** The egress that isolated pods of `namespace` must be allowed, in declaration order. */
  public requiredEgress(namespace: string): RequiredTraffic[] {
    return this.requiredEgressRules.filter((r) => r.namespace === undefined || r.namespace === namespace);
  }

  /** Every egress requirement, in declaration order (the guardrails write it for pods no group describes). */
  public allRequiredEgress(): RequiredTraffic[] {
    return [...this.requiredEgressRules];
  }

  /**
   * Records that every pod of `namespace` is isolated in the given directions (a namespace baseline).
   * Pods there are then isolated whatever their own policy says, so their declared flows must be written.
   */
  public addNamespaceBaseline(namespace: string, isolatesIngress: boolean, isolatesEgress: boolean): void {
    this.mirrors = undefined;
    this.baselines.push({ namespace, ingress: isolatesIngress, egress: isolatesEgress });
    this.observers.forEach((o) => o.scopeChanged?.());
  }

  /**
   * Records cluster-wide isolation. There is at most one per app; the caller checks `clusterBaseline`
   * first, so that it can refuse a second one before it builds anything.
   */
  public addClusterBaseline(baseline: ClusterBaseline): void {
    this.mirrors = undefined;
    this.clusterWide = baseline;
    this.observers.forEach((o) => o.scopeChanged?.());
  }

  /** The cluster-wide isolation of the app, if any. */
  public get clusterBaseline(): ClusterBaseline | undefined {
    return this.clusterWide;
  }

  /** True when a cluster-wide baseline covers `namespace` (it is not exempt). */
  public clusterIsolates(namespace: string): boolean {
    return this.clusterWide !== undefined && !this.clusterWide.exemptNamespaces.includes(namespace);
  }

  /** True when a NamespaceIsolation (not the cluster-wide baseline) isolates `namespace` in some direction. */
  public namespaceBaselineIsolates(namespace: string): boolean {
    return this.baselines.some((b) => b.namespace === namespace && (b.ingress || b.egress));
  }

  /** True when a namespace or cluster-wide baseline isolates ingress to every pod of `namespace`. */
  public namespaceIsolatesIngress(namespace: string): boolean {
    return this.clusterIsolates(namespace) || this.baselines.some((b) => b.namespace === namespace && b.ingress);
  }

  /** True when a namespace or cluster-wide baseline isolates egress from every pod of `namespace`. */
  public namespaceIsolatesEgress(namespace: string): boolean {
    return this.clusterIsolates(namespace) || this.baselines.some((b) => b.namespace === namespace && b.egress);
  }

  /** Records an egress allowlist enforced beyond NetworkPolicy. */
  public addEgressEnforcement(record: EgressEnforcementRecord): void {
    this.enforcements.push(record);
  }

  /** Every egress allowlist enforced beyond NetworkPolicy, in declaration order. */
  public get egressEnforcements(): EgressEnforcementRecord[] {
    return [...this.enforcements];
  }

  /**
   * Reserves an object name; a second construct claiming the same kind, namespace and name fails
   * validation with both construct paths.
   */
  public claimName(kind: string, namespace: string, name: string, owner: IConstruct): void {
    const claim: NameClaim = { kind, namespace, name, owner };
    const key = `${kind}/${namespace}/${name}`;
    const first = this.firstClaims.get(key);
    if (first && first.owner !== owner) {
      this.nameConflicts.push({ claim, first });
    } else if (!first) {
      this.firstClaims.set(key, claim);
    }
  }

  /** The first isolated group with exactly `podLabels` in `namespace`, or undefined. */
  public endpointSelecting(namespace: string, podLabels: { [key: string]: string }): IConstruct | undefined {
    const wanted = labelKey(podLabels);
    return (this.groupsByNamespace.get(namespace) ?? []).find((g) => labelKey(g._podScope().podLabels) === wanted);
  }

  /** Records hosts and paths an edge routes to a backend. */
  public addEdgeRoute(route: EdgeRouteRecord): void {
    this.edgeRouteRecords.push(route);
  }

  /** Every route recorded, of every edge, in declaration order. */
  public get edgeRoutesOfAllEdges(): EdgeRouteRecord[] {
    return [...this.edgeRouteRecords];
  }

  /** The routes recorded for `edge`, in declaration order. */
  public edgeRoutes(edge: string): EdgeRouteRecord[] {
    return this.edgeRouteRecords.filter((r) => r.edge === edge);
  }

  /** Records the service account of an edge's data-plane pods (ingress controller or gateway). */
  public addEdgeIdentity(identity: EdgeIdentityRecord): void {
    this.edgeIdentityRecords.push(identity);
    this.observers.forEach((o) => o.edgeIdentityAdded?.(identity));
  }

  /** Every edge identity recorded, in declaration order. */
  public get edgeIdentities(): EdgeIdentityRecord[] {
    return [...this.edgeIdentityRecords];
  }

  /**
   * The constructs that claimed a name of `kind` in `namespace`, in the order of their first claim: e.g.
   * the isolated groups of pods of a namespace are the owners of its NetworkPolicies.
   */
  public claimOwners(kind: string, namespace: string): IConstruct[] {
    const owners: IConstruct[] = [];
    for (const claim of [...this.firstClaims.values(), ...this.nameConflicts.map((c) => c.claim)]) {
      if (claim.kind === kind && claim.namespace === namespace && !owners.includes(claim.owner)) owners.push(claim.owner);
    }
    return owners;
  }

  /**
   * A tier, edge or mesh in a namespace one or two edits away from a namespace the app isolates or binds a
   * chart to is taken for a typo: its objects would land in a namespace nobody isolated, next to the one
   * meant. Namespaces far from every declared one are taken as meant (a tier may live in another team's
   * namespace); declare a near name on purpose by isolating it or binding a chart to it.
   */
  private undeclaredNamespaces(): string[] {
    // Charts bound to a namespace declare it, whether or not they hold an isolated group yet.
    const declared = new Set([...this.declared.keys(), ...chartNamespaces(this.node.root)]);
    if (declared.size === 0) return [];
    const errors: string[] = [];
    for (const [namespace, uses] of this.used) {
      if (declared.has(namespace)) continue;
      const close = closestName(namespace, [...declared]);
      if (close === undefined) continue;
      const first = uses[0];
      errors.push(`${first.by.node.path}: ${first.what} is in namespace ${namespace}, which the app neither isolates nor declares, next to the declared namespace ${close} ("${namespace}"). `
        + `Did you mean "${close}"? Fix the namespace, or declare "${namespace}" on purpose: isolate it with new NamespaceIsolation(chart, "id", { namespace: "${namespace}" }), or bind a chart to it (new Chart(app, "id", { namespace: "${namespace}" })).`);
    }
    return errors;
  }

  /** Flows whose raw-selector side selects pods of an isolated group in a way that cannot be written exactly. */
  private unwritableFlows(): string[] {
    const mirrors = this.mirrors ?? (this.mirrors = computeMirrors(this.groups, this.groupsByNamespace, this.allFlowsWithDns(), this.clusterWide));
    return [...new Set(mirrors.problems)];
  }

  /**
   * Two tiers of one namespace whose labels are equal, or one's a subset of the other's, select the same
   * pods: the narrower tier's pods would also get every flow of the broader one.
   */
  private overlappingTiers(): string[] {
    const errors: string[] = [];
    for (const groups of this.groupsByNamespace.values()) {
      const tiers = groups.filter((g) => Object.keys(g._podScope().podLabels).length > 0);
      for (let i = 0; i < tiers.length; i++) {
        for (let j = i + 1; j < tiers.length; j++) {
          const [a, b] = [tiers[i], tiers[j]];
          const aInB = labelsInclude(a._podScope().podLabels, b._podScope().podLabels);
          const bInA = labelsInclude(b._podScope().podLabels, a._podScope().podLabels);
          if (!aInB && !bInA) continue;
          const [narrow, broad] = aInB ? [a, b] : [b, a];
          const what = aInB && bInA ? 'select the same pods' : `overlap: every pod of ${narrow} is also a pod of ${broad}`;
          errors.push(`${b.node.path}: ${a} and ${b} ${what}, so ${narrow} would also accept and open every flow declared for ${broad} (${describePeerConfig(narrow.toPeerConfig())}). `
            + 'Give each tier labels that no pod of the other carries (e.g. different values of one key such as app), or merge them into one tier.');
        }
      }
    }
    return errors;
  }

  /**
   * `compute()`'s value, kept under `key` until the intent changes: for whole-app answers that cdk8s would
   * otherwise have computed again for every chart it synthesizes (it validates the whole app, and renders
   * lazily, once per chart), which keeps synthesis linear in the number of charts.
   * @internal
   */
  public _memo<T>(key: string, compute: () => T): T {
    const generation = this.generation();
    const kept = this.memos.get(key);
    if (kept !== undefined && kept.generation === generation) return kept.value as T;
    const value = compute();
    this.memos.set(key, { generation, value });
    return value;
  }

  /**
   * Changes whenever intent is recorded (a flow, a name claim, a baseline, a required rule, ...): for
   * caches of answers about the whole app, such as NetsecAudit's.
   */
  public revision(): string {
    return String(this.generation());
  }

  /**
   * Registers a check of the whole app under `key`, once (later registrations of the key are ignored). It
   * runs at synth with the model's own checks, once per state of the intent instead of once per construct
   * and chart; its messages name the construct they are about, since cdk8s prints the model's path before
   * them. For checks that would otherwise be one `node.addValidation` on each of thousands of constructs.
   * @internal
   */
  public _addWholeAppCheck(key: string, check: () => string[]): void {
    if (!this.featureChecks.has(key)) this.featureChecks.set(key, check);
  }

  /**
   * The whole-app checks, kept until the intent changes. They also read the charts' namespaces from the
   * tree, so a chart added since (without any intent) counts as a change too.
   */
  private wholeAppProblems(): string[] {
    const charts = this.node.root.node.children.length;
    return [...this._memo(`whole-app checks with ${charts} children of the app`, () => [
      ...this.duplicateNames(), ...this.undeclaredNamespaces(), ...this.unwritableFlows(), ...this.overlappingTiers(),
      ...[...this.featureChecks.values()].flatMap((check) => check()),
    ])];
  }

  /**
   * Grows with every record: each recording method appends to one of these collections (or sets the
   * cluster baseline, which happens once), so their total size is a generation counter that no recording
   * method has to remember to bump. A new collection of intent must be added here.
   */
  private generation(): number {
    return this._flows.length + this._meshes.length + this.components.length + this.groups.length + this.declared.size
      + this.namespaceUses + this._services.length + this.requiredIngressRules.length
      + this.requiredEgressRules.length + this.namespaceLabelRules.length + this.baselines.length + (this.clusterWide ? 1 : 0)
      + this.enforcements.length + this.firstClaims.size + this.nameConflicts.length + this.edgeRouteRecords.length
      + this.edgeIdentityRecords.length + this.featureChecks.size;
  }

  private duplicateNames(): string[] {
    return this.nameConflicts.map(({ claim, first }) =>
      `${claim.owner.node.path}: ${claim.kind} name is already used in namespace ${claim.namespace} by ${first.owner.node.path} ("${claim.name}"). Give one of them a different id or an explicit name.`);
  }
}

/** The namespaces of every chart of the app. */
function chartNamespaces(root: IConstruct): string[] {
  return root.node.findAll().filter((c) => Chart.isChart(c)).map((c) => (c as Chart).namespace).filter((n): n is string => n !== undefined);
}

function labelKey(labels: { [key: string]: string }): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function indexFlow(index: Map<IPeer, Flow[]>, peer: IPeer, flow: Flow): void {
  const flows = index.get(peer);
  if (flows) flows.push(flow);
  else index.set(peer, [flow]);
}

/** True when every label of `inner`... i.e. the pods selected by `outer` include those selected by `inner`. */
function labelsInclude(inner: { [key: string]: string }, outer: { [key: string]: string }): boolean {
  return Object.entries(outer).every(([k, v]) => inner[k] === v);
}

/** A group's DNS rule seen as a flow, for the server side. */
interface DnsFlow extends Flow {
  readonly dns: true;
}

/** The flows each group gets from the other side of a flow, and the flows that cannot be written exactly. */
interface Mirrors {
  readonly byGroup: Map<IsolatedGroup, { ingress: Flow[]; egress: Flow[] }>;
  readonly problems: string[];
}

/**
 * For every flow, the isolated groups whose pods its destination (or source) selects, other than the
 * group that declared it. A side that selects every pod of such a group is written on that group's
 * policy too, so the flow is open on both ends. A side that selects only some of a group's pods (a
 * subset of a tier, pods inside an isolated namespace that no tier describes) or namespaces by unknown
 * labels cannot be written exactly and is reported.
 */
function computeMirrors(groups: IsolatedGroup[], byNamespace: Map<string, IsolatedGroup[]>, flows: Flow[], cluster?: ClusterBaseline): Mirrors {
  const byGroup = new Map<IsolatedGroup, { ingress: Flow[]; egress: Flow[] }>();
  const problems: string[] = [];
  const slot = (g: IsolatedGroup) => {
    let s = byGroup.get(g);
    if (!s) byGroup.set(g, s = { ingress: [], egress: [] });
    return s;
  };
  const selections = new SelectionCache(groups, byNamespace);
  for (const flow of flows) {
    if (flow.componentSideOnly) continue;
    // A DNS rule is written on its group's own egress; only its server side may need writing elsewhere.
    const isDns = (flow as DnsFlow).dns === true;
    for (const side of isDns ? ['destination'] as const : ['destination', 'source'] as const) {
      const peer = flow[side];
      const other = side === 'destination' ? flow.source : flow.destination;
      // A side's namespace-less selectors are read in the namespace of the group that declared the flow;
      // a side that is itself a group names its namespace, whatever the other side is (an address block,
      // pods named by labels): e.g. a flow from outside into a NamespaceIsolation reaches its tiers.
      const context = namespaceOfPeer(other) ?? namespaceOfPeer(peer);
      if (context === undefined) continue;
      const { config, selected, selectsItself } = selections.of(peer, context);
      if (config.ipBlock) continue;
      // A declared flow is on its own groups' policies already; a DNS server that is a group is not.
      if (selectsItself && isDns && (peer as IsolatedGroup).isIngressIsolated()) slot(peer as IsolatedGroup).ingress.push(flow);
      // Under ClusterIsolation every pod of a non-exempt namespace is isolated both ways, group or not:
      // pods that no group of the app describes would keep the flow closed on their side.
      const namespace = config.namespace ?? (config.namespaceSelector || config.allNamespaces ? undefined : context);
      if (cluster && !isDns && !isIsolatedGroup(peer) && namespace !== undefined && !cluster.exemptNamespaces.includes(namespace)
        && !selected.some((s) => s.selection === Selection.ALL && impliesLabels(config, s.group._podScope().podLabels))) {
        problems.push(`${flow.declaredBy.node.path}: the flow ${side === 'destination' ? 'to' : 'from'} ${peer} names pods that ${cluster.declaredBy.node.path} isolates (namespace ${namespace} is not exempt) but that no tier or namespace isolation of the app describes, so the flow would stay closed on their side (${describePeerConfig(config)}). `
          + 'Declare a tier for exactly these pods (new IsolatedTier(..., { podLabels, namespace })) or a NamespaceIsolation for the namespace, so both sides are written; or exempt the namespace.');
      }
      for (const { group, selection } of selected) {
        const isolated = side === 'destination' ? group.isIngressIsolated() : group.isEgressIsolated();
        if (selection === Selection.ALL) {
          if (isolated) slot(group)[side === 'destination' ? 'ingress' : 'egress'].push(flow);
          continue;
        }
        if (!isolated) continue;
        // Pods of an isolated namespace are fine when a tier that receives the flow describes exactly them.
        const covered = (isIsolatedGroup(peer) && peerIsTierLike(peer)) || selected.some((s) => s.selection === Selection.ALL
          && Object.keys(s.group._podScope().podLabels).length > 0 && impliesLabels(config, s.group._podScope().podLabels));
        if (selection === Selection.SUBSET && covered) continue;
        const direction = side === 'destination' ? 'ingress' : 'egress';
        const why = `selects only some pods of ${group}, which isolates ${direction}, so the flow would stay closed on that side`;
        problems.push(`${flow.declaredBy.node.path}: the flow ${side === 'destination' ? 'to' : 'from'} ${peer} ${why} (${describePeerConfig(config)}). `
          + 'Name the pods by an IsolatedTier made for exactly them (new IsolatedTier(..., { podLabels, namespace })) so both sides are written, or name the tier or namespace isolation itself.');
      }
    }
  }
  return { byGroup, problems };
}

/**
 * How one side of `flow` selects the pods of `group`, as mirroring reads it: Selection.ALL when the side
 * is written on the group's policy too (if the group isolates that direction). NONE for a side that is
 * never mirrored: the group itself, an address block, a side whose namespace context is unknown, or a
 * platform component's own side.
 */
export function mirrorSelection(flow: Flow, side: 'source' | 'destination', group: IsolatedGroup): Selection {
  if (flow.componentSideOnly) return Selection.NONE;
  const peer = flow[side];
  if (peer === group) return Selection.NONE;
  const context = namespaceOfPeer(side === 'destination' ? flow.source : flow.destination) ?? namespaceOfPeer(peer);
  if (context === undefined) return Selection.NONE;
  const config = peer.toPeerConfig();
  if (config.ipBlock) return Selection.NONE;
  return selectionFor(peer, config, context, group);
}

/** How a peer (`config` read in namespace `context`) selects the pods of a group other than itself. */
function selectionFor(peer: IPeer, config: PeerConfig, context: string, group: IsolatedGroup): Selection {
  return isIsolatedGroup(peer) && peerIsTierLike(peer) && Object.keys(group._podScope().podLabels).length === 0
    ? Selection.SUBSET // a tier inside an isolated namespace: the tier's own policy carries the flow
    : selectionOf(config, context, group._podScope());
}

/** What a flow side selects among the isolated groups. */
interface SideSelection {
  readonly config: PeerConfig;
  /** The groups other than the peer itself whose pods it selects, all or some, in candidate order. */
  readonly selected: { group: IsolatedGroup; selection: Selection }[];
  /** True when the peer is itself one of the candidate groups. */
  readonly selectsItself: boolean;
}

/**
 * The groups each peer selects, per context namespace, computed once per peer and context: a tier is a
 * side of several flows, and comparing it with every group of its namespace for each of them made the
 * mirrors quadratic in the tiers of a namespace per flow.
 */
class SelectionCache {
  private readonly byPeer = new Map<IPeer, { config: PeerConfig; byContext: Map<string, SideSelection> }>();

  public constructor(private readonly groups: IsolatedGroup[], private readonly byNamespace: Map<string, IsolatedGroup[]>) {}

  public of(peer: IPeer, context: string): SideSelection {
    let entry = this.byPeer.get(peer);
    if (entry === undefined) this.byPeer.set(peer, entry = { config: peer.toPeerConfig(), byContext: new Map() });
    let found = entry.byContext.get(context);
    if (found === undefined) entry.byContext.set(context, found = this.compute(peer, entry.config, context));
    return found;
  }

  private compute(peer: IPeer, config: PeerConfig, context: string): SideSelection {
    if (config.ipBlock) return { config, selected: [], selectsItself: false };
    const candidates = config.namespace !== undefined ? this.byNamespace.get(config.namespace) ?? []
      : config.namespaceSelector || config.allNamespaces ? this.groups : this.byNamespace.get(context) ?? [];
    const selected: { group: IsolatedGroup; selection: Selection }[] = [];
    let selectsItself = false;
    for (const group of candidates) {
      if (group === peer) {
        selectsItself = true;
        continue;
      }
      const selection = selectionFor(peer, config, context, group);
      // Namespaces chosen by labels the app cannot see are taken as not the app's (documented); when
      // the app emits the Namespace object its labels are known and the answer is exact.
      if (selection === Selection.ALL || selection === Selection.SUBSET) selected.push({ group, selection });
    }
    return { config, selected, selectsItself };
  }
}

/** The namespace a peer's namespace-less selectors refer to: that of the group that declared the flow. */
function namespaceOfPeer(peer: IPeer): string | undefined {
  return isIsolatedGroup(peer) ? peer.namespace : undefined;
}

/** True when a peer is an isolated group of the app (a tier or a namespace isolation), not a raw selector. */
export function isIsolatedGroup(peer: IPeer): peer is IsolatedGroup {
  return typeof (peer as any)?._podScope === 'function';
}

function peerIsTierLike(group: IsolatedGroup): boolean {
  return Object.keys(group._podScope().podLabels).length > 0;
}

/** True when the peer requires every one of `labels` with that value (its pods lie within those labels). */
function impliesLabels(config: PeerConfig, labels: { [key: string]: string }): boolean {
  return labelsInclude(config.podSelector?.matchLabels ?? {}, labels);
}

export type { GroupScope };
