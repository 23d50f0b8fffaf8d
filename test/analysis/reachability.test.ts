import { namespace, pod, policy } from './fixtures';
import { Reachability } from '../../src/analysis';
import { Port } from '../../src/core/port';

const tcp80 = Port.tcp(80);
const at = (ns: string, name: string) => ({ namespace: ns, pod: name });
const ip = (address: string) => ({ ip: address });

/** Pods a, b, c in namespaces x and y, labelled pod=<name>; namespaces labelled ns=<name>. */
function cluster(...policies: any[]): Reachability {
  const objects: any[] = [namespace('x', { ns: 'x' }), namespace('y', { ns: 'y' })];
  for (const ns of ['x', 'y']) {
    for (const name of ['a', 'b', 'c']) objects.push(pod(ns, name, { labels: { pod: name } }));
  }
  return Reachability.fromManifests([...objects, ...policies]);
}

describe('without policies', () => {
  test('every pod reaches every pod on every protocol', () => {
    const r = cluster();
    expect(r.isAllowed(at('x', 'a'), at('y', 'b'), tcp80)).toBe(true);
    expect(r.isAllowed(at('y', 'c'), at('x', 'a'), Port.udp(53))).toBe(true);
    expect(r.isAllowed(at('x', 'a'), at('x', 'b'), Port.sctp(9))).toBe(true);
    expect(r.matrix(tcp80).allowedCount).toBe(36);
  });
});

describe('policyTypes defaults', () => {
  test('a policy without policyTypes and with only ingress rules isolates ingress, not egress', () => {
    const r = cluster(policy('x', 'p', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }] }));
    expect(r.isAllowed(at('x', 'b'), at('x', 'a'), tcp80)).toBe(true);
    expect(r.isAllowed(at('x', 'c'), at('x', 'a'), tcp80)).toBe(false);
    expect(r.isAllowed(at('x', 'a'), at('y', 'c'), tcp80)).toBe(true);
  });

  test('a policy without policyTypes and with egress rules isolates both directions (no ingress rules: deny all ingress)', () => {
    const r = cluster(policy('x', 'p', { podSelector: { matchLabels: { pod: 'a' } }, egress: [{ to: [{ podSelector: { matchLabels: { pod: 'b' } } }] }] }));
    expect(r.isAllowed(at('x', 'a'), at('x', 'b'), tcp80)).toBe(true);
    expect(r.isAllowed(at('x', 'a'), at('x', 'c'), tcp80)).toBe(false);
    expect(r.isAllowed(at('x', 'b'), at('x', 'a'), tcp80)).toBe(false);
    expect(r.explain(at('x', 'b'), at('x', 'a'), tcp80).ingress.isolatedBy).toEqual(['x/p']);
  });

  test('an empty egress list without policyTypes does not isolate egress (upstream defaulting needs at least one rule)', () => {
    const r = cluster(policy('x', 'p', { podSelector: { matchLabels: { pod: 'a' } }, egress: [] }));
    expect(r.isAllowed(at('x', 'a'), at('y', 'b'), tcp80)).toBe(true);
    expect(r.isAllowed(at('x', 'b'), at('x', 'a'), tcp80)).toBe(false);
    expect(r.explain(at('x', 'a'), at('y', 'b'), tcp80).egress.isolated).toBe(false);
  });

  test('a direction missing from explicit policyTypes has no effect, even with rules written for it', () => {
    const r = cluster(policy('x', 'p', {
      podSelector: { matchLabels: { pod: 'a' } },
      policyTypes: ['Egress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }],
      egress: [{ to: [{ podSelector: { matchLabels: { pod: 'b' } } }] }],
    }));
    expect(r.isAllowed(at('x', 'c'), at('x', 'a'), tcp80)).toBe(true);
    expect(r.isAllowed(at('x', 'a'), at('x', 'c'), tcp80)).toBe(false);
    expect(r.isAllowed(at('x', 'a'), at('x', 'b'), tcp80)).toBe(true);
  });

  test('an empty rule list with its policy type denies the whole direction', () => {
    const r = cluster(policy('x', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [], egress: [] }));
    expect(r.isAllowed(at('x', 'a'), at('x', 'b'), tcp80)).toBe(false);
    expect(r.isAllowed(at('y', 'a'), at('x', 'b'), tcp80)).toBe(false);
    expect(r.isAllowed(at('x', 'a'), at('y', 'b'), tcp80)).toBe(false);
    expect(r.isAllowed(at('y', 'a'), at('y', 'b'), tcp80)).toBe(true);
  });
});

