import { ClusterIndex, IndexedAdminRule, IndexedRule, PodSet, PodTierRules, unionInto } from './cluster';
import { Protocol } from '../../core/port';
import { rulePortsAreUniform, rulePortsMatch } from '../policies/matching';

/*
 * The whole-cluster evaluation for one destination port: which pod may open a connection to which.
 *
 * A connection from pod A to pod B is allowed when
 *   - A is not egress-isolated, or some egress rule of a policy selecting A admits B on the port, and
 *   - B is not ingress-isolated, or some ingress rule of a policy selecting B admits A on the port;
 * a pod may always connect to itself (the NetworkPolicy documentation: "a pod cannot block access to
 * itself").
 *
 * Instead of judging each of the n*n pairs against every policy, each side is a union of precomputed
 * pod sets: per destination, the union of the peer sets of its admitting ingress rules; per source, the
 * union of the destination sets of its egress rules. Pods with the same admitting rules share one union.
 *
 * Admin and baseline policies (AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy)
 * wrap that per side: the side's admin rules in order decide first (allow, deny, or pass to the next
 * step); what they leave is decided by NetworkPolicy when the pod is isolated on that side, else by the
 * baseline rules in order, else allowed.
 */

/** One port question over the whole cluster. */
export interface MatrixQuery {
  readonly protocol: Protocol;
  /** For each pod position: the port number a connection to it uses; -1 when the pod cannot be reached on it. */
  readonly destinationPorts: Int32Array;
  /** Set when every destination uses the same number, which lets port checks be shared. */
  readonly uniformPort?: number;
}

/** The allowed pairs as an n*n array: cell `from * n + to` is 1 when allowed. */
export function evaluateMatrix(index: ClusterIndex, query: MatrixQuery): Uint8Array {
  const n = index.pods.length;
  // Clusters without admin or baseline policies keep the plain NetworkPolicy path, as fast as ever.
  const sourcesOf = index.hasTiers ? allowedSources(index, query) : allowedSourcesPlain(index, query);
  const destinationsOf = index.hasTiers ? allowedDestinations(index, query) : allowedDestinationsPlain(index, query);
  const cells = new Uint8Array(n * n);
  const ports = query.destinationPorts;
  for (let from = 0; from < n; from++) {
    const destinations = destinationsOf[from];
    const row = from * n;
    for (let to = 0; to < n; to++) {
      if (ports[to] < 0) continue;
      if (from === to || (destinations[to] === 1 && sourcesOf[to][from] === 1)) cells[row + to] = 1;
    }
  }
  return cells;
}

/** Per destination pod: the pods its ingress side admits on the query port. */
function allowedSources(index: ClusterIndex, query: MatrixQuery): PodSet[] {
  const n = index.pods.length;
  const empty = new Uint8Array(n);
  const unions = new Map<string, PodSet>();
  const tiered = new Map<string, PodSet>();
  const result: PodSet[] = new Array(n);
  for (let to = 0; to < n; to++) {
    const port = query.destinationPorts[to];
    const isolation = index.ingressOf[to];
    const tiers = index.tierIngressOf[to];
    if (port < 0) {
      result[to] = empty;
      continue;
    }
    const portQuery = { protocol: query.protocol, port, destination: index.pods[to] };
    const hasTiers = tiers.admin.length + tiers.baseline.length > 0;
    if (!hasTiers && isolation.policies.length === 0) {
      result[to] = index.all;
      continue;
    }
    const admitting = isolation.rules.filter(r => rulePortsMatch(r.rule, portQuery));
    if (!hasTiers) {
      result[to] = unionOf(admitting, unions, n, r => index.peerSet(r));
      continue;
    }
    const admin = tiers.admin.filter(r => rulePortsMatch(r.rule, portQuery));
    const baseline = tiers.baseline.filter(r => rulePortsMatch(r.rule, portQuery));
    const key = `${admin.map(r => r.id).join(',')}|${isolation.policies.length === 0 ? '-' : admitting.map(r => r.id).join(',')}|${baseline.map(r => r.id).join(',')}`;
    let set = tiered.get(key);
    if (!set) {
      const npSet = isolation.policies.length === 0 ? undefined : unionOf(admitting, unions, n, r => index.peerSet(r));
      set = decideTiers(n, admin, npSet, baseline, r => index.peerSet(r));
      tiered.set(key, set);
    }
    result[to] = set;
  }
  return result;
}

/**
 * One side's allowed set when admin or baseline rules apply: each rule's set is the pods it matches
 * (port already checked); the first rule that matches a pod decides for it.
 */
export function decideTiers(n: number, admin: readonly IndexedAdminRule[], npSet: PodSet | undefined,
  baseline: readonly IndexedAdminRule[], setOf: (r: IndexedAdminRule) => PodSet): PodSet {
  // 0 undecided, 1 allow, 2 deny, 3 pass (to NetworkPolicy)
  const state = new Uint8Array(n);
  for (const r of admin) {
    const set = setOf(r);
    const code = r.rule.action === 'allow' ? 1 : r.rule.action === 'deny' ? 2 : 3;
    for (let i = 0; i < n; i++) if (state[i] === 0 && set[i] === 1) state[i] = code;
  }
  const result = new Uint8Array(n);
  const open: number[] = [];
  for (let i = 0; i < n; i++) {
    if (state[i] === 1) {result[i] = 1;} else if (state[i] !== 2) {
      if (npSet !== undefined) result[i] = npSet[i];
      else open.push(i);
    }
  }
  if (open.length === 0) return result;
  const baseState = new Uint8Array(n);
  for (const r of baseline) {
    const set = setOf(r);
    const code = r.rule.action === 'deny' ? 2 : 1;
    for (const i of open) if (baseState[i] === 0 && set[i] === 1) baseState[i] = code;
  }
  for (const i of open) result[i] = baseState[i] === 2 ? 0 : 1;
  return result;
}

