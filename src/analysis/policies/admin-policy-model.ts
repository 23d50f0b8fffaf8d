import { checkedCidr, CompiledPeer, CompiledPolicyPort, CompiledRule, Direction, UnevaluatedPeer } from './policy-model';
import { compileSelector, CompiledSelector, SELECT_ALL } from './selectors';
import { netsecError } from '../../core/errors';
import { checkPortName } from '../../core/names';
import { Protocol } from '../../core/port';
import { PolicyObject } from '../input/manifest-model';

/*
 * The cluster-wide policies of network-policy-api compiled into one shape, so that one engine evaluates
 * them around NetworkPolicy:
 * - AdminNetworkPolicy (v1alpha1): Admin tier; actions Allow, Deny, Pass; `priority` 0-1000.
 * - BaselineAdminNetworkPolicy (v1alpha1): Baseline tier, the singleton named `default`; Allow, Deny.
 * - ClusterNetworkPolicy (v1alpha2): `tier` Admin or Baseline, `priority` 0-1000; Accept, Deny, Pass.
 * Within a tier, policies are checked by priority (lower first; equal priorities by kind, then name,
 * which the API leaves undefined) and rules in their written order; the first rule whose peers and ports
 * match decides. Pass hands the connection to NetworkPolicy (Admin tier) or lets it through (Baseline).
 * Semantics from the network-policy-api API reference (apis/v1alpha1 and v1alpha2 type comments) and the
 * netpol-analyzer README of the conformance data.
 */

/** What a rule does with the connections it matches. */
export type AdminAction = 'allow' | 'deny' | 'pass';

/** A rule of an admin or baseline policy. */
export interface AdminRule extends CompiledRule {
  readonly action: AdminAction;
}

/** One compiled AdminNetworkPolicy, BaselineAdminNetworkPolicy or ClusterNetworkPolicy. */
export interface CompiledAdminPolicy {
  readonly tier: 'admin' | 'baseline';
  readonly kind: string;
  readonly name: string;
  readonly priority: number;
  /** `Kind name`, for explanations. */
  readonly id: string;
  /** The subject: pods of the namespaces this selects... */
  readonly subjectNamespaces: CompiledSelector;
  /** ...that this selects. */
  readonly subjectPods: CompiledSelector;
  readonly ingress: readonly AdminRule[];
  readonly egress: readonly AdminRule[];
  /** Parts of the policy the analyzer does not evaluate (e.g. `nodes` peers), as `field: why`. */
  readonly notAnalysed: readonly string[];
}

const ACTIONS_V1ALPHA1: Record<string, AdminAction> = { Allow: 'allow', Deny: 'deny', Pass: 'pass' };
const ACTIONS_V1ALPHA2: Record<string, AdminAction> = { Accept: 'allow', Deny: 'deny', Pass: 'pass' };
const PROTOCOL_KEYS: ReadonlyArray<[string, Protocol]> = [['tcp', Protocol.TCP], ['udp', Protocol.UDP], ['sctp', Protocol.SCTP]];
const PROTOCOLS: readonly string[] = Object.values(Protocol);
/** Highest priority value of both API versions. */
const MAX_PRIORITY = 1000;

/** Compiles and validates one admin or baseline policy object. */
export function compileAdminPolicy(source: PolicyObject): CompiledAdminPolicy {
  const { object, where } = source;
  const kind: string = object.kind;
  const name = object.metadata?.name;
  if (typeof name !== 'string' || name.length === 0) {
    throw netsecError(where, 'has no metadata.name', object.metadata, `Name every ${kind}.`);
  }
  const spec = object.spec;
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw netsecError(where, 'spec is not an object', spec, 'Write spec with subject, priority and ingress/egress rules.');
  }
  const v2 = kind === 'ClusterNetworkPolicy';
  let tier: 'admin' | 'baseline';
  if (v2) {
    if (spec.tier !== 'Admin' && spec.tier !== 'Baseline') {
      throw netsecError(where, 'spec.tier is not Admin or Baseline', spec.tier, 'Set tier: Admin (before NetworkPolicy) or Baseline (after it).');
    }
    tier = spec.tier === 'Admin' ? 'admin' : 'baseline';
  } else {
    tier = kind === 'AdminNetworkPolicy' ? 'admin' : 'baseline';
  }
  if (kind === 'BaselineAdminNetworkPolicy' && name !== 'default') {
    throw netsecError(where, 'is not named "default"; BaselineAdminNetworkPolicy is a singleton the API server accepts only as "default"', name,
      'Rename it to default and merge the rules of every baseline into it.');
  }
  let priority = 0;
  if (kind !== 'BaselineAdminNetworkPolicy') {
    priority = spec.priority;
    if (!Number.isInteger(priority) || priority < 0 || priority > MAX_PRIORITY) {
      throw netsecError(where, 'spec.priority is not an integer from 0 to 1000', spec.priority,
        'Set priority; lower values are checked first.');
    }
  }
  const { namespaces: subjectNamespaces, pods: subjectPods } = compileSubject(spec.subject, where);
  const id = `${kind} ${name}`;
  const notAnalysed: string[] = [];
  const actions = v2 ? ACTIONS_V1ALPHA2 : ACTIONS_V1ALPHA1;
  const rules = (direction: Direction): AdminRule[] => {
    const raw = spec[direction];
    if (raw === undefined || raw === null) return [];
    if (!Array.isArray(raw)) {
      throw netsecError(where, `spec.${direction} is not a list of rules`, raw, `Write spec.${direction} as a list of rules.`);
    }
    return raw.map((rule: any, index: number) => compileAdminRule(rule, index, direction, { where, id, kind, v2, tier, actions, notAnalysed }));
  };
  const ingress = rules('ingress');
  const egress = rules('egress');
  return { tier, kind, name, priority, id, subjectNamespaces, subjectPods, ingress, egress, notAnalysed };
}

