import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { MetadataEndpointAccess } from './metadata-endpoint-access';
import { netsecError } from '../core/errors';
import { checkDns1123Label, toDistinctDnsLabel, toDnsLabel } from '../core/names';
import { checkNamespace } from '../core/peer';
import { defaultName } from '../core/scope-defaults';
import { compareStrings, describeSelector } from '../core/selector';
import { IntentModel } from '../model/intent-model';
import { ClusterDns } from '../platform/cluster-dns';
import {
  ALL_NETWORKS, ClusterAction, ClusterPeer, clusterPeerOf, clusterPeerProblem, ClusterPolicyIntent, ClusterRule, ClusterTier,
  METADATA_NETWORKS, namespaceNamed, namespacesExcept, renderClusterPolicy,
} from '../render/cluster-network-policy';

/** The default priority of both tiers: the middle of 0-1000, so platform policies fit above and below. */
const DEFAULT_PRIORITY = 500;

/** Properties of a `ClusterIsolation`. */
export interface ClusterIsolationProps {
  /**
   * Namespaces the guardrails leave alone entirely (no metadata deny, no default deny), e.g. the
   * platform's own `kube-system`. Each must be a valid namespace name, listed once.
   * @default - none: every namespace is guarded
   */
  readonly exemptNamespaces?: string[];
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
 * - Admin tier: egress to the cloud metadata endpoints (169.254.169.254/32, fd00:ec2::254/128) is denied
 *   for every pod of every guarded namespace, whatever any NetworkPolicy says; `metadataEndpointAccess`
 *   names the exceptions.
 * - Baseline tier: ingress and egress are denied for every pod of every guarded namespace that no
 *   NetworkPolicy selects, except DNS to the cluster DNS servers. NetworkPolicies (the tiers) then open
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
  /** The namespaces left alone, sorted. */
  public readonly exemptNamespaces: string[];
  /** The exceptions to the metadata deny. */
  public readonly metadataEndpointAccess: MetadataEndpointAccess[];
  /** The emitted ClusterNetworkPolicies, Admin tier first. */
  public readonly policies: ApiObject[] = [];

  /**
   * @param scope the parent construct, in a chart without a namespace
   * @param id the construct id, unique among its siblings
   * @param props the configuration (`ClusterIsolationProps`)
   */
  public constructor(scope: Construct, id: string, props: ClusterIsolationProps = {}) {
    // Everything is checked before super(): a refused ClusterIsolation leaves nothing behind.
    const path = `${scope.node.path}/${id}`;
    if (props === null || typeof props !== 'object') throw netsecError(path, 'props must be an object', props, 'Pass { exemptNamespaces: [...] } or nothing.');
    const chartNamespace = Chart.of(scope).namespace;
    if (chartNamespace !== undefined) {
      throw netsecError(path, 'ClusterNetworkPolicies are cluster-scoped, but the chart has a namespace', chartNamespace,
        'Put the ClusterIsolation in a chart without a namespace, e.g. new Chart(app, "cluster").');
    }
    const exempt = checkExempt(path, props.exemptNamespaces);
    const dns = checkDns(path, props.dns);
    const access = checkAccess(path, props.metadataEndpointAccess, exempt);
    const adminPriority = checkPriority(path, 'adminPriority', props.adminPriority);
    const baselinePriority = checkPriority(path, 'baselinePriority', props.baselinePriority);
    const name = props.name ?? defaultName(scope, id);
    const badName = typeof name === 'string' ? checkDns1123Label(name) : 'must be a string';
    if (badName) throw netsecError(path, `name ${badName}`, name, 'Pass a name such as "guardrails".');
    const model = IntentModel.of(scope);
    const first = model.clusterBaseline;
    if (first) {
      throw netsecError(path, `the app already has a ClusterIsolation at ${first.declaredBy.node.path}; two would compete at the same priorities`, id,
        'Keep one ClusterIsolation per app and list all exempt namespaces and exceptions in it.');
    }
    super(scope, id);
    this.name = name;
    this.exemptNamespaces = exempt;
    this.metadataEndpointAccess = access;
    model.addClusterBaseline({ exemptNamespaces: exempt, metadataEndpointAccess: access, declaredBy: this });

    const intents = [
      ...access.map((a) => accessPolicy(name, adminPriority, a)),
      metadataDenyPolicy(name, adminPriority + 1, exempt, dns),
      ...dnsServerPolicies(name, baselinePriority, exempt, dns),
      baselinePolicy(name, baselinePriority + 1, exempt, dns),
    ];
    for (const intent of intents) {
      model.claimName('ClusterNetworkPolicy', '', intent.name, this);
      this.policies.push(new ApiObject(this, intent.name, renderClusterPolicy(intent)));
    }
  }
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
    egress: [{ name: 'pass-metadata-endpoint', action: ClusterAction.PASS, peers: [{ networks: METADATA_NETWORKS }] }],
  };
}

