import { checkedCidr, CompiledPeer, CompiledPolicy, CompiledPolicyPort, CompiledRule, Direction, UnevaluatedPeer } from './policy-model';
import { compileSelector, CompiledSelector, SELECT_ALL } from './selectors';
import { netsecError } from '../../core/errors';
import { NAMESPACE_NAME_LABEL } from '../../core/peer';
import { Protocol } from '../../core/port';
import { namespaceOf, PolicyObject } from '../input/manifest-model';

/*
 * CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy (cilium.io/v2) read as NetworkPolicy-like
 * policies, because Cilium enforces both kinds together: a pod selected by a policy with an `ingress`
 * (`egress`) section is default-deny in that direction, and the allows of every Cilium policy and
 * NetworkPolicy that select it add up (Cilium docs, "Layer 3 Examples", "Ingress/Egress Default Deny").
 *
 * Read: endpointSelector; fromEndpoints/toEndpoints (with the `k8s:io.kubernetes.pod.namespace` and
 * `k8s:io.cilium.k8s.namespace.labels.*` keys); fromCIDR/toCIDR/fromCIDRSet/toCIDRSet; fromEntities/
 * toEntities `world`, `world-ipv4`, `world-ipv6`, `cluster`, `all`, `ingress`; toFQDNs (names, recorded
 * but matching no address); toPorts ports (L7 `rules` narrow what the port carries; the port itself is
 * counted as allowed); `enableDefaultDeny` (a direction set to false adds its rules to the other policies
 * of the selected pods without isolating them).
 * Anything else (deny sections, host policies, toServices, toGroups, requires, ICMP, other entities,
 * unknown fields) is not evaluated and is listed in `notAnalysed`; a rule with such a peer field admits
 * nothing through it, and a policy never becomes allow-all or deny-all because of an unknown field. Such
 * a peer is recorded on its rule (`unevaluated`) and a deny section on its policy (`unevaluatedDenies`),
 * so that every answer they could change is reported as uncertain.
 */

/** The Cilium policies as NetworkPolicy-like policies, and what was not evaluated. */
export interface CiliumPolicies {
  readonly policies: CompiledPolicy[];
  readonly notAnalysed: string[];
}

const PEER_FIELDS: Record<Direction, readonly string[]> = {
  ingress: ['fromEndpoints', 'fromCIDR', 'fromCIDRSet', 'fromEntities'],
  egress: ['toEndpoints', 'toCIDR', 'toCIDRSet', 'toEntities', 'toFQDNs'],
};
const KNOWN_SPEC_FIELDS = new Set(['description', 'endpointSelector', 'ingress', 'egress', 'labels', 'log', 'enableDefaultDeny']);
const MODELLED_ENTITIES = new Set(['world', 'world-ipv4', 'world-ipv6', 'cluster', 'all', 'ingress']);
/** What the entities the analyzer does not model might match: nodes and the API server are addresses here. */
const ENTITY_MATCHES: Record<string, 'pods' | 'addresses' | 'any'> = {
  'host': 'addresses', 'remote-node': 'addresses', 'kube-apiserver': 'any', 'health': 'addresses', 'init': 'pods', 'unmanaged': 'pods',
};
const NAMESPACE_KEY = 'io.kubernetes.pod.namespace';
/** The protocols the CRD accepts in toPorts (VRRP and IGMP are read but not modelled). */
const CILIUM_PROTOCOLS = ['TCP', 'UDP', 'SCTP', 'VRRP', 'IGMP', 'ANY'];
const NAMESPACE_LABELS_PREFIX = 'io.cilium.k8s.namespace.labels.';

