/*
 * The cluster the composition evaluator reasons about: pods (labels, namespace, ports, identity, mesh
 * data plane), namespaces (labels) and addresses outside the cluster. Written for the test from the
 * Kubernetes API documentation; it shares no code with src/ (independence from the analyzer).
 */

/** A container port of a pod. */
export interface PodPort {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol?: string;
}

/** How a pod takes part in the Istio mesh. */
export type MeshDataPlane = 'none' | 'sidecar' | 'ambient';

/** One pod of the modelled cluster. */
export interface Pod {
  readonly name: string;
  readonly namespace: string;
  readonly labels: { [key: string]: string };
  readonly ports?: PodPort[];
  readonly serviceAccount?: string;
  /** 'none' when the pod has no mesh data plane. */
  readonly mesh?: MeshDataPlane;
}

/** Either a pod, an address outside the cluster (with the host name it was resolved from), or a Cilium reserved identity. */
export type Endpoint =
  | { readonly pod: Pod }
  | { readonly ip: string; readonly fqdn?: string }
  | { readonly entity: string };

/** One connection attempt. */
export interface Query {
  readonly source: Endpoint;
  readonly destination: Endpoint;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
  readonly port: number;
}

export function podOf(e: Endpoint): Pod | undefined {
  return 'pod' in e ? e.pod : undefined;
}

export function ipOf(e: Endpoint): string | undefined {
  return 'ip' in e ? e.ip : undefined;
}

export function describe(e: Endpoint): string {
  if ('pod' in e) return `${e.pod.namespace}/${e.pod.name}`;
  if ('ip' in e) return e.fqdn ? `${e.fqdn}(${e.ip})` : e.ip;
  return `entity:${e.entity}`;
}

/** A label selector as Kubernetes writes it: matchLabels AND every matchExpression. */
export function selects(selector: any, labels: { [key: string]: string }): boolean {
  if (selector === undefined || selector === null) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) return false;
  }
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values: string[] = e.values ?? [];
    switch (e.operator) {
      case 'In': if (!has || !values.includes(labels[e.key])) return false; break;
      case 'NotIn': if (has && values.includes(labels[e.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: throw new Error(`evaluator: unknown selector operator ${e.operator}`);
    }
  }
  return true;
}

/** Parses an IPv4 or IPv6 address into its family and value. */
function parseIp(ip: string): { v6: boolean; value: bigint } {
  if (ip.includes(':')) {
    const [head, tail] = ip.split('::');
    const h = head ? head.split(':') : [];
    const t = tail !== undefined ? (tail ? tail.split(':') : []) : [];
    const groups = tail !== undefined ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
    if (groups.length !== 8) throw new Error(`evaluator: bad IPv6 address ${ip}`);
    return { v6: true, value: groups.reduce((acc, g) => acc * 65536n + BigInt(parseInt(g || '0', 16)), 0n) };
  }
  const parts = ip.split('.').map((p) => Number(p));
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`evaluator: bad IPv4 address ${ip}`);
  return { v6: false, value: parts.reduce((acc, p) => acc * 256n + BigInt(p), 0n) };
}

/** True when `ip` lies inside `cidr` (same family only). */
export function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const a = parseIp(ip);
  const b = parseIp(base);
  if (a.v6 !== b.v6) return false;
  const width = a.v6 ? 128 : 32;
  const bits = bitsText === undefined ? width : Number(bitsText);
  const block = 2n ** BigInt(width - bits);
  return a.value / block === b.value / block;
}
