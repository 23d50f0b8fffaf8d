import { Chart, Testing } from 'cdk8s';
import {
  ClusterDns, ClusterIsolation, Destination, IsolatedTier, MetadataEndpointAccess, NamespaceExemption, NamespaceIsolation, Peer, Port, Reachability,
  Protocol, RestrictedEgress, ServiceType,
} from '../../src';
import { isIsolatedGroup } from '../../src/model/isolated-group';

/*
 * Red-team attacks on tiers and egress from plain JavaScript: each synthesized app must allow exactly the
 * declared flows (proved with the analyzer), and what would widen them is refused at the call with the
 * construct path, leaving the tree as it was.
 */

const at = (namespace: string, pod: string) => ({ namespace, pod });

function app() {
  const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
  const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
  const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
  // A pod elsewhere, so the analyzer models a namespace no flow names.
  new IsolatedTier(chart, 'evil', { podLabels: { app: 'evil' }, namespace: 'evil', ports: [Port.tcp(1)] });
  return { chart, web, api };
}

/** The declared web -> api flow is allowed, and nothing from elsewhere reaches api or leaves web for it. */
function expectOnlyWebToApi(chart: Chart): void {
  const r = Reachability.fromChart(chart);
  expect(r.isAllowed(at('shop', 'web'), at('shop', 'api'), Port.tcp(9090))).toBe(true);
  expect(r.isAllowed(at('evil', 'evil'), at('shop', 'api'), Port.tcp(9090))).toBe(false);
  expect(r.isAllowed(at('shop', 'web'), at('evil', 'evil'), Port.tcp(9090))).toBe(false);
}

describe('an object that only inherits from a tier is not a tier', () => {
  /** A tier look-alike: the real tier's prototype chain, with its own answer to toPeerConfig. */
  function forged(tier: IsolatedTier): any {
    // defineProperty, not assignment: the tier's own members are read-only, which assignment respects.
    return Object.create(tier, {
      toPeerConfig: { value: () => ({ allNamespaces: true }) },
      isolatesEgress: { value: true },
    });
  }

  test('allowTo called on it is refused, and nothing is recorded', () => {
    const { chart, web, api } = app();
    const fake = forged(web);
    expect(() => fake.allowTo(api, Port.tcp(9090))).toThrow(/shop\/web: allowTo was called on an object that is not an IsolatedTier or NamespaceIsolation the library built/);
    expect(() => IsolatedTier.prototype.allowFrom.call(forged(api), web, Port.tcp(9090))).toThrow(/allowFrom was called on an object that is not/);
    api.allowFrom(web, Port.tcp(9090));
    const ingress = Testing.synth(chart).find((o: any) => o.kind === 'NetworkPolicy' && o.metadata.name === 'api').spec.ingress;
    expect(ingress).toEqual([{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 9090, protocol: 'TCP' }] }]);
    expectOnlyWebToApi(chart);
  });

  test('it passes no instanceof test and no isIsolatedTier test', () => {
    const { web } = app();
    const fake = forged(web);
    expect(fake instanceof IsolatedTier).toBe(false);
    expect(IsolatedTier.isIsolatedTier(fake)).toBe(false);
    expect(web instanceof IsolatedTier).toBe(true);
    expect(IsolatedTier.isIsolatedTier(web)).toBe(true);
    expect(web instanceof NamespaceIsolation).toBe(false);
  });

  test('as a RestrictedEgress target it is refused before the construct joins the tree', () => {
    const { chart, web, api } = app();
    expect(() => new RestrictedEgress(chart, 'egress', { tier: forged(web), allow: [Destination.tier(api, Port.tcp(9090))] }))
      .toThrow(/shop\/egress: the target is not an IsolatedTier or NamespaceIsolation/);
    expect(chart.node.tryFindChild('egress')).toBeUndefined();
    new RestrictedEgress(chart, 'egress', { tier: web, allow: [Destination.tier(api, Port.tcp(9090))] });
    expectOnlyWebToApi(chart);
  });

  test('as Destination.tier it is refused', () => {
    const { api } = app();
    expect(() => Destination.tier(forged(api), Port.tcp(9090))).toThrow(/Destination.tier: is not an IsolatedTier/);
  });
});