/** Compiles every Cilium policy object; throws on what the API server would refuse. */
export function compileCiliumPolicies(sources: readonly PolicyObject[]): CiliumPolicies {
  const policies: CompiledPolicy[] = [];
  const notAnalysed: string[] = [];
  for (const source of sources) {
    const { object, where } = source;
    const name = object.metadata?.name;
    if (typeof name !== 'string' || name.length === 0) {
      throw netsecError(where, 'has no metadata.name', object.metadata, `Name every ${object.kind}.`);
    }
    const clusterwide = object.kind === 'CiliumClusterwideNetworkPolicy';
    const namespace = clusterwide ? '' : namespaceOf(object);
    const baseId = clusterwide ? `${name} (CiliumClusterwideNetworkPolicy)` : `${namespace}/${name} (CiliumNetworkPolicy)`;
    const rules: Array<{ spec: any; field: string }> = [];
    if (object.spec !== undefined && object.spec !== null) rules.push({ spec: object.spec, field: 'spec' });
    if (object.specs !== undefined && object.specs !== null) {
      if (!Array.isArray(object.specs)) throw netsecError(where, 'specs is not a list of rules', object.specs, 'Write specs as a list, or use spec for one rule.');
      object.specs.forEach((spec: any, i: number) => rules.push({ spec, field: `specs[${i}]` }));
    }
    if (rules.length === 0) {
      throw netsecError(where, 'has neither spec nor specs', object, 'Give the policy a spec with an endpointSelector and rules.');
    }
    rules.forEach(({ spec, field }) => {
      const id = rules.length === 1 ? baseId : `${baseId} ${field}`;
      const context = { where, id, field, clusterwide, namespace, notAnalysed, name, kind: object.kind as string };
      const compiled = compileRule(spec, context);
      if (compiled) policies.push(compiled);
    });
  }
  return { policies, notAnalysed };
}

interface Context {
  readonly where: string;
  /** metadata.name and kind of the policy object. */
  readonly name: string;
  readonly kind: string;
  readonly id: string;
  readonly field: string;
  readonly clusterwide: boolean;
  readonly namespace: string;
  readonly notAnalysed: string[];
}

function compileRule(spec: any, context: Context): CompiledPolicy | undefined {
  const { where, field, id } = context;
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw netsecError(where, `${field} is not an object`, spec, 'Write a rule with endpointSelector and ingress/egress.');
  }
  const note = (what: string) => context.notAnalysed.push(`${id}: ${what}`);
  for (const key of Object.keys(spec).filter(k => !KNOWN_SPEC_FIELDS.has(k)).sort()) {
    note(key === 'nodeSelector' ? `${field}.nodeSelector: host policies are not modelled; the rule is not evaluated`
      : `${field}.${key}: not evaluated${key.endsWith('Deny') ? ' (deny rules would take precedence over allows)' : ''}`);
  }
  if (spec.nodeSelector !== undefined && spec.nodeSelector !== null) return undefined;
  if (spec.endpointSelector === undefined || spec.endpointSelector === null) {
    throw netsecError(where, `${field}.endpointSelector is missing`, spec, 'Select the pods the rule applies to, e.g. endpointSelector: { matchLabels: { app: web } }, or {} for all.');
  }
  const subject = endpointSelector(spec.endpointSelector, context, `${field}.endpointSelector`);
  const defaultDeny = spec.enableDefaultDeny ?? {};
  const section = (direction: Direction): CompiledRule[] | undefined => {
    const raw = spec[direction];
    if (raw === undefined || raw === null) return undefined;
    if (!Array.isArray(raw)) throw netsecError(where, `${field}.${direction} is not a list of rules`, raw, `Write ${direction} as a list.`);
    return raw.map((rule: any, index: number) => compileCiliumRule(rule, index, direction, context));
  };
  if (defaultDeny === null || typeof defaultDeny !== 'object' || Array.isArray(defaultDeny)
    || [defaultDeny.ingress, defaultDeny.egress].some(v => v !== undefined && v !== null && typeof v !== 'boolean')) {
    throw netsecError(where, `${field}.enableDefaultDeny is not { ingress?: boolean, egress?: boolean }`, spec.enableDefaultDeny,
      'Write enableDefaultDeny: { ingress: false } to add rules without isolating, or leave it out.');
  }
  const ingress = section('ingress');
  const egress = section('egress');
  const denies = (key: string) => (spec[key] === undefined || spec[key] === null ? [] : [`${id}: ${field}.${key} (deny rules, not evaluated)`]);
  const unevaluatedDenies = { ingress: denies('ingressDeny'), egress: denies('egressDeny') };
  return {
    isolates: { ingress: defaultDeny.ingress !== false, egress: defaultDeny.egress !== false },
    ...(unevaluatedDenies.ingress.length + unevaluatedDenies.egress.length > 0 ? { unevaluatedDenies } : {}),
    namespace: context.namespace,
    name: context.name,
    id,
    kind: context.kind,
    podSelector: subject.pods,
    ingress,
    egress,
    subjectNamespaces: context.clusterwide ? subject.namespaces : undefined,
  };
}

