import { Construct, IConstruct } from 'constructs';
import { IPeer } from './peer';
import { Port } from './port';

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
}

/** A group of pods selected by labels in one namespace that the app isolates (an `IsolatedTier`). */
export interface EndpointRecord {
  /** The namespace of the pods. */
  readonly namespace: string;
  /** The labels that select them (all must match). */
  readonly podLabels: { [key: string]: string };
  /** The construct that isolates them. */
  readonly owner: IConstruct;
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
  private readonly requiredIngressRules: RequiredTraffic[] = [];
  private readonly requiredEgressRules: RequiredTraffic[] = [];
  private readonly observers: IIntentObserver[] = [];
  private readonly namespaceLabelRules: RequiredNamespaceLabels[] = [];
  private readonly endpointRecords: EndpointRecord[] = [];
  private readonly edgeRouteRecords: EdgeRouteRecord[] = [];
  private readonly edgeIdentityRecords: EdgeIdentityRecord[] = [];

  private constructor(scope: IConstruct, id: string) {
    super(scope as Construct, id);
    this.node.addValidation({ validate: () => this.duplicateNames() });
  }

  /** Every flow declared so far, in declaration order. */
  public get flows(): Flow[] {
    return [...this._flows];
  }

  /** Records a flow. Ports are kept as given; renderers merge and sort them. */
  public addFlow(flow: Flow): void {
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
  }

  /** Records egress that every egress-isolated group of pods in `traffic.namespace` must be allowed. */
  public requireEgress(traffic: RequiredTraffic): void {
    this.requiredEgressRules.push(traffic);
  }

  /**
   * Records labels that the emitted Namespace object of `required.namespace` must carry. They are read when
   * the Namespace object renders, so namespaces declared later get them too.
   */
  public requireNamespaceLabels(required: RequiredNamespaceLabels): void {
    this.namespaceLabelRules.push(required);
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

  /**
   * Records that every pod of `namespace` is isolated in the given directions (a namespace baseline).
   * Pods there are then isolated whatever their own policy says, so their declared flows must be written.
   */
  public addNamespaceBaseline(namespace: string, isolatesIngress: boolean, isolatesEgress: boolean): void {
    this.baselines.push({ namespace, ingress: isolatesIngress, egress: isolatesEgress });
  }

  /** True when a namespace baseline isolates ingress to every pod of `namespace`. */
  public namespaceIsolatesIngress(namespace: string): boolean {
    return this.baselines.some((b) => b.namespace === namespace && b.ingress);
  }

  /** True when a namespace baseline isolates egress from every pod of `namespace`. */
  public namespaceIsolatesEgress(namespace: string): boolean {
    return this.baselines.some((b) => b.namespace === namespace && b.egress);
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

  /** Records an isolated group of pods, so that constructs can find it without scanning the tree. */
  public addEndpoint(endpoint: EndpointRecord): void {
    this.endpointRecords.push(endpoint);
  }

  /** The first isolated group with exactly `podLabels` in `namespace`, or undefined. */
  public endpointSelecting(namespace: string, podLabels: { [key: string]: string }): IConstruct | undefined {
    const wanted = labelKey(podLabels);
    return this.endpointRecords.find((e) => e.namespace === namespace && labelKey(e.podLabels) === wanted)?.owner;
  }

  /** Records hosts and paths an edge routes to a backend. */
  public addEdgeRoute(route: EdgeRouteRecord): void {
    this.edgeRouteRecords.push(route);
  }

  /** The routes recorded for `edge`, in declaration order. */
  public edgeRoutes(edge: string): EdgeRouteRecord[] {
    return this.edgeRouteRecords.filter((r) => r.edge === edge);
  }

  /** Records the service account of an edge's data-plane pods (ingress controller or gateway). */
  public addEdgeIdentity(identity: EdgeIdentityRecord): void {
    this.edgeIdentityRecords.push(identity);
  }

  /** Every edge identity recorded, in declaration order. */
  public get edgeIdentities(): EdgeIdentityRecord[] {
    return [...this.edgeIdentityRecords];
  }

  private duplicateNames(): string[] {
    return this.nameConflicts.map(({ claim, first }) =>
      `${claim.owner.node.path}: ${claim.kind} name is already used in namespace ${claim.namespace} by ${first.owner.node.path} ("${claim.name}"). Give one of them a different id or an explicit name.`);
  }
}

function labelKey(labels: { [key: string]: string }): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function indexFlow(index: Map<IPeer, Flow[]>, peer: IPeer, flow: Flow): void {
  const flows = index.get(peer);
  if (flows) flows.push(flow);
  else index.set(peer, [flow]);
}