/** Per source pod: the pods its egress side may open connections to on the query port. */
function allowedDestinations(index: ClusterIndex, query: MatrixQuery): PodSet[] {
  const n = index.pods.length;
  const empty = new Uint8Array(n);
  const unions = new Map<string, PodSet>();
  const destinationsOfRule = ruleDestinations(index, query, empty);
  const tiered = new Map<string, PodSet>();
  const result: PodSet[] = new Array(n);
  for (let from = 0; from < n; from++) {
    const isolation = index.egressOf[from];
    const tiers: PodTierRules = index.tierEgressOf[from];
    if (tiers.admin.length + tiers.baseline.length === 0) {
      result[from] = isolation.policies.length === 0
        ? index.all
        : unionOf(isolation.rules, unions, n, destinationsOfRule);
      continue;
    }
    const key = `${tiers.admin.map(r => r.id).join(',')}|${isolation.policies.length === 0 ? '-' : isolation.rules.map(r => r.id).join(',')}|${tiers.baseline.map(r => r.id).join(',')}`;
    let set = tiered.get(key);
    if (!set) {
      const npSet = isolation.policies.length === 0 ? undefined : unionOf(isolation.rules, unions, n, destinationsOfRule);
      set = decideTiers(n, tiers.admin, npSet, tiers.baseline, destinationsOfRule);
      tiered.set(key, set);
    }
    result[from] = set;
  }
  return result;
}

/** Per destination pod: the pods its ingress side admits on the query port (no admin or baseline policy anywhere). */
function allowedSourcesPlain(index: ClusterIndex, query: MatrixQuery): PodSet[] {
  const n = index.pods.length;
  const empty = new Uint8Array(n);
  const unions = new Map<string, PodSet>();
  const result: PodSet[] = new Array(n);
  for (let to = 0; to < n; to++) {
    const port = query.destinationPorts[to];
    const isolation = index.ingressOf[to];
    if (port < 0) {
      result[to] = empty;
    } else if (isolation.policies.length === 0) {
      result[to] = index.all;
    } else {
      const portQuery = { protocol: query.protocol, port, destination: index.pods[to] };
      const admitting = isolation.rules.filter(r => rulePortsMatch(r.rule, portQuery));
      result[to] = unionOf(admitting, unions, n, r => index.peerSet(r));
    }
  }
  return result;
}

/** Per source pod: the pods its egress side may open connections to on the query port (no admin or baseline policy anywhere). */
function allowedDestinationsPlain(index: ClusterIndex, query: MatrixQuery): PodSet[] {
  const n = index.pods.length;
  const empty = new Uint8Array(n);
  const unions = new Map<string, PodSet>();
  const destinationsOfRule = ruleDestinations(index, query, empty);
  const result: PodSet[] = new Array(n);
  for (let from = 0; from < n; from++) {
    const isolation = index.egressOf[from];
    result[from] = isolation.policies.length === 0
      ? index.all
      : unionOf(isolation.rules, unions, n, destinationsOfRule);
  }
  return result;
}

/**
 * A rule's destinations on the query port: its peers, narrowed to the pods its ports admit there;
 * computed once per rule.
 */
function ruleDestinations(index: ClusterIndex, query: MatrixQuery, empty: PodSet): (r: IndexedRule | IndexedAdminRule) => PodSet {
  const n = index.pods.length;
  const perRule = new Map<number, PodSet>();
  return (r) => {
    const cached = perRule.get(r.id);
    if (cached) return cached;
    const peers = index.peerSet(r);
    let set: PodSet;
    if (r.rule.ports === undefined) {
      set = peers;
    } else if (query.uniformPort !== undefined && rulePortsAreUniform(r.rule)) {
      set = rulePortsMatch(r.rule, { protocol: query.protocol, port: query.uniformPort }) ? peers : empty;
    } else {
      set = new Uint8Array(n);
      for (let to = 0; to < n; to++) {
        const port = query.destinationPorts[to];
        if (peers[to] === 1 && port >= 0
          && rulePortsMatch(r.rule, { protocol: query.protocol, port, destination: index.pods[to] })) set[to] = 1;
      }
    }
    perRule.set(r.id, set);
    return set;
  };
}

/** The union of the sets of some rules, shared between pods that have the same rules. */
function unionOf(rules: IndexedRule[], unions: Map<string, PodSet>, n: number, setOf: (r: IndexedRule) => PodSet): PodSet {
  const key = rules.map(r => r.id).join(',');
  const cached = unions.get(key);
  if (cached) return cached;
  let union: PodSet;
  if (rules.length === 1) {
    union = setOf(rules[0]);
  } else {
    union = new Uint8Array(n);
    for (const r of rules) unionInto(union, setOf(r));
  }
  unions.set(key, union);
  return union;
}