describe('a tier cannot be changed after it is built', () => {
  test('its namespace, labels, ports and isolation stay as built; the synthesized rules do not move', () => {
    const { chart, web, api } = app();
    api.allowFrom(web, Port.tcp(9090));
    const js = web as any;
    // Plain JavaScript ignores a write to a read-only property outside strict mode; in strict mode (as here) it throws.
    expect(() => { js.namespace = 'evil'; }).toThrow(TypeError);
    expect(() => { (api as any).isolatesIngress = false; }).toThrow(TypeError);
    expect(() => { (api.ports as any).push(Port.allTraffic()); }).toThrow(TypeError);
    expect(() => { (web.podLabels as any).app = 'evil'; }).toThrow(TypeError);
    expect([web.namespace, api.isolatesIngress, api.ports.length, web.podLabels.app]).toEqual(['shop', true, 1, 'web']);
    expectOnlyWebToApi(chart);
  });

  test('its own answer to toPeerConfig and _podScope cannot be replaced after a flow names it', () => {
    const { chart, web, api } = app();
    api.allowFrom(web, Port.tcp(9090));
    const js = web as any;
    expect(() => { js.toPeerConfig = () => ({ allNamespaces: true }); }).toThrow(TypeError);
    expect(() => { js._podScope = () => ({ namespace: 'evil', podLabels: {} }); }).toThrow(TypeError);
    expect(() => Object.defineProperty(web, 'toPeerConfig', { value: () => ({ allNamespaces: true }) })).toThrow(TypeError);
    expect(() => Object.defineProperty(api, 'declaredPorts', { get: () => [Port.allTraffic()] })).toThrow(TypeError);
    const ingress = Testing.synth(chart).find((o: any) => o.kind === 'NetworkPolicy' && o.metadata.name === 'api').spec.ingress;
    expect(ingress).toEqual([{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 9090, protocol: 'TCP' }] }]);
    expectOnlyWebToApi(chart);
  });

  test('a namespace isolation keeps its namespace and labels', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const isolation = new NamespaceIsolation(chart, 'baseline', { createNamespace: true, namespaceLabels: { team: 'shop' } });
    expect(() => { (isolation as any).namespace = 'evil'; }).toThrow(TypeError);
    expect(() => { (isolation.namespaceLabels as any).team = 'evil'; }).toThrow(TypeError);
    expect(() => { (isolation as any).toPeerConfig = () => ({ allNamespaces: true }); }).toThrow(TypeError);
    expect(isolation.toPeerConfig()).toEqual({ namespace: 'shop' });
  });
});

test('a tier\'s DNS cannot be swapped by assignment for an object that opens more', () => {
  const { chart, web, api } = app();
  api.allowFrom(web, Port.tcp(9090));
  const wide = { _destinations: [{ peer: { toPeerConfig: () => ({ allNamespaces: true }) }, ports: [] }], _metadataUpstreams: [] };
  expect(() => { (web as any).dns = wide; }).toThrow(TypeError);
  expectOnlyWebToApi(chart);
});

/** Props whose `field` answers `first` on the first `reads` reads and `then` afterwards. */
function changing<T extends object>(props: T, field: string, reads: number, first: unknown, then: unknown): T {
  let n = 0;
  return Object.defineProperty({ ...props }, field, { enumerable: true, get: () => (n++ < reads ? first : then) }) as T;
}