function compileCiliumRule(rule: any, index: number, direction: Direction, context: Context): CompiledRule {
  const { where } = context;
  const field = `${context.field}.${direction}[${index}]`;
  const label = `${context.id} ${direction}[${index}]`;
  if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) {
    throw netsecError(where, `${field} is not a rule object`, rule, `Write each ${direction} rule as an object.`);
  }
  const known = new Set([...PEER_FIELDS[direction], 'toPorts']);
  const unknown = Object.keys(rule).filter(k => !known.has(k) && rule[k] !== undefined && rule[k] !== null).sort();
  for (const key of unknown) context.notAnalysed.push(`${context.id}: ${field}.${key}: not evaluated; the rule admits nothing through it`);
  const peerFields = PEER_FIELDS[direction].filter(k => rule[k] !== undefined && rule[k] !== null);
  const peers: CompiledPeer[] = [];
  const unevaluated: UnevaluatedPeer[] = [];
  for (const key of peerFields) peers.push(...compilePeerField(key, rule[key], context, `${field}.${key}`, unevaluated));
  const ports = compileToPorts(rule.toPorts, context, `${field}.toPorts`);
  // No peer field at all: with toPorts, an L4-only rule for every peer; without, an empty rule that only
  // turns default deny on. A peer field the analyzer does not know makes the rule admit nothing.
  const unknownPeers = unknown.filter(k => k !== 'icmps' && k !== 'authentication');
  unevaluated.push(...unknownPeers.map(k => ({ text: `${field}.${k}`, matches: 'any' as const })));
  if (peerFields.length === 0 && unknownPeers.length === 0) {
    return ports === undefined ? { direction, index, label, peers: [] } : { direction, index, label, ports };
  }
  return { direction, index, label, peers, ports, ...(unevaluated.length > 0 ? { unevaluated } : {}) };
}

function compilePeerField(key: string, raw: any, context: Context, field: string, unevaluated: UnevaluatedPeer[]): CompiledPeer[] {
  const { where } = context;
  if (!Array.isArray(raw)) throw netsecError(where, `${field} is not a list`, raw, 'Write it as a YAML list.');
  if (key === 'fromEndpoints' || key === 'toEndpoints') {
    return raw.map((selector: any, i: number) => {
      const { namespaces, pods } = endpointSelector(selector, context, `${field}[${i}]`);
      const scope = namespaces === undefined ? 'the policy\'s namespace' : namespaces.matchesAll ? 'all namespaces' : `namespaces {${namespaces.text}}`;
      return { kind: 'pods', namespaceSelector: namespaces, podSelector: pods, text: `endpoints {${pods.text}} of ${scope}` };
    });
  }
  if (key === 'fromCIDR' || key === 'toCIDR') {
    return raw.map((text: unknown, i: number) => {
      const cidr = checkedCidr(text, where, `${field}[${i}]`);
      return { kind: 'ipBlock', cidr, except: [], text: `CIDR ${cidr.text}` };
    });
  }
  if (key === 'fromCIDRSet' || key === 'toCIDRSet') {
    return raw.flatMap((entry: any, i: number): CompiledPeer[] => {
      if (typeof entry?.cidr !== 'string') {
        context.notAnalysed.push(`${context.id}: ${field}[${i}]: only cidr entries are evaluated (${Object.keys(entry ?? {}).join(', ')})`);
        unevaluated.push({ text: `${field}[${i}] (${Object.keys(entry ?? {}).join(', ')})`, matches: 'addresses' });
        return [];
      }
      const cidr = checkedCidr(entry.cidr, where, `${field}[${i}].cidr`);
      const except = (Array.isArray(entry.except) ? entry.except : []).map((e: unknown, k: number) => checkedCidr(e, where, `${field}[${i}].except[${k}]`));
      return [{ kind: 'ipBlock', cidr, except, text: except.length === 0 ? `CIDR ${cidr.text}` : `CIDR ${cidr.text} except ${except.map((e: any) => e.text).join(', ')}` }];
    });
  }
  if (key === 'fromEntities' || key === 'toEntities') {
    return raw.flatMap((entity: unknown, i: number): CompiledPeer[] => {
      if (typeof entity !== 'string') throw netsecError(where, `${field}[${i}] is not an entity name`, entity, 'Use world, cluster, all, ingress, host, ...');
      if (!MODELLED_ENTITIES.has(entity)) {
        context.notAnalysed.push(`${context.id}: ${field}[${i}]: entity "${entity}" is not modelled; it matches no modelled pod or address`);
        unevaluated.push({ text: `entity ${entity}`, matches: ENTITY_MATCHES[entity] ?? 'any' });
        return [];
      }
      return [{ kind: 'entity', entity: entity as 'world', text: `entity ${entity}` }];
    });
  }
  // toFQDNs
  const names = raw.map((entry: any, i: number) => {
    const name = entry?.matchName ?? entry?.matchPattern;
    if (typeof name !== 'string' || name.length === 0) {
      throw netsecError(where, `${field}[${i}] has neither matchName nor matchPattern`, entry, 'Write { matchName: "api.example.com" } or { matchPattern: "*.example.com" }.');
    }
    return name;
  });
  return [{ kind: 'fqdn', names, text: `${names.join(', ')} (toFQDNs)` }];
}

