import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { madeByLibrary } from '../core/checked-input';
import { metadataEndpointNamedBy } from '../core/cidr';
import { netsecError, validationProblem } from '../core/errors';
import { checkDns1123Label } from '../core/names';
import { checkPortsTowards, IPeer, isRegisteredGroupPeer, PeerConfig, registerGroupPeer, resolvePeer } from '../core/peer';
import { checkPorts, Port } from '../core/port';
import { IntentModel } from '../model/intent-model';
import { GroupScope } from '../model/selection';
import { ClusterDns } from '../platform/cluster-dns';
import { networkPolicyProps } from '../render/network-policy';

// The default DNS server of every tier and namespace isolation, made once: thousands of tiers share it.
let kubeDnsDefault: ClusterDns | undefined;

/**
 * `ClusterDns.kubeDns()` with no options, shared by every group of every app: a ClusterDns locks its
 * fields and freezes its lists when it is made, so nothing can change it after.
 */
export function defaultClusterDns(): ClusterDns {
  kubeDnsDefault ??= ClusterDns.kubeDns();
  return kubeDnsDefault;
}

/**
 * The fields of an isolated group that decide what its policy and its peers' rules say. The group is
 * recorded as itself and read again when the app synthesizes, so none may change after it is built.
 */
const LOCKED_FIELDS = [
  'namespace', 'isolatesIngress', 'isolatesEgress', 'dns', 'policy', 'model',
  'podLabels', 'ports', 'serviceAccountName', 'inMesh', 'namespaceObject', 'namespaceLabels',
];
/**
 * The fields cdk8s's ApiObject writes the group's NetworkPolicy from. cdk8s defines them as the object's own
 * properties, so no accessor can guard them; `toJson` refuses to write a group whose fields no longer hold
 * what they held when it was built (replacing `props` dropped the policy and left the pods open;
 * `metadata.namespace` moved it away from them).
 */
const API_OBJECT_FIELDS = ['props', 'metadata', 'name', 'kind', 'apiVersion'] as const;
/** What the API object fields and the metadata's place held when the group was built. */
const BUILT = Symbol('cdk8s-netsec.built');
/** The members that answer what the group selects and serves, read at synth by every renderer. */
const LOCKED_MEMBERS = ['toPeerConfig', '_podScope', 'declaredPorts'];

/** Set on a group when its constructor has finished: no locked field may be assigned after it. */
const SEALED = Symbol('cdk8s-netsec.sealed');
/** Where each locked field keeps its value on the group (module-private keys). */
const SLOTS: { [key: string]: symbol } = Object.fromEntries(LOCKED_FIELDS.map((key) => [key, Symbol(`cdk8s-netsec.${key}`)]));

/**
 * Gives the groups' prototype one accessor per locked field: the constructors (ours and cdk8s's ApiObject)
 * assign each field once, and any later assignment throws a TypeError, as writing a read-only property does
 * in strict mode. Accessors on the prototype cost nothing per group; making each group's own properties
 * read-only after construction (Object.defineProperty) cost about 20 µs per tier, most of the library's
 * build time at 5,000 tiers.
 */
function installLockedAccessors(prototype: object): void {
  for (const key of LOCKED_FIELDS) {
    const slot = SLOTS[key];
    Object.defineProperty(prototype, key, {
      configurable: false,
      enumerable: false,
      get(this: { [slot: symbol]: unknown }): unknown {
        return this[slot];
      },
      set(this: { [slot: symbol]: unknown }, value: unknown) {
        if (this[SEALED] === true || Object.prototype.hasOwnProperty.call(this, slot)) {
          throw new TypeError(`Cannot assign to read only property '${key}' of ${String(this)}: an isolated group does not change after it is built`);
        }
        this[slot] = value;
      },
    });
  }
}

