import { ParsedCidr } from '../../core/cidr';
import { netsecError } from '../../core/errors';
import { ManifestModel, ModelPod } from '../input/manifests';
import { blockMatchesPod, DEFAULT_POD_NETWORK, parsePodNetwork } from '../input/pod-network';
import { AdminRule, compareAdminPolicies, compileAdminPolicy, CompiledAdminPolicy } from '../policies/admin-policy-model';
import { CiliumPolicies, compileCiliumPolicies } from '../policies/cilium-policy-model';
import { compilePolicy, CompiledPeer, CompiledPolicy, CompiledRule } from '../policies/policy-model';

/*
 * The indexed cluster: pods in a stable order, compiled policies, and what every policy selects.
 * Sets of pods are byte arrays indexed by pod position (1 = member): unions are linear scans, and the
 * sets for a rule's peers are computed once and reused for every query.
 */

/** A set of pods: `set[i] === 1` when the pod at position i is a member. */
export type PodSet = Uint8Array;

/** A policy rule with the policy it belongs to and a global id. */
export interface IndexedRule {
  readonly id: number;
  readonly rule: CompiledRule;
  readonly policy: CompiledPolicy;
}

/** A rule of an admin or baseline policy with the policy it belongs to and a global id. */
export interface IndexedAdminRule {
  readonly id: number;
  readonly rule: AdminRule;
  readonly admin: CompiledAdminPolicy;
}

/** The ordered admin and baseline rules that apply to one pod in one direction. */
export interface PodTierRules {
  /** Admin tier rules, in the order they are checked. */
  readonly admin: IndexedAdminRule[];
  /** Baseline tier rules, in the order they are checked. */
  readonly baseline: IndexedAdminRule[];
}

/** Pods, namespaces and policies with the selection relations precomputed. */
export class ClusterIndex {
  /** Pods sorted by namespace, then name. */
  public readonly pods: readonly ModelPod[];
  /** `namespace/name` of each pod, same order. */
  public readonly podIds: readonly string[];
  /** Namespace names, sorted. */
  public readonly namespaces: readonly string[];
  public readonly namespaceLabels: ReadonlyMap<string, Readonly<Record<string, string>>>;
  public readonly policies: readonly CompiledPolicy[];
  public readonly rules: readonly IndexedRule[];
  /** For each pod: the rules of the policies that select it and isolate its ingress, and those policies. */
  public readonly ingressOf: readonly PodRules[];
  /** For each pod: the same for egress. */
  public readonly egressOf: readonly PodRules[];
  /** The set of all pods. */
  public readonly all: PodSet;
  /** Admin and baseline policies, in the order they are checked (admin tier first). */
  public readonly adminPolicies: readonly CompiledAdminPolicy[];
  /** For each pod: the admin and baseline rules about its ingress. */
  public readonly tierIngressOf: readonly PodTierRules[];
  /** For each pod: the same for egress. */
  public readonly tierEgressOf: readonly PodTierRules[];
  /** True when some admin or baseline policy selects some pod. */
  public readonly hasTiers: boolean;
  /** Where pods without a known address have theirs. */
  public readonly podNetwork: readonly ParsedCidr[];
  /** Policy parts the analyzer does not evaluate, as `<policy>: <field>: <why>`, sorted. */
  public readonly notAnalysed: readonly string[];

  private readonly positions = new Map<string, number>();
  private readonly podsByNamespace = new Map<string, number[]>();
  private readonly peerSets = new Map<number, PodSet>();
  private readonly selectionCache = new Map<string, PodSet>();
  private adminRuleCount = 0;