/**
 * A Cilium endpoint selector split into the pod labels and the namespace it names. Keys may carry the
 * `k8s:` or `any:` source prefix. A namespaced policy's selector without a namespace key selects only its
 * own namespace (Cilium adds that key); a cluster-wide policy's selects every namespace.
 */
function endpointSelector(raw: any, context: Context, field: string): { namespaces?: CompiledSelector; pods: CompiledSelector } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw netsecError(context.where, `${field} is not a label selector object`, raw, 'Write { matchLabels: { app: web } }, or {} for every endpoint.');
  }
  const podLabels: Record<string, unknown> = {};
  const namespaceLabels: Record<string, unknown> = {};
  const podExpressions: any[] = [];
  const namespaceExpressions: any[] = [];
  let namesNamespace = false;
  const route = (key: string): { key: string; namespace: boolean } => {
    const bare = key.replace(/^(k8s|any):/, '');
    if (bare === NAMESPACE_KEY) return { key: NAMESPACE_NAME_LABEL, namespace: true };
    if (bare.startsWith(NAMESPACE_LABELS_PREFIX)) return { key: bare.slice(NAMESPACE_LABELS_PREFIX.length), namespace: true };
    return { key: bare, namespace: false };
  };
  if (raw.matchLabels !== undefined && raw.matchLabels !== null) {
    if (typeof raw.matchLabels !== 'object' || Array.isArray(raw.matchLabels)) {
      throw netsecError(context.where, `${field}.matchLabels is not a map`, raw.matchLabels, 'Write matchLabels as { key: "value" }.');
    }
    for (const [key, value] of Object.entries(raw.matchLabels)) {
      const routed = route(key);
      namesNamespace ||= routed.namespace;
      (routed.namespace ? namespaceLabels : podLabels)[routed.key] = value;
    }
  }
  if (raw.matchExpressions !== undefined && raw.matchExpressions !== null) {
    if (!Array.isArray(raw.matchExpressions)) {
      throw netsecError(context.where, `${field}.matchExpressions is not a list`, raw.matchExpressions, 'Write matchExpressions as a list of { key, operator, values }.');
    }
    for (const expression of raw.matchExpressions) {
      const routed = route(String(expression?.key ?? ''));
      namesNamespace ||= routed.namespace;
      (routed.namespace ? namespaceExpressions : podExpressions).push({ ...expression, key: routed.key });
    }
  }
  const pods = compileSelector({ matchLabels: podLabels, matchExpressions: podExpressions }, context.where, field);
  if (namesNamespace) {
    const namespaces = compileSelector({ matchLabels: namespaceLabels, matchExpressions: namespaceExpressions }, context.where, field);
    // A namespaced policy never reaches beyond its namespace with its endpointSelector.
    return { namespaces, pods };
  }
  return { namespaces: context.clusterwide ? SELECT_ALL : undefined, pods };
}