/**
 * Makes what a group says about itself read-only once it is built, as a Port's fields are: its fields
 * (lists and maps frozen too; the fields themselves are accessors of the prototype that refuse a second
 * assignment) and the members that answer its selector, scope and ports, so that plain JavaScript
 * (`tier.namespace = 'other'`, `tier.ports.push(...)`, `tier.toPeerConfig = () => ...`) cannot move or
 * widen the rules written from it at synth. Not `Object.freeze(group)`: the jsii kernel tags the objects it
 * hands to other languages, and cdk8s keeps adding to an ApiObject's metadata and patches.
 */
function lockGroup(group: IsolatedPods): void {
  const own = group as unknown as { [key: string | symbol]: unknown };
  own[SEALED] = true;
  for (const key of LOCKED_FIELDS) {
    const value = own[SLOTS[key]];
    if (Array.isArray(value) || (key.endsWith('Labels') && value !== null && typeof value === 'object')) Object.freeze(value);
  }
  own[BUILT] = builtState(group);
  for (const key of LOCKED_MEMBERS) {
    let descriptor: PropertyDescriptor | undefined;
    for (let at: object | null = group; descriptor === undefined && at !== null; at = Object.getPrototypeOf(at)) {
      descriptor = Object.getOwnPropertyDescriptor(at, key);
    }
    if (descriptor === undefined) continue;
    Object.defineProperty(group, key, 'value' in descriptor
      ? { value: descriptor.value, writable: false, configurable: false, enumerable: false }
      : { get: descriptor.get, configurable: false, enumerable: false });
  }
}

/** The API object fields of a group and the place its metadata names, in the order `changedSinceBuilt` compares them. */
function builtState(group: IsolatedPods): unknown[] {
  const own = group as unknown as { [key: string]: unknown };
  return [...API_OBJECT_FIELDS.map((field) => own[field]), group.metadata.name, group.metadata.namespace];
}

/** The first field of the group's NetworkPolicy object that changed since it was built, or undefined. */
function changedSinceBuilt(group: IsolatedPods): string | undefined {
  const built = (group as unknown as { [key: symbol]: unknown[] | undefined })[BUILT];
  if (built === undefined) return undefined;
  const now = builtState(group);
  const fields = [...API_OBJECT_FIELDS, 'metadata.name', 'metadata.namespace'];
  const at = now.findIndex((value, i) => value !== built[i]);
  return at < 0 ? undefined : fields[at];
}

/** What every isolated group of pods is configured with. */
export interface IsolatedPodsProps {
  /** The namespace of the pods. */
  readonly namespace: string;
  /** The NetworkPolicy name. */
  readonly policyName: string;
  /** Deny all ingress except declared flows. */
  readonly isolateIngress: boolean;
  /** Deny all egress except declared flows and DNS. */
  readonly isolateEgress: boolean;
  /** Where the pods resolve names. */
  readonly dns: ClusterDns;
}

/**
 * Checks what every isolated group is configured with; subclasses call it from their own checks, before
 * anything joins the tree.
 */
export function checkIsolatedPodsProps(path: string, props: IsolatedPodsProps): IsolatedPodsProps {
  if (props.isolateIngress === false && props.isolateEgress === false) {
    throw netsecError(path, 'isolation must cover ingress, egress or both', { isolateIngress: false, isolateEgress: false },
      'Leave isolateIngress or isolateEgress at its default (true).');
  }
  for (const field of ['isolateIngress', 'isolateEgress'] as const) {
    if (typeof props[field] !== 'boolean') throw netsecError(path, `${field} must be true or false`, props[field], `Pass ${field}: true, or leave it out.`);
  }
  const badName = typeof props.policyName === 'string' ? checkDns1123Label(props.policyName) : 'must be a string';
  if (badName) {
    throw netsecError(path, `NetworkPolicy name ${badName}`, props.policyName, 'Pass a name such as "web" or "default-deny".');
  }
  if (!(props.dns instanceof ClusterDns) || !madeByLibrary(props.dns)) {
    throw netsecError(path, 'dns must be a ClusterDns', String(props.dns), 'Use ClusterDns.kubeDns(), ClusterDns.nodeLocalCache() or the other ClusterDns factories.');
  }
  return props;
}

