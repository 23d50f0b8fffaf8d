/*
 * CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy (cilium.io/v2) in the analyzer: Cilium and
 * NetworkPolicy allows add up on a pod a policy selects; toFQDNs allows names, never addresses;
 * fromEntities ingress admits the `{ingress-controller}` pseudo-endpoint; what is not evaluated is listed.
 */
import { FlowEndpointKind, Reachability } from '../../../src/analysis';
import { Port } from '../../../src/core/port';
import { cli } from '../../cli/run-cli';
import { validateAll } from '../../util';
import { namespace, pod, policy } from '../fixtures';

const shop = (name: string) => ({ namespace: 'shop', pod: name });
const cluster = () => [
  namespace('shop'), namespace('other'), namespace('kube-system'),
  pod('shop', 'web', { labels: { app: 'web' }, ports: [['http', 8080]] }),
  pod('shop', 'api', { labels: { app: 'api' }, ports: [['grpc', 9090]] }),
  pod('other', 'job', { labels: { app: 'job' } }),
  pod('kube-system', 'coredns', { labels: { 'k8s-app': 'kube-dns' }, ports: [['dns', 53, 'UDP']] }),
];

/** A CiliumNetworkPolicy, schema-checked against the pinned CRD. */
function cnp(ns: string, name: string, spec: any): any {
  const object = { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name, namespace: ns }, spec };
  validateAll([object]);
  return object;
}
const model = (...objects: any[]) => Reachability.fromManifests([...cluster(), ...objects]);

