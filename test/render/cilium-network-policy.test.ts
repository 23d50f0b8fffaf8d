import { Port } from '../../src/core/port';
import { LabelOperator } from '../../src/core/selector';
import { ciliumFqdnProblem, renderFqdnEgressPolicy, renderIngressIdentityPolicy } from '../../src/render/cilium-network-policy';
import { validateAll } from '../util';

describe('renderIngressIdentityPolicy (Cilium as a gateway data plane)', () => {
  test('admits Cilium\'s reserved ingress identity to exactly the backend pods on exactly the backend port', () => {
    const policy = renderIngressIdentityPolicy('edge', { name: 'web-gateway', namespace: 'shop', podLabels: { tier: 'web', app: 'shop' }, port: Port.tcp(8080) });
    validateAll([policy]);
    expect(policy).toEqual({
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: { name: 'web-gateway', namespace: 'shop' },
      spec: {
        endpointSelector: { matchLabels: { app: 'shop', tier: 'web' } },
        ingress: [{ fromEntities: ['ingress'], toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }] }] }],
      },
    });
    // Only ingress: the policy opens nothing outbound, and no other entity.
    expect(policy.spec.egress).toBeUndefined();
    expect(Object.keys(policy.spec.ingress[0])).toEqual(['fromEntities', 'toPorts']);
  });

  test.each([
    [{ podLabels: {} }, 'edge: the backend has no pod labels, so the policy would admit the gateway to every pod of the namespace ({}). Pass the backend tier\'s pod labels, e.g. { app: "web" }.'],
    [{ podLabels: undefined }, 'edge: the backend has no pod labels, so the policy would admit the gateway to every pod of the namespace (undefined).'],
    [{ port: Port.udp(8080) }, 'edge: a gateway reaches its backend on one TCP port ("UDP 8080"). Pass the backend port, e.g. Port.tcp(8080).'],
    [{ port: Port.tcpRange(8080, 8090) }, 'edge: a gateway reaches its backend on one TCP port'],
    [{ port: Port.named('http') }, 'edge: a gateway reaches its backend on one TCP port'],
    [{ port: 8080 }, 'edge: a gateway reaches its backend on one TCP port ("8080")'],
    [{ name: 'Web_Gateway' }, 'edge: CiliumNetworkPolicy name must be a DNS-1123 subdomain'],
    [{ namespace: 'Shop' }, 'edge: namespace must be a DNS-1123 label'],
    [{ podLabels: { 'bad key!': 'x' } }, 'edge: label key'],
  ])('refuses input it cannot render exactly: %o', (override, message) => {
    const intent: any = { name: 'web-gateway', namespace: 'shop', podLabels: { app: 'web' }, port: Port.tcp(8080), ...override };
    expect(() => renderIngressIdentityPolicy('edge', intent)).toThrow(message);
  });
});