/** Orders policies of one tier as they are checked. */
export function compareAdminPolicies(a: CompiledAdminPolicy, b: CompiledAdminPolicy): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  if (a.kind !== b.kind) return a.kind < b.kind ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function compileSubject(raw: any, where: string): { namespaces: CompiledSelector; pods: CompiledSelector } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw netsecError(where, 'spec.subject is not an object', raw, 'Set subject to { namespaces: <selector> } or { pods: { namespaceSelector, podSelector } }.');
  }
  const given = ['namespaces', 'pods'].filter(k => raw[k] !== undefined && raw[k] !== null);
  if (given.length !== 1) {
    throw netsecError(where, 'spec.subject must set exactly one of namespaces and pods', raw,
      'Write subject: { namespaces: {} } for every pod, or subject: { pods: { namespaceSelector, podSelector } }.');
  }
  if (given[0] === 'namespaces') return { namespaces: compileSelector(raw.namespaces, where, 'spec.subject.namespaces'), pods: SELECT_ALL };
  if (typeof raw.pods !== 'object' || Array.isArray(raw.pods)) {
    throw netsecError(where, 'spec.subject.pods is not an object', raw.pods, 'Write pods: { namespaceSelector, podSelector }.');
  }
  return {
    namespaces: compileSelector(raw.pods.namespaceSelector, where, 'spec.subject.pods.namespaceSelector'),
    pods: compileSelector(raw.pods.podSelector, where, 'spec.subject.pods.podSelector'),
  };
}

interface RuleContext {
  readonly where: string;
  readonly id: string;
  readonly kind: string;
  readonly v2: boolean;
  readonly tier: 'admin' | 'baseline';
  readonly actions: Record<string, AdminAction>;
  readonly notAnalysed: string[];
}

function compileAdminRule(rule: any, index: number, direction: Direction, context: RuleContext): AdminRule {
  const { where, id, actions } = context;
  const field = `spec.${direction}[${index}]`;
  if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) {
    throw netsecError(where, `${field} is not a rule object`, rule, 'Write each rule as { name, action, from/to, ports }.');
  }
  const action = actions[rule.action];
  const allowedActions = Object.keys(actions).filter(a => context.tier === 'admin' || context.v2 || a !== 'Pass');
  if (action === undefined || !allowedActions.includes(rule.action)) {
    throw netsecError(where, `${field}.action is not one of ${allowedActions.join(', ')}`, rule.action,
      `Use ${allowedActions.join(', ')} (case-sensitive) in a ${context.kind}.`);
  }
  const peerField = direction === 'ingress' ? 'from' : 'to';
  const rawPeers = rule[peerField];
  if (!Array.isArray(rawPeers) || rawPeers.length === 0) {
    throw netsecError(where, `${field}.${peerField} is not a non-empty list of peers`, rawPeers,
      `List at least one peer, e.g. ${peerField}: [{ namespaces: {} }] for every pod.`);
  }
  let failClosed = false;
  const peers: CompiledPeer[] = [];
  const unevaluated: UnevaluatedPeer[] = [];
  rawPeers.forEach((peer: any, p: number) => {
    const compiled = compileAdminPeer(peer, direction, context, `${field}.${peerField}[${p}]`);
    if (compiled !== 'fail-closed' && compiled.length === 0) unevaluated.push({ text: `${field}.${peerField}[${p}].nodes`, matches: 'addresses' });
    if (compiled === 'fail-closed') failClosed = true;
    else peers.push(...compiled);
  });
  const ports = compileAdminPorts(rule, context, field);
  const name = typeof rule.name === 'string' && rule.name.length > 0 ? ` "${rule.name}"` : '';
  const actionText = Object.keys(actions).find(k => actions[k] === action)!;
  const label = `${id} ${direction}[${index}]${name} (${actionText})`;
  // A peer with no field the analyzer knows fails closed, as the v1alpha2 API asks implementations to:
  // an Accept rule matches nothing, a Deny or Pass rule matches everything.
  if (failClosed && action !== 'allow') return { direction, index, label, action, ports: undefined, peers: undefined };
  return { direction, index, label, action, ports, peers, ...(unevaluated.length > 0 ? { unevaluated } : {}) };
}