/**
 * Pods that one NetworkPolicy isolates and that open exactly the flows declared on them: the shared
 * mechanism behind `IsolatedTier` (pods selected by labels) and `NamespaceIsolation` (every pod of a
 * namespace). Flows are recorded in the app's intent model; the policy is rendered from it at synth.
 *
 * @internal
 */
export abstract class IsolatedPods extends ApiObject implements IPeer {
  /**
   * `instanceof` a group class asks what it asks of any class: is the class in the object's prototype
   * chain. The test ApiObject defines for itself (is it any ApiObject?) would otherwise be inherited,
   * and every NetworkPolicy, Service or Deployment object would pass for an isolated group. The object must
   * also be a group the library built and registered: one that only inherits from a group
   * (`Object.create(tier)`, with its own `toPeerConfig` or `isolatesEgress`) is not one, whatever its
   * prototype chain says.
   *
   * @internal
   */
  public static [Symbol.hasInstance]<T>(this: { prototype: T }, candidate: unknown): candidate is T {
    return isRegisteredGroupPeer(candidate) && Function.prototype[Symbol.hasInstance].call(this, candidate);
  }

  /** The namespace of the pods. */
  declare public readonly namespace: string;
  /** Whether ingress is denied except for declared flows. */
  declare public readonly isolatesIngress: boolean;
  /** Whether egress is denied except for declared flows and DNS. */
  declare public readonly isolatesEgress: boolean;
  /** Where the pods resolve names. */
  declare public readonly dns: ClusterDns;
  /** The NetworkPolicy object: the group itself, which is that object (kept so that `group.policy` reads as before). */
  declare public readonly policy: ApiObject;
  // The app's intent model.
  declare private readonly model: IntentModel;

  /**
   * @param scope the parent construct
   * @param id the construct id, unique among its siblings
   * @param props the configuration (`IsolatedPodsProps`)
   */
  protected constructor(scope: Construct, id: string, props: IsolatedPodsProps) {
    // Subclasses check every prop (with checkIsolatedPodsProps) before they call this. The group is its own
    // NetworkPolicy object; the renderer reads the group when the app synthesizes.
    const model = IntentModel.of(scope);
    let self: IsolatedPods | undefined;
    super(scope, id, networkPolicyProps(props.policyName, props.namespace, model, () => self!));
    self = this;
    registerGroupPeer(this);
    this.model = model;
    this.namespace = props.namespace;
    this.isolatesIngress = props.isolateIngress;
    this.isolatesEgress = props.isolateEgress;
    this.dns = props.dns;
    this.model.names.claim('NetworkPolicy', this.namespace, props.policyName, this);
    const chartNamespace = Chart.of(this).namespace;
    if (chartNamespace !== undefined) this.model.namespaces.declare(chartNamespace);
    this.policy = this;
    // One check for every group of the app, run with the model's whole-app checks: a validation on each
    // group would run once per group and chart.
    model.checks.add('isolated pods: metadata flows behind a guardrail', () => model.isolatedGroups
      .flatMap((group) => (group instanceof IsolatedPods ? group.metadataFlowsBehindGuardrail() : [])));
    // Its message relies on cdk8s naming this construct. Only groups that leave ingress open can have the
    // problem (isolatesIngress is fixed at construction), so the thousands that isolate carry no validation:
    // cdk8s runs every validation of the app once per chart.
    if (!this.isolatesIngress) this.node.addValidation({ validate: () => this.openIngressBehindGuardrail() });
  }

  /**
   * Allows `peer` to connect to these pods on `ports`. No ports means the ports this tier declares
   * (`Port.allTraffic()` opens every port on purpose). When `peer` is, or selects every pod of, a tier or
   * namespace isolated by this app, its egress rule is written as well.
   */
  public allowFrom(peer: IPeer, ...ports: Port[]): void {
    this.declare('allowFrom', peer, this, ports);
  }

