import { refineClasses, selectionClasses } from './pod-classes';
import { ParsedCidr } from '../../core/cidr';
import { netsecError } from '../../core/errors';
import { UnevaluatedPolicy } from '../input/manifest-model';
import { ManifestModel, ModelPod } from '../input/manifests';
import { blockMatchesPod, DEFAULT_POD_NETWORK, parsePodNetwork } from '../input/pod-network';
import { AdminRule, compareAdminPolicies, compileAdminPolicy, CompiledAdminPolicy } from '../policies/admin-policy-model';
import { CiliumPolicies, compileCiliumPolicies } from '../policies/cilium-policy-model';
import { compilePolicy, CompiledPeer, CompiledPolicy, CompiledRule } from '../policies/policy-model';
import { CompiledSelector } from '../policies/selectors';

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
  /** Network policy objects of kinds the analyzer does not evaluate: every answer about a pod they may select is uncertain. */
  public readonly unevaluatedPolicies: readonly UnevaluatedPolicy[];

  /**
   * For each pod: its class. Pods of one class are selected by the same policies and matched by the
   * same peers, so they have the same answers as a source, and as a destination on the same port number
   * with the same named ports (see pod-classes.ts).
   */
  public readonly classOf: Int32Array;
  /** The number of classes. */
  public readonly classCount: number;
  /** For each class: the position of one of its pods. */
  public readonly classRepresentatives: readonly number[];
  /** The set of all classes. */
  public readonly allClasses: Uint8Array;

  private readonly positions = new Map<string, number>();
  private readonly podsByNamespace = new Map<string, number[]>();
  private readonly peerSets = new Map<number, PodSet>();
  private readonly peerClassSets = new Map<number, Uint8Array>();
  /** Per selection class (pods with the same namespace, labels and addresses): see pod-classes.ts. */
  private readonly selectionClassOf: Int32Array;
  private readonly selectionRepresentatives: readonly number[];
  /** For each class: one of the selection classes merged into it. */
  private readonly mergedToSelection: readonly number[];
  /** Sets of selection classes, by the peer selection they are of. */
  private readonly selectionCache = new Map<string, Uint8Array>();
  /** Selection classes a pod selector matches, by the selector's key. */
  private readonly podSelectorCache = new Map<string, Uint8Array>();
  private readonly classesByNamespace = new Map<string, number[]>();
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
    this.unevaluatedPolicies = model.unevaluatedPolicies ?? [];

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
    // Selection is decided per class of pods that no selector can tell apart (pod-classes.ts).
    const selection = selectionClasses(pods);
    const representatives = selection.representatives;
    this.selectionClassOf = selection.classOf;
    this.selectionRepresentatives = representatives;
    const classCount = representatives.length;
    for (const ns of this.namespaces) this.classesByNamespace.set(ns, []);
    representatives.forEach((i, c) => this.classesByNamespace.get(pods[i].namespace)!.push(c));
    const rules: IndexedRule[] = [];
    const ingressOfClass: PodRules[] = representatives.map(() => ({ policies: [], rules: [] }));
    const egressOfClass: PodRules[] = representatives.map(() => ({ policies: [], rules: [] }));
    for (const policy of this.policies) {
      const register = (rule: CompiledRule): IndexedRule => {
        const indexed = { id: rules.length, rule, policy };
        rules.push(indexed);
        return indexed;
      };
      const ingressRules = (policy.ingress ?? []).map(register);
      const egressRules = (policy.egress ?? []).map(register);
      const selected = this.selectedClasses(policy);
      for (let c = 0; c < classCount; c++) {
        if (selected[c] !== 1) continue;
        // A policy that does not isolate (Cilium enableDefaultDeny false) only adds its rules.
        if (policy.ingress) {
          if (policy.isolates?.ingress !== false) ingressOfClass[c].policies.push(policy);
          ingressOfClass[c].rules.push(...ingressRules);
        }
        if (policy.egress) {
          if (policy.isolates?.egress !== false) egressOfClass[c].policies.push(policy);
          egressOfClass[c].rules.push(...egressRules);
        }
      }
    }
    this.rules = rules;

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
    const tierIngressOfClass: PodTierRules[] = representatives.map(() => ({ admin: [], baseline: [] }));
    const tierEgressOfClass: PodTierRules[] = representatives.map(() => ({ admin: [], baseline: [] }));
    let hasTiers = false;
    const adminRules: IndexedAdminRule[] = [];
    for (const admin of ordered) {
      const register = (rule: AdminRule): IndexedAdminRule => {
        const indexed = { id: rules.length + this.adminRuleCount++, rule, admin };
        adminRules.push(indexed);
        return indexed;
      };
      const ingressRules = admin.ingress.map(register);
      const egressRules = admin.egress.map(register);
      representatives.forEach((i, c) => {
        const pod = pods[i];
        if (!admin.subjectNamespaces.matches(this.labelsOf(pod.namespace)) || !admin.subjectPods.matches(pod.labels)) return;
        hasTiers = true;
        tierIngressOfClass[c][admin.tier].push(...ingressRules);
        tierEgressOfClass[c][admin.tier].push(...egressRules);
      });
    }
    // Pods of one class share their (read-only) rule lists.
    const classOf = selection.classOf;
    this.ingressOf = pods.map((_, i) => ingressOfClass[classOf[i]]);
    this.egressOf = pods.map((_, i) => egressOfClass[classOf[i]]);
    this.tierIngressOf = pods.map((_, i) => tierIngressOfClass[classOf[i]]);
    this.tierEgressOf = pods.map((_, i) => tierEgressOfClass[classOf[i]]);
    this.hasTiers = hasTiers;

    // Classes that the same rules apply to and that every peer selects alike behave alike: merge them.
    const ids = (list: readonly { id: number }[]) => list.map(r => r.id).join(',');
    const policyNumbers = new Map(this.policies.map((policy, k) => [policy, k]));
    const policies = (list: readonly CompiledPolicy[]) => list.map(policy => policyNumbers.get(policy)).join(',');
    const initial = representatives.map((_, c) => `${ids(ingressOfClass[c].rules)}|${policies(ingressOfClass[c].policies)}`
      + `|${ids(egressOfClass[c].rules)}|${policies(egressOfClass[c].policies)}`
      + `|${ids(tierIngressOfClass[c].admin)}|${ids(tierIngressOfClass[c].baseline)}|${ids(tierEgressOfClass[c].admin)}|${ids(tierEgressOfClass[c].baseline)}`);
    for (const r of [...rules, ...adminRules]) {
      const namespace = 'policy' in r ? r.policy.namespace : '';
      for (const peer of r.rule.peers ?? []) if (peer.kind === 'pods' || peer.kind === 'ipBlock') this.peerSelection(peer, namespace);
    }
    const merged = refineClasses(initial, this.selectionCache.values());
    this.classCount = merged.count;
    this.classOf = new Int32Array(pods.length);
    pods.forEach((_, i) => this.classOf[i] = merged.mergedOf[classOf[i]]);
    const classRepresentatives: number[] = new Array(merged.count);
    const selectionClassOfMerged: number[] = new Array(merged.count);
    representatives.forEach((i, c) => {
      const m = merged.mergedOf[c];
      if (classRepresentatives[m] === undefined) {
        classRepresentatives[m] = i;
        selectionClassOfMerged[m] = c;
      }
    });
    this.classRepresentatives = classRepresentatives;
    this.mergedToSelection = selectionClassOfMerged;
    this.allClasses = emptySet(merged.count).fill(1);
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
    const selected = this.selectedClasses(policy);
    const namespaces = policy.subjectNamespaces === undefined
      ? [policy.namespace]
      : this.namespaces.filter(ns => policy.subjectNamespaces!.matches(this.labelsOf(ns)));
    return namespaces.flatMap(ns => this.podsByNamespace.get(ns) ?? []).filter(i => selected[this.selectionClassOf[i]] === 1);
  }

  /** The pods a rule's peers select (every pod when the rule has no peers). Computed once per rule. */
  public peerSet(indexed: IndexedRule | IndexedAdminRule): PodSet {
    if (indexed.rule.peers === undefined) return this.all;
    const cached = this.peerSets.get(indexed.id);
    if (cached) return cached;
    const classes = this.peerClassSet(indexed);
    const set = new Uint8Array(this.pods.length);
    for (let i = 0; i < set.length; i++) set[i] = classes[this.classOf[i]];
    this.peerSets.set(indexed.id, set);
    return set;
  }

  /** The classes a rule's peers select (every class when the rule has no peers). Computed once per rule. */
  public peerClassSet(indexed: IndexedRule | IndexedAdminRule): Uint8Array {
    if (indexed.rule.peers === undefined) return this.allClasses;
    const cached = this.peerClassSets.get(indexed.id);
    if (cached) return cached;
    const set = emptySet(this.classCount);
    const namespace = 'policy' in indexed ? indexed.policy.namespace : '';
    for (const peer of indexed.rule.peers) {
      if (peer.kind === 'pods' || peer.kind === 'ipBlock') {
        const selected = this.peerSelection(peer, namespace);
        for (let c = 0; c < set.length; c++) if (selected[this.mergedToSelection[c]] === 1) set[c] = 1;
      } else if (peer.kind === 'entity' && (peer.entity === 'cluster' || peer.entity === 'all')) {
        set.fill(1);
      }
    }
    this.peerClassSets.set(indexed.id, set);
    return set;
  }

  /** The selection classes a policy's podSelector selects in its namespace (or its subject namespaces). */
  private selectedClasses(policy: CompiledPolicy): Uint8Array {
    const namespaces = policy.subjectNamespaces === undefined
      ? [policy.namespace]
      : this.namespaces.filter(ns => policy.subjectNamespaces!.matches(this.labelsOf(ns)));
    return this.inNamespaces(namespaces, policy.podSelector);
  }

  /** The selection classes of some namespaces whose labels a pod selector matches (undefined: all). */
  private inNamespaces(namespaces: readonly string[], podSelector: CompiledSelector | undefined): Uint8Array {
    const set = new Uint8Array(this.selectionRepresentatives.length);
    const matching = podSelector === undefined || podSelector.matchesAll ? undefined : this.podSelectorMatches(podSelector);
    for (const ns of namespaces) {
      for (const c of this.classesByNamespace.get(ns) ?? []) if (matching === undefined || matching[c] === 1) set[c] = 1;
    }
    return set;
  }

  private podSelectorMatches(selector: CompiledSelector): Uint8Array {
    const cached = this.podSelectorCache.get(selector.key);
    if (cached) return cached;
    const set = new Uint8Array(this.selectionRepresentatives.length);
    this.selectionRepresentatives.forEach((i, c) => {
      if (selector.matches(this.pods[i].labels)) set[c] = 1;
    });
    this.podSelectorCache.set(selector.key, set);
    return set;
  }

  /** The selection classes a pod or ipBlock peer selects; `policyNamespace` scopes a peer without namespaceSelector. */
  private peerSelection(peer: SelectorOrBlock, policyNamespace: string): Uint8Array {
    if (peer.kind === 'ipBlock') {
      const key = `ipBlock ${peer.cidr.text} ${peer.except.map(e => e.text).join(',')}`;
      const cached = this.selectionCache.get(key);
      if (cached) return cached;
      const set = new Uint8Array(this.selectionRepresentatives.length);
      this.selectionRepresentatives.forEach((i, c) => {
        // Only a certain match counts; an address that depends on where the pod is gets a caveat in explain.
        if (blockMatchesPod(peer, this.pods[i], this.podNetwork) === 'yes') set[c] = 1;
      });
      this.selectionCache.set(key, set);
      return set;
    }
    const namespaces = peer.namespaceSelector === undefined
      ? [policyNamespace]
      : this.namespaces.filter(ns => peer.namespaceSelector!.matches(this.labelsOf(ns)));
    const key = `${JSON.stringify(namespaces)}|${peer.podSelector?.key ?? '*'}`;
    const cached = this.selectionCache.get(key);
    if (cached) return cached;
    const set = this.inNamespaces(namespaces, peer.podSelector);
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

/**
 * An empty set of `n` members whose buffer is padded with zeros to whole 32-bit words, so that
 * `unionInto` can merge two such sets four members at a time.
 */
export function emptySet(n: number): PodSet {
  return new Uint8Array(new ArrayBuffer(Math.ceil(n / 4) * 4), 0, n);
}

/** Adds every member of `source` to `target` (members are 0 or 1, so a bitwise or of whole words is exact). */
export function unionInto(target: PodSet, source: PodSet): void {
  if (target.byteOffset === 0 && source.byteOffset === 0 && target.buffer.byteLength === source.buffer.byteLength
    && target.buffer.byteLength % 4 === 0 && target.buffer.byteLength - target.length < 4) {
    const to = new Uint32Array(target.buffer);
    const from = new Uint32Array(source.buffer);
    // Four 0/1 members per word: or-ing the words is the union, four times fewer steps than per member.
    // eslint-disable-next-line no-bitwise
    for (let w = 0; w < to.length; w++) to[w] |= from[w];
    return;
  }
  for (let i = 0; i < source.length; i++) {
    if (source[i] === 1) target[i] = 1;
  }
}

function compareIds(ns1: string, name1: string, ns2: string, name2: string): number {
  if (ns1 !== ns2) return ns1 < ns2 ? -1 : 1;
  return name1 < name2 ? -1 : name1 > name2 ? 1 : 0;
}
