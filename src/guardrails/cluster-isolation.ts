import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { joinBackendMeshes } from './edge-mesh';
import { MetadataEndpointAccess } from './metadata-endpoint-access';
import { KUBE_SYSTEM, KUBE_SYSTEM_REASON, NamespaceExemption } from './namespace-exemption';
import { componentScope, declareExemptComponentFlows, exemptionFix, guardComponent } from './platform-tiers';
import { RequiredEgressPolicies } from './required-egress';
import { EXEMPTIONS_ANNOTATION } from '../audit/acceptance-list';
import { METADATA_CIDRS } from '../core/addresses';
import { checkedInput, madeByLibrary, readPropsOnce } from '../core/checked-input';
import { parseCidr } from '../core/cidr';
import { netsecError, validationProblem } from '../core/errors';
import { checkDns1123Label, toDistinctDnsLabel, toDnsLabel } from '../core/names';
import { closestName } from '../core/near-names';
import { checkNamespace, Peer } from '../core/peer';
import { Port } from '../core/port';
import { defaultName } from '../core/scope-defaults';
import { compareStrings, describeSelector } from '../core/selector';
import { IntentModel } from '../model/intent-model';
import { ClusterDns } from '../platform/cluster-dns';
import { addComponent } from '../platform/component-records';
import { dnsComponent, PlatformComponent } from '../platform/platform-component';
import {
  ALL_NETWORKS, ClusterAction, ClusterPeer, clusterPeerOf, clusterPeerProblem, ClusterPolicyIntent, ClusterRule, ClusterTier,
  namespaceNamed, namespacesExcept, renderClusterPolicy,
} from '../render/cluster-network-policy';
import { IsolatedTier } from '../tiers/tier';

/** The default priority of both tiers: the middle of 0-1000, so platform policies fit above and below. */
const DEFAULT_PRIORITY = 500;

/** Properties of a `ClusterIsolation`. */
export interface ClusterIsolationProps {
  /**
   * Namespaces the Baseline default deny leaves alone, by name only: just `kube-system`, which carries a
   * documented reason (the cluster's own system components). Any other namespace needs its reason stated
   * in `exemptions`. The metadata-endpoint deny applies to exempt namespaces too.
   * @default - none
   */
  readonly exemptNamespaces?: string[];
  /**
   * Namespaces the Baseline default deny leaves alone, each with the reason, e.g.
   * `NamespaceExemption.of('legacy', 'not yet described by tiers')`. The metadata-endpoint deny applies
   * to them too. A namespace is listed once across `exemptNamespaces` and `exemptions`.
   * @default - none: every namespace is guarded
   */
  readonly exemptions?: NamespaceExemption[];
  /**
   * The addresses (CIDRs) of the API server's endpoints, as pods reach them behind the `kubernetes`
   * Service (`kubectl get endpointslices -l kubernetes.io/service-name=kubernetes`). Platform components in
   * guarded namespaces that watch the API server (cluster DNS, istiod, gateway controllers) get egress to
   * them on TCP 443 and 6443, and those serving webhooks get ingress from them.
   * @default - unknown: a guarded namespace running such a component is refused at synth
   */
  readonly apiServerAddresses?: string[];
  /**
   * Where pods resolve names: the Baseline accepts egress to these DNS servers on their ports, and (when
   * the DNS pods' namespace is not exempt) ingress to the DNS pods from every namespace.
   * @default ClusterDns.kubeDns() - UDP and TCP 53 to k8s-app=kube-dns pods in kube-system
   */
  readonly dns?: ClusterDns;
  /**
   * The few pods that keep access to the cloud metadata endpoint: each gets an Admin policy that passes
   * its metadata traffic on to its NetworkPolicies, which then decide.
   * @default - none: no pod of a guarded namespace reaches the metadata endpoint
   */
  readonly metadataEndpointAccess?: MetadataEndpointAccess[];
  /**
   * Priority of the Admin-tier policies: the metadata exceptions use it, the metadata deny the next value.
   * Lower values are evaluated first; leave room for the platform's own Admin policies on both sides.
   * @default 500
   */
  readonly adminPriority?: number;
  /**
   * Priority of the Baseline-tier policies: the DNS servers' ingress uses it, the default deny the next value.
   * @default 500
   */
  readonly baselinePriority?: number;
  /**
   * The base name of the emitted ClusterNetworkPolicies.
   * @default - derived from the construct id
   */
  readonly name?: string;
}