describe('isolation and union', () => {
  test('policies selecting the same pod add up: each admits its own sources', () => {
    const allow = (name: string, from: string) => policy('x', name, {
      podSelector: { matchLabels: { pod: 'a' } },
      ingress: [{ from: [{ podSelector: { matchLabels: { pod: from } } }] }],
    });
    const r = cluster(allow('from-b', 'b'), allow('from-c', 'c'));
    expect(r.isAllowed(at('x', 'b'), at('x', 'a'), tcp80)).toBe(true);
    expect(r.isAllowed(at('x', 'c'), at('x', 'a'), tcp80)).toBe(true);
    expect(r.isAllowed(at('y', 'b'), at('x', 'a'), tcp80)).toBe(false);
  });

  test('pod-to-pod needs the egress of the source and the ingress of the destination', () => {
    const egressOnly = policy('x', 'a-to-b', {
      podSelector: { matchLabels: { pod: 'a' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: { pod: 'b' } } }] }],
    });
    const denyB = policy('x', 'deny-b', { podSelector: { matchLabels: { pod: 'b' } }, policyTypes: ['Ingress'] });
    expect(cluster(egressOnly).isAllowed(at('x', 'a'), at('x', 'b'), tcp80)).toBe(true);
    expect(cluster(egressOnly, denyB).isAllowed(at('x', 'a'), at('x', 'b'), tcp80)).toBe(false);
    expect(cluster(denyB).isAllowed(at('x', 'c'), at('x', 'b'), tcp80)).toBe(false);
  });

  test('a policy selects pods of its own namespace only', () => {
    const r = cluster(policy('x', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] }));
    expect(r.isAllowed(at('x', 'b'), at('x', 'a'), tcp80)).toBe(false);
    expect(r.isAllowed(at('x', 'b'), at('y', 'a'), tcp80)).toBe(true);
  });
});

describe('peers', () => {
  const toA = (from: any[]) => policy('x', 'to-a', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from }] });

  test('podSelector alone selects pods of the policy namespace; {} selects all of them', () => {
    const r = cluster(toA([{ podSelector: {} }]));
    expect(r.isAllowed(at('x', 'c'), at('x', 'a'), tcp80)).toBe(true);
    expect(r.isAllowed(at('y', 'c'), at('x', 'a'), tcp80)).toBe(false);
  });

  test('namespaceSelector alone selects every pod of the matched namespaces; {} matches all namespaces', () => {
    const onlyY = cluster(toA([{ namespaceSelector: { matchLabels: { ns: 'y' } } }]));
    expect(onlyY.isAllowed(at('y', 'c'), at('x', 'a'), tcp80)).toBe(true);
    expect(onlyY.isAllowed(at('x', 'c'), at('x', 'a'), tcp80)).toBe(false);
    const all = cluster(toA([{ namespaceSelector: {} }]));
    expect(all.isAllowed(at('y', 'c'), at('x', 'a'), tcp80)).toBe(true);
    expect(all.isAllowed(at('x', 'b'), at('x', 'a'), tcp80)).toBe(true);
    expect(all.isAllowed(ip('198.51.100.1'), at('x', 'a'), tcp80)).toBe(false);
  });

  test('namespaceSelector and podSelector in one peer are AND; in two peers they are OR', () => {
    const and = cluster(toA([{ namespaceSelector: { matchLabels: { ns: 'y' } }, podSelector: { matchLabels: { pod: 'b' } } }]));
    expect(and.isAllowed(at('y', 'b'), at('x', 'a'), tcp80)).toBe(true);
    expect(and.isAllowed(at('y', 'c'), at('x', 'a'), tcp80)).toBe(false);
    expect(and.isAllowed(at('x', 'b'), at('x', 'a'), tcp80)).toBe(false);
    const or = cluster(toA([{ namespaceSelector: { matchLabels: { ns: 'y' } } }, { podSelector: { matchLabels: { pod: 'b' } } }]));
    expect(or.isAllowed(at('y', 'c'), at('x', 'a'), tcp80)).toBe(true);
    expect(or.isAllowed(at('x', 'b'), at('x', 'a'), tcp80)).toBe(true);
    expect(or.isAllowed(at('x', 'c'), at('x', 'a'), tcp80)).toBe(false);
  });

  test('namespaces are selected by the automatic kubernetes.io/metadata.name label, with or without a Namespace object', () => {
    const r = Reachability.fromManifests([
      pod('shop', 'web', { labels: { app: 'web' } }),
      pod('data', 'db', { labels: { app: 'db' } }),
      pod('other', 'x', { labels: { app: 'web' } }),
      policy('data', 'db', {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { app: 'web' } } }] }],
      }),
    ]);
    expect(r.namespaces).toEqual(['data', 'other', 'shop']);
    expect(r.isAllowed(at('shop', 'web'), at('data', 'db'), tcp80)).toBe(true);
    expect(r.isAllowed(at('other', 'x'), at('data', 'db'), tcp80)).toBe(false);
  });

  test('objects without a namespace are in "default", and endpoints default to it', () => {
    const r = Reachability.fromManifests([pod(undefined, 'solo'), pod('x', 'a'),
      policy('default', 'deny', { podSelector: {}, policyTypes: ['Ingress'] })]);
    expect(r.pods).toEqual(['default/solo', 'x/a']);
    expect(r.isAllowed(at('x', 'a'), { pod: 'solo' }, tcp80)).toBe(false);
  });
});

