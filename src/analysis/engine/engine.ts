import { ClusterIndex, emptySet, IndexedAdminRule, IndexedRule, PodSet, PodTierRules, unionInto } from './cluster';
import { Protocol } from '../../core/port';
import { rulePortsAreUniform, rulePortsMatch } from '../policies/matching';
import { ClassCells } from '../report/matrix-cells';

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
  const classes = evaluateClasses(index, query);
  const cells = new Uint8Array(n * n);
  for (let from = 0; from < n; from++) {
    const row = from * n;
    for (let to = 0; to < n; to++) cells[row + to] = classes.cell(from, to);
  }
  return cells;
}

/**
 * The allowed pairs per class: rows are the index's classes (a source's answers depend only on its
 * class), columns are the destinations' classes split by what the port query reads of a destination
 * (the port number it is asked on, and for each named port a rule mentions whether the pod gives that
 * name this number), so every pod of a column is judged alike.
 */
export function evaluateClasses(index: ClusterIndex, query: MatrixQuery): ClassCells {
  const columns = columnsOf(index, query);
  const sourcesOf = allowedSources(index, query, columns);
  const destinationsOf = allowedDestinations(index, query, columns);
  const rows = index.classCount;
  const width = columns.count;
  const cells = new Uint8Array(rows * width);
  for (let from = 0; from < rows; from++) {
    const destinations = destinationsOf[from];
    const row = from * width;
    for (let to = 0; to < width; to++) {
      if (destinations[to] === 1 && sourcesOf[to][from] === 1) cells[row + to] = 1;
    }
  }
  return new ClassCells(index.classOf, columns.columnOf, width, cells);
}

/** The destination columns of one query. */
interface Columns {
  readonly count: number;
  /** For each pod: its column, -1 when it cannot be reached on the query port. */
  readonly columnOf: Int32Array;
  /** For each column: the class of its pods, the port they are asked on and one of them. */
  readonly classOf: readonly number[];
  readonly port: readonly number[];
  readonly representative: readonly number[];
}

function columnsOf(index: ClusterIndex, query: MatrixQuery): Columns {
  const named = namedEntries(index, query.protocol);
  const byPodPorts = named.length > 0 || query.uniformPort === undefined;
  const columnOf = new Int32Array(index.pods.length);
  const numbers = new Map<string | number, number>();
  const classOf: number[] = [];
  const port: number[] = [];
  const representative: number[] = [];
  index.pods.forEach((pod, to) => {
    const number = query.destinationPorts[to];
    if (number < 0) {
      columnOf[to] = -1;
      return;
    }
    const key = !byPodPorts ? index.classOf[to]
      : `${index.classOf[to]}:${number}:${named.map(e => (pod.ports.find(p => p.name === e && p.protocol === query.protocol)?.port === number ? 1 : 0)).join('')}`;
    let column = numbers.get(key);
    if (column === undefined) {
      column = classOf.length;
      numbers.set(key, column);
      classOf.push(index.classOf[to]);
      port.push(number);
      representative.push(to);
    }
    columnOf[to] = column;
  });
  return { count: classOf.length, columnOf, classOf, port, representative };
}

/** The container port names rule entries of the query's protocol mention (they resolve per destination). */
function namedEntries(index: ClusterIndex, protocol: Protocol): string[] {
  const names = new Set<string>();
  const rules = [...index.rules.map(r => r.rule), ...index.adminPolicies.flatMap(a => [...a.ingress, ...a.egress])];
  for (const rule of rules) {
    for (const entry of rule.ports ?? []) if (entry.name !== undefined && entry.protocol === protocol) names.add(entry.name);
  }
  return [...names].sort();
}