/**
 * The platform's cluster-wide guardrails, as ClusterNetworkPolicies (policy.networking.k8s.io/v1alpha2):
 *
 * - Admin tier: egress to every cloud metadata endpoint (169.254.169.254, AWS's fd00:ec2::254, GCP's
 *   fd20:ce::254, Azure's WireServer 168.63.129.16, Alibaba's 100.100.100.200, Akamai's fd00:a9fe:a9fe::1)
 *   is denied for every pod of every namespace, whatever any NetworkPolicy says; `metadataEndpointAccess`
 *   names the exceptions. DNS on a metadata address passes on port 53 only when `dns` names it.
 * - Baseline tier: ingress and egress are denied for every pod of every guarded namespace that no
 *   NetworkPolicy selects, except DNS to the cluster DNS servers and, per namespace, the egress the app
 *   requires of every pod there (a sidecar mesh's istiod on 15012). NetworkPolicies (the tiers) then open
 *   what each team declares, so every tier of the app counts as isolated and writes both sides of its flows.
 *
 * It goes in a chart without a namespace (the policies are cluster-scoped); one per app.
 *
 * @example
 * const platform = new Chart(app, 'cluster');
 * new ClusterIsolation(platform, 'guardrails', { exemptNamespaces: ['kube-system'] });
 */
export class ClusterIsolation extends Construct {
  /** The base name of the emitted objects. */
  public readonly name: string;
  /** The namespaces the Baseline default deny leaves alone, sorted. */
  public readonly exemptNamespaces: string[];
  /** The exemptions with their reasons, sorted by namespace. */
  public readonly exemptions: NamespaceExemption[];
  /** The exceptions to the metadata deny. */
  public readonly metadataEndpointAccess: MetadataEndpointAccess[];
  /** The emitted ClusterNetworkPolicies, Admin tier first; the required-egress ones are added when the app is validated. */
  public readonly policies: ApiObject[] = [];