/** A list whose items answer as checked on the first read of each index and `then` afterwards. */
function shiftingList<T>(items: T[], then: unknown): T[] {
  const seen = new Set<PropertyKey>();
  return new Proxy(items, {
    get: (target, key) => {
      if (typeof key === 'string' && /^[0-9]+$/.test(key)) {
        if (seen.has(key)) return then;
        seen.add(key);
      }
      return (target as any)[key];
    },
  });
}

describe('props are read once: what is built is what was checked', () => {
  test('RestrictedEgress: an allow list that answers [] to the check and 0.0.0.0/0 on all ports to the build is refused or built as checked', () => {
    for (const reads of [1, 2, 3, 4]) {
      const { chart, web, api } = app();
      const props = changing({ tier: web }, 'allow', reads, [Destination.tier(api, Port.tcp(9090))], [Destination.cidr('0.0.0.0/0', Port.allTraffic())]);
      new RestrictedEgress(chart, 'egress', props as any);
      const egress = Testing.synth(chart).find((o: any) => o.kind === 'NetworkPolicy' && o.metadata.name === 'web').spec.egress;
      expect(JSON.stringify(egress)).not.toContain('0.0.0.0/0');
      expectOnlyWebToApi(chart);
    }
  });

  test('RestrictedEgress: a list whose items change after they are checked builds the checked items', () => {
    const { chart, web, api } = app();
    const allow = shiftingList([Destination.tier(api, Port.tcp(9090))], Destination.cidr('0.0.0.0/0', Port.allTraffic()));
    new RestrictedEgress(chart, 'egress', { tier: web, allow });
    expect(JSON.stringify(Testing.synth(chart))).not.toContain('0.0.0.0/0');
    expectOnlyWebToApi(chart);
  });

  test('IsolatedTier: ports that read as TCP 5432 to the check and a forged port later never open every port', () => {
    for (const reads of [1, 2, 3, 4, 5]) {
      const { chart, web } = app();
      const props = changing({ podLabels: { app: 'db' } }, 'ports', reads, [Port.tcp(5432)], [{ protocol: 'TCP' }]);
      let db: IsolatedTier;
      try {
        db = new IsolatedTier(chart, 'db', props as any);
      } catch (e) {
        expect(String(e)).toMatch(/shop\/db: ports must be Port values/);
        expect(chart.node.tryFindChild('db')).toBeUndefined();
        continue;
      }
      expect(db.ports.map(String)).toEqual(['TCP 5432']);
      web.allowTo(db);
      const ingress = Testing.synth(chart).find((o: any) => o.kind === 'NetworkPolicy' && o.metadata.name === 'db').spec.ingress;
      expect(ingress).toEqual([{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 5432, protocol: 'TCP' }] }]);
      const r = Reachability.fromChart(chart);
      expect(r.isAllowed(at('shop', 'web'), at('shop', 'db'), Port.tcp(5432))).toBe(true);
      expect(r.isAllowed(at('shop', 'web'), at('shop', 'db'), Port.tcp(22))).toBe(false);
    }
  });

  test('IsolatedTier: a ports list whose items change after they are checked', () => {
    const { chart, web } = app();
    const db = new IsolatedTier(chart, 'db', { podLabels: { app: 'db' }, ports: shiftingList([Port.tcp(5432)], Port.allTraffic()) });
    expect(db.ports.map(String)).toEqual(['TCP 5432']);
    web.allowTo(db);
    const r = Reachability.fromChart(chart);
    expect(r.isAllowed(at('shop', 'web'), at('shop', 'db'), Port.tcp(5432))).toBe(true);
    expect(r.isAllowed(at('shop', 'web'), at('shop', 'db'), Port.tcp(22))).toBe(false);
  });

  test('ClusterIsolation: a metadata access list whose items change after they are checked keeps the checked ones', () => {
    const chart = new Chart(Testing.app(), 'cluster');
    const guardrail = new ClusterIsolation(chart, 'guardrails', {
      metadataEndpointAccess: shiftingList([MetadataEndpointAccess.pods('kube-system', { app: 'aws-node' })], 'every namespace'),
    });
    expect(guardrail.metadataEndpointAccess.map(String)).toEqual([String(MetadataEndpointAccess.pods('kube-system', { app: 'aws-node' }))]);
  });
});