  public constructor(model: ManifestModel) {
    const pods = [...model.pods].sort((a, b) => compareIds(a.namespace, a.name, b.namespace, b.name));
    this.pods = pods;
    this.podIds = pods.map(p => `${p.namespace}/${p.name}`);
    this.podIds.forEach((id, i) => this.positions.set(id, i));
    this.namespaces = [...model.namespaces.keys()].sort();
    this.namespaceLabels = model.namespaces;
    for (const ns of this.namespaces) this.podsByNamespace.set(ns, []);
    pods.forEach((pod, i) => this.podsByNamespace.get(pod.namespace)!.push(i));
    this.all = new Uint8Array(pods.length).fill(1);
    this.podNetwork = model.podNetwork ?? parsePodNetwork('Reachability', DEFAULT_POD_NETWORK);

    const ciliumParts = model.ciliumPolicies.map(p => (p.compiled as CiliumPolicies | undefined) ?? compileCiliumPolicies([p]));
    const cilium = { policies: ciliumParts.flatMap(c => c.policies), notAnalysed: ciliumParts.flatMap(c => c.notAnalysed) };
    this.policies = [...model.policies.map(p => (p.compiled as CompiledPolicy | undefined) ?? compilePolicy(p)), ...cilium.policies]
      .sort((a, b) => compareIds(a.namespace, a.name, b.namespace, b.name));
    this.policies.forEach((policy, k) => {
      if (k > 0 && this.policies[k - 1].id === policy.id) {
        throw netsecError(`NetworkPolicy ${policy.id}`, 'appears twice; the API server would keep only one of them', policy.id,
          'Give every NetworkPolicy a distinct name within its namespace.');
      }
    });
    const rules: IndexedRule[] = [];
    const ingressOf: PodRules[] = pods.map(() => ({ policies: [], rules: [] }));
    const egressOf: PodRules[] = pods.map(() => ({ policies: [], rules: [] }));
    for (const policy of this.policies) {
      const register = (rule: CompiledRule): IndexedRule => {
        const indexed = { id: rules.length, rule, policy };
        rules.push(indexed);
        return indexed;
      };
      const ingressRules = (policy.ingress ?? []).map(register);
      const egressRules = (policy.egress ?? []).map(register);
      for (const i of this.selectedBy(policy)) {
        // A policy that does not isolate (Cilium enableDefaultDeny false) only adds its rules.
        if (policy.ingress) {
          if (policy.isolates?.ingress !== false) ingressOf[i].policies.push(policy);
          ingressOf[i].rules.push(...ingressRules);
        }
        if (policy.egress) {
          if (policy.isolates?.egress !== false) egressOf[i].policies.push(policy);
          egressOf[i].rules.push(...egressRules);
        }
      }
    }
    this.rules = rules;
    this.ingressOf = ingressOf;
    this.egressOf = egressOf;

    const admins = model.adminPolicies.map(p => (p.compiled as CompiledAdminPolicy | undefined) ?? compileAdminPolicy(p));
    const ordered = [...admins.filter(a => a.tier === 'admin').sort(compareAdminPolicies),
      ...admins.filter(a => a.tier === 'baseline').sort(compareAdminPolicies)];
    this.adminPolicies = ordered;
    // The API leaves the order of two policies of one tier with the same priority undefined.
    const ties: string[] = [];
    ordered.forEach((policy, k) => {
      const previous = ordered[k - 1];
      if (previous && previous.tier === policy.tier && previous.priority === policy.priority && policy.kind !== 'BaselineAdminNetworkPolicy') {
        ties.push(`${previous.id} and ${policy.id}: same ${policy.tier} priority ${policy.priority}; the API does not define which is checked first `
          + '(analysed in kind and name order); give them distinct priorities');
      }
    });
    const tierIngressOf: PodTierRules[] = pods.map(() => ({ admin: [], baseline: [] }));
    const tierEgressOf: PodTierRules[] = pods.map(() => ({ admin: [], baseline: [] }));
    let hasTiers = false;
    for (const admin of ordered) {
      const register = (rule: AdminRule): IndexedAdminRule => ({ id: rules.length + this.adminRuleCount++, rule, admin });
      const ingressRules = admin.ingress.map(register);
      const egressRules = admin.egress.map(register);
      pods.forEach((pod, i) => {
        if (!admin.subjectNamespaces.matches(this.labelsOf(pod.namespace)) || !admin.subjectPods.matches(pod.labels)) return;
        hasTiers = true;
        tierIngressOf[i][admin.tier].push(...ingressRules);
        tierEgressOf[i][admin.tier].push(...egressRules);
      });
    }
    this.tierIngressOf = tierIngressOf;
    this.tierEgressOf = tierEgressOf;
    this.hasTiers = hasTiers;
    this.notAnalysed = [
      ...admins.flatMap(a => a.notAnalysed.map(text => `${a.id}: ${text}`)),
      ...cilium.notAnalysed,
      ...ties,
      ...model.warnings ?? [],
    ].sort();
  }