  /**
   * @param scope the parent construct, in a chart without a namespace
   * @param id the construct id, unique among its siblings
   * @param props the configuration (`ClusterIsolationProps`)
   */
  public constructor(scope: Construct, id: string, props: ClusterIsolationProps = {}) {
    const { name, exempt, exemptions, dns, access, apiServerAddresses, adminPriority, baselinePriority }
      = checkedInput(scope, id, (path) => checkIsolationProps(scope, id, path, readPropsOnce(props, 'ClusterIsolationProps')),
        { props: { given: props, struct: 'ClusterIsolationProps' } });
    super(scope, id);
    const model = IntentModel.of(this);
    this.name = name;
    this.exemptNamespaces = exempt;
    this.exemptions = exemptions;
    this.metadataEndpointAccess = access;
    model.addClusterBaseline({ exemptNamespaces: exempt, metadataEndpointAccess: access, dns, declaredAt: this.node.path });
    for (const e of exempt) model.namespaces.use(e, this, `the exemption of namespace ${e}`);
    for (const a of access) model.namespaces.use(a.namespaceName, this, `the metadata-endpoint exception ${a}`);

    // DNS servers written as platform tiers (guarded namespace, pods by labels) need no Baseline rule.
    const forwarding = { nodeCache: dns._nodeCacheUpstream, metadataUpstreams: dns._metadataUpstreams };
    const dnsComponents = dns._destinations.map((d) => dnsComponent(d.peer, d.ports, [Peer.anyIpv4(), Peer.anyIpv6()], this, forwarding));
    const intents = [
      ...access.map((a) => accessPolicy(name, adminPriority, a)),
      metadataDenyPolicy(name, adminPriority + 1, dns),
      ...dnsServerPolicies(name, baselinePriority, exempt, dns._destinations.filter((_, i) => dnsComponents[i] === undefined)),
      baselinePolicy(name, baselinePriority + 1, exempt, dns),
    ];
    for (const intent of intents) {
      model.names.claim('ClusterNetworkPolicy', '', intent.name, this);
      this.policies.push(new ApiObject(this, intent.name, renderClusterPolicy(intent)));
    }
    if (exemptions.length > 0) {
      this.policies[this.policies.length - 1].metadata.addAnnotation(EXEMPTIONS_ANNOTATION, exemptions.map((e) => `${e.namespaceName}: ${e.reason}`).join('\n'));
    }

    // Platform components (recorded by the features that need them, before or after this construct) in a
    // guarded namespace are written as tiers; those the library cannot write are refused at synth.
    for (const component of dnsComponents) if (component) addComponent(model, component);
    const problems: string[] = [];
    const dataPlanes: IsolatedTier[] = [];
    const exemptComponents: PlatformComponent[] = [];
    const context = { apiServerAddresses, dns };
    model.observePlatformComponents((component) => {
      if (exempt.includes(component.namespace)) {
        exemptComponents.push(component);
        return;
      }
      const { tier, problem } = guardComponent(componentScope(this), component, context);
      if (problem) problems.push(validationProblem(problem.what, component.namespace, problem.fix));
      if (tier && component.dataPlane) dataPlanes.push(tier);
    });
    // Egress the app's features require of every pod of a namespace (sidecars to istiod), for the pods no
    // NetworkPolicy selects: read at synth, when every mesh is known.
    const required = new RequiredEgressPolicies(this, name, baselinePriority, exempt, this.policies);
    // A data plane whose backends sit behind a mesh runs a sidecar, which needs the mesh's control plane.
    const joined = new Set<string>();
    // A component left alone by an exemption still dials components in guarded namespaces: their side.
    const declared = new Set<string>();
    const guarded = (namespace: string) => !exempt.includes(namespace);
    // These write intent (policies, flows) as the intent they follow is recorded, never in a validation.
    let refreshing = false;
    const refresh = () => {
      if (refreshing) return;
      refreshing = true;
      try {
        for (const tier of dataPlanes) joinBackendMeshes(tier, joined);
        for (const component of exemptComponents) declareExemptComponentFlows(this, component, guarded, declared);
        required.emit();
      } finally {
        refreshing = false;
      }
    };
    model.observe({
      flowAdded: () => refresh(),
      serviceAdded: () => undefined,
      groupAdded: () => refresh(),
      scopeChanged: () => refresh(),
      edgeIdentityAdded: () => refresh(),
      requirementAdded: () => refresh(),
    });
    model.observePlatformComponents(() => refresh());
    refresh();
    this.node.addValidation({
      validate: () => [...required.problems(), ...problems, ...this.appTiersOverComponents(model, exempt)],
    });
  }

  /**
   * A tier of the app over the pods of a platform component in a guarded namespace: the guardrails write
   * the component's policy (or left it to a tier the app declared first), so two descriptions of the same
   * pods would compete, whichever came first. Refused either way, naming the peer to use instead.
   */
  private appTiersOverComponents(model: IntentModel, exempt: string[]): string[] {
    const platform = this.node.tryFindChild('Platform');
    const isPlatformTier = (group: IConstruct) => platform !== undefined && group.node.scopes.includes(platform);
    const errors: string[] = [];
    for (const component of model.platformComponents) {
      if (exempt.includes(component.namespace) || component.unwritable) continue;
      for (const group of model.groupsIn(component.namespace)) {
        const labels = group._podScope().podLabels;
        if (isPlatformTier(group) || Object.keys(labels).length === 0 || !overlaps(labels, component.podLabels)) continue;
        errors.push(validationProblem(`${group} (${group.node.path}) selects pods of ${component.description}, which the guardrails write as a platform component `
          + `in the guarded namespace ${component.namespace}: two policies would describe the same pods`, labels,
        `Drop the tier and name the pods in flows with Peer.pods(${JSON.stringify(component.podLabels)}, "${component.namespace}"), whose other side the guardrails write; `
          + `or ${exemptionFix(component.namespace)} and describe the pods yourself.`));
      }
    }
    return [...new Set(errors)];
  }
}