describe('checked values cannot be changed between the check and the build', () => {
  test('a Destination keeps its peer, ports and kind: swapping the peer for one that reads as pods to the check and as 0.0.0.0/0 later fails', () => {
    const { chart, web, api } = app();
    const destination = Destination.tier(api, Port.tcp(9090)) as any;
    let reads = 0;
    const shifty = { toPeerConfig: () => (reads++ < 1 ? { podSelector: { matchLabels: { app: 'api' } } } : { ipBlock: { cidr: '0.0.0.0/0' } }) };
    expect(() => { destination._networkPeer = shifty; }).toThrow(TypeError);
    expect(() => { destination._kind = 'PEER'; }).toThrow(TypeError);
    expect(() => { destination.ports.push(Port.allTraffic()); }).toThrow(TypeError);
    new RestrictedEgress(chart, 'egress', { tier: web, allow: [destination] });
    expect(JSON.stringify(Testing.synth(chart))).not.toContain('0.0.0.0/0');
    expectOnlyWebToApi(chart);
  });

  test('Destination.tier of a look-alike carrying the tier mark opens what it selected when given, never what it answers later', () => {
    const { chart, web } = app();
    let reads = 0;
    const lookAlike = {
      [Symbol.for('cdk8s-netsec.IsolatedTier')]: true,
      ports: [Port.tcp(9090)],
      toPeerConfig: () => (reads++ < 1 ? { podSelector: { matchLabels: { app: 'api' } } } : { ipBlock: { cidr: '0.0.0.0/0' } }),
    };
    new RestrictedEgress(chart, 'egress', { tier: web, allow: [Destination.tier(lookAlike as any)] });
    const egress = Testing.synth(chart).find((o: any) => o.kind === 'NetworkPolicy' && o.metadata.name === 'web').spec.egress;
    expect(JSON.stringify(egress)).not.toContain('0.0.0.0/0');
    expect(egress).toContainEqual({ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 9090, protocol: 'TCP' }] });
  });

  test('a metadata exception and a namespace exemption keep their namespace and labels after the guardrail checked them', () => {
    const access = MetadataEndpointAccess.pods('kube-system', { app: 'aws-node' }) as any;
    const exemption = NamespaceExemption.of('legacy', 'vendor operator') as any;
    const chart = new Chart(Testing.app(), 'cluster');
    new ClusterIsolation(chart, 'guardrails', { metadataEndpointAccess: [access], exemptions: [exemption] });
    expect(() => { access.namespaceName = 'shop'; }).toThrow(TypeError);
    expect(() => { delete access.podLabels.app; }).toThrow(TypeError);
    expect(() => { exemption.namespaceName = 'shop'; }).toThrow(TypeError);
    expect([access.namespaceName, access.podLabels, exemption.namespaceName]).toEqual(['kube-system', { app: 'aws-node' }, 'legacy']);
  });

  test('a ClusterDns keeps its servers: pushing every pod as a DNS server fails, and the DNS rule stays on port 53 of kube-dns', () => {
    const { chart, web, api } = app();
    const dns = ClusterDns.kubeDns() as any;
    const tier = new IsolatedTier(chart, 'worker', { podLabels: { app: 'worker' }, dns });
    expect(() => dns._destinations.push({ peer: Peer.allPods(), ports: [] })).toThrow(TypeError);
    expect(() => { dns._destinations[0].ports = []; }).toThrow(TypeError);
    const r = Reachability.fromChart(chart);
    expect(r.isAllowed(at('shop', 'worker'), at('shop', 'api'), Port.tcp(9090))).toBe(false);
    expect(r.isAllowed(at('shop', 'worker'), at('shop', 'web'), Port.tcp(8080))).toBe(false);
    void tier; void web; void api;
  });
});