  /** The position of a pod, or undefined. */
  public positionOf(namespace: string, name: string): number | undefined {
    return this.positions.get(`${namespace}/${name}`);
  }

  /** Labels of a namespace (every namespace in the model has at least its name label). */
  public labelsOf(namespace: string): Readonly<Record<string, string>> {
    return this.namespaceLabels.get(namespace) ?? {};
  }

  /** Positions of the pods a policy's podSelector selects (only pods of its own namespace). */
  public selectedBy(policy: CompiledPolicy): number[] {
    if (policy.subjectNamespaces !== undefined) {
      const namespaces = this.namespaces.filter(ns => policy.subjectNamespaces!.matches(this.labelsOf(ns)));
      return namespaces.flatMap(ns => this.podsByNamespace.get(ns) ?? []).filter(i => policy.podSelector.matches(this.pods[i].labels));
    }
    const candidates = this.podsByNamespace.get(policy.namespace) ?? [];
    return candidates.filter(i => policy.podSelector.matches(this.pods[i].labels));
  }

  /** The pods a rule's peers select (every pod when the rule has no peers). Computed once per rule. */
  public peerSet(indexed: IndexedRule | IndexedAdminRule): PodSet {
    const cached = this.peerSets.get(indexed.id);
    if (cached) return cached;
    let set: PodSet;
    if (indexed.rule.peers === undefined) {
      set = this.all;
    } else {
      set = new Uint8Array(this.pods.length);
      const namespace = 'policy' in indexed ? indexed.policy.namespace : '';
      for (const peer of indexed.rule.peers) {
        if (peer.kind === 'pods' || peer.kind === 'ipBlock') unionInto(set, this.peerPods(peer, namespace));
        else if (peer.kind === 'entity' && (peer.entity === 'cluster' || peer.entity === 'all')) unionInto(set, this.all);
      }
    }
    this.peerSets.set(indexed.id, set);
    return set;
  }

  private peerPods(peer: SelectorOrBlock, policyNamespace: string): PodSet {
    if (peer.kind === 'ipBlock') {
      const set = new Uint8Array(this.pods.length);
      this.pods.forEach((pod, i) => {
        // Only a certain match counts; an address that depends on where the pod is gets a caveat in explain.
        if (blockMatchesPod(peer, pod, this.podNetwork) === 'yes') set[i] = 1;
      });
      return set;
    }
    const namespaces = peer.namespaceSelector === undefined
      ? [policyNamespace]
      : this.namespaces.filter(ns => peer.namespaceSelector!.matches(this.labelsOf(ns)));
    const key = `${namespaces.join(',')}|${peer.podSelector?.key ?? '*'}`;
    const cached = this.selectionCache.get(key);
    if (cached) return cached;
    const set = new Uint8Array(this.pods.length);
    for (const ns of namespaces) {
      for (const i of this.podsByNamespace.get(ns) ?? []) {
        if (peer.podSelector === undefined || peer.podSelector.matches(this.pods[i].labels)) set[i] = 1;
      }
    }
    this.selectionCache.set(key, set);
    return set;
  }
}

type SelectorOrBlock = Extract<CompiledPeer, { kind: 'pods' | 'ipBlock' }>;

/** The policies that isolate a pod in one direction, and all their rules. */
export interface PodRules {
  readonly policies: CompiledPolicy[];
  readonly rules: IndexedRule[];
}

/** Adds every member of `source` to `target`. */
export function unionInto(target: PodSet, source: PodSet): void {
  for (let i = 0; i < source.length; i++) {
    if (source[i] === 1) target[i] = 1;
  }
}

function compareIds(ns1: string, name1: string, ns2: string, name2: string): number {
  if (ns1 !== ns2) return ns1 < ns2 ? -1 : 1;
  return name1 < name2 ? -1 : name1 > name2 ? 1 : 0;
}
