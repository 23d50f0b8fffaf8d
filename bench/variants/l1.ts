/*
 * Variant (b): what an expert writes by hand with the generated L1 class. One KubeNetworkPolicy per tier,
 * Ingress+Egress, one ingress rule with its callers on 8080, one egress rule with its callees on 8080 and
 * one egress rule for DNS.
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { APP_LABEL, APP_PORT, Layout, MeshGraph, plainDnsPeer, plainPeer } from '../mesh';
import { makeCharts } from './charts';

export function build(graph: MeshGraph, outdir: string, layout: Layout): () => void {
  return buildPolicies(graph, outdir, layout, false);
}

/**
 * The policies of (b); with `wrapped`, each inside a plain Construct named after the tier, which is the
 * shape of the construct tree a tier construct has (a construct with its NetworkPolicy as a child).
 */
export function buildPolicies(graph: MeshGraph, outdir: string, layout: Layout, wrapped: boolean): () => void {
  const charts = makeCharts(graph, outdir, layout);
  // A plain number in `port` is dropped by the generated toJson; IntOrString is required.
  const appPorts = [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(APP_PORT) }];
  const dnsPorts = [
    { protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) },
    { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) },
  ];
  for (const t of graph.tiers) {
    const callers = graph.callers[t.index].map((c) => plainPeer(graph.tiers[c], t.namespace));
    const callees = graph.callees[t.index].map((c) => plainPeer(graph.tiers[c], t.namespace));
    const scope = wrapped ? new Construct(charts.chartOf(t), t.name) : charts.chartOf(t);
    new k8s.KubeNetworkPolicy(scope, wrapped ? 'NetworkPolicy' : t.name, {
      metadata: { name: t.name, namespace: t.namespace },
      spec: {
        podSelector: { matchLabels: { [APP_LABEL]: t.name } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: callers, ports: appPorts }],
        egress: [
          ...(callees.length > 0 ? [{ to: callees, ports: appPorts }] : []),
          { to: [plainDnsPeer()], ports: dnsPorts },
        ],
      },
    });
  }
  return () => charts.app.synth();
}