describe('the tier is its NetworkPolicy object: what cdk8s writes it from cannot be replaced to drop or move the policy', () => {
  // cdk8s defines these as the ApiObject's own writable properties; the tier refuses to be written once one changed.
  test.each([
    ['metadata.namespace', (js: any) => { js.metadata.namespace = 'evil'; }],
    ['metadata.name', (js: any) => { js.metadata.name = 'other'; }],
    ['props', (js: any) => { js.props = {}; }],
    ['props', (js: any) => { js.props = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', spec: { podSelector: {}, ingress: [{}] } }; }],
    ['metadata', (js: any) => { js.metadata = { toJson: () => ({ name: 'api', namespace: 'evil' }) }; }],
    ['kind', (js: any) => { js.kind = 'ConfigMap'; }],
    ['apiVersion', (js: any) => { js.apiVersion = 'v1'; }],
    ['name', (js: any) => { js.name = 'other'; }],
  ])('a changed %s is refused at synth with the path and the fix', (field, change) => {
    const { chart, web, api } = app();
    api.allowFrom(web, Port.tcp(9090));
    change(api);
    expect(() => Testing.synth(chart)).toThrow(new RegExp(`shop/api: the NetworkPolicy's ${field.replace('.', '\\.')} was changed after the group was built.*addJsonPatch`));
  });

  test('labels and annotations stay the user\'s to add, as on any cdk8s object, and the policy is written as declared', () => {
    const { chart, web, api } = app();
    api.allowFrom(web, Port.tcp(9090));
    api.metadata.addLabel('team', 'shop');
    const policy = Testing.synth(chart).find((o: any) => o.kind === 'NetworkPolicy' && o.metadata.name === 'api');
    expect(policy.metadata).toEqual({ name: 'api', namespace: 'shop', labels: { team: 'shop' } });
    expect(policy.spec.podSelector).toEqual({ matchLabels: { app: 'api' } });
    expectOnlyWebToApi(chart);
  });
});

test('an object with the members of a group but not built as one is not taken for an isolated group', () => {
  // isIsolatedGroup decides whether a peer's own namespace or its scope's is used; a look-alike is a raw peer.
  const { web } = app();
  const lookAlike = { toPeerConfig: () => ({ allNamespaces: true }), _podScope: () => ({ namespace: 'shop', podLabels: { app: 'web' } }), namespace: 'shop' };
  expect(isIsolatedGroup(lookAlike)).toBe(false);
  expect(isIsolatedGroup(Object.create(web))).toBe(false);
  expect(isIsolatedGroup(web)).toBe(true);
});

describe('TierService: wrong shapes from plain JavaScript get the library\'s error, not a TypeError', () => {
  const cases: [string, (tier: IsolatedTier) => unknown, RegExp][] = [
    ['options null', (t) => t.expose(null as any), /^shop\/web: the options of expose\(\) must be an object \(null\)/],
    ['options a string', (t) => t.expose('x' as any), /^shop\/web: the options of expose\(\) must be an object \("x"\)/],
    ['source ranges a string', (t) => t.expose({ serviceType: ServiceType.LOAD_BALANCER, loadBalancerSourceRanges: '10.0.0.0/8' as any }),
      /^shop\/web\/Service-web-loadbalancer: loadBalancerSourceRanges must be a list of CIDRs \("10.0.0.0\/8"\)/],
    ['ports a string', (t) => t.expose({ ports: 'x' as any }), /^shop\/web\/Service-web: ports must be a list of Service ports \("x"\)/],
    ['ports [null]', (t) => t.expose({ ports: [null] as any }), /^shop\/web\/Service-web: ports holds something that is not a Service port \(null\)/],
  ];
  test.each(cases)('%s', (_name, make, message) => {
    const { web } = app();
    let error: unknown;
    try { make(web); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(message);
    expect(web.node.children.filter((c) => c.node.id.startsWith('Service-'))).toEqual([]);
  });
});

test('overlapping and duplicate flows (ranges, whole protocols, single ports, all traffic, both directions) allow exactly their union', () => {
  let seed = 12345;
  const next = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  const namespaces = ['shop', 'data'];
  for (let round = 0; round < 30; round++) {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const tiers = [0, 1, 2].map((i) => new IsolatedTier(chart, `t${i}`, { podLabels: { app: `t${i}` }, namespace: namespaces[i % 2] }));
    const declared: { from: number; to: number; opens: (port: number, protocol: string) => boolean }[] = [];
    for (let k = 0; k < 6; k++) {
      const from = next(3);
      const to = next(3);
      const kind = next(4);
      const first = 1000 + next(20);
      const last = first + next(10);
      const protocol = ['TCP', 'UDP'][next(2)];
      const [port, opens]: [Port, (p: number, pr: string) => boolean] = kind === 0 ? [Port.allTraffic(), () => true]
        : kind === 1 ? [Port.portRange(protocol as Protocol, first, last), (p, pr) => pr === protocol && p >= first && p <= last]
          : kind === 2 ? [protocol === 'TCP' ? Port.allTcp() : Port.allUdp(), (_p, pr) => pr === protocol]
            : [protocol === 'TCP' ? Port.tcp(first) : Port.udp(first), (p, pr) => pr === protocol && p === first];
      if (next(2)) tiers[to].allowFrom(tiers[from], port); else tiers[from].allowTo(tiers[to], port);
      declared.push({ from, to, opens });
    }
    const r = Reachability.fromChart(chart);
    for (let from = 0; from < 3; from++) {
      for (let to = 0; to < 3; to++) {
        if (from === to) continue; // a pod always reaches itself
        for (let p = 995; p < 1035; p++) {
          for (const protocol of ['TCP', 'UDP']) {
            const want = declared.some((d) => d.from === from && d.to === to && d.opens(p, protocol));
            const got = r.isAllowed(at(namespaces[from % 2], `t${from}`), at(namespaces[to % 2], `t${to}`), protocol === 'TCP' ? Port.tcp(p) : Port.udp(p));
            if (got !== want) throw new Error(`round ${round}: t${from} -> t${to} ${protocol} ${p} is ${got ? 'allowed' : 'denied'}, declared ${want ? 'open' : 'closed'}`);
          }
        }
      }
    }
  }
});

describe('value objects no factory made are refused, whatever their prototype', () => {
  const changingPeer = () => {
    let reads = 0;
    return { toPeerConfig: () => (reads++ < 1 ? { podSelector: { matchLabels: { app: 'api' } } } : { ipBlock: { cidr: '0.0.0.0/0' } }), toString: () => 'api' };
  };

  test('a Destination made with Object.create(Destination.prototype) (its peer read as pods by the check and as 0.0.0.0/0 later)', () => {
    const { chart, web } = app();
    const forged = Object.create(Destination.prototype, {
      _kind: { value: 'PEER' }, ports: { value: [Port.allTraffic()] }, _networkPeer: { value: changingPeer() },
    });
    expect(forged instanceof Destination).toBe(true);
    expect(() => new RestrictedEgress(chart, 'egress', { tier: web, allow: [forged] }))
      .toThrow(/^shop\/egress: allow holds something that is not a Destination/);
    expect(chart.node.tryFindChild('egress')).toBeUndefined();
    expect(JSON.stringify(Testing.synth(chart))).not.toContain('0.0.0.0/0');
  });

  test('a ClusterDns made with Object.create(ClusterDns.prototype) that would open every pod on every port', () => {
    const { chart } = app();
    const forged = Object.create(ClusterDns.prototype, {
      _destinations: { value: [{ peer: Peer.allPods(), ports: [] }] }, _metadataUpstreams: { value: [] }, _nodeCacheUpstream: { value: false },
    });
    expect(() => new IsolatedTier(chart, 'worker', { podLabels: { app: 'worker' }, dns: forged }))
      .toThrow(/^shop\/worker: dns must be a ClusterDns/);
    expect(() => new NamespaceIsolation(chart, 'baseline', { dns: forged })).toThrow(/^shop\/baseline: dns must be a ClusterDns/);
    expect(chart.node.tryFindChild('worker')).toBeUndefined();
    const guardrails = new Chart(Testing.app(), 'cluster');
    expect(() => new ClusterIsolation(guardrails, 'g', { exemptNamespaces: ['kube-system'], dns: forged }))
      .toThrow(/^cluster\/g: dns must be a ClusterDns/);
  });

  test('a MetadataEndpointAccess or NamespaceExemption no factory checked (empty labels, a namespace that is no name)', () => {
    const chart = new Chart(Testing.app(), 'cluster');
    const access = Object.create(MetadataEndpointAccess.prototype, { namespaceName: { value: 'shop' }, podLabels: { value: {} } });
    const exemption = Object.create(NamespaceExemption.prototype, { namespaceName: { value: 'Shop ' }, reason: { value: '' } });
    expect(() => new ClusterIsolation(chart, 'g', { exemptNamespaces: ['kube-system'], metadataEndpointAccess: [access] }))
      .toThrow(/^cluster\/g \(metadataEndpointAccess\): holds something that is not a MetadataEndpointAccess/);
    expect(() => new ClusterIsolation(chart, 'g', { exemptNamespaces: ['kube-system'], exemptions: [exemption] }))
      .toThrow(/^cluster\/g \(exemptions\): holds something that is not a NamespaceExemption/);
    expect(chart.node.tryFindChild('g')).toBeUndefined();
  });
});

test.each([
  'metadata.google.internal', '*.google.internal', 'instance-data.ec2.internal', 'printer.local', 'api.localhost', '254.169.254.169.in-addr.arpa',
])('Destination.fqdn refuses %s: a name under a top-level domain that never resolves publicly (the metadata server is one)', (hostname) => {
  expect(() => Destination.fqdn(hostname, Port.tcp(80))).toThrow(/^Destination\.fqdn: hostname is under \.(internal|local|localhost|arpa), a top-level domain no public name has/);
});

test('Destination.fqdn still takes public names, punycode ones included', () => {
  for (const hostname of ['api.stripe.com', '*.example.com', 'xn--bcher-kva.de', 'internal.example.com', 'local.example.org']) {
    expect(Destination.fqdn(hostname, Port.tcp(443)).hostname).toBe(hostname);
  }
});

describe('allowInternet: blocks that together cover the internet need the opt-in, as one block of every address does', () => {
  function egress(allow: Destination[], allowInternet?: boolean) {
    const { chart, web } = app();
    const make = () => new RestrictedEgress(chart, 'egress', { tier: web, allow, allowInternet });
    return { chart, make };
  }

  test.each([
    ['two halves of IPv4 on one port', [Destination.cidr('0.0.0.0/1', Port.tcp(443)), Destination.cidr('128.0.0.0/1', Port.tcp(443))], 'TCP 443'],
    ['a half on every TCP port and a half on a range', [Destination.cidr('0.0.0.0/1', Port.allTcp()), Destination.cidr('128.0.0.0/1', Port.tcpRange(400, 500))], 'TCP 400'],
    ['three blocks, one on all traffic', [Destination.cidr('0.0.0.0/1', Port.allTraffic()), Destination.cidr('128.0.0.0/2', Port.udp(53)), Destination.cidr('192.0.0.0/2', Port.udp(53))], 'UDP 53'],
    ['the IPv6 internet in two halves', [Destination.cidr('2000::/4', Port.tcp(443)), Destination.cidr('3000::/4', Port.tcp(443))], 'TCP 443'],
    ['the public IPv4 ranges without the private ones (a Destination.peer of ipBlocks)', [
      Destination.peer(Peer.ipBlock('0.0.0.0/1', ['10.0.0.0/8']), Port.tcp(443)), Destination.peer(Peer.ipBlock('128.0.0.0/1', ['172.16.0.0/12', '192.168.0.0/16']), Port.tcp(443)),
    ], 'TCP 443'],
  ])('%s is refused with the construct path, the blocks and the fix, and nothing joins the tree', (_name, allow, port) => {
    const { chart, make } = egress(allow as Destination[]);
    const before = chart.node.findAll().length;
    expect(make).toThrow(new RegExp(`^shop/egress: these blocks together open every public address on ${port}.*Set allowInternet: true`, 's'));
    expect(chart.node.findAll().length).toBe(before);
  });

  test('the same blocks with allowInternet: true are written, and the analyzer sees the internet open on the port', () => {
    const { chart, make } = egress([Destination.cidr('0.0.0.0/1', Port.tcp(443)), Destination.cidr('128.0.0.0/1', Port.tcp(443))], true);
    make();
    const r = Reachability.fromChart(chart);
    expect(r.isAllowed(at('shop', 'web'), { ip: '8.8.8.8' }, Port.tcp(443))).toBe(true);
    expect(r.isAllowed(at('shop', 'web'), { ip: '8.8.8.8' }, Port.tcp(80))).toBe(false);
  });

  test.each([
    ['halves on different ports', [Destination.cidr('0.0.0.0/1', Port.tcp(443)), Destination.cidr('128.0.0.0/1', Port.tcp(80))],
      [['1.1.1.1', Port.tcp(443), true], ['1.1.1.1', Port.tcp(80), false], ['203.0.113.9', Port.tcp(80), true], ['203.0.113.9', Port.tcp(443), false]]],
    ['halves of different protocols', [Destination.cidr('0.0.0.0/1', Port.tcp(53)), Destination.cidr('128.0.0.0/1', Port.udp(53))],
      [['1.1.1.1', Port.tcp(53), true], ['1.1.1.1', Port.udp(53), false], ['203.0.113.9', Port.udp(53), true]]],
    ['a public hole left by an except', [Destination.cidr('0.0.0.0/1', Port.tcp(443)), Destination.cidrExcept('128.0.0.0/1', ['203.0.113.0/24'], Port.tcp(443))],
      [['1.1.1.1', Port.tcp(443), true], ['198.51.100.1', Port.tcp(443), true], ['203.0.113.9', Port.tcp(443), false]]],
    ['only the private ranges', [Destination.cidr('10.0.0.0/8', Port.allTcp()), Destination.cidr('172.16.0.0/12', Port.allTcp()), Destination.cidr('192.168.0.0/16', Port.allTcp())],
      [['10.1.2.3', Port.tcp(22), true], ['1.1.1.1', Port.tcp(443), false]]],
    ['adjacent port ranges on the two halves', [Destination.cidr('0.0.0.0/1', Port.tcpRange(1, 442)), Destination.cidr('128.0.0.0/1', Port.tcpRange(443, 65535))],
      [['1.1.1.1', Port.tcp(442), true], ['1.1.1.1', Port.tcp(443), false], ['203.0.113.9', Port.tcp(443), true], ['203.0.113.9', Port.tcp(442), false]]],
  ])('%s: accepted without the opt-in, and the analyzer sees exactly the declared blocks and ports', (_name, allow, probes) => {
    const { chart, make } = egress(allow as Destination[]);
    make();
    const r = Reachability.fromChart(chart);
    for (const [ip, port, allowed] of probes as [string, Port, boolean][]) {
      expect([ip, String(port), r.isAllowed(at('shop', 'web'), { ip }, port)]).toEqual([ip, String(port), allowed]);
    }
  });
});