function compileAdminPeer(raw: any, direction: Direction, context: RuleContext, field: string): CompiledPeer[] | 'fail-closed' {
  const { where } = context;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw netsecError(where, `${field} is not a peer object`, raw, 'Write a peer with namespaces, pods or (egress) networks.');
  }
  const known = direction === 'egress' ? ['namespaces', 'pods', 'networks', 'nodes'] : ['namespaces', 'pods'];
  const given = Object.keys(raw).filter(k => raw[k] !== undefined && raw[k] !== null);
  const knownGiven = given.filter(k => known.includes(k));
  if (knownGiven.length > 1) {
    throw netsecError(where, `${field} sets more than one of ${known.join(', ')}`, raw, 'Split it into one peer per field.');
  }
  if (knownGiven.length === 0) {
    context.notAnalysed.push(`${field}: no field the analyzer knows (${given.join(', ') || 'empty'}); treated as failing closed`);
    return 'fail-closed';
  }
  const which = knownGiven[0];
  if (which === 'namespaces') {
    const namespaceSelector = compileSelector(raw.namespaces, where, `${field}.namespaces`);
    return [{ kind: 'pods', namespaceSelector, text: namespaceSelector.matchesAll ? 'all pods of all namespaces' : `all pods of namespaces {${namespaceSelector.text}}` }];
  }
  if (which === 'pods') {
    if (raw.pods === null || typeof raw.pods !== 'object' || Array.isArray(raw.pods)) {
      throw netsecError(where, `${field}.pods is not an object`, raw.pods, 'Write pods: { namespaceSelector, podSelector }.');
    }
    const namespaceSelector = compileSelector(raw.pods.namespaceSelector, where, `${field}.pods.namespaceSelector`);
    const podSelector = compileSelector(raw.pods.podSelector, where, `${field}.pods.podSelector`);
    const pods = podSelector.matchesAll ? 'all pods' : `pods {${podSelector.text}}`;
    return [{ kind: 'pods', namespaceSelector, podSelector, text: `${pods} of ${namespaceSelector.matchesAll ? 'all namespaces' : `namespaces {${namespaceSelector.text}}`}` }];
  }
  if (which === 'nodes') {
    compileSelector(raw.nodes, where, `${field}.nodes`);
    context.notAnalysed.push(`${field}.nodes: nodes are not modelled; the peer matches no pod or address`);
    return [];
  }
  if (!Array.isArray(raw.networks) || raw.networks.length === 0) {
    throw netsecError(where, `${field}.networks is not a non-empty list of CIDRs`, raw.networks, 'Write networks: ["10.0.0.0/8"].');
  }
  return raw.networks.map((text: unknown, i: number) => {
    const cidr = checkedCidr(text, where, `${field}.networks[${i}]`);
    return { kind: 'ipBlock', cidr, except: [], text: `network ${cidr.text}` };
  });
}

function compileAdminPorts(rule: any, context: RuleContext, field: string): CompiledPolicyPort[] | undefined {
  const key = context.v2 ? 'protocols' : 'ports';
  const raw = rule[key];
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw) || raw.length === 0) {
    throw netsecError(context.where, `${field}.${key} is not a non-empty list`, raw, `Omit ${key} for every port, or list the ports.`);
  }
  return raw.flatMap((entry: any, i: number) => (context.v2
    ? compileProtocolEntry(entry, context.where, `${field}.protocols[${i}]`)
    : compilePortEntry(entry, context.where, `${field}.ports[${i}]`)));
}

