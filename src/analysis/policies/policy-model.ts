import { compileSelector, CompiledSelector } from './selectors';
import { cidrStrictlyContains, parseCidr, ParsedCidr } from '../../core/cidr';
import { netsecError } from '../../core/errors';
import { checkPortName } from '../../core/names';
import { Protocol } from '../../core/port';
import { namespaceOf, PolicyObject } from '../input/manifest-model';

/*
 * NetworkPolicy (networking.k8s.io/v1) objects compiled into what evaluation needs, with the API
 * server's defaulting applied and its validation enforced:
 * - policyTypes absent or empty: Ingress, plus Egress when spec.egress has at least one rule (an empty
 *   `egress: []` does not make the policy affect egress; that is the upstream defaulting rule);
 * - a direction the policy does not list has no effect, even if rules are written for it;
 * - `from`/`to` absent or empty: every source/destination (pods and outside addresses);
 * - `ports` absent or empty: every port of every protocol; a port entry's protocol defaults to TCP,
 *   an entry without `port` covers the whole protocol.
 */

/** Which side of a connection a rule governs. */
export type Direction = 'ingress' | 'egress';

/** One `ports[]` entry with its defaults applied. */
export interface CompiledPolicyPort {
  readonly protocol: Protocol;
  /** Undefined for a whole-protocol entry and for a named port. */
  readonly port?: number;
  /** Last port of a range (inclusive); undefined for a single port. */
  readonly endPort?: number;
  /** Container port name, resolved against the destination pod. */
  readonly name?: string;
}

/** A peer that selects pods by labels (namespaceSelector and/or podSelector; both = AND). */
export interface SelectorPeer {
  readonly kind: 'pods';
  /** Undefined: only the policy's own namespace. */
  readonly namespaceSelector?: CompiledSelector;
  /** Undefined: every pod of the selected namespaces. */
  readonly podSelector?: CompiledSelector;
  readonly text: string;
}

/** A peer that selects addresses. */
export interface IpBlockPeer {
  readonly kind: 'ipBlock';
  readonly cidr: ParsedCidr;
  readonly except: readonly ParsedCidr[];
  readonly text: string;
}

/**
 * A Cilium entity: `world` (addresses outside the cluster; `world-ipv4`/`world-ipv6` only those of one
 * family), `cluster` (every pod, and the ingress proxy), `all` (everything), `ingress` (Cilium's ingress
 * proxy: the pseudo-endpoint `{ingress-controller}`).
 */
export interface EntityPeer {
  readonly kind: 'entity';
  readonly entity: 'world' | 'world-ipv4' | 'world-ipv6' | 'cluster' | 'all' | 'ingress';
  readonly text: string;
}

/** Cilium `toFQDNs`: names, not addresses; it matches no pod and no address, and is reported as such. */
export interface FqdnPeer {
  readonly kind: 'fqdn';
  /** `matchName` values and `matchPattern` patterns, as written. */
  readonly names: readonly string[];
  readonly text: string;
}

export type CompiledPeer = SelectorPeer | IpBlockPeer | EntityPeer | FqdnPeer;

/** One ingress or egress rule. */
export interface CompiledRule {
  readonly direction: Direction;
  readonly index: number;
  /** Undefined: every peer, in and outside the cluster. */
  readonly peers?: readonly CompiledPeer[];
  /** Undefined: every port of every protocol. */
  readonly ports?: readonly CompiledPolicyPort[];
  /** `namespace/name ingress[0]`, for explanations. */
  readonly label: string;
  /**
   * Peers of the rule the analyzer read but does not evaluate (they match nothing in the verdict), with
   * what they could match: an answer this rule would change if they matched is reported as uncertain.
   */
  readonly unevaluated?: readonly UnevaluatedPeer[];
}

/** A peer the analyzer does not evaluate, and which endpoints it might match. */
export interface UnevaluatedPeer {
  /** What the peer is, e.g. `entity host` or `nodes {role=infra}`. */
  readonly text: string;
  /** `pods`: it may match pods; `addresses`: addresses outside the cluster (nodes, the API server); `any`: both. */
  readonly matches: 'pods' | 'addresses' | 'any';
}

