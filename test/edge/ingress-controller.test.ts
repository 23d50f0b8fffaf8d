import { Port } from '../../src/core/port';
import { IngressController } from '../../src/edge/ingress-controller';

describe('IngressController', () => {
  test('ingressNginx defaults to class nginx and the official chart\'s pods in ingress-nginx', () => {
    const nginx = IngressController.ingressNginx();
    expect(nginx.className).toBe('nginx');
    expect(nginx.namespace).toBe('ingress-nginx');
    expect(nginx.podLabels).toEqual({ 'app.kubernetes.io/name': 'ingress-nginx' });
    expect(nginx._isIngressNginx).toBe(true);
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
    expect(traefik._isIngressNginx).toBe(false);
  });

  test('each profile writes the HTTPS redirect its controller documents, and the allowlist only where it has one', () => {
    const props = { className: 'c', namespace: 'edge', podLabels: { app: 'edge' } };
    expect(IngressController.ingressNginx()._annotations('x', ['10.0.0.0/8', '192.0.2.0/24'])).toEqual({
      'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true',
      'nginx.ingress.kubernetes.io/allowlist-source-range': '10.0.0.0/8,192.0.2.0/24',
    });
    expect(IngressController.haproxy(props)._annotations('x', undefined)).toEqual({ 'haproxy.org/ssl-redirect': 'true', 'haproxy.org/ssl-redirect-code': '301' });
    expect(IngressController.f5Nginx(props)._annotations('x', undefined)).toEqual({ 'ingress.kubernetes.io/ssl-redirect': 'true' });
    expect(IngressController.custom(props)._annotations('x', undefined)).toEqual({});
    for (const controller of [IngressController.haproxy(props), IngressController.f5Nginx(props), IngressController.custom(props)]) {
      expect(() => controller._annotations('shop/public', ['10.0.0.0/8'])).toThrow(
        /^shop\/public: sourceRanges needs a controller with a source allowlist annotation; .* \(\["10.0.0.0\/8"\]\)\. Restrict sources at that controller's LoadBalancer Service/);
    }
  });

  test('the controller\'s service account: ingress-nginx\'s by default, any given one otherwise', () => {
    expect(IngressController.ingressNginx().serviceAccountName).toBe('ingress-nginx');
    expect(IngressController.haproxy({ className: 'haproxy', namespace: 'haproxy-controller', podLabels: { app: 'h' }, serviceAccountName: 'haproxy' }).serviceAccountName).toBe('haproxy');
    expect(IngressController.custom({ className: 'c', namespace: 'c', podLabels: { app: 'c' } }).serviceAccountName).toBeUndefined();
  });

  test('rejects bad input with the factory name, the value and a fix', () => {
    // A controller without a namespace used to mean the backend's namespace silently.
    expect(() => IngressController.custom({ className: 'traefik', podLabels: { app: 'traefik' } } as any))
      .toThrow(/^IngressController.custom: namespace is not set, so the controller pods could not be selected \(undefined\)\. Pass the namespace the controller pods run in/);
    expect(() => IngressController.haproxy({ className: 'haproxy', podLabels: { app: 'h' } } as any)).toThrow(/^IngressController.haproxy: namespace is not set/);
    expect(() => IngressController.custom(undefined as any)).toThrow(/^IngressController.custom: props must be an object \(undefined\)/);
    expect(() => IngressController.f5Nginx({ className: 'nginx', namespace: 'nginx-ingress', podLabels: { app: 'n' }, serviceAccountName: 'Bad SA' }))
      .toThrow(/^IngressController.f5Nginx: serviceAccountName must be a DNS-1123 subdomain.*\("Bad SA"\)/);
    expect(() => IngressController.ingressNginx({ className: 'Nginx' }))
      .toThrow(/^IngressController.ingressNginx: className must be a DNS-1123 subdomain.*\("Nginx"\)\. Use the IngressClass name/);
    expect(() => IngressController.custom({ className: 'x', namespace: 'x', podLabels: {} }))
      .toThrow(/^IngressController.custom: podLabels is empty/);
    expect(() => IngressController.ingressNginx({ namespace: 'Ingress' })).toThrow(/namespace name must be a DNS-1123 label/);
    expect(() => IngressController.ingressNginx({ podLabels: { 'bad key!': 'x' } })).toThrow(/label key/);
  });
});

describe('IngressController: the controller pods as a platform component', () => {
  const props = { className: 'c', namespace: 'edge', podLabels: { app: 'edge' } };
  const text = (ports?: Port[]) => ports?.map(String);

  test('each profile knows its chart\'s container ports; ingress-nginx its admission webhook; custom knows none', () => {
    expect(text(IngressController.ingressNginx().containerPorts)).toEqual(['TCP 80', 'TCP 443']);
    expect(text(IngressController.ingressNginx().webhookPorts)).toEqual(['TCP 8443']);
    expect(text(IngressController.haproxy(props).containerPorts)).toEqual(['TCP 8080', 'TCP 8443']);
    expect(text(IngressController.f5Nginx(props).containerPorts)).toEqual(['TCP 80', 'TCP 443']);
    expect(IngressController.haproxy(props).webhookPorts).toEqual([]);
    expect(IngressController.custom(props).containerPorts).toBeUndefined();
  });

  test('the ports given replace the profile\'s; an ingress-nginx without admission webhook passes webhookPorts: []', () => {
    const nginx = IngressController.ingressNginx({ containerPorts: [Port.tcp(8080), Port.tcp(8443)], webhookPorts: [] });
    expect(text(nginx.containerPorts)).toEqual(['TCP 8080', 'TCP 8443']);
    expect(nginx.webhookPorts).toEqual([]);
    expect(text(IngressController.custom({ ...props, containerPorts: [Port.tcp(443)], webhookPorts: [Port.tcp(9443)] }).webhookPorts)).toEqual(['TCP 9443']);
  });

  test('bad ports are refused with the factory, the value and the fix', () => {
    expect(() => IngressController.custom({ ...props, containerPorts: [] })).toThrow(
      'IngressController.custom: containerPorts is empty, so no client could reach the controller ([]). List the container ports its Service targets');
    expect(() => IngressController.custom({ ...props, containerPorts: [443 as any] })).toThrow(/^IngressController.custom \(containerPorts\): ports must be Port values \(443\)\. Use Port.tcp\(443\)/);
    expect(() => IngressController.custom({ ...props, containerPorts: [Port.tcpRange(80, 90)] })).toThrow(
      'IngressController.custom: containerPorts must be single numbered container ports ("TCP 80-90"). Give each as Port.tcp(n)');
    expect(() => IngressController.custom({ ...props, containerPorts: [Port.named('https')] })).toThrow(/containerPorts must be single numbered container ports/);
    expect(() => IngressController.custom({ ...props, containerPorts: [Port.allTraffic()] })).toThrow(/containerPorts must be single numbered container ports/);
    expect(() => IngressController.haproxy({ ...props, containerPorts: [Port.tcp(80), Port.tcp(80)] })).toThrow(/containerPorts lists a port twice \("TCP 80"\)/);
    expect(() => IngressController.ingressNginx({ webhookPorts: [Port.tcp(443)] })).toThrow(
      'IngressController.ingressNginx: a port is both a client port and a webhook port ("TCP 443"). List the port once');
    expect(() => IngressController.ingressNginx({ webhookPorts: 'x' as any })).toThrow(/webhookPorts\): ports must be a list of Port values/);
    expect(() => IngressController.ingressNginx(null as any)).toThrow(/^IngressController.ingressNginx: options must be an object/);
  });
});