/** Per column: the classes its ingress side admits on the query port. */
function allowedSources(index: ClusterIndex, query: MatrixQuery, columns: Columns): Uint8Array[] {
  const n = index.classCount;
  const unions = new Map<string, Uint8Array>();
  const tiered = new Map<string, Uint8Array>();
  const setOf = (r: IndexedRule | IndexedAdminRule) => index.peerClassSet(r);
  const result: Uint8Array[] = new Array(columns.count);
  for (let k = 0; k < columns.count; k++) {
    const to = columns.representative[k];
    const isolation = index.ingressOf[to];
    const tiers = index.tierIngressOf[to];
    const portQuery = { protocol: query.protocol, port: columns.port[k], destination: index.pods[to] };
    const hasTiers = tiers.admin.length + tiers.baseline.length > 0;
    if (!hasTiers && isolation.policies.length === 0) {
      result[k] = index.allClasses;
      continue;
    }
    const admitting = isolation.rules.filter(r => rulePortsMatch(r.rule, portQuery));
    if (!hasTiers) {
      result[k] = unionOf(admitting, unions, n, setOf);
      continue;
    }
    const admin = tiers.admin.filter(r => rulePortsMatch(r.rule, portQuery));
    const baseline = tiers.baseline.filter(r => rulePortsMatch(r.rule, portQuery));
    const key = `${admin.map(r => r.id).join(',')}|${isolation.policies.length === 0 ? '-' : admitting.map(r => r.id).join(',')}|${baseline.map(r => r.id).join(',')}`;
    let set = tiered.get(key);
    if (!set) {
      const npSet = isolation.policies.length === 0 ? undefined : unionOf(admitting, unions, n, setOf);
      set = decideTiers(n, admin, npSet, baseline, setOf);
      tiered.set(key, set);
    }
    result[k] = set;
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

/** Per class: the columns its egress side may open connections to on the query port. */
function allowedDestinations(index: ClusterIndex, query: MatrixQuery, columns: Columns): Uint8Array[] {
  const width = columns.count;
  const all = emptySet(width).fill(1);
  const unions = new Map<string, Uint8Array>();
  const destinationsOfRule = ruleDestinations(index, query, columns);
  const tiered = new Map<string, Uint8Array>();
  const result: Uint8Array[] = new Array(index.classCount);
  for (let from = 0; from < index.classCount; from++) {
    const source = index.classRepresentatives[from];
    const isolation = index.egressOf[source];
    const tiers: PodTierRules = index.tierEgressOf[source];
    if (tiers.admin.length + tiers.baseline.length === 0) {
      result[from] = isolation.policies.length === 0 ? all : unionOf(isolation.rules, unions, width, destinationsOfRule);
      continue;
    }
    const key = `${tiers.admin.map(r => r.id).join(',')}|${isolation.policies.length === 0 ? '-' : isolation.rules.map(r => r.id).join(',')}|${tiers.baseline.map(r => r.id).join(',')}`;
    let set = tiered.get(key);
    if (!set) {
      const npSet = isolation.policies.length === 0 ? undefined : unionOf(isolation.rules, unions, width, destinationsOfRule);
      set = decideTiers(width, tiers.admin, npSet, tiers.baseline, destinationsOfRule);
      tiered.set(key, set);
    }
    result[from] = set;
  }
  return result;
}

/**
 * A rule's destination columns on the query port: its peers, narrowed to the columns its ports admit;
 * computed once per rule (rules with the same peers and port answers share one set).
 */
function ruleDestinations(index: ClusterIndex, query: MatrixQuery, columns: Columns): (r: IndexedRule | IndexedAdminRule) => Uint8Array {
  const width = columns.count;
  const empty = emptySet(width);
  const perRule = new Map<number, Uint8Array>();
  const projected = new Map<Uint8Array, Uint8Array>();
  const project = (peers: Uint8Array) => {
    let set = projected.get(peers);
    if (!set) {
      set = emptySet(width);
      for (let k = 0; k < width; k++) set[k] = peers[columns.classOf[k]];
      projected.set(peers, set);
    }
    return set;
  };
  return (r) => {
    const cached = perRule.get(r.id);
    if (cached) return cached;
    const peers = index.peerClassSet(r);
    let set: Uint8Array;
    if (r.rule.ports === undefined) {
      set = project(peers);
    } else if (query.uniformPort !== undefined && rulePortsAreUniform(r.rule)) {
      set = rulePortsMatch(r.rule, { protocol: query.protocol, port: query.uniformPort }) ? project(peers) : empty;
    } else {
      set = emptySet(width);
      for (let k = 0; k < width; k++) {
        if (peers[columns.classOf[k]] !== 1) continue;
        const destination = index.pods[columns.representative[k]];
        if (rulePortsMatch(r.rule, { protocol: query.protocol, port: columns.port[k], destination })) set[k] = 1;
      }
    }
    perRule.set(r.id, set);
    return set;
  };
}

/** The union of the sets of some rules, shared between pods that have the same rules. */
function unionOf(rules: IndexedRule[], unions: Map<string, Uint8Array>, n: number, setOf: (r: IndexedRule) => Uint8Array): Uint8Array {
  const key = rules.map(r => r.id).join(',');
  const cached = unions.get(key);
  if (cached) return cached;
  let union: Uint8Array;
  if (rules.length === 1) {
    union = setOf(rules[0]);
  } else {
    union = emptySet(n);
    for (const r of rules) unionInto(union, setOf(r));
  }
  unions.set(key, union);
  return union;
}