  /**
   * Allows these pods to connect to `peer` on `ports`. No ports means the ports the destination tier
   * declares (`Port.allTraffic()` opens every port on purpose). When `peer` is, or selects every pod of, a
   * tier or namespace isolated by this app, its ingress rule is written as well.
   */
  public allowTo(peer: IPeer, ...ports: Port[]): void {
    this.declare('allowTo', this, peer, ports);
  }

  /**
   * True when ingress to these pods is denied except for declared flows: by this policy, or by a
   * namespace baseline of the same app. Declared ingress flows are written whenever this holds.
   */
  public isIngressIsolated(): boolean {
    return this.isolatesIngress || this.model.namespaceIsolatesIngress(this.namespace);
  }

  /**
   * True when egress from these pods is denied except for declared flows and DNS: by this policy, or by
   * a namespace baseline of the same app. Declared egress flows are written whenever this holds.
   */
  public isEgressIsolated(): boolean {
    return this.isolatesEgress || this.model.namespaceIsolatesEgress(this.namespace);
  }

  /**
   * The NetworkPolicy object, rendered from the intent model. Refuses to write it when a field cdk8s writes
   * it from (`props`, `metadata`, its name or namespace, `kind`, `apiVersion`) was replaced after the
   * group was built: the policy would no longer isolate the pods it was declared for.
   */
  public toJson(): any {
    const changed = changedSinceBuilt(this);
    if (changed !== undefined) {
      throw netsecError(this, `the NetworkPolicy's ${changed} was changed after the group was built, so it would no longer isolate the pods declared`,
        changed, 'Do not assign to the fields of a tier or namespace isolation; add labels or annotations with metadata.addLabel() and metadata.addAnnotation(), or change the output with addJsonPatch().');
    }
    return super.toJson();
  }

  /** What the pods are, as a peer. */
  public abstract toPeerConfig(): PeerConfig;

  /**
   * Records the group in the app's intent model. Each subclass calls it last in its constructor, so that
   * what observers of the model read of the group (labels, mesh membership, its Namespace object) is set.
   * @internal
   */
  protected _addToModel(): void {
    lockGroup(this);
    this.model.addGroup(this);
  }

  /**
   * The namespace and labels of the pods, for the intent model.
   * @internal
   */
  public abstract _podScope(): GroupScope;

  /** The ports the pods declare they serve, which a flow without ports opens; empty when not declared. */
  protected abstract get declaredPorts(): Port[];

  /** Fails when a destination port cannot be served by these pods; the default accepts every port. */
  protected checkServes(_caller: IConstruct, _ports: Port[]): void {}

  /**
   * Egress this group declared to a cloud metadata endpoint (the block itself: wider blocks exclude it)
   * while a ClusterIsolation exists with no exception for these pods: its Admin-tier deny covers every
   * namespace (exempt ones too) and drops it before any NetworkPolicy, so the rule would be silently dead.
   * Checked at synth, since the guardrail may be declared after the flow.
   */
  private metadataFlowsBehindGuardrail(): string[] {
    const guardrail = this.model.clusterBaseline;
    if (!guardrail) return [];
    const labels = this._podScope().podLabels;
    const excepted = guardrail.metadataEndpointAccess.some((a) => a.namespaceName === this.namespace
      && Object.entries(a.podLabels ?? {}).every(([key, value]) => labels[key] === value));
    if (excepted) return [];
    const errors: string[] = [];
    for (const flow of this.model.flowsFrom(this)) {
      const cidr = flow.destination.toPeerConfig().ipBlock?.cidr;
      const endpoint = cidr === undefined ? undefined : metadataEndpointNamedBy(cidr);
      if (endpoint === undefined) continue;
      const access = Object.keys(labels).length > 0
        ? `MetadataEndpointAccess.pods("${this.namespace}", ${JSON.stringify(labels)})` : `MetadataEndpointAccess.namespace("${this.namespace}")`;
      errors.push(netsecError(this, `${guardrail.declaredAt} denies the cloud metadata endpoint ${endpoint} to ${this} before any NetworkPolicy, so the egress rule to it would never match`,
        cidr, `Add ${access} to the ClusterIsolation's metadataEndpointAccess, or remove the flow.`).message);
    }
    return [...new Set(errors)];
  }