/** v1alpha1: `{ portNumber: { protocol, port } }`, `{ portRange: { protocol, start, end } }`, `{ namedPort }`. */
function compilePortEntry(raw: any, where: string, field: string): CompiledPolicyPort[] {
  const given = ['portNumber', 'portRange', 'namedPort'].filter(k => raw?.[k] !== undefined && raw?.[k] !== null);
  if (given.length !== 1) {
    throw netsecError(where, `${field} must set exactly one of portNumber, portRange and namedPort`, raw,
      'Write { portNumber: { protocol: TCP, port: 443 } }, { portRange: { protocol: TCP, start: 8000, end: 8100 } } or { namedPort: "http" }.');
  }
  if (given[0] === 'namedPort') return namedPortEntries(raw.namedPort, where, `${field}.namedPort`);
  const value = raw[given[0]];
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw netsecError(where, `${field}.${given[0]} is not an object`, value, 'Write { protocol: TCP, port: 443 } (portNumber) or { protocol: TCP, start: 8000, end: 8100 } (portRange).');
  }
  const protocol = value?.protocol ?? Protocol.TCP;
  if (!PROTOCOLS.includes(protocol)) {
    throw netsecError(where, `${field}.${given[0]}.protocol is not TCP, UDP or SCTP`, protocol, 'Use TCP, UDP or SCTP (upper case).');
  }
  if (given[0] === 'portNumber') {
    checkPortNumber(value?.port, where, `${field}.portNumber.port`);
    return [{ protocol, port: value.port }];
  }
  return [rangeEntry(protocol, value?.start, value?.end, where, `${field}.portRange`)];
}

/** v1alpha2: `{ tcp: { destinationPort: { number } | { range: { start, end } } } }`, or `{ destinationNamedPort }`. */
function compileProtocolEntry(raw: any, where: string, field: string): CompiledPolicyPort[] {
  const keys = [...PROTOCOL_KEYS.map(([k]) => k), 'destinationNamedPort'];
  const given = keys.filter(k => raw?.[k] !== undefined && raw?.[k] !== null);
  if (given.length !== 1) {
    throw netsecError(where, `${field} must set exactly one of tcp, udp, sctp and destinationNamedPort`, raw,
      'Write { tcp: { destinationPort: { number: 443 } } } or { destinationNamedPort: "http" }.');
  }
  if (given[0] === 'destinationNamedPort') return namedPortEntries(raw.destinationNamedPort, where, `${field}.destinationNamedPort`);
  const protocol = PROTOCOL_KEYS.find(([k]) => k === given[0])![1];
  const value = raw[given[0]];
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw netsecError(where, `${field}.${given[0]} is not an object`, value, `Write ${given[0]}: {} for every ${protocol} port, or ${given[0]}: { destinationPort: { number: 443 } }.`);
  }
  const destination = value.destinationPort;
  if (destination === undefined || destination === null) return [{ protocol }];
  const hasNumber = destination.number !== undefined && destination.number !== null;
  const hasRange = destination.range !== undefined && destination.range !== null;
  if (hasNumber === hasRange) {
    throw netsecError(where, `${field}.${given[0]}.destinationPort must set exactly one of number and range`, destination,
      'Write { number: 443 } or { range: { start: 8000, end: 8100 } }.');
  }
  if (hasNumber) {
    checkPortNumber(destination.number, where, `${field}.${given[0]}.destinationPort.number`);
    return [{ protocol, port: destination.number }];
  }
  return [rangeEntry(protocol, destination.range.start, destination.range.end, where, `${field}.${given[0]}.destinationPort.range`)];
}

/** A named port carries no protocol in these APIs: it matches the destination's port of that name, whatever its protocol. */
function namedPortEntries(name: unknown, where: string, field: string): CompiledPolicyPort[] {
  const problem = typeof name === 'string' ? checkPortName(name) : 'is not a string';
  if (problem) throw netsecError(where, `${field} is not a valid port name: it ${problem}`, name, 'Use the container port name from the pod spec.');
  return (Object.values(Protocol) as Protocol[]).map(protocol => ({ protocol, name: name as string }));
}

function rangeEntry(protocol: Protocol, start: unknown, end: unknown, where: string, field: string): CompiledPolicyPort {
  checkPortNumber(start, where, `${field}.start`);
  checkPortNumber(end, where, `${field}.end`);
  if ((end as number) < (start as number)) {
    throw netsecError(where, `${field}.end is lower than start ${start}`, end, 'Set end to the last port of the range, at least start.');
  }
  return start === end ? { protocol, port: start as number } : { protocol, port: start as number, endPort: end as number };
}

function checkPortNumber(value: unknown, where: string, field: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    throw netsecError(where, `${field} is not a port number`, value, 'Use an integer from 1 to 65535.');
  }
}
