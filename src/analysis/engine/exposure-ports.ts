import { ClusterIndex, IndexedAdminRule, IndexedRule } from './cluster';
import { explainConnection, ResolvedEndpoint } from './explain';
import { Port, Protocol } from '../../core/port';
import { LAST_PORT, PROTOCOLS } from '../policies/port-intervals';
import { portSetOf, PortSet } from '../policies/port-sets';

/*
 * The ports one source may open on one pod, asked of the engine `isAllowed` uses: the verdict can only
 * change where a port entry of a rule on either side starts or ends, so the engine is asked once per
 * interval between those points, per protocol.
 */

/** The ports the engine allows, and what those answers depend on that it does not know. */
export interface AllowedPorts {
  readonly ports: PortSet;
  /** The caveats of the verdicts, deduplicated and sorted. */
  readonly caveats: string[];
}

/** The ports `source` may open on the pod at `position` of `index`. */
export function allowedPorts(index: ClusterIndex, source: ResolvedEndpoint, position: number): AllowedPorts {
  const destination: ResolvedEndpoint = { kind: 'pod', position, pod: index.pods[position], label: index.podIds[position] };
  const rules: Array<IndexedRule | IndexedAdminRule> = [...index.ingressOf[position].rules,
    ...index.tierIngressOf[position].admin, ...index.tierIngressOf[position].baseline];
  if (source.kind === 'pod') {
    const tiers = index.tierEgressOf[source.position];
    rules.push(...index.egressOf[source.position].rules, ...tiers.admin, ...tiers.baseline);
  }
  const spans: { protocol: Protocol; start: number; end: number }[] = [];
  const caveats = new Set<string>();
  for (const protocol of PROTOCOLS) {
    const cuts = new Set<number>([1, LAST_PORT + 1]);
    for (const { rule } of rules) {
      for (const entry of rule.ports ?? []) {
        if (entry.protocol !== protocol) continue;
        const start = entry.name !== undefined
          ? destination.pod.ports.find(p => p.name === entry.name && p.protocol === protocol)?.port
          : entry.port;
        if (start === undefined) continue;
        cuts.add(start);
        cuts.add((entry.name !== undefined ? start : entry.endPort ?? start) + 1);
      }
    }
    const points = [...cuts].sort((a, b) => a - b);
    for (let k = 0; k + 1 < points.length; k++) {
      const verdict = explainConnection(index, source, destination, Port.portRange(protocol, points[k], points[k]), false);
      verdict.caveats.forEach(c => caveats.add(`${protocol} ${points[k]}${points[k + 1] - 1 > points[k] ? `-${points[k + 1] - 1}` : ''}: ${c}`));
      if (verdict.allowed) spans.push({ protocol, start: points[k], end: points[k + 1] - 1 });
    }
  }
  return { ports: portSetOf(spans), caveats: [...caveats].sort() };
}
