/*
 * Variant (d), the floor: the objects of variant (b) built as plain JSON and written with the same YAML
 * library and options cdk8s uses, in the same files; no construct tree, no tokens, no validation.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { APP_LABEL, APP_PORT, Layout, MeshGraph, plainDnsPeer, plainPeer } from '../mesh';

export function build(graph: MeshGraph, outdir: string, layout: Layout): () => void {
  const appPorts = () => [{ protocol: 'TCP', port: APP_PORT }];
  const files = layout === 'single' ? ['mesh'] : graph.namespaces;
  const perFile: any[][] = files.map(() => []);
  for (const t of graph.tiers) {
    const callers = graph.callers[t.index].map((c) => plainPeer(graph.tiers[c], t.namespace));
    const callees = graph.callees[t.index].map((c) => plainPeer(graph.tiers[c], t.namespace));
    perFile[layout === 'single' ? 0 : t.namespaceIndex].push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: t.name, namespace: t.namespace },
      spec: {
        podSelector: { matchLabels: { [APP_LABEL]: t.name } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: callers, ports: appPorts() }],
        egress: [
          ...(callees.length > 0 ? [{ to: callees, ports: appPorts() }] : []),
          { to: [plainDnsPeer()], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] },
        ],
      },
    });
  }
  return () => {
    fs.mkdirSync(outdir, { recursive: true });
    files.forEach((name, k) => {
      const text = perFile[k]
        .map((doc) => YAML.stringify(doc, { keepUndefined: true, lineWidth: 0, version: '1.1' }))
        .join('---\n');
      fs.writeFileSync(path.join(outdir, `${name}.k8s.yaml`), text);
    });
  };
}