describe('renderFqdnEgressPolicy', () => {
  const dns = { peer: { namespace: 'kube-system', podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }, ports: [Port.udp(53), Port.tcp(53)] };

  test('DNS first, then one rule per name sorted by name, ports merged and sorted; schema-valid', () => {
    const policy = renderFqdnEgressPolicy({
      name: 'egress',
      namespace: 'shop',
      podSelector: { matchLabels: { app: 'api' } },
      dnsServers: [dns],
      fqdns: [
        { hostname: 'b.example.com', ports: [Port.tcp(8443), Port.tcp(443), Port.tcp(444)] },
        { hostname: '*.a.example.com', ports: [Port.sctp(9000)] },
      ],
    });
    validateAll([policy]);
    expect(policy.spec.egress).toEqual([
      {
        toEndpoints: [{ matchLabels: { 'k8s-app': 'kube-dns', 'k8s:io.kubernetes.pod.namespace': 'kube-system' } }],
        toPorts: [{ ports: [{ port: '53', protocol: 'TCP' }, { port: '53', protocol: 'UDP' }], rules: { dns: [{ matchPattern: '*' }] } }],
      },
      { toFQDNs: [{ matchPattern: '*.a.example.com' }], toPorts: [{ ports: [{ port: '9000', protocol: 'SCTP' }] }] },
      { toFQDNs: [{ matchName: 'b.example.com' }], toPorts: [{ ports: [{ port: '443', endPort: 444, protocol: 'TCP' }, { port: '8443', protocol: 'TCP' }] }] },
    ]);
  });

  test('a toFQDNs rule never stands without a peer next to its ports (a bare toPorts is a wildcard in Cilium)', () => {
    const policy = renderFqdnEgressPolicy({
      name: 'egress',
      namespace: 'shop',
      podSelector: {},
      dnsServers: [dns, { peer: { ipBlock: { cidr: '169.254.20.10/32' } }, ports: [Port.udp(53)] }],
      fqdns: [{ hostname: 'x.example.com', ports: [Port.tcp(443)] }],
    });
    validateAll([policy]);
    expect(policy.spec.endpointSelector).toEqual({});
    for (const rule of policy.spec.egress) {
      expect(['toEndpoints', 'toCIDRSet', 'toFQDNs'].filter((k) => k in rule)).toHaveLength(1);
    }
  });

  test('a DNS block with excluded sub-blocks keeps them (toCIDRSet except)', () => {
    const policy = renderFqdnEgressPolicy({
      name: 'e',
      namespace: 'shop',
      podSelector: {},
      fqdns: [{ hostname: 'x.example.com', ports: [Port.tcp(443)] }],
      dnsServers: [{ peer: { ipBlock: { cidr: '10.0.0.0/24', excluded: ['10.0.0.128/25', '10.0.0.64/26'] } }, ports: [Port.udp(53)] }],
    });
    validateAll([policy]);
    expect(policy.spec.egress[0].toCIDRSet).toEqual([{ cidr: '10.0.0.0/24', except: ['10.0.0.128/25', '10.0.0.64/26'] }]);
  });

  test('DNS pods in every namespace, and selectors with expressions, keep their meaning', () => {
    const policy = renderFqdnEgressPolicy({
      name: 'egress',
      namespace: 'shop',
      podSelector: { matchExpressions: [{ key: 'app', operator: LabelOperator.IN, values: ['a', 'b'] }] },
      dnsServers: [{ peer: { allNamespaces: true, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }, ports: [Port.udp(53)] }],
      fqdns: [{ hostname: 'x.example.com', ports: [Port.tcp(443)] }],
    });
    validateAll([policy]);
    expect(policy.spec.endpointSelector).toEqual({ matchExpressions: [{ key: 'app', operator: 'In', values: ['a', 'b'] }] });
    expect(policy.spec.egress[0].toEndpoints).toEqual([{
      matchLabels: { 'k8s-app': 'kube-dns' },
      matchExpressions: [{ key: 'k8s:io.kubernetes.pod.namespace', operator: 'Exists' }],
    }]);
  });

  test('more than 40 ports are split into several toPorts entries (the CRD\'s limit)', () => {
    const ports = Array.from({ length: 45 }, (_, i) => Port.tcp(1000 + 2 * i));
    const policy = renderFqdnEgressPolicy({ name: 'e', namespace: 'shop', podSelector: {}, dnsServers: [dns], fqdns: [{ hostname: 'x.example.com', ports }] });
    validateAll([policy]);
    expect(policy.spec.egress[1].toPorts.map((p: any) => p.ports.length)).toEqual([40, 5]);
  });

  test.each([
    ['api.example.com', undefined],
    ['*.example.com', undefined],
    ['', 'must be a non-empty string'],
    ['a.*.example.com', 'may hold "*" only as the whole leftmost label for Cilium'],
    ['api example.com', 'is not a name Cilium\'s toFQDNs accepts'],
    [`${'a'.repeat(252)}.com`, 'must be at most 255 characters for Cilium'],
  ])('ciliumFqdnProblem(%j)', (hostname, problem) => {
    expect(ciliumFqdnProblem(hostname)).toBe(problem);
  });
});
