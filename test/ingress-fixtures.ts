/*
 * Shared fixtures of the SecureIngress tests: a chart with the `web` tier, a SecureIngress with test
 * defaults, and the controller peer the backend policies must name.
 */
import { Chart, Testing } from 'cdk8s';
import { Port } from '../src/core/port';
import { IngressController } from '../src/edge/ingress-controller';
import { SecureIngress, SecureIngressProps } from '../src/edge/secure-ingress';
import { IsolatedTier } from '../src/tiers/tier';

/** The default controller as a NetworkPolicy peer: ingress-nginx pods in their namespace, one AND peer. */
export const NGINX_PEER = {
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
  podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
};

/** A chart in namespace shop with the `web` tier serving TCP 8080. */
export function setup(): { chart: Chart; web: IsolatedTier } {
  const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
  const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)], serviceAccountName: 'web' });
  return { chart, web };
}

/**
 * A SecureIngress for shop.example.com on TCP 8080 from ClusterIssuer letsencrypt-prod through ingress-nginx,
 * unless `props` say otherwise (there is no default controller: the fixture names one).
 */
export function secure(chart: Chart, props: Partial<SecureIngressProps> & { backend: SecureIngressProps['backend'] }, id = 'public'): SecureIngress {
  const edge = props.gateway === undefined ? { controller: IngressController.ingressNginx() } : {};
  return new SecureIngress(chart, id, { host: 'shop.example.com', port: Port.tcp(8080), clusterIssuer: 'letsencrypt-prod', ...edge, ...props });
}