/** The metadata deny; DNS served on the metadata address itself (GKE) passes first, on its DNS ports only. */
function metadataDenyPolicy(base: string, priority: number, exempt: string[], dns: ClusterDns): ClusterPolicyIntent {
  const dnsOnMetadata = dns._destinations.filter((d) => METADATA_NETWORKS.includes(d.peer.toPeerConfig().ipBlock?.cidr ?? ''));
  const passes: ClusterRule[] = dnsOnMetadata.map((d) => ({
    name: 'pass-dns-on-metadata-address', action: ClusterAction.PASS, peers: [{ networks: [d.peer.toPeerConfig().ipBlock!.cidr] }], ports: d.ports,
  }));
  return {
    name: toDnsLabel([base, 'metadata-deny']),
    tier: ClusterTier.ADMIN,
    priority,
    subject: { namespaces: namespacesExcept(exempt) },
    egress: [...passes, { name: 'deny-metadata-endpoint', action: ClusterAction.DENY, peers: [{ networks: METADATA_NETWORKS }] }],
  };
}

/** The DNS pods accept lookups from every namespace, before the Baseline deny would drop them. */
function dnsServerPolicies(base: string, priority: number, exempt: string[], dns: ClusterDns): ClusterPolicyIntent[] {
  const servers = dns._destinations.filter((d) => {
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

function checkExempt(path: string, exempt: string[] | undefined): string[] {
  if (exempt === undefined) return [];
  if (!Array.isArray(exempt)) {
    throw netsecError(path, 'exemptNamespaces must be a list of namespace names', exempt, 'Pass e.g. exemptNamespaces: ["kube-system"].');
  }
  const seen = new Set<string>();
  for (const namespace of exempt) {
    checkNamespace(`${path} (exemptNamespaces)`, namespace);
    if (seen.has(namespace)) throw netsecError(`${path} (exemptNamespaces)`, 'a namespace is listed twice', namespace, 'List each namespace once.');
    seen.add(namespace);
  }
  return [...seen].sort(compareStrings);
}

function checkDns(path: string, dns: ClusterDns | undefined): ClusterDns {
  if (dns === undefined) return ClusterDns.kubeDns();
  if (!(dns instanceof ClusterDns)) {
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

function checkAccess(path: string, access: MetadataEndpointAccess[] | undefined, exempt: string[]): MetadataEndpointAccess[] {
  if (access === undefined) return [];
  const where = `${path} (metadataEndpointAccess)`;
  if (!Array.isArray(access)) {
    throw netsecError(where, 'must be a list', access, 'Pass e.g. [MetadataEndpointAccess.pods("kube-system", { app: "aws-node" })].');
  }
  const seen = new Set<string>();
  for (const entry of access) {
    if (!(entry instanceof MetadataEndpointAccess)) {
      throw netsecError(where, 'holds something that is not a MetadataEndpointAccess', String(entry), 'Use MetadataEndpointAccess.namespace() or MetadataEndpointAccess.pods().');
    }
    if (exempt.includes(entry.namespaceName)) {
      throw netsecError(where, `namespace ${entry.namespaceName} is exempt, so the guardrail does not apply there anyway`, entry.toString(),
        'Remove the exception, or stop exempting the namespace.');
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
