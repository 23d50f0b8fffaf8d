import { namespace, pod, policy } from './fixtures';
import { Port, Reachability } from '../../src';

/*
 * Issue 22, item 2: an answer that depends on something the analyzer does not know or does not evaluate
 * says so (verdict().certain, caveats), and what it can model (Cilium enableDefaultDeny, world-ipv4/-ipv6,
 * address rules through the pod network) it models.
 */

const tcp80 = Port.tcp(80);
const at = (ns: string, name: string) => ({ namespace: ns, pod: name });
const ip = (address: string) => ({ ip: address });

function cilium(ns: string, name: string, spec: any): any {
  return { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name, namespace: ns }, spec };
}

function clusterPolicy(name: string, tier: string, priority: number, spec: any): any {
  return {
    apiVersion: 'policy.networking.k8s.io/v1alpha2',
    kind: 'ClusterNetworkPolicy',
    metadata: { name },
    spec: { tier, priority, subject: { namespaces: {} }, ...spec },
  };
}

const workloads = [
  namespace('x'),
  pod('x', 'a', { labels: { app: 'a' } }),
  pod('x', 'b', { labels: { app: 'b' } }),
  pod('x', 'target', { labels: { app: 'target' } }),
];

describe('Cilium', () => {
  test('an address that a toFQDNs rule may cover is an uncertain "denied", never a certain one', () => {
    const fqdn = cilium('x', 'to-stripe', {
      endpointSelector: { matchLabels: { app: 'a' } },
      egress: [{ toFQDNs: [{ matchName: 'api.stripe.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] }],
    });
    const r = Reachability.fromManifests([...workloads, fqdn]);
    const v = r.verdict(at('x', 'a'), ip('203.0.113.5'), Port.tcp(443));
    expect(v).toMatchObject({ allowed: false, certain: false });
    expect(v.caveats.join('\n')).toContain('203.0.113.5 may be an address of TCP 443 to api.stripe.com');
    // On a port no name is allowed on, the answer is certain.
    expect(r.verdict(at('x', 'a'), ip('203.0.113.5'), Port.tcp(80))).toEqual({ allowed: false, certain: true, caveats: [] });
  });

  test('enableDefaultDeny ingress false adds its rules to the isolating policies without isolating', () => {
    const isolating = cilium('x', 'from-a', { endpointSelector: { matchLabels: { app: 'target' } }, ingress: [{ fromEndpoints: [{ matchLabels: { app: 'a' } }] }] });
    const adding = cilium('x', 'from-b', {
      endpointSelector: { matchLabels: { app: 'target' } },
      enableDefaultDeny: { ingress: false },
      ingress: [{ fromEndpoints: [{ matchLabels: { app: 'b' } }] }],
    });
    const both = Reachability.fromManifests([...workloads, isolating, adding]);
    expect(both.verdict(at('x', 'b'), at('x', 'target'), tcp80)).toEqual({ allowed: true, certain: true, caveats: [] });
    expect(both.isAllowed(at('x', 'a'), at('x', 'target'), tcp80)).toBe(true);
    expect(both.matrix(tcp80).isAllowed('x/b', 'x/target')).toBe(true);
    // Alone, the non-isolating policy leaves the pod open to everyone: it is not a default deny.
    const alone = Reachability.fromManifests([...workloads, adding, pod('x', 'c', { labels: { app: 'c' } })]);
    expect(alone.verdict(at('x', 'c'), at('x', 'target'), tcp80)).toEqual({ allowed: true, certain: true, caveats: [] });
    expect(alone.explain(at('x', 'c'), at('x', 'target'), tcp80).ingress.isolated).toBe(false);
  });

  test('a malformed enableDefaultDeny is refused', () => {
    const bad = cilium('x', 'bad', { endpointSelector: {}, enableDefaultDeny: { ingress: 'no' }, ingress: [{}] });
    expect(() => Reachability.fromManifests([bad])).toThrow(/enableDefaultDeny is not \{ ingress\?: boolean, egress\?: boolean \}/);
  });

  test('world-ipv4 admits IPv4 addresses outside the cluster, world-ipv6 IPv6 ones, neither pods', () => {
    const v4 = Reachability.fromManifests([...workloads,
      cilium('x', 'v4', { endpointSelector: { matchLabels: { app: 'target' } }, ingress: [{ fromEntities: ['world-ipv4'] }] })]);
    expect(v4.verdict(ip('203.0.113.9'), at('x', 'target'), tcp80)).toEqual({ allowed: true, certain: true, caveats: [] });
    expect(v4.isAllowed(ip('2001:db8::9'), at('x', 'target'), tcp80)).toBe(false);
    expect(v4.isAllowed(at('x', 'a'), at('x', 'target'), tcp80)).toBe(false);
    expect(v4.isAllowed({ ingressController: true }, at('x', 'target'), tcp80)).toBe(false);
    const v6 = Reachability.fromManifests([...workloads,
      cilium('x', 'v6', { endpointSelector: { matchLabels: { app: 'target' } }, ingress: [{ fromEntities: ['world-ipv6'] }] })]);
    expect(v6.isAllowed(ip('2001:db8::9'), at('x', 'target'), tcp80)).toBe(true);
    expect(v6.isAllowed(ip('203.0.113.9'), at('x', 'target'), tcp80)).toBe(false);
  });

  test('an entity the analyzer does not model makes a denial of what it could match uncertain', () => {
    const r = Reachability.fromManifests([...workloads,
      cilium('x', 'host', { endpointSelector: { matchLabels: { app: 'target' } }, ingress: [{ fromEntities: ['remote-node'] }] })]);
    const node = r.verdict(ip('192.0.2.10'), at('x', 'target'), tcp80);
    expect(node).toEqual({ allowed: false, certain: false, caveats: ['x/host (CiliumNetworkPolicy) ingress[0] might admit 192.0.2.10: entity remote-node is not evaluated'] });
    // remote-node never is a pod: a pod's denial stays certain.
    expect(r.verdict(at('x', 'a'), at('x', 'target'), tcp80)).toEqual({ allowed: false, certain: true, caveats: [] });
    expect(r.explain(ip('192.0.2.10'), at('x', 'target'), tcp80).text).toContain('denied (uncertain)\n');
  });

  test('a deny section the analyzer does not evaluate makes every allowed answer on the pods it selects uncertain', () => {
    const r = Reachability.fromManifests([...workloads,
      cilium('x', 'deny', { endpointSelector: { matchLabels: { app: 'target' } }, ingressDeny: [{ fromEndpoints: [{ matchLabels: { app: 'a' } }] }] })]);
    const v = r.verdict(at('x', 'a'), at('x', 'target'), tcp80);
    expect(v.allowed).toBe(true);
    expect(v.certain).toBe(false);
    expect(v.caveats).toEqual(['x/deny (CiliumNetworkPolicy): spec.ingressDeny (deny rules, not evaluated) could deny it']);
    expect(r.verdict(at('x', 'target'), at('x', 'a'), tcp80).certain).toBe(true);
  });
});

describe('ClusterNetworkPolicy networks', () => {
  const denyAll = policy('x', 'deny', { podSelector: {}, policyTypes: ['Egress'] });

  test('an Admin Accept on a CIDR that covers the pod network admits pods without a known address', () => {
    const accept = clusterPolicy('accept-pods', 'Admin', 10, { egress: [{ name: 'pods', action: 'Accept', to: [{ networks: ['10.0.0.0/8'] }] }] });
    const r = Reachability.fromManifests([...workloads, denyAll, accept], { podNetwork: ['10.244.0.0/16'] });
    expect(r.verdict(at('x', 'a'), at('x', 'target'), tcp80)).toEqual({ allowed: true, certain: true, caveats: [] });
    expect(r.matrix(tcp80).isAllowed('x/a', 'x/target')).toBe(true);
    // Undeclared, the pod network may or may not lie in 10.0.0.0/8: uncertain, and said.
    const unknown = Reachability.fromManifests([...workloads, denyAll, accept]).verdict(at('x', 'a'), at('x', 'target'), tcp80);
    expect(unknown).toMatchObject({ allowed: false, certain: false });
    expect(unknown.caveats[0]).toContain('network 10.0.0.0/8 covers only part of the pod network');
    // Declared elsewhere, the pod network is outside the rule: NetworkPolicy decides, for certain.
    const other = Reachability.fromManifests([...workloads, denyAll, accept], { podNetwork: ['172.16.0.0/12'] });
    expect(other.verdict(at('x', 'a'), at('x', 'target'), tcp80)).toEqual({ allowed: false, certain: true, caveats: [] });
  });

  test('an Admin rule on part of the pod network makes the answer depend on the unknown address', () => {
    const deny = clusterPolicy('deny-some', 'Admin', 10, { egress: [{ name: 'some', action: 'Deny', to: [{ networks: ['10.1.0.0/16'] }] }] });
    const r = Reachability.fromManifests([...workloads, deny]);
    const v = r.verdict(at('x', 'a'), at('x', 'target'), tcp80);
    expect(v.allowed).toBe(true);
    expect(v.certain).toBe(false);
    expect(v.caveats).toEqual(['ClusterNetworkPolicy deny-some egress[0] "some" (Deny) might match x/target: network 10.1.0.0/16 covers only part of the pod network (10.0.0.0/8, 100.64.0.0/10, 172.16.0.0/12, 192.168.0.0/16) and the address of x/target is not known']);
    // A pod with a known address outside the block is certain.
    const known = Reachability.fromManifests([...workloads, pod('x', 'fixed', { labels: { app: 'fixed' }, ip: '10.2.0.1' }), deny]);
    expect(known.verdict(at('x', 'a'), at('x', 'fixed'), tcp80)).toEqual({ allowed: true, certain: true, caveats: [] });
  });

  test('an AdminNetworkPolicy nodes peer, which is not modelled, makes answers about addresses uncertain', () => {
    const anp = {
      apiVersion: 'policy.networking.k8s.io/v1alpha1',
      kind: 'AdminNetworkPolicy',
      metadata: { name: 'nodes' },
      spec: { priority: 5, subject: { namespaces: {} }, egress: [{ name: 'to-nodes', action: 'Deny', to: [{ nodes: { matchLabels: { role: 'infra' } } }] }] },
    };
    const r = Reachability.fromManifests([...workloads, anp]);
    const v = r.verdict(at('x', 'a'), ip('192.0.2.7'), tcp80);
    expect(v.allowed).toBe(true);
    expect(v.certain).toBe(false);
    expect(r.verdict(at('x', 'a'), at('x', 'target'), tcp80).certain).toBe(true);
  });
});