/** True when one label set selects a subset of the other's pods (equal, or one includes the other). */
function overlaps(a: { [key: string]: string }, b: { [key: string]: string }): boolean {
  const includes = (x: { [key: string]: string }, y: { [key: string]: string }) => Object.entries(y).every(([k, v]) => x[k] === v);
  return includes(a, b) || includes(b, a);
}

/** An exception: the pods' metadata traffic skips the rest of the Admin tier, so their NetworkPolicies decide. */
function accessPolicy(base: string, priority: number, access: MetadataEndpointAccess): ClusterPolicyIntent {
  const identity = access.podLabels ? `${access.namespaceName}/${describeSelector({ matchLabels: access.podLabels })}` : access.namespaceName;
  const labelValues = Object.values(access.podLabels ?? {});
  return {
    name: toDistinctDnsLabel([base, 'metadata-access', access.namespaceName, ...labelValues], identity),
    tier: ClusterTier.ADMIN,
    priority,
    subject: access.podLabels
      ? { pods: { namespaceSelector: namespaceNamed(access.namespaceName), podSelector: { matchLabels: access.podLabels } } }
      : { namespaces: namespaceNamed(access.namespaceName) },
    egress: [{ name: 'pass-metadata-endpoint', action: ClusterAction.PASS, peers: [{ networks: [...METADATA_CIDRS] }] }],
  };
}

/**
 * The metadata deny, for every namespace (exemptions lift the Baseline deny only), over every metadata
 * address of `core/addresses.ts`. DNS on a metadata address (GKE's metadata server, Azure DNS on the
 * WireServer) passes first, on port 53 only and only when the app's ClusterDns names that address: as
 * its DNS server (`ClusterDns.metadataServer()`) or as the upstream of its DNS pods (`metadataUpstream`).
 */
function metadataDenyPolicy(base: string, priority: number, dns: ClusterDns): ClusterPolicyIntent {
  const dnsPorts = [Port.udp(53), Port.tcp(53)];
  const passes: ClusterRule[] = dns._metadataDnsCidrs().map((cidr) => ({
    name: 'pass-dns-on-metadata-address', action: ClusterAction.PASS, peers: [{ networks: [cidr] }], ports: dnsPorts,
  }));
  return {
    name: toDnsLabel([base, 'metadata-deny']),
    tier: ClusterTier.ADMIN,
    priority,
    subject: { namespaces: {} },
    egress: [...passes, { name: 'deny-metadata-endpoint', action: ClusterAction.DENY, peers: [{ networks: [...METADATA_CIDRS] }] }],
  };
}

/** The DNS pods accept lookups from every namespace, before the Baseline deny would drop them. */
function dnsServerPolicies(base: string, priority: number, exempt: string[], destinations: ClusterDns['_destinations']): ClusterPolicyIntent[] {
  const servers = destinations.filter((d) => {
    const config = d.peer.toPeerConfig();
    return !config.ipBlock && !(config.namespace !== undefined && exempt.includes(config.namespace));
  });
  return servers.map((server, i) => ({
    name: toDnsLabel([base, 'dns-servers', ...(servers.length > 1 ? [String(i + 1)] : [])]),
    tier: ClusterTier.BASELINE,
    priority,
    subject: clusterPeerOf(server.peer.toPeerConfig()),
    ingress: [{ name: 'accept-dns-lookups', action: ClusterAction.ACCEPT, peers: [{ namespaces: {} }], ports: server.ports }],
  }));
}

/** Default deny both ways, DNS accepted first; NetworkPolicies, evaluated before the Baseline, open the rest. */
function baselinePolicy(base: string, priority: number, exempt: string[], dns: ClusterDns): ClusterPolicyIntent {
  const everything: ClusterPeer[] = [{ namespaces: {} }, { networks: ALL_NETWORKS }];
  return {
    name: toDnsLabel([base, 'default-deny']),
    tier: ClusterTier.BASELINE,
    priority,
    subject: { namespaces: namespacesExcept(exempt) },
    ingress: [{ name: 'deny-all-ingress', action: ClusterAction.DENY, peers: [{ namespaces: {} }] }],
    egress: [
      ...dns._destinations.map((d) => ({ name: 'accept-dns', action: ClusterAction.ACCEPT, peers: [clusterPeerOf(d.peer.toPeerConfig())], ports: d.ports })),
      { name: 'deny-all-egress', action: ClusterAction.DENY, peers: everything },
    ],
  };
}