describe('matchExpressions', () => {
  const objects = [
    pod('x', 'target', { labels: { role: 'target' } }),
    pod('x', 'blue', { labels: { color: 'blue' } }),
    pod('x', 'red', { labels: { color: 'red' } }),
    pod('x', 'plain', { labels: {} }),
  ];
  const allowed = (expression: any) => {
    const r = Reachability.fromManifests([...objects, policy('x', 'p', {
      podSelector: { matchLabels: { role: 'target' } },
      ingress: [{ from: [{ podSelector: { matchExpressions: [expression] } }] }],
    })]);
    return ['blue', 'red', 'plain'].filter(name => r.isAllowed(at('x', name), at('x', 'target'), tcp80));
  };

  test('In matches the listed values only', () => {
    expect(allowed({ key: 'color', operator: 'In', values: ['blue', 'green'] })).toEqual(['blue']);
  });
  test('NotIn matches other values and pods without the key', () => {
    expect(allowed({ key: 'color', operator: 'NotIn', values: ['blue'] })).toEqual(['red', 'plain']);
  });
  test('Exists matches any value of the key', () => {
    expect(allowed({ key: 'color', operator: 'Exists' })).toEqual(['blue', 'red']);
  });
  test('DoesNotExist matches pods without the key', () => {
    expect(allowed({ key: 'color', operator: 'DoesNotExist' })).toEqual(['plain']);
  });
  test('matchLabels and matchExpressions must all hold', () => {
    const r = Reachability.fromManifests([...objects, pod('x', 'blue-big', { labels: { color: 'blue', size: 'big' } }), policy('x', 'p', {
      podSelector: { matchLabels: { role: 'target' } },
      ingress: [{ from: [{ podSelector: { matchLabels: { color: 'blue' }, matchExpressions: [{ key: 'size', operator: 'Exists' }] } }] }],
    })]);
    expect(r.isAllowed(at('x', 'blue-big'), at('x', 'target'), tcp80)).toBe(true);
    expect(r.isAllowed(at('x', 'blue'), at('x', 'target'), tcp80)).toBe(false);
  });
});