function compileToPorts(raw: any, context: Context, field: string): CompiledPolicyPort[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) throw netsecError(context.where, `${field} is not a list`, raw, 'Write toPorts as a list of { ports: [...] }.');
  const entries: CompiledPolicyPort[] = [];
  raw.forEach((portRule: any, i: number) => {
    if (portRule === null || typeof portRule !== 'object' || Array.isArray(portRule)) {
      throw netsecError(context.where, `${field}[${i}] is not an object`, portRule, 'Write { ports: [{ port: "443", protocol: TCP }] }.');
    }
    if (portRule.ports !== undefined && portRule.ports !== null && !Array.isArray(portRule.ports)) {
      throw netsecError(context.where, `${field}[${i}].ports is not a list`, portRule.ports, 'Write ports as a list of { port, protocol }; leaving it out means every port.');
    }
    const ports = portRule.ports ?? [];
    // DNS rules only say which names may be looked up (and let toFQDNs learn addresses); other L7 rules
    // (http, kafka, l7) filter requests inside an allowed connection, which a connection model cannot show.
    const l7 = portRule.rules !== undefined && portRule.rules !== null && typeof portRule.rules === 'object'
      ? Object.keys(portRule.rules).filter(k => k !== 'dns') : [];
    if (l7.length > 0) {
      context.notAnalysed.push(`${context.id}: ${field}[${i}].rules.${l7.sort().join(', ')}: L7 rules narrow what the port carries; the port is counted as allowed`);
    }
    if (ports.length === 0) {
      entries.push(...(Object.values(Protocol) as Protocol[]).map(protocol => ({ protocol })));
      return;
    }
    ports.forEach((entry: any, k: number) => entries.push(...compileCiliumPort(entry, context, `${field}[${i}].ports[${k}]`)));
  });
  return entries;
}

function compileCiliumPort(raw: any, context: Context, field: string): CompiledPolicyPort[] {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw netsecError(context.where, `${field} is not a port object`, raw, 'Write { port: "443", protocol: TCP }.');
  }
  const protocolText = raw.protocol ?? 'ANY';
  if (!CILIUM_PROTOCOLS.includes(protocolText)) {
    throw netsecError(context.where, `${field}.protocol is not a Cilium protocol`, protocolText, `Use one of ${CILIUM_PROTOCOLS.join(', ')} (upper case).`);
  }
  const protocols: Protocol[] = protocolText === 'ANY' ? Object.values(Protocol) as Protocol[]
    : (Object.values(Protocol) as string[]).includes(protocolText) ? [protocolText as Protocol] : [];
  if (protocols.length === 0) {
    context.notAnalysed.push(`${context.id}: ${field}.protocol ${protocolText}: only TCP, UDP, SCTP and ANY are modelled`);
    return [];
  }
  const text = raw?.port;
  if (text === undefined || text === null || text === '0' || text === 0) return protocols.map(protocol => ({ protocol }));
  const number = typeof text === 'number' ? text : /^\d+$/.test(String(text)) ? Number(text) : undefined;
  if (number === undefined) return protocols.map(protocol => ({ protocol, name: String(text) }));
  if (!Number.isInteger(number) || number < 1 || number > 65535) {
    throw netsecError(context.where, `${field}.port is not a port number`, text, 'Use a port from 1 to 65535 (as a string, e.g. "443"), or a port name.');
  }
  const end = raw.endPort;
  if (end !== undefined && end !== null && end !== 0) {
    if (!Number.isInteger(end) || end < number || end > 65535) {
      throw netsecError(context.where, `${field}.endPort is not a port from port to 65535`, end, 'Set endPort to the last port of the range.');
    }
    return protocols.map(protocol => (end === number ? { protocol, port: number } : { protocol, port: number, endPort: end }));
  }
  return protocols.map(protocol => ({ protocol, port: number }));
}