function checkExempt(path: string, names: string[] | undefined, given: NamespaceExemption[] | undefined): NamespaceExemption[] {
  const where = `${path} (exemptNamespaces)`;
  if (names !== undefined && !Array.isArray(names)) {
    throw netsecError(path, 'exemptNamespaces must be a list of namespace names', names, 'Pass e.g. exemptNamespaces: ["kube-system"].');
  }
  if (given !== undefined && !Array.isArray(given)) {
    throw netsecError(path, 'exemptions must be a list of NamespaceExemption', given, 'Pass e.g. exemptions: [NamespaceExemption.of("legacy", "why")].');
  }
  const all: NamespaceExemption[] = [];
  for (const namespace of names ?? []) {
    checkNamespace(where, namespace);
    if (namespace !== KUBE_SYSTEM && closestName(namespace, [KUBE_SYSTEM]) !== undefined) {
      throw netsecError(where, `namespace ${namespace} is not ${KUBE_SYSTEM}, the one namespace exempt by name`, namespace,
        `Did you mean "${KUBE_SYSTEM}"? Fix the name; another namespace needs exemptions: [NamespaceExemption.of("${namespace}", "why")].`);
    }
    if (namespace !== KUBE_SYSTEM) {
      throw netsecError(where, `namespace ${namespace} is exempted without a reason; only ${KUBE_SYSTEM} has a documented one`, namespace,
        `State the reason: exemptions: [NamespaceExemption.of("${namespace}", "why it is left out of the default deny")].`);
    }
    all.push(NamespaceExemption.of(namespace, KUBE_SYSTEM_REASON));
  }
  for (const exemption of given ?? []) {
    if (!(exemption instanceof NamespaceExemption) || !madeByLibrary(exemption)) {
      throw netsecError(`${path} (exemptions)`, 'holds something that is not a NamespaceExemption', String(exemption), 'Use NamespaceExemption.of(namespace, reason).');
    }
    all.push(exemption);
  }
  const seen = new Set<string>();
  for (const e of all) {
    if (seen.has(e.namespaceName)) throw netsecError(where, 'a namespace is listed twice', e.namespaceName, 'List each namespace once, in exemptNamespaces or exemptions.');
    seen.add(e.namespaceName);
  }
  return all.sort((a, b) => compareStrings(a.namespaceName, b.namespaceName));
}

/** The widest range `apiServerAddresses` may name: a control-plane subnet, never a whole network. */
const MIN_API_SERVER_PREFIX_V4 = 16;
const MIN_API_SERVER_PREFIX_V6 = 48;

function checkApiServer(path: string, addresses: string[] | undefined): string[] {
  if (addresses === undefined) return [];
  const where = `${path} (apiServerAddresses)`;
  if (!Array.isArray(addresses)) throw netsecError(where, 'must be a list of CIDRs', addresses, 'Pass e.g. ["10.0.0.0/28"].');
  if (addresses.length === 0) {
    throw netsecError(where, 'is an empty list', addresses, 'Give the addresses of the kubernetes Service\'s endpoints, or leave apiServerAddresses out.');
  }
  const texts = addresses.map((cidr) => {
    const parsed = typeof cidr === 'string' ? parseCidr(cidr) : 'is not a string';
    if (typeof parsed === 'string') {
      throw netsecError(where, `entry is not a CIDR: it ${parsed}`, cidr, 'Give each address as a CIDR, e.g. "10.0.0.10/32".');
    }
    // Platform components get egress to these addresses and webhook ingress from them: a wide range would
    // open the webhooks to, and the components' API-server egress towards, far more than the API server.
    const widest = parsed.family === 'ipv4' ? MIN_API_SERVER_PREFIX_V4 : MIN_API_SERVER_PREFIX_V6;
    if (parsed.prefixLength < widest) {
      throw netsecError(where, `entry is wider than a /${widest}, so components' webhooks would admit and their API-server egress would reach far more than the API server`, cidr,
        'Give the addresses of the kubernetes Service\'s endpoints (kubectl get endpointslices -l kubernetes.io/service-name=kubernetes), e.g. "10.0.0.10/32", or the control plane\'s subnet.');
    }
    return parsed.text;
  });
  return [...new Set(texts)].sort(compareStrings);
}