  /**
   * `isolateIngress: false` in a namespace a ClusterIsolation guards cannot be written: the Baseline denies
   * in-cluster clients no NetworkPolicy admits, so the declared ones need this policy to isolate ingress,
   * which would also drop clients from outside the cluster that the Baseline (whose ingress peers are pods
   * only) lets through. Checked at synth, since the guardrail may be declared after the group.
   */
  private openIngressBehindGuardrail(): string[] {
    const guardrail = this.model.clusterBaseline;
    if (this.isolatesIngress || !guardrail || !this.model.clusterIsolates(this.namespace)) return [];
    const ns = this.namespace;
    const exempt = ns === 'kube-system' ? 'exemptNamespaces: ["kube-system"]' : `exemptions: [NamespaceExemption.of("${ns}", "why")]`;
    return [validationProblem(`isolateIngress: false leaves ingress open, but ${guardrail.declaredAt} denies ingress to every pod of namespace ${ns} `
      + 'that no NetworkPolicy admits; to let declared clients in, the policy would have to isolate ingress after all and drop every other client, '
      + 'those outside the cluster too', false,
    'Set isolateIngress: true and declare the clients with allowFrom (Peer.anyIpv4() and Peer.anyIpv6() for clients outside the cluster), '
      + `or exempt the namespace with a reason (${exempt}).`)];
  }

  private declare(method: string, source: IPeer, destination: IPeer, given: Port[]): void {
    // The group a flow is declared on is recorded as itself and read again at synth, so it must be one the
    // library built: an object that only inherits from a group (Object.create(tier)) and answers for itself
    // (its own toPeerConfig, say) would otherwise open the other side to whatever it answers then.
    if (!isRegisteredGroupPeer(this)) {
      const path = (this as Partial<IConstruct>)?.node?.path ?? String(this);
      throw netsecError(path, `${method} was called on an object that is not an IsolatedTier or NamespaceIsolation the library built`, String(this),
        `Call ${method} on the tier or namespace isolation itself (made with new IsolatedTier(...) or new NamespaceIsolation(...)), not on an object derived from it.`);
    }
    // Check and freeze whatever the caller passed (plain JavaScript included) before anything is recorded.
    const asGiven = source === this ? destination : source;
    if (asGiven instanceof Construct && asGiven.node.root !== this.node.root) {
      throw netsecError(this, 'the peer belongs to another cdk8s app', asGiven.node.path,
        'Declare flows only between constructs of the same App, or use Peer.pods() for pods managed elsewhere.');
    }
    const other = resolvePeer(this, asGiven);
    const ports = checkPorts(this, given);
    const [from, to] = source === this ? [this as IPeer, other] : [other, this as IPeer];
    checkPortsTowards(this, to.toPeerConfig(), ports);
    const resolved = this.resolvePorts(method, to, ports);
    if (to instanceof IsolatedPods) to.checkServes(this, resolved);
    this.model.addFlow({ source: from, destination: to, ports: resolved, declaredBy: this });
  }

  /**
   * The ports of a flow: as given; `Port.allTraffic()` is every port (the empty list); none given means
   * the destination's declared ports, and a destination that declares none is an error, never every port.
   */
  private resolvePorts(method: string, destination: IPeer, ports: Port[]): Port[] {
    if (ports.some((p) => p.isAllTraffic)) return [];
    if (ports.length > 0) return [...ports];
    const declared = destination instanceof IsolatedPods ? destination.declaredPorts : [];
    if (declared.length > 0) return [...declared];
    throw netsecError(this, `${method} names no ports, and ${destination} declares none to default to`, String(destination),
      'Name the ports, e.g. Port.tcp(8080), declare ports on the destination tier, or open every port on purpose with Port.allTraffic().');
  }
}

// Installed once, when the module loads: see installLockedAccessors.
installLockedAccessors(IsolatedPods.prototype);
