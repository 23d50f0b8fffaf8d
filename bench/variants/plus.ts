/*
 * Variant (c): the cdk8s-plus-28 high-level API. One NetworkPolicy per tier (default deny both ways),
 * peers made with Pods.select + Namespaces.select, one addIngressRule per caller and one addEgressRule per
 * callee plus one for DNS. cdk8s-plus writes one rule per call, and a namespace selector on every peer
 * that names a namespace (also the policy's own); the policy's namespace comes from its selector.
 */
import { Namespaces, NetworkPolicy, NetworkPolicyPort, NetworkPolicyTrafficDefault, Pods } from 'cdk8s-plus-28';
import { APP_LABEL, APP_PORT, DNS_LABELS, DNS_NAMESPACE, Layout, MeshGraph } from '../mesh';
import { makeCharts } from './charts';

export function build(graph: MeshGraph, outdir: string, layout: Layout): () => void {
  const charts = makeCharts(graph, outdir, layout);
  const selectors = graph.tiers.map((t) => Pods.select(charts.chartOf(t), `${t.name}-pods`, {
    labels: { [APP_LABEL]: t.name },
    namespaces: Namespaces.select(charts.chartOf(t), `${t.name}-namespace`, { names: [t.namespace] }),
  }));
  const dns = new Map(charts.all.map((chart) => [chart, Pods.select(chart, 'kube-dns', {
    labels: { ...DNS_LABELS },
    namespaces: Namespaces.select(chart, 'kube-system', { names: [DNS_NAMESPACE] }),
  })]));
  for (const t of graph.tiers) {
    const chart = charts.chartOf(t);
    const policy = new NetworkPolicy(chart, t.name, {
      selector: selectors[t.index],
      ingress: { default: NetworkPolicyTrafficDefault.DENY },
      egress: { default: NetworkPolicyTrafficDefault.DENY },
    });
    for (const c of graph.callers[t.index]) policy.addIngressRule(selectors[c], [NetworkPolicyPort.tcp(APP_PORT)]);
    for (const c of graph.callees[t.index]) policy.addEgressRule(selectors[c], [NetworkPolicyPort.tcp(APP_PORT)]);
    policy.addEgressRule(dns.get(chart)!, [NetworkPolicyPort.udp(53), NetworkPolicyPort.tcp(53)]);
  }
  return () => charts.app.synth();
}