describe('ipBlock', () => {
  const withIps = (...policies: any[]) => Reachability.fromManifests([
    pod('x', 'client', { labels: { app: 'client' }, ip: '10.1.0.5' }),
    pod('x', 'server', { labels: { app: 'server' }, ips: ['10.1.0.6', 'fd00::6'] }),
    pod('x', 'no-ip', { labels: { app: 'no-ip' } }),
    ...policies,
  ]);

  test('IPv4 cidr with except: outside addresses inside the block are allowed, excepted ones are not', () => {
    const r = withIps(policy('x', 'egress', {
      podSelector: { matchLabels: { app: 'client' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] } }] }],
    }));
    expect(r.isAllowed(at('x', 'client'), ip('203.0.113.10'), Port.tcp(443))).toBe(true);
    expect(r.isAllowed(at('x', 'client'), ip('203.0.113.200'), Port.tcp(443))).toBe(false);
    expect(r.isAllowed(at('x', 'client'), ip('198.51.100.1'), Port.tcp(443))).toBe(false);
    expect(r.isAllowed(at('x', 'client'), ip('2001:db8::1'), Port.tcp(443))).toBe(false);
  });

  test('IPv6 cidr with except', () => {
    const r = withIps(policy('x', 'ingress', {
      podSelector: { matchLabels: { app: 'server' } },
      ingress: [{ from: [{ ipBlock: { cidr: '2001:db8::/32', except: ['2001:db8:ff::/48'] } }] }],
    }));
    expect(r.isAllowed(ip('2001:db8:1::7'), at('x', 'server'), tcp80)).toBe(true);
    expect(r.isAllowed(ip('2001:db8:ff::7'), at('x', 'server'), tcp80)).toBe(false);
    expect(r.isAllowed(ip('192.0.2.1'), at('x', 'server'), tcp80)).toBe(false);
  });

  test('an ipBlock matches a pod through its known IP, else through the pod network it is somewhere in', () => {
    const manifests = (cidr: string) => [
      pod('x', 'client', { labels: { app: 'client' }, ip: '10.1.0.5' }),
      pod('x', 'server', { labels: { app: 'server' }, ips: ['10.1.0.6', 'fd00::6'] }),
      pod('x', 'no-ip', { labels: { app: 'no-ip' } }),
      policy('x', 'egress', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr } }] }] }),
    ];
    // The default pod network (every private IPv4 range installers use) lies inside 0.0.0.0/0: the pod
    // without an IP is matched, for certain.
    const whole = Reachability.fromManifests(manifests('0.0.0.0/0'));
    expect(whole.podNetwork).toEqual(['10.0.0.0/8', '100.64.0.0/10', '172.16.0.0/12', '192.168.0.0/16']);
    expect(whole.verdict(at('x', 'client'), at('x', 'no-ip'), tcp80)).toEqual({ allowed: true, certain: true, caveats: [] });
    expect(whole.matrix(tcp80).isAllowed('x/client', 'x/no-ip')).toBe(true);
    // 10.0.0.0/8 is only one of the ranges a cluster may use: by default that is uncertain, never a guess;
    // declared as the pod network, it is certain.
    const tenOnly = Reachability.fromManifests(manifests('10.0.0.0/8'));
    expect(tenOnly.verdict(at('x', 'client'), at('x', 'no-ip'), tcp80)).toMatchObject({ allowed: false, certain: false });
    const declared = Reachability.fromManifests(manifests('10.0.0.0/8'), { podNetwork: ['10.244.0.0/16'] });
    expect(declared.verdict(at('x', 'client'), at('x', 'no-ip'), tcp80)).toEqual({ allowed: true, certain: true, caveats: [] });
    // A rule that excludes one private range cannot say "denied" for certain about a pod whose range is unknown.
    const calico = Reachability.fromManifests([...manifests('0.0.0.0/0').slice(0, 3),
      policy('x', 'egress', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }] }] })]);
    expect(calico.verdict(at('x', 'client'), at('x', 'no-ip'), tcp80)).toMatchObject({ allowed: false, certain: false });
    // A block of the known IPs only: the known pod is matched; the other may or may not be, which is said.
    const part = Reachability.fromManifests(manifests('10.1.0.0/24'));
    expect(part.verdict(at('x', 'client'), at('x', 'server'), tcp80)).toEqual({ allowed: true, certain: true, caveats: [] });
    const unknown = part.verdict(at('x', 'client'), at('x', 'no-ip'), tcp80);
    expect(unknown.allowed).toBe(false);
    expect(unknown.certain).toBe(false);
    expect(unknown.caveats).toEqual(['x/egress egress[0] might admit x/no-ip: ipBlock 10.1.0.0/24 covers only part of the pod network (10.0.0.0/8, 100.64.0.0/10, 172.16.0.0/12, 192.168.0.0/16) and the address of x/no-ip is not known']);
    expect(part.matrix(tcp80).isAllowed('x/client', 'x/no-ip')).toBe(false);
    // A declared pod network outside the block: certainly not matched.
    const elsewhere = Reachability.fromManifests(manifests('10.1.0.0/24'), { podNetwork: ['10.244.0.0/16'] });
    expect(elsewhere.verdict(at('x', 'client'), at('x', 'no-ip'), tcp80)).toEqual({ allowed: false, certain: true, caveats: [] });
  });

  test('a metadata service address is never a pod\'s: a rule on it leaves answers about pods certain', () => {
    // Alibaba's 100.100.100.200 lies inside 100.64.0.0/10, one of the default pod ranges.
    const objects = [
      pod('x', 'client', { labels: { app: 'client' } }),
      pod('x', 'no-ip', { labels: { app: 'no-ip' } }),
      policy('x', 'egress', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '100.100.100.200/32' } }] }] }),
    ];
    const r = Reachability.fromManifests(objects);
    expect(r.verdict(at('x', 'client'), at('x', 'no-ip'), tcp80)).toEqual({ allowed: false, certain: true, caveats: [] });
    // Any other single address of that range may be the pod's: uncertain.
    objects[2] = policy('x', 'egress', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '100.100.100.201/32' } }] }] });
    expect(Reachability.fromManifests(objects).verdict(at('x', 'client'), at('x', 'no-ip'), tcp80)).toMatchObject({ allowed: false, certain: false });
  });

  test('a bad pod network is refused, naming the entry', () => {
    expect(() => Reachability.fromManifests([], { podNetwork: ['10.0.0.0'] })).toThrow(/podNetwork entry is not in CIDR notation.*"10.0.0.0"/);
    expect(() => Reachability.fromManifests([], { podNetwork: [] })).toThrow(/podNetwork is not a non-empty list of CIDRs/);
  });

  test('an address inside the pod network that is no known pod may be a pod the model lacks: uncertain', () => {
    const r = withIps(policy('x', 'server', { podSelector: { matchLabels: { app: 'server' } }, ingress: [] }));
    const v = r.verdict(ip('10.9.9.9'), at('x', 'server'), tcp80);
    expect(v.allowed).toBe(false);
    expect(v.certain).toBe(false);
    expect(r.verdict(ip('192.0.2.1'), at('x', 'server'), tcp80)).toEqual({ allowed: false, certain: true, caveats: [] });
  });

  test('an address equal to a pod IP is that pod, so the pod-selecting rules apply to it', () => {
    const r = withIps(policy('x', 'server', {
      podSelector: { matchLabels: { app: 'server' } },
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }] }],
    }));
    expect(r.isAllowed(ip('10.1.0.5'), at('x', 'server'), tcp80)).toBe(true);
    expect(r.isAllowed(ip('10.1.0.9'), at('x', 'server'), tcp80)).toBe(false);
    expect(r.explain(ip('10.1.0.5'), ip('fd00::6'), tcp80).text).toContain('x/client -> x/server');
  });
});

