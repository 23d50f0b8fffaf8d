import { IngressController } from '../src/ingress-controller';

describe('IngressController', () => {
  test('ingressNginx defaults to class nginx and the official chart\'s pods in ingress-nginx', () => {
    const nginx = IngressController.ingressNginx();
    expect(nginx.className).toBe('nginx');
    expect(nginx.namespace).toBe('ingress-nginx');
    expect(nginx.podLabels).toEqual({ 'app.kubernetes.io/name': 'ingress-nginx' });
    expect(nginx.isIngressNginx).toBe(true);
    // One peer: these pods in that namespace (AND), never any pod of the namespace or labelled pods anywhere.
    expect(nginx.peer.toPeerConfig()).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
      namespace: 'ingress-nginx',
    });
    expect(nginx.toString()).toBe('ingress controller nginx (pods app.kubernetes.io/name=ingress-nginx in namespace ingress-nginx)');
  });

  test('every field is configurable; a custom controller gets no nginx annotations', () => {
    const internal = IngressController.ingressNginx({
      className: 'nginx-internal',
      namespace: 'ingress-internal',
      podLabels: { 'app.kubernetes.io/instance': 'internal', 'app.kubernetes.io/name': 'ingress-nginx' },
    });
    expect(internal.peer.toPeerConfig()).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'internal', 'app.kubernetes.io/name': 'ingress-nginx' } },
      namespace: 'ingress-internal',
    });
    const traefik = IngressController.custom({ className: 'traefik', namespace: 'traefik', podLabels: { 'app.kubernetes.io/name': 'traefik' } });
    expect(traefik.isIngressNginx).toBe(false);
  });

  test('rejects bad input with the factory name, the value and a fix', () => {
    expect(() => IngressController.ingressNginx({ className: 'Nginx' }))
      .toThrow(/^IngressController.ingressNginx: className must be a DNS-1123 subdomain.*\("Nginx"\)\. Use the IngressClass name/);
    expect(() => IngressController.custom({ className: 'x', namespace: 'x', podLabels: {} }))
      .toThrow(/^IngressController.custom: podLabels is empty/);
    expect(() => IngressController.ingressNginx({ namespace: 'Ingress' })).toThrow(/namespace name must be a DNS-1123 label/);
    expect(() => IngressController.ingressNginx({ podLabels: { 'bad key!': 'x' } })).toThrow(/label key/);
  });
});
