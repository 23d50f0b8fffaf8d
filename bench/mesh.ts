/*
 * The mesh-N scenario, shared by every synthesis variant so that all of them describe the same graph:
 * N tiers, 20 per namespace; each tier accepts TCP 8080 from 3 callers chosen by a seeded PRNG (two from
 * its own namespace, one from another one when there is another), and opens egress to its callees and DNS.
 *
 * This module has no dependencies, so loading it costs every variant the same.
 */

/** Tiers per namespace. */
export const TIERS_PER_NAMESPACE = 20;
/** Callers per tier. */
export const CALLERS_PER_TIER = 3;
/** The one application port of every tier. */
export const APP_PORT = 8080;
/** The label that selects a tier's pods; its value is the tier name. */
export const APP_LABEL = 'app';
/** The automatic namespace name label. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
/** Where the cluster DNS pods run, and their labels (the library's `ClusterDns.kubeDns()` default). */
export const DNS_NAMESPACE = 'kube-system';
export const DNS_LABELS: Readonly<Record<string, string>> = { 'k8s-app': 'kube-dns' };
/** The default PRNG seed. */
export const DEFAULT_SEED = 20240808;

/**
 * How the objects are grouped into charts (and files): one chart per namespace, or one chart for all.
 * cdk8s 2 validates and resolves dependencies of the whole app once per chart it synthesizes, so with one
 * chart per namespace its own synthesis cost grows with N x charts.
 */
export type Layout = 'namespace' | 'single';
export const LAYOUTS: Layout[] = ['namespace', 'single'];

/** One tier of the mesh. */
export interface MeshTier {
  readonly index: number;
  /** Construct id, NetworkPolicy name and `app` label value, e.g. `svc-0042`. */
  readonly name: string;
  readonly namespace: string;
  /** Position of the namespace in `MeshGraph.namespaces`. */
  readonly namespaceIndex: number;
}

/** The whole graph: who calls whom. */
export interface MeshGraph {
  readonly tiers: MeshTier[];
  readonly namespaces: string[];
  /** Per tier: the indexes of the tiers allowed to call it, sorted. */
  readonly callers: number[][];
  /** Per tier: the indexes of the tiers it calls, sorted. */
  readonly callees: number[][];
}

/** A Lehmer (Park-Miller) generator: small, and the same sequence on every platform. Values in [0, 1). */
export function prng(seed: number): () => number {
  let state = Math.abs(Math.floor(seed)) % 2147483647 || 1;
  return () => {
    state = (state * 48271) % 2147483647;
    return (state - 1) / 2147483646;
  };
}

/** Builds the mesh of `n` tiers. The same `n` and `seed` always give the same graph. */
export function meshGraph(n: number, seed: number = DEFAULT_SEED): MeshGraph {
  if (!Number.isInteger(n) || n < 2) throw new Error(`mesh size must be an integer of at least 2 (${n})`);
  const namespaceCount = Math.ceil(n / TIERS_PER_NAMESPACE);
  const namespaces = Array.from({ length: namespaceCount }, (_, k) => `team-${String(k).padStart(3, '0')}`);
  const tiers: MeshTier[] = Array.from({ length: n }, (_, i) => {
    const namespaceIndex = Math.floor(i / TIERS_PER_NAMESPACE);
    return { index: i, name: `svc-${String(i).padStart(4, '0')}`, namespace: namespaces[namespaceIndex], namespaceIndex };
  });
  const random = prng(seed);
  const pick = (from: number, to: number) => from + Math.floor(random() * (to - from));
  const callers: number[][] = [];
  for (const tier of tiers) {
    const first = tier.namespaceIndex * TIERS_PER_NAMESPACE;
    const last = Math.min(n, first + TIERS_PER_NAMESPACE);
    const chosen = new Set<number>();
    // Two callers from the tier's own namespace, one from anywhere else (when the namespace is too
    // small or there is no other namespace, the rest come from the whole mesh).
    const wantLocal = Math.min(CALLERS_PER_TIER - 1, last - first - 1);
    while (chosen.size < wantLocal) {
      const c = pick(first, last);
      if (c !== tier.index) chosen.add(c);
    }
    while (chosen.size < Math.min(CALLERS_PER_TIER, n - 1)) {
      const c = pick(0, n);
      const outside = c < first || c >= last || namespaceCount === 1;
      if (c !== tier.index && outside) chosen.add(c);
    }
    callers.push([...chosen].sort((a, b) => a - b));
  }
  const callees: number[][] = tiers.map(() => []);
  callers.forEach((list, target) => list.forEach((source) => callees[source].push(target)));
  callees.forEach((list) => list.sort((a, b) => a - b));
  return { tiers, namespaces, callers, callees };
}

/** The number of caller edges that cross namespaces. */
export function crossNamespaceEdges(graph: MeshGraph): number {
  let count = 0;
  graph.callers.forEach((list, target) => list.forEach((source) => {
    if (graph.tiers[source].namespace !== graph.tiers[target].namespace) count++;
  }));
  return count;
}

/** A plain NetworkPolicy peer for `tier` as seen from a policy in `policyNamespace` (one AND peer across namespaces). */
export function plainPeer(tier: MeshTier, policyNamespace: string): any {
  const podSelector = { matchLabels: { [APP_LABEL]: tier.name } };
  if (tier.namespace === policyNamespace) return { podSelector };
  return { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: tier.namespace } }, podSelector };
}

/** The DNS peer: kube-dns pods in kube-system. */
export function plainDnsPeer(): any {
  return {
    namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: DNS_NAMESPACE } },
    podSelector: { matchLabels: { ...DNS_LABELS } },
  };
}