describe('rules without peers or ports', () => {
  test('a rule without from admits every source, outside addresses included', () => {
    const r = cluster(policy('x', 'p', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ ports: [{ port: 80 }] }] }));
    expect(r.isAllowed(at('y', 'c'), at('x', 'a'), tcp80)).toBe(true);
    expect(r.isAllowed(ip('198.51.100.7'), at('x', 'a'), tcp80)).toBe(true);
    expect(r.isAllowed(ip('198.51.100.7'), at('x', 'a'), Port.tcp(81))).toBe(false);
  });

  test('a rule with peers admits no outside address unless an ipBlock covers it', () => {
    const r = cluster(policy('x', 'p', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: {} }] }] }));
    expect(r.isAllowed(ip('198.51.100.7'), at('x', 'a'), tcp80)).toBe(false);
  });

  test('a rule without ports admits every port of every protocol', () => {
    const r = cluster(policy('x', 'p', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ podSelector: {} }] }] }));
    expect(r.isAllowed(at('x', 'b'), at('x', 'a'), Port.udp(5353))).toBe(true);
    expect(r.isAllowed(at('x', 'b'), at('x', 'a'), Port.sctp(1))).toBe(true);
    expect(r.isAllowed(at('x', 'b'), at('x', 'a'), Port.tcp(65535))).toBe(true);
  });

  test('an empty from list and an empty ports list mean "all", like absent ones', () => {
    const r = cluster(policy('x', 'p', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [], ports: [] }] }));
    expect(r.isAllowed(ip('198.51.100.7'), at('x', 'a'), Port.udp(7))).toBe(true);
  });
});