/** A NetworkPolicy, compiled. */
export interface CompiledPolicy {
  readonly namespace: string;
  readonly name: string;
  /** `namespace/name`. */
  readonly id: string;
  readonly podSelector: CompiledSelector;
  /** Present when the policy's types include Ingress: the selected pods are ingress-isolated. */
  readonly ingress?: readonly CompiledRule[];
  /** Present when the policy's types include Egress: the selected pods are egress-isolated. */
  readonly egress?: readonly CompiledRule[];
  /**
   * The object's kind when it is not a NetworkPolicy (`CiliumNetworkPolicy`, ...).
   * @default NetworkPolicy
   */
  readonly kind?: string;
  /**
   * For cluster-wide policies (CiliumClusterwideNetworkPolicy): the namespaces whose pods `podSelector`
   * may select. Undefined: only the policy's own namespace.
   */
  readonly subjectNamespaces?: CompiledSelector;
  /**
   * Per direction, false when the policy's rules add to the other policies of the pods it selects but do
   * not isolate them (Cilium `enableDefaultDeny: { ingress: false }`).
   * @default - a policy with rules for a direction isolates the pods it selects in that direction
   */
  readonly isolates?: { readonly ingress: boolean; readonly egress: boolean };
  /**
   * Per direction, parts the analyzer does not evaluate that could deny what the rules allow (Cilium
   * `ingressDeny`/`egressDeny`): every allowed answer on a pod the policy selects is then uncertain.
   */
  readonly unevaluatedDenies?: { readonly ingress: readonly string[]; readonly egress: readonly string[] };
}

const PROTOCOLS: readonly string[] = Object.values(Protocol);

/** Compiles and validates one NetworkPolicy object. */
export function compilePolicy(source: PolicyObject): CompiledPolicy {
  const { object, where } = source;
  const name = object.metadata?.name;
  if (typeof name !== 'string' || name.length === 0) {
    throw netsecError(where, 'has no metadata.name', object.metadata, 'Name every NetworkPolicy.');
  }
  const namespace = namespaceOf(object);
  const id = `${namespace}/${name}`;
  const spec = object.spec ?? {};
  if (typeof spec !== 'object' || Array.isArray(spec)) {
    throw netsecError(where, 'spec is not an object', spec, 'Write spec with podSelector, policyTypes and rules.');
  }
  const podSelector = compileSelector(spec.podSelector, where, 'spec.podSelector');
  const types = policyTypes(spec, where);
  return {
    namespace,
    name,
    id,
    podSelector,
    ingress: types.has('Ingress') ? compileRules(spec.ingress, 'ingress', id, where) : undefined,
    egress: types.has('Egress') ? compileRules(spec.egress, 'egress', id, where) : undefined,
  };
}

function policyTypes(spec: any, where: string): Set<string> {
  const raw = spec.policyTypes;
  if (raw !== undefined && raw !== null && !Array.isArray(raw)) {
    throw netsecError(where, 'spec.policyTypes is not a list', raw, 'Write policyTypes as a list, e.g. [Ingress, Egress].');
  }
  const listed: unknown[] = raw ?? [];
  for (const type of listed) {
    if (type !== 'Ingress' && type !== 'Egress') {
      throw netsecError(where, 'spec.policyTypes has an unknown type', type, 'Use "Ingress" and/or "Egress" (case-sensitive).');
    }
  }
  if (listed.length > 0) return new Set(listed as string[]);
  const defaults = new Set(['Ingress']);
  if (Array.isArray(spec.egress) && spec.egress.length > 0) defaults.add('Egress');
  return defaults;
}

function compileRules(raw: unknown, direction: Direction, id: string, where: string): CompiledRule[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    throw netsecError(where, `spec.${direction} is not a list of rules`, raw, `Write spec.${direction} as a list; [] denies all ${direction}.`);
  }
  return raw.map((rule: any, index: number) => {
    const field = `spec.${direction}[${index}]`;
    if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) {
      throw netsecError(where, `${field} is not a rule object`, rule, 'Write each rule as an object; {} allows everything.');
    }
    const peerField = direction === 'ingress' ? 'from' : 'to';
    const peers = listOrUndefined(rule[peerField], where, `${field}.${peerField}`)
      ?.map((peer, p) => compilePeer(peer, where, `${field}.${peerField}[${p}]`));
    const ports = listOrUndefined(rule.ports, where, `${field}.ports`)
      ?.map((port, p) => compilePort(port, where, `${field}.ports[${p}]`));
    return { direction, index, peers, ports, label: `${id} ${direction}[${index}]` };
  });
}

/** An absent or empty list means "everything" in a rule, so both become undefined. */
function listOrUndefined(raw: unknown, where: string, field: string): unknown[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) throw netsecError(where, `${field} is not a list`, raw, 'Write it as a YAML list.');
  return raw.length === 0 ? undefined : raw;
}

