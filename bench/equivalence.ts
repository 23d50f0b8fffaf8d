/*
 * Do the variants say the same thing? Each variant's YAML is read back, one representative Pod per tier
 * (its labels, containerPort 8080) and one kube-dns Pod are added, and the analyzer judges every ordered
 * pair of pods on TCP 8080 and UDP 53, and lists every allowed flow with all its ports. Variants are
 * compared with each other and with the graph they were built from.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { APP_LABEL, APP_PORT, DNS_LABELS, DNS_NAMESPACE, MeshGraph } from './mesh';
import { Reachability } from '../src/analysis';
import { Port } from '../src/core/port';

/** What the analyzer says about one variant's output. */
export interface Verdict {
  readonly variant: string;
  /** NetworkPolicy objects in the output. */
  readonly policies: number;
  /** `from -> to` pairs of distinct pods allowed on TCP 8080. */
  readonly tcp8080: Set<string>;
  /** `from -> to` pairs allowed on UDP 53. */
  readonly udp53: Set<string>;
  /** Every allowed flow with its ports, one line each. */
  readonly flows: Set<string>;
  /** Time to read the YAML, build the model and judge it. */
  readonly ms: number;
}

/** Every YAML document in the `.yaml` files of a directory, in file-name order. */
export function readYamlDir(dir: string): any[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()
    .flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS()))
    .filter((o) => o !== null && o !== undefined);
}

/** The pods the analyzer judges: one per tier, and the DNS server. */
export function representativePods(graph: MeshGraph): any[] {
  const pods: any[] = graph.tiers.map((t) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: t.name, namespace: t.namespace, labels: { [APP_LABEL]: t.name } },
    spec: { containers: [{ name: 'app', image: 'app', ports: [{ containerPort: APP_PORT, protocol: 'TCP' }] }] },
  }));
  pods.push({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'coredns', namespace: DNS_NAMESPACE, labels: { ...DNS_LABELS } },
    spec: {
      containers: [{
        name: 'coredns',
        image: 'coredns',
        ports: [{ containerPort: 53, protocol: 'UDP' }, { containerPort: 53, protocol: 'TCP' }],
      }],
    },
  });
  return pods;
}

/** Judges one variant's output directory. */
export function judge(variant: string, dir: string, graph: MeshGraph): Verdict {
  const started = Date.now();
  const objects = readYamlDir(dir);
  const reach = Reachability.fromManifests([...objects, ...representativePods(graph)]);
  const pairs = (port: Port) => new Set(reach.matrix(port).allowedPairs().map((p) => `${p.source} -> ${p.destination}`));
  const tcp8080 = pairs(Port.tcp(APP_PORT));
  const udp53 = pairs(Port.udp(53));
  const flows = new Set(reach.flows().map((f) => `${f.source} -> ${f.destination}: ${f.ports.map(String).join(', ')}`));
  return {
    variant,
    policies: objects.filter((o) => o.kind === 'NetworkPolicy').length,
    tcp8080,
    udp53,
    flows,
    ms: Date.now() - started,
  };
}

/** The pairs the graph declares on TCP 8080 (callers to their callee), and on UDP 53 (every tier to DNS). */
export function expected(graph: MeshGraph): { tcp8080: Set<string>; udp53: Set<string> } {
  const id = (i: number) => `${graph.tiers[i].namespace}/${graph.tiers[i].name}`;
  const tcp8080 = new Set<string>();
  graph.callers.forEach((callers, target) => callers.forEach((c) => tcp8080.add(`${id(c)} -> ${id(target)}`)));
  const udp53 = new Set(graph.tiers.map((t) => `${t.namespace}/${t.name} -> ${DNS_NAMESPACE}/coredns`));
  return { tcp8080, udp53 };
}

/** What differs between two sets, with a few examples. */
export interface SetDifference {
  readonly onlyLeft: number;
  readonly onlyRight: number;
  readonly examples: string[];
}

export function difference(left: Set<string>, right: Set<string>, leftName: string, rightName: string, limit = 3): SetDifference {
  const onlyLeft = [...left].filter((x) => !right.has(x));
  const onlyRight = [...right].filter((x) => !left.has(x));
  return {
    onlyLeft: onlyLeft.length,
    onlyRight: onlyRight.length,
    examples: [
      ...onlyLeft.slice(0, limit).map((x) => `only ${leftName}: ${x}`),
      ...onlyRight.slice(0, limit).map((x) => `only ${rightName}: ${x}`),
    ],
  };
}