describe('ports', () => {
  const target = (ports: any[]) => Reachability.fromManifests([
    pod('x', 'client'),
    pod('x', 'server', { labels: { app: 'server' }, ports: [['http', 8080], ['dns', 53, 'UDP'], ['metrics', 9090]] }),
    pod('x', 'other', { labels: { app: 'server' }, ports: [['http', 8081]] }),
    pod('x', 'bare', { labels: { app: 'server' } }),
    policy('x', 'p', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ ports }] }),
  ]);

  test('a port without protocol is TCP', () => {
    const r = target([{ port: 80 }]);
    expect(r.isAllowed(at('x', 'client'), at('x', 'server'), Port.tcp(80))).toBe(true);
    expect(r.isAllowed(at('x', 'client'), at('x', 'server'), Port.udp(80))).toBe(false);
  });

  test('SCTP is its own protocol', () => {
    const r = target([{ port: 80, protocol: 'SCTP' }]);
    expect(r.isAllowed(at('x', 'client'), at('x', 'server'), Port.sctp(80))).toBe(true);
    expect(r.isAllowed(at('x', 'client'), at('x', 'server'), Port.tcp(80))).toBe(false);
  });

  test('a protocol without port admits every port of that protocol only', () => {
    const r = target([{ protocol: 'UDP' }]);
    expect(r.isAllowed(at('x', 'client'), at('x', 'server'), Port.udp(1))).toBe(true);
    expect(r.isAllowed(at('x', 'client'), at('x', 'server'), Port.tcp(1))).toBe(false);
  });

  test('endPort makes an inclusive range', () => {
    const r = target([{ port: 8000, endPort: 8100 }]);
    const verdicts = [7999, 8000, 8050, 8100, 8101].map(p => r.isAllowed(at('x', 'client'), at('x', 'server'), Port.tcp(p)));
    expect(verdicts).toEqual([false, true, true, true, false]);
  });

  test('a named ingress port resolves per destination pod, by name and protocol', () => {
    const r = target([{ port: 'http' }]);
    expect(r.isAllowed(at('x', 'client'), at('x', 'server'), Port.tcp(8080))).toBe(true);
    expect(r.isAllowed(at('x', 'client'), at('x', 'server'), Port.tcp(8081))).toBe(false);
    expect(r.isAllowed(at('x', 'client'), at('x', 'other'), Port.tcp(8081))).toBe(true);
    expect(r.isAllowed(at('x', 'client'), at('x', 'bare'), Port.tcp(8080))).toBe(false);
    expect(target([{ port: 'dns', protocol: 'TCP' }]).isAllowed(at('x', 'client'), at('x', 'server'), Port.tcp(53))).toBe(false);
    expect(target([{ port: 'dns', protocol: 'UDP' }]).isAllowed(at('x', 'client'), at('x', 'server'), Port.udp(53))).toBe(true);
  });

  test('a named query port resolves against the destination; a name it does not declare is no connection', () => {
    const r = target([{ port: 'http' }]);
    expect(r.isAllowed(at('x', 'client'), at('x', 'server'), Port.named('http'))).toBe(true);
    expect(r.isAllowed(at('x', 'client'), at('x', 'server'), Port.named('metrics'))).toBe(false);
    expect(r.isAllowed(at('x', 'client'), at('x', 'bare'), Port.named('http'))).toBe(false);
    expect(r.isAllowed(at('x', 'bare'), at('x', 'bare'), Port.named('http'))).toBe(false);
    expect(r.isAllowed(at('x', 'server'), at('x', 'client'), Port.named('http'))).toBe(false);
  });

  test('a named egress port resolves against the destination pod and never matches an outside address', () => {
    const r = Reachability.fromManifests([
      pod('x', 'client', { labels: { app: 'client' }, ports: [['web', 9999]] }),
      pod('x', 'server', { ports: [['web', 8080]] }),
      policy('x', 'p', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'web' }] }] }),
    ]);
    expect(r.isAllowed(at('x', 'client'), at('x', 'server'), Port.tcp(8080))).toBe(true);
    expect(r.isAllowed(at('x', 'client'), at('x', 'server'), Port.tcp(9999))).toBe(false);
    expect(r.isAllowed(at('x', 'client'), ip('198.51.100.1'), Port.tcp(8080))).toBe(false);
    expect(r.isAllowed(at('x', 'client'), ip('198.51.100.1'), Port.tcp(9999))).toBe(false);
  });

  test('a query must be one port', () => {
    const r = target([]);
    expect(() => r.isAllowed(at('x', 'client'), at('x', 'server'), Port.allTcp())).toThrow(/needs one destination port.*Port\.tcp\(443\)/);
    expect(() => r.matrix(Port.tcpRange(1, 5))).toThrow(/needs one destination port \("TCP 1-5"\)/);
  });
});

