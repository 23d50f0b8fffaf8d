import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { isIsolatedGroup, IsolatedGroup } from './isolated-group';
import { FlowMirrors } from './mirrors';
import { NameClaims } from './name-claims';
import { NamespaceTypos } from './namespace-typos';
import { overlappingTiers } from './overlapping-tiers';
import type {
  ClusterBaseline, EdgeIdentityRecord, EdgeRouteRecord, EgressEnforcementRecord, Flow, RequiredNamespaceLabels, RequiredTraffic, ServiceRecord,
} from './records';
import { WholeAppChecks } from './whole-app-checks';
import { inCallerSpelling } from '../core/errors';
import { IPeer } from '../core/peer';
import type { PlatformComponent } from '../platform/platform-component';

/*
 * The model is the one place intent is recorded; it keeps the records (./records.ts) and composes the
 * parts that work on them, each with one job: the names emitted objects claim (./name-claims.ts),
 * namespaces that look like typos (./namespace-typos.ts), both sides of every flow (./mirrors.ts), and
 * the whole-app checks with the answers kept until the intent changes (./whole-app-checks.ts).
 */

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
  private readonly _meshes: IConstruct[] = [];
  private readonly edgeRouteRecords: EdgeRouteRecord[] = [];
  private readonly edgeIdentityRecords: EdgeIdentityRecord[] = [];
  private readonly components: PlatformComponent[] = [];
  private readonly componentObservers: ((component: PlatformComponent) => void)[] = [];

  /** The names emitted objects claim; a name claimed by two constructs is refused at synth. */
  public readonly names = new NameClaims();
  /** The namespaces the app declares and uses; a used one near a declared one is refused at synth. */
  public readonly namespaces = new NamespaceTypos();
  /** The flows written on groups whose pods the other side of a flow selects without naming them. */
  public readonly mirrors = new FlowMirrors(() => ({
    groups: this.groups, groupsByNamespace: this.groupsByNamespace, flows: this._flows, cluster: this.clusterWide,
  }));
  /**
   * The whole-app checks, run at synth under the model's path once per state of the intent, and answers
   * about the whole app kept until the intent changes (`checks.memo`).
   */
  public readonly checks = new WholeAppChecks(() => this.generation());

  private constructor(scope: IConstruct, id: string) {
    super(scope as Construct, id);
    this.checks.add('duplicate names', () => this.names.problems());
    this.checks.add('namespaces that look like typos', () => this.namespaces.problems(chartNamespaces(this.node.root)));
    this.checks.add('flows that cannot be written on both sides', () => this.mirrors.problems());
    this.checks.add('overlapping tiers', () => overlappingTiers(this.groupsByNamespace));
    // Some checks read the charts' namespaces from the tree, so a chart added since (without any intent)
    // counts as a change too.
    this.node.addValidation({
      validate: () => this.checks.problems(`${this.node.root.node.children.length} children of the app`).map(inCallerSpelling),
    });
  }

  /** Every flow declared so far, in declaration order. */
  public get flows(): Flow[] {
    return [...this._flows];
  }

  /** Records a flow. Ports are kept as given; renderers merge and sort them. */
  public addFlow(flow: Flow): void {
    this.mirrors.invalidate();
    // A namespace the user names in a peer is checked for typos like the namespace of a tier.
    for (const peer of [flow.source, flow.destination]) {
      const named = isIsolatedGroup(peer) ? undefined : peer.toPeerConfig().namespace;
      if (named !== undefined) this.namespaces.use(named, flow.declaredBy, `the peer ${peer} of a flow`);
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
    if (component.installedNamespace) this.namespaces.declare(component.namespace);
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
    this.mirrors.invalidate();
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

  /** Every Service the library emitted, in declaration order. */
  public get services(): ServiceRecord[] {
    return [...this._services];
  }

  /** Records a Service the library emitted (its name is claimed as well). */
  public addService(record: ServiceRecord): void {
    this.names.claim('Service', record.namespace, record.name, record.owner);
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
    this.mirrors.invalidate();
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
    this.mirrors.invalidate();
    this.baselines.push({ namespace, ingress: isolatesIngress, egress: isolatesEgress });
    this.observers.forEach((o) => o.scopeChanged?.());
  }

  /**
   * Records cluster-wide isolation. There is at most one per app; the caller checks `clusterBaseline`
   * first, so that it can refuse a second one before it builds anything.
   */
  public addClusterBaseline(baseline: ClusterBaseline): void {
    this.mirrors.invalidate();
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
   * Changes whenever intent is recorded (a flow, a name claim, a baseline, a required rule, ...): for
   * caches of answers about the whole app, such as NetsecAudit's.
   */
  public revision(): string {
    return String(this.generation());
  }

  /**
   * Grows with every record: each recording method appends to one of these collections (or sets the
   * cluster baseline, which happens once), so their total size is a generation counter that no recording
   * method has to remember to bump. A new collection of intent must be added here.
   */
  private generation(): number {
    return this._flows.length + this._meshes.length + this.components.length + this.groups.length
      + this._services.length + this.requiredIngressRules.length
      + this.requiredEgressRules.length + this.namespaceLabelRules.length + this.baselines.length + (this.clusterWide ? 1 : 0)
      + this.enforcements.length + this.names.size + this.namespaces.size + this.edgeRouteRecords.length
      + this.edgeIdentityRecords.length + this.checks.size;
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
