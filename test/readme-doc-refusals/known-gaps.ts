import { Testing } from 'cdk8s';
import { guarded, shop } from './scenarios';
import { ClusterDns, GatewayImplementation, NamespaceIsolation, Port, SecureGateway, SecureIngress } from '../../src';

/*
 * What docs/*.md promises and the library does not do yet (library bugs, not doc errors). Each pin asserts
 * today's behaviour exactly, so it fails the day the library is fixed: then move the case into the claims
 * as a proof.
 */

export interface KnownGap {
  readonly doc: string;
  /** The promise, as written in the doc (whitespace collapsed). */
  readonly quote: string;
  readonly gap: string;
  /** Passes while the gap is there. */
  readonly pin: () => void;
}

export const KNOWN_GAPS: KnownGap[] = [
  {
    doc: 'secure-ingress.md',
    quote: 'their policy allows DNS to the namespace\'s DNS (its `NamespaceIsolation`\'s `dns`, else the `ClusterIsolation`\'s), and two that differ are refused at synth',
    gap: 'ClusterIsolation does not record its dns in the model (ClusterBaseline.dns), so the solver pods of a guarded namespace resolve through kube-dns, '
      + 'and a NamespaceIsolation whose dns differs from the guardrails\' is not refused (test.failing in test/tls/acme-solvers.test.ts)',
    pin: () => {
      const build = (withIsolation: boolean) => {
        const { app, chart, web } = guarded({ apiServerAddresses: ['10.0.0.1/32'], dns: ClusterDns.nodeLocalCache() });
        const gateway = new SecureGateway(chart, 'edge', { namespace: 'edge', gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway(), clusterIssuer: 'letsencrypt-prod' });
        new SecureIngress(chart, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), gateway });
        if (withIsolation) new NamespaceIsolation(chart, 'baseline', { dns: ClusterDns.kubeDns() });
        app.synth();
        return Testing.synth(chart).find((o: any) => o.kind === 'NetworkPolicy' && o.metadata.name === 'acme-http01-solver');
      };
      // The guardrails' DNS is NodeLocal DNSCache (169.254.20.10 and kube-dns); the solver gets kube-dns only.
      expect(build(false).spec.egress).toEqual([{
        ports: [{ port: 53, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }],
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      }]);
      // kube-dns in the NamespaceIsolation, NodeLocal DNSCache in the ClusterIsolation: not refused.
      expect(() => build(true)).not.toThrow();
    },
  },
  {
    doc: 'cluster-guardrails.md',
    quote: 'a `NamespaceIsolation` over a gateway\'s data plane or an ingress controller that no `ClusterIsolation` guards | the same;',
    gap: 'for a gateway\'s data plane the message names "Leave <ns> out of NamespaceIsolation" and writing the flows by hand, not the ClusterIsolation '
      + 'that fixes it (src/edge/secure-gateway.ts, dataPlaneNamespaceProblems); the ingress controller\'s message names it',
    pin: () => {
      const { app, chart, web } = shop();
      new NamespaceIsolation(chart, 'edge-ns', { namespace: 'edge' });
      const gateway = new SecureGateway(chart, 'edge', { namespace: 'edge', gatewayClassName: 'istio', implementation: GatewayImplementation.istio(), clusterIssuer: 'letsencrypt-prod' });
      new SecureIngress(chart, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), gateway });
      let message = '';
      try {
        app.synth();
      } catch (error) {
        message = (error as Error).message;
      }
      const line = message.split('\n').find((l) => l.includes('where this gateway\'s data-plane pods run')) ?? '';
      expect(line).toMatch(/Leave edge out of NamespaceIsolation, or write the data plane's ingress/);
      expect(line).not.toMatch(/ClusterIsolation/);
    },
  },
];