describe('self traffic', () => {
  test('a pod can always reach itself, even when isolated in both directions', () => {
    const r = cluster(policy('x', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }));
    expect(r.isAllowed(at('x', 'a'), at('x', 'a'), tcp80)).toBe(true);
    expect(r.isAllowed(at('x', 'a'), at('x', 'b'), tcp80)).toBe(false);
    expect(r.matrix(tcp80).isAllowed('x/a', 'x/a')).toBe(true);
  });
});

describe('endpoints', () => {
  test('outside to pod and pod to outside judge only the in-cluster side', () => {
    const r = cluster(policy('x', 'p', { podSelector: {}, policyTypes: ['Ingress'] }));
    expect(r.isAllowed(ip('198.51.100.1'), at('x', 'a'), tcp80)).toBe(false);
    expect(r.isAllowed(ip('198.51.100.1'), at('y', 'a'), tcp80)).toBe(true);
    expect(r.isAllowed(at('x', 'a'), ip('198.51.100.1'), tcp80)).toBe(true);
  });

  test('two outside addresses are not modelled', () => {
    expect(() => cluster().isAllowed(ip('198.51.100.1'), ip('198.51.100.2'), tcp80))
      .toThrow(/both ends of the connection are outside the cluster/);
  });

  test('an unknown pod is an error listing the pods of its namespace', () => {
    expect(() => cluster().isAllowed(at('x', 'nope'), at('x', 'a'), tcp80))
      .toThrow('Reachability (from): names a pod that is not modelled ("x/nope"). Pods modelled in namespace "x": a, b, c.');
    expect(() => cluster().isAllowed(at('x', 'a'), at('q', 'a'), tcp80))
      .toThrow('No pods are modelled in namespace "q"; namespaces with pods: x, y.');
  });

  test('an endpoint must name a pod or an address, not both, and the address must parse', () => {
    const r = cluster();
    expect(() => r.isAllowed({ namespace: 'x', pod: 'a', ip: '10.0.0.1' }, at('x', 'b'), tcp80)).toThrow(/names more than one of pod, ip and ingressController/);
    expect(() => r.isAllowed({ namespace: 'x' }, at('x', 'b'), tcp80)).toThrow(/names neither a pod nor an ip/);
    expect(() => r.isAllowed(ip('10.0.0.300'), at('x', 'b'), tcp80)).toThrow(/ip is not an IP address \("10.0.0.300"\)/);
  });
});
