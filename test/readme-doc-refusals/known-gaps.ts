import { shop } from './scenarios';
import { GatewayImplementation, NamespaceIsolation, Port, SecureGateway, SecureIngress } from '../../src';

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