function compilePeer(raw: any, where: string, field: string): CompiledPeer {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw netsecError(where, `${field} is not a peer object`, raw, 'Write a peer with podSelector, namespaceSelector or ipBlock.');
  }
  const hasSelector = raw.podSelector != null || raw.namespaceSelector != null;
  if (raw.ipBlock != null) {
    if (hasSelector) {
      throw netsecError(where, `${field} combines ipBlock with a selector`, raw,
        'Split it into two peers: one ipBlock, one podSelector/namespaceSelector.');
    }
    return compileIpBlock(raw.ipBlock, where, `${field}.ipBlock`);
  }
  if (!hasSelector) {
    throw netsecError(where, `${field} selects nothing`, raw,
      'Give the peer a podSelector, a namespaceSelector or an ipBlock; to allow everything, omit from/to.');
  }
  const namespaceSelector = raw.namespaceSelector != null
    ? compileSelector(raw.namespaceSelector, where, `${field}.namespaceSelector`) : undefined;
  const podSelector = raw.podSelector != null ? compileSelector(raw.podSelector, where, `${field}.podSelector`) : undefined;
  return { kind: 'pods', namespaceSelector, podSelector, text: describePeer(namespaceSelector, podSelector) };
}

function describePeer(namespaceSelector?: CompiledSelector, podSelector?: CompiledSelector): string {
  const pods = podSelector === undefined || podSelector.matchesAll ? 'all pods' : `pods {${podSelector.text}}`;
  if (namespaceSelector === undefined) return `${pods} of the policy's namespace`;
  return namespaceSelector.matchesAll ? `${pods} of all namespaces` : `${pods} of namespaces {${namespaceSelector.text}}`;
}

function compileIpBlock(raw: any, where: string, field: string): IpBlockPeer {
  const cidr = checkedCidr(raw?.cidr, where, `${field}.cidr`);
  const exceptRaw = raw?.except ?? [];
  if (!Array.isArray(exceptRaw)) {
    throw netsecError(where, `${field}.except is not a list`, exceptRaw, 'Write except as a list of CIDRs.');
  }
  const except = exceptRaw.map((text: unknown, i: number) => {
    const inner = checkedCidr(text, where, `${field}.except[${i}]`);
    if (!cidrStrictlyContains(cidr, inner)) {
      throw netsecError(where, `${field}.except[${i}] is not strictly inside ${cidr.text}`, text,
        'Every except block must be a smaller block inside the cidr; drop it or widen the cidr.');
    }
    return inner;
  });
  const text = except.length === 0 ? `ipBlock ${cidr.text}` : `ipBlock ${cidr.text} except ${except.map(e => e.text).join(', ')}`;
  return { kind: 'ipBlock', cidr, except, text };
}

export function checkedCidr(text: unknown, where: string, field: string): ParsedCidr {
  // The API server accepts host bits and keeps the network; the audit reports them (NETSEC012).
  const parsed = parseCidr(text as string, true);
  if (typeof parsed === 'string') {
    const hint = typeof text === 'string' && !text.includes('/') ? ` For one address write "${text}/${text.includes(':') ? 128 : 32}".` : '';
    throw netsecError(where, `${field} ${parsed}`, text, `Write a CIDR such as "10.0.0.0/16" or "2001:db8::/64".${hint}`);
  }
  return parsed;
}

function compilePort(raw: any, where: string, field: string): CompiledPolicyPort {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw netsecError(where, `${field} is not a port object`, raw, 'Write { protocol: TCP, port: 443 }.');
  }
  const protocol = raw.protocol ?? Protocol.TCP;
  if (!PROTOCOLS.includes(protocol)) {
    throw netsecError(where, `${field}.protocol is not TCP, UDP or SCTP`, protocol, 'Use TCP, UDP or SCTP (upper case).');
  }
  const port = raw.port;
  const endPort = raw.endPort;
  if (port === undefined || port === null) {
    if (endPort !== undefined && endPort !== null) {
      throw netsecError(where, `${field}.endPort is set without port`, endPort, 'Set port to the first port of the range.');
    }
    return { protocol };
  }
  if (typeof port === 'string') {
    const problem = checkPortName(port);
    if (problem) {
      const fix = /^\d+$/.test(port) ? `Write the number without quotes: port: ${port}.` : 'Use the container port name from the pod spec.';
      throw netsecError(where, `${field}.port is neither a port number nor a valid port name: it ${problem}`, port, fix);
    }
    if (endPort !== undefined && endPort !== null) {
      throw netsecError(where, `${field}.endPort cannot be used with a named port`, endPort, 'Use numeric port and endPort for a range.');
    }
    return { protocol, name: port };
  }
  checkPortNumber(port, where, `${field}.port`);
  if (endPort === undefined || endPort === null) return { protocol, port };
  checkPortNumber(endPort, where, `${field}.endPort`);
  if (endPort < port) {
    throw netsecError(where, `${field}.endPort is lower than port ${port}`, endPort, 'Set endPort to the last port of the range, at least port.');
  }
  return endPort === port ? { protocol, port } : { protocol, port, endPort };
}

function checkPortNumber(value: unknown, where: string, field: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    throw netsecError(where, `${field} is not a port number`, value, 'Use an integer from 1 to 65535.');
  }
}