describe('CiliumNetworkPolicy', () => {
  test('a selected pod is default-deny on the ingress side; fromEndpoints and toPorts admit exactly what they name', () => {
    const r = model(cnp('shop', 'api-in', {
      endpointSelector: { matchLabels: { app: 'api' } },
      ingress: [{ fromEndpoints: [{ matchLabels: { app: 'web' } }], toPorts: [{ ports: [{ port: '9090', protocol: 'TCP' }] }] }],
    }));
    expect(r.isAllowed(shop('web'), shop('api'), Port.tcp(9090))).toBe(true);
    expect(r.explain(shop('web'), shop('api'), Port.tcp(9090)).ingress.allowedBy).toEqual(['shop/api-in (CiliumNetworkPolicy) ingress[0]']);
    expect(r.isAllowed(shop('web'), shop('api'), Port.tcp(9091))).toBe(false);
    expect(r.isAllowed(shop('web'), shop('api'), Port.udp(9090))).toBe(false);
    // An endpoint selector without a namespace key stays in the policy's namespace.
    expect(r.isAllowed({ namespace: 'other', pod: 'job' }, shop('api'), Port.tcp(9090))).toBe(false);
    // Egress is untouched: the policy has no egress section.
    expect(r.isAllowed(shop('api'), { namespace: 'other', pod: 'job' }, Port.tcp(1))).toBe(true);
  });

  test('Cilium allows and NetworkPolicy allows add up', () => {
    const r = model(
      cnp('shop', 'api-in', { endpointSelector: { matchLabels: { app: 'api' } }, ingress: [{ fromEndpoints: [{ matchLabels: { app: 'web' } }] }] }),
      policy('shop', 'api-np', {
        podSelector: { matchLabels: { app: 'api' } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'other' } } }], ports: [{ port: 9090 }] }],
      }),
    );
    expect(r.isAllowed(shop('web'), shop('api'), Port.tcp(1234))).toBe(true);
    expect(r.isAllowed({ namespace: 'other', pod: 'job' }, shop('api'), Port.tcp(9090))).toBe(true);
    expect(r.isAllowed({ namespace: 'other', pod: 'job' }, shop('api'), Port.tcp(1234))).toBe(false);
    expect(r.explain(shop('web'), shop('api'), Port.tcp(1)).ingress.isolatedBy).toEqual(['shop/api-in (CiliumNetworkPolicy)', 'shop/api-np']);
  });

  test('namespace keys reach other namespaces; an empty rule turns default deny on and admits nothing', () => {
    const r = model(
      cnp('shop', 'from-other', { endpointSelector: {}, ingress: [{ fromEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'other' } }] }] }),
      cnp('other', 'deny', { endpointSelector: {}, ingress: [{}] }),
    );
    expect(r.isAllowed({ namespace: 'other', pod: 'job' }, shop('web'), Port.tcp(8080))).toBe(true);
    expect(r.isAllowed(shop('api'), shop('web'), Port.tcp(8080))).toBe(false);
    expect(r.isAllowed(shop('web'), { namespace: 'other', pod: 'job' }, Port.tcp(80))).toBe(false);
  });

  test('toFQDNs allows names, not addresses: isAllowed to an ip stays false, flows and explain name the FQDN', () => {
    const r = model(cnp('shop', 'api-out', {
      endpointSelector: { matchLabels: { app: 'api' } },
      egress: [
        { toFQDNs: [{ matchName: 'api.stripe.com' }, { matchPattern: '*.example.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] },
        {
          toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s-app': 'kube-dns' } }],
          toPorts: [{ ports: [{ port: '53', protocol: 'UDP' }], rules: { dns: [{ matchPattern: '*' }] } }],
        },
      ],
    }));
    expect(r.isAllowed(shop('api'), { ip: '54.187.174.169' }, Port.tcp(443))).toBe(false);
    const explanation = r.explain(shop('api'), { ip: '54.187.174.169' }, Port.tcp(443));
    expect(explanation.egress.reason).toContain('allowed by name only: TCP 443 to *.example.com (toFQDNs, shop/api-out (CiliumNetworkPolicy) egress[0]), '
      + 'TCP 443 to api.stripe.com (toFQDNs, shop/api-out (CiliumNetworkPolicy) egress[0]), which an address does not match');
    expect(r.isAllowed(shop('api'), { namespace: 'kube-system', pod: 'coredns' }, Port.udp(53))).toBe(true);
    const out = r.flows({ includeExternal: true }).filter(f => f.source === 'shop/api');
    expect(out.map(f => `${f.destination} ${f.destinationKind} ${f.description}`)).toEqual([
      `kube-system/coredns ${FlowEndpointKind.POD} UDP 53`,
      `*.example.com ${FlowEndpointKind.FQDN} TCP 443`,
      `api.stripe.com ${FlowEndpointKind.FQDN} TCP 443`,
    ]);
    // DNS rules only restrict which names are looked up: nothing is left out of the connection model.
    expect(r.notAnalysed).toEqual([]);
    const http = model(cnp('shop', 'web-in', {
      endpointSelector: { matchLabels: { app: 'web' } },
      ingress: [{ toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }], rules: { http: [{ method: 'GET', path: '/' }] } }] }],
    }));
    expect(http.notAnalysed).toEqual(['shop/web-in (CiliumNetworkPolicy): spec.ingress[0].toPorts[0].rules.http: L7 rules narrow what the port carries; the port is counted as allowed']);
    expect(http.isAllowed(shop('api'), shop('web'), Port.tcp(8080))).toBe(true);
  });

  test('fromEntities ingress admits the ingress data plane on the backend port only; world admits addresses, not pods', () => {
    const objects = [
      cnp('shop', 'web-in', {
        endpointSelector: { matchLabels: { app: 'web' } },
        ingress: [{ fromEntities: ['ingress'], toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }] }] }],
      }),
      cnp('shop', 'api-in', { endpointSelector: { matchLabels: { app: 'api' } }, ingress: [{ fromEntities: ['world'] }] }),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] } },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'web', namespace: 'shop' },
        spec: { rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] },
      },
    ];
    const r = model(...objects);
    const flows = r.flows({ includeExternal: true });
    expect(flows.filter(f => f.destination === 'shop/web').map(f => `${f.source} ${f.description}`)).toEqual(['{ingress-controller} TCP 8080']);
    expect(flows.find(f => f.source === '{ingress-controller}')!.sourceKind).toBe(FlowEndpointKind.INGRESS_CONTROLLER);
    expect(r.isAllowed(shop('api'), shop('web'), Port.tcp(8080))).toBe(false);
    expect(r.isAllowed({ ip: '198.51.100.7' }, shop('api'), Port.tcp(9090))).toBe(true);
    expect(r.isAllowed(shop('web'), shop('api'), Port.tcp(9090))).toBe(false);
  });

  test('what is not evaluated is listed, never read as allow-all or deny-all; the audit and the CLI run', () => {
    const unknown = {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: { name: 'odd', namespace: 'shop' },
      spec: {
        endpointSelector: { matchLabels: { app: 'api' } },
        ingress: [{ fromEndpoints: [{ matchLabels: { app: 'web' } }] }, { fromRequires: [{ matchLabels: { env: 'prod' } }] }],
        ingressDeny: [{ fromEntities: ['world'] }],
        egress: [{ toServices: [{ k8sService: { serviceName: 'x', namespace: 'y' } }] }],
        futureField: true,
      },
    };
    const clusterwide = {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumClusterwideNetworkPolicy',
      metadata: { name: 'hosts' },
      spec: { nodeSelector: {}, ingress: [{ fromEntities: ['cluster'] }] },
    };
    const r = model(unknown, clusterwide);
    expect(r.notAnalysed).toEqual([
      'hosts (CiliumClusterwideNetworkPolicy): spec.nodeSelector: host policies are not modelled; the rule is not evaluated',
      'shop/odd (CiliumNetworkPolicy): spec.egress[0].toServices: not evaluated; the rule admits nothing through it',
      'shop/odd (CiliumNetworkPolicy): spec.futureField: not evaluated',
      'shop/odd (CiliumNetworkPolicy): spec.ingressDeny: not evaluated (deny rules would take precedence over allows)',
      'shop/odd (CiliumNetworkPolicy): spec.ingress[1].fromRequires: not evaluated; the rule admits nothing through it',
    ]);
    // The known rule still admits web; the unknown one admits nothing (not everything).
    expect(r.isAllowed(shop('web'), shop('api'), Port.tcp(9090))).toBe(true);
    expect(r.isAllowed({ namespace: 'other', pod: 'job' }, shop('api'), Port.tcp(9090))).toBe(false);
    expect(r.isAllowed(shop('api'), shop('web'), Port.tcp(8080))).toBe(false);
    expect(() => r.audit()).not.toThrow();

    const run = cli(['analyze', '-', '--flows', '--fail-on', 'none'], { stdin: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [...cluster(), unknown, clusterwide] }) });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Not analysed (5; read, but not part of the verdicts):\n  hosts (CiliumClusterwideNetworkPolicy): spec.nodeSelector');
    expect(run.stdout).toContain('4 pods in 3 namespaces, 0 NetworkPolicies, 1 CiliumNetworkPolicy, 1 CiliumClusterwideNetworkPolicy.');
  });

  test('inferred pods for a Cilium policy are named after it; a clusterwide policy gets none', () => {
    const r = Reachability.fromManifests([
      cnp('shop', 'api-in', { endpointSelector: { matchLabels: { app: 'api' } }, ingress: [{ fromEndpoints: [{ matchLabels: { app: 'web' } }] }] }),
      { apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name: 'cw' }, spec: { endpointSelector: { matchLabels: { app: 'x' } }, ingress: [{}] } },
    ], { inferPods: true });
    expect(r.pods).toEqual(['shop/api-in']);
  });

  test('every other Cilium kind is kept as an object: the model, the audit and the CLI read past it', () => {
    const kinds = ['CiliumEndpoint', 'CiliumIdentity', 'CiliumNode', 'CiliumEnvoyConfig', 'CiliumClusterwideEnvoyConfig', 'CiliumCIDRGroup',
      'CiliumEgressGatewayPolicy', 'CiliumLoadBalancerIPPool', 'CiliumL2AnnouncementPolicy', 'CiliumLocalRedirectPolicy', 'CiliumBGPClusterConfig'];
    const others = kinds.map((kind, i) => ({ apiVersion: i % 2 ? 'cilium.io/v2' : 'cilium.io/v2alpha1', kind, metadata: { name: `o${i}`, ...(i % 3 ? { namespace: 'shop' } : {}) }, spec: { anything: [1, { nested: true }] } }));
    const r = model(...others);
    expect(r.isAllowed(shop('web'), shop('api'), Port.tcp(9090))).toBe(true);
    expect(r.objectsOfKind('CiliumEnvoyConfig')).toHaveLength(1);
    expect(() => r.audit()).not.toThrow();
    const run = cli(['analyze', '-', '--flows', '--fail-on', 'none'], { stdin: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [...cluster(), ...others] }) });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  test('a clusterwide policy selects pods of every namespace', () => {
    const r = model({
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumClusterwideNetworkPolicy',
      metadata: { name: 'all-in' },
      spec: { endpointSelector: {}, ingress: [{ fromEndpoints: [{ matchLabels: { app: 'web' } }] }] },
    });
    expect(r.isAllowed(shop('web'), { namespace: 'other', pod: 'job' }, Port.tcp(80))).toBe(true);
    expect(r.isAllowed({ namespace: 'other', pod: 'job' }, shop('api'), Port.tcp(80))).toBe(false);
  });

  test('toCIDRSet with except, and L4-only rules for every peer', () => {
    const r = model(cnp('shop', 'out', {
      endpointSelector: { matchLabels: { app: 'web' } },
      egress: [
        { toCIDRSet: [{ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }] },
        { toPorts: [{ ports: [{ port: '53', protocol: 'ANY' }] }] },
      ],
    }));
    expect(r.isAllowed(shop('web'), { ip: '10.2.3.4' }, Port.tcp(5432))).toBe(true);
    expect(r.isAllowed(shop('web'), { ip: '10.1.3.4' }, Port.tcp(5432))).toBe(false);
    expect(r.isAllowed(shop('web'), { ip: '8.8.8.8' }, Port.udp(53))).toBe(true);
    expect(r.isAllowed(shop('web'), { ip: '8.8.8.8' }, Port.tcp(53))).toBe(true);
    expect(r.isAllowed(shop('web'), { ip: '8.8.8.8' }, Port.tcp(443))).toBe(false);
  });

  test('bad input is refused with the object, the field, the value and the fix (catalogue)', () => {
    const refuse = (spec: any) => {
      try {
        model({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'bad', namespace: 'shop' }, spec });
      } catch (error: any) {
        return error.message;
      }
      return 'accepted';
    };
    expect([
      refuse({ ingress: [{}] }),
      refuse({ endpointSelector: {}, egress: [{ toFQDNs: [{}] }] }),
      refuse({ endpointSelector: {}, egress: [{ toPorts: [{ ports: [{ port: '70000' }] }] }] }),
      refuse({ endpointSelector: {}, egress: [{ toCIDR: ['10.0.0.0/33'] }] }),
      refuse({ endpointSelector: {}, ingress: 'all' }),
      refuse({ endpointSelector: 'app=web' }),
      refuse({ endpointSelector: { matchLabels: ['app'] } }),
      refuse({ endpointSelector: {}, ingress: [7] }),
      refuse({ endpointSelector: {}, ingress: [{ fromEndpoints: { app: 'web' } }] }),
      refuse({ endpointSelector: {}, ingress: [{ fromEntities: [1] }] }),
      refuse({ endpointSelector: {}, ingress: [{ toPorts: { ports: [] } }] }),
      refuse({ endpointSelector: {}, ingress: [{ toPorts: [{ ports: [{ port: '80', endPort: 70 }] }] }] }),
      refuse({ endpointSelector: {}, ingress: [{ toPorts: [{ ports: { port: '80' } }] }] }),
      refuse({ endpointSelector: {}, ingress: [{ toPorts: [{ ports: [{ port: '80', protocol: 'tcp' }] }] }] }),
      refuse({ endpointSelector: {}, egress: [{ toCIDR: ['10.0.0.1'] }] }),
      refuse({ endpointSelector: { matchExpressions: { key: 'app' } } }),
    ]).toEqual([
      'CiliumNetworkPolicy shop/bad: spec.endpointSelector is missing ({"ingress":[{}]}). Select the pods the rule applies to, e.g. endpointSelector: { matchLabels: { app: web } }, or {} for all.',
      'CiliumNetworkPolicy shop/bad: spec.egress[0].toFQDNs[0] has neither matchName nor matchPattern ({}). Write { matchName: "api.example.com" } or { matchPattern: "*.example.com" }.',
      'CiliumNetworkPolicy shop/bad: spec.egress[0].toPorts[0].ports[0].port is not a port number ("70000"). Use a port from 1 to 65535 (as a string, e.g. "443"), or a port name.',
      'CiliumNetworkPolicy shop/bad: spec.egress[0].toCIDR[0] is not a valid IPv4 or IPv6 CIDR ("10.0.0.0/33"). Write a CIDR such as "10.0.0.0/16" or "2001:db8::/64".',
      'CiliumNetworkPolicy shop/bad: spec.ingress is not a list of rules ("all"). Write ingress as a list.',
      'CiliumNetworkPolicy shop/bad: spec.endpointSelector is not a label selector object ("app=web"). Write { matchLabels: { app: web } }, or {} for every endpoint.',
      'CiliumNetworkPolicy shop/bad: spec.endpointSelector.matchLabels is not a map (["app"]). Write matchLabels as { key: "value" }.',
      'CiliumNetworkPolicy shop/bad: spec.ingress[0] is not a rule object (7). Write each ingress rule as an object.',
      'CiliumNetworkPolicy shop/bad: spec.ingress[0].fromEndpoints is not a list ({"app":"web"}). Write it as a YAML list.',
      'CiliumNetworkPolicy shop/bad: spec.ingress[0].fromEntities[0] is not an entity name (1). Use world, cluster, all, ingress, host, ...',
      'CiliumNetworkPolicy shop/bad: spec.ingress[0].toPorts is not a list ({"ports":[]}). Write toPorts as a list of { ports: [...] }.',
      'CiliumNetworkPolicy shop/bad: spec.ingress[0].toPorts[0].ports[0].endPort is not a port from port to 65535 (70). Set endPort to the last port of the range.',
      'CiliumNetworkPolicy shop/bad: spec.ingress[0].toPorts[0].ports is not a list ({"port":"80"}). Write ports as a list of { port, protocol }; leaving it out means every port.',
      'CiliumNetworkPolicy shop/bad: spec.ingress[0].toPorts[0].ports[0].protocol is not a Cilium protocol ("tcp"). Use one of TCP, UDP, SCTP, VRRP, IGMP, ANY (upper case).',
      'CiliumNetworkPolicy shop/bad: spec.egress[0].toCIDR[0] is not in CIDR notation (missing the "/prefix") ("10.0.0.1"). Write a CIDR such as "10.0.0.0/16" or "2001:db8::/64". For one address write "10.0.0.1/32".',
      'CiliumNetworkPolicy shop/bad: spec.endpointSelector.matchExpressions is not a list ({"key":"app"}). Write matchExpressions as a list of { key, operator, values }.',
    ]);
    const noSpec = { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'empty', namespace: 'shop' } };
    expect(() => model(noSpec)).toThrow('CiliumNetworkPolicy shop/empty: has neither spec nor specs');
    expect(() => model({ ...noSpec, specs: {} })).toThrow('CiliumNetworkPolicy shop/empty: specs is not a list of rules ({}). Write specs as a list, or use spec for one rule.');
  });
});