function checkDns(path: string, dns: ClusterDns | undefined): ClusterDns {
  if (dns === undefined) return ClusterDns.kubeDns();
  if (!(dns instanceof ClusterDns) || !madeByLibrary(dns)) {
    throw netsecError(path, 'dns must be a ClusterDns', String(dns), 'Use ClusterDns.kubeDns(), ClusterDns.nodeLocalCache() or the other ClusterDns factories.');
  }
  for (const { peer } of dns._destinations) {
    const bad = clusterPeerProblem(peer.toPeerConfig(), true);
    if (bad) {
      throw netsecError(path, `the DNS server ${bad}`, String(peer), 'Name the DNS pods by namespace and labels, or a DNS address without excluded blocks.');
    }
  }
  return dns;
}

function checkAccess(path: string, access: MetadataEndpointAccess[] | undefined): MetadataEndpointAccess[] {
  if (access === undefined) return [];
  const where = `${path} (metadataEndpointAccess)`;
  if (!Array.isArray(access)) {
    throw netsecError(where, 'must be a list', access, 'Pass e.g. [MetadataEndpointAccess.pods("kube-system", { app: "aws-node" })].');
  }
  const seen = new Set<string>();
  for (const entry of access) {
    if (!(entry instanceof MetadataEndpointAccess) || !madeByLibrary(entry)) {
      throw netsecError(where, 'holds something that is not a MetadataEndpointAccess', String(entry), 'Use MetadataEndpointAccess.namespace() or MetadataEndpointAccess.pods().');
    }
    if (seen.has(entry.toString())) throw netsecError(where, 'an exception is listed twice', entry.toString(), 'List each exception once.');
    seen.add(entry.toString());
  }
  return [...access].sort((a, b) => compareStrings(a.toString(), b.toString()));
}

function checkPriority(path: string, prop: string, value: number | undefined): number {
  if (value === undefined) return DEFAULT_PRIORITY;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 999) {
    throw netsecError(path, `${prop} must be an integer from 0 to 999 (the second policy of the tier takes the next value, at most 1000)`, value,
      `Pass e.g. ${prop}: ${DEFAULT_PRIORITY}.`);
  }
  return value;
}


/** Checks every prop of a ClusterIsolation before it joins the tree. */
function checkIsolationProps(scope: Construct, id: string, path: string, props: ClusterIsolationProps) {
  if (props === null || typeof props !== 'object') throw netsecError(path, 'props must be an object', props, 'Pass { exemptNamespaces: [...] } or nothing.');
  const chartNamespace = Chart.of(scope).namespace;
  if (chartNamespace !== undefined) {
    throw netsecError(path, 'ClusterNetworkPolicies are cluster-scoped, but the chart has a namespace', chartNamespace,
      'Put the ClusterIsolation in a chart without a namespace, e.g. new Chart(app, "cluster").');
  }
  const exemptions = checkExempt(path, props.exemptNamespaces, props.exemptions);
  const exempt = exemptions.map((e) => e.namespaceName);
  const dns = checkDns(path, props.dns);
  const access = checkAccess(path, props.metadataEndpointAccess);
  const apiServerAddresses = checkApiServer(path, props.apiServerAddresses);
  const adminPriority = checkPriority(path, 'adminPriority', props.adminPriority);
  const baselinePriority = checkPriority(path, 'baselinePriority', props.baselinePriority);
  const name = props.name ?? defaultName(scope, id);
  const badName = typeof name === 'string' ? checkDns1123Label(name) : 'must be a string';
  if (badName) throw netsecError(path, `name ${badName}`, name, 'Pass a name such as "guardrails".');
  const first = IntentModel.find(scope)?.clusterBaseline;
  if (first) {
    throw netsecError(path, `the app already has a ClusterIsolation at ${first.declaredAt}; two would compete at the same priorities`, id,
      'Keep one ClusterIsolation per app and list all exempt namespaces and exceptions in it.');
  }
  return { name, exempt, exemptions, dns, access, apiServerAddresses, adminPriority, baselinePriority };
}
