import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { IPeer, IsolatedTier, LabelOperator, NAMESPACE_NAME_LABEL, NamespaceIsolation, Peer, PeerConfig, Port, Reachability } from '../../src';
import { checkPortsTowards, guardMetadataEndpoints, resolvePeer } from '../../src/core/peer';
import { Destination } from '../../src/egress/destination';
import { renderPeer } from '../../src/render/network-policy';
import { findObject, synthValid } from '../util';

describe('Peer.ipBlock', () => {
  test('keeps IPv4 and IPv6 blocks with sorted, deduplicated except', () => {
    expect(Peer.ipBlock('10.0.0.0/8', ['10.2.0.0/16', '10.1.0.0/16', '10.1.0.0/16']).toPeerConfig())
      .toEqual({ ipBlock: { cidr: '10.0.0.0/8', excluded: ['10.1.0.0/16', '10.2.0.0/16'] } });
    expect(Peer.ipBlock('2001:db8::/32', ['2001:db8:1::/48']).toPeerConfig())
      .toEqual({ ipBlock: { cidr: '2001:db8::/32', excluded: ['2001:db8:1::/48'] } });
  });

  test('anyIpv4 and anyIpv6 are the whole address families', () => {
    expect(Peer.anyIpv4().toPeerConfig().ipBlock?.cidr).toBe('0.0.0.0/0');
    expect(Peer.anyIpv6().toPeerConfig().ipBlock?.cidr).toBe('::/0');
  });

  test('a single address without a mask suggests /32 or /128', () => {
    expect(() => Peer.ipBlock('203.0.113.7')).toThrow(/Peer\.ipBlock: cidr is not in CIDR notation.*\("203\.0\.113\.7"\).*write "203\.0\.113\.7\/32"/);
    expect(() => Peer.ipBlock('2001:db8::1')).toThrow(/write "2001:db8::1\/128"/);
  });

  test.each([
    ['300.0.0.0/8', /not a valid IPv4 or IPv6 CIDR/],
    ['10.0.0.0/33', /not a valid IPv4 or IPv6 CIDR/],
    ['10.0.0/8', /not a four-part dotted IPv4 address/],
    ['010.0.0.0/8', /not a four-part dotted IPv4 address/],
    ['10.0.0.1/8', /host bits set; the network address is 10\.0\.0\.0\/8/],
    ['::ffff:10.0.0.0/104', /IPv4-mapped/],
  ])('rejects cidr %p', (cidr, problem) => {
    expect(() => Peer.ipBlock(cidr)).toThrow(problem);
  });

  test('except must lie strictly inside the cidr', () => {
    expect(() => Peer.ipBlock('10.0.0.0/16', ['10.1.0.0/24'])).toThrow(/excluded block is not strictly inside 10\.0\.0\.0\/16 \("10\.1\.0\.0\/24"\)\. List only sub-blocks/);
    expect(() => Peer.ipBlock('10.0.0.0/16', ['10.0.0.0/16'])).toThrow(/not strictly inside/);
    expect(() => Peer.ipBlock('10.0.0.0/8', ['2001:db8::/32'])).toThrow(/not strictly inside/);
  });
});

describe('pod and namespace peers', () => {
  test('pods in the policy namespace render a pod selector only', () => {
    expect(renderPeer(Peer.pods({ app: 'web' }).toPeerConfig(), 'shop', false)).toEqual({ podSelector: { matchLabels: { app: 'web' } } });
    expect(renderPeer(Peer.pods({ app: 'web' }, 'shop').toPeerConfig(), 'shop', false)).toEqual({ podSelector: { matchLabels: { app: 'web' } } });
  });

  test('pods in another namespace render one peer with both selectors (AND)', () => {
    expect(renderPeer(Peer.pods({ app: 'web' }, 'front').toPeerConfig(), 'shop', false)).toEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'front' } },
      podSelector: { matchLabels: { app: 'web' } },
    });
  });

  test('a namespace by name selects all its pods through the automatic name label', () => {
    expect(renderPeer(Peer.namespace('monitoring').toPeerConfig(), 'shop', false)).toEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
    });
  });

  test('namespaces by labels, pods in labelled namespaces, and all pods', () => {
    expect(renderPeer(Peer.namespaces({ team: 'a' }).toPeerConfig(), 'shop', false)).toEqual({ namespaceSelector: { matchLabels: { team: 'a' } } });
    expect(renderPeer(Peer.podsInNamespaces({ app: 'x' }, { team: 'a' }).toPeerConfig(), 'shop', false))
      .toEqual({ namespaceSelector: { matchLabels: { team: 'a' } }, podSelector: { matchLabels: { app: 'x' } } });
    expect(renderPeer(Peer.allPods().toPeerConfig(), 'shop', false)).toEqual({ namespaceSelector: {} });
  });

  test('podsMatching keeps expressions, sorted, with values sorted', () => {
    const peer = Peer.podsMatching({
      matchExpressions: [
        { key: 'tier', operator: LabelOperator.IN, values: ['b', 'a', 'b'] },
        { key: 'canary', operator: LabelOperator.DOES_NOT_EXIST },
      ],
    });
    expect(renderPeer(peer.toPeerConfig(), 'shop', false)).toEqual({
      podSelector: {
        matchExpressions: [
          { key: 'canary', operator: 'DoesNotExist' },
          { key: 'tier', operator: 'In', values: ['a', 'b'] },
        ],
      },
    });
  });

  test('cluster DNS defaults to kube-dns pods in kube-system, configurable', () => {
    expect(Peer.clusterDns().toPeerConfig()).toEqual({ podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } }, namespace: 'kube-system' });
    expect(Peer.clusterDns({ namespace: 'openshift-dns', podLabels: { 'dns.operator.openshift.io/daemonset-dns': 'default' } }).toPeerConfig())
      .toEqual({ podSelector: { matchLabels: { 'dns.operator.openshift.io/daemonset-dns': 'default' } }, namespace: 'openshift-dns' });
  });

  test('toString describes the peer for people', () => {
    expect(Peer.pods({ app: 'web' }, 'front').toString()).toBe('pods app=web in namespace front');
    expect(Peer.ipBlock('10.0.0.0/8', ['10.1.0.0/16']).toString()).toBe('10.0.0.0/8 except 10.1.0.0/16');
  });
});

describe('bad selectors and namespaces', () => {
  test.each([
    ['a label key with spaces', () => Peer.pods({ 'bad key!': 'x' }), /Peer\.pods: label key has a name that is not alphanumeric.*\("bad key!"\)/],
    ['a label key with an empty prefix', () => Peer.pods({ '/app': 'x' }), /label key has an empty prefix/],
    ['a label key with an upper-case prefix', () => Peer.pods({ 'Example.com/app': 'x' }), /label key has a prefix that must be a DNS-1123 subdomain/],
    ['a label value over 63 characters', () => Peer.pods({ app: 'a'.repeat(64) }), /label "app" value must be at most 63 characters/],
    ['a label value starting with "-"', () => Peer.pods({ app: '-web' }), /label "app" value must be empty or alphanumeric/],
    ['an upper-case namespace', () => Peer.pods({ app: 'web' }, 'Shop'), /Peer\.pods: namespace name must be a DNS-1123 label.*\("Shop"\)\. Use a namespace name/],
    ['a namespace over 63 characters', () => Peer.namespace('a'.repeat(64)), /namespace name must be at most 63 characters/],
    ['In without values', () => Peer.podsMatching({ matchExpressions: [{ key: 'a', operator: LabelOperator.IN }] }), /operator In needs at least one value/],
    ['Exists with values', () => Peer.podsMatching({ matchExpressions: [{ key: 'a', operator: LabelOperator.EXISTS, values: ['x'] }] }), /operator Exists takes no values/],
    ['an unknown operator', () => Peer.podsMatching({ matchExpressions: [{ key: 'a', operator: 'Equals' as LabelOperator }] }), /selector operator is unknown \("Equals"\)\. Use LabelOperator/],
  ])('rejects %s', (_name, make, message) => {
    expect(make).toThrow(message);
  });
});

describe('Peer.fromConfig', () => {
  test('revalidates and rejects contradictory configs', () => {
    expect(Peer.fromConfig({ namespace: 'x' }).toPeerConfig()).toEqual({ namespace: 'x' });
    expect(() => Peer.fromConfig({ ipBlock: { cidr: '10.0.0.0/8' }, namespace: 'x' })).toThrow(/cannot also select pods or namespaces/);
    expect(() => Peer.fromConfig({ namespace: 'x', allNamespaces: true })).toThrow(/more than one way/);
    expect(() => Peer.fromConfig({})).toThrow(/selects nothing/);
  });
});

describe('empty label maps and selectors never select everything', () => {
  test.each([
    ['Peer.pods({})', () => Peer.pods({}), /^Peer\.pods: pod labels are empty \(they would select every pod\) \(\{\}\)\. .*use Peer\.namespace\("<namespace>"\)\./],
    ['Peer.pods({}, ns)', () => Peer.pods({}, 'shop'), /^Peer\.pods: pod labels are empty/],
    ['Peer.namespaces({})', () => Peer.namespaces({}), /^Peer\.namespaces: namespace labels are empty \(they would select every namespace\) \(\{\}\)\. .*use Peer\.allPods\(\)\./],
    ['Peer.podsInNamespaces({}, labels)', () => Peer.podsInNamespaces({}, { team: 'a' }), /^Peer\.podsInNamespaces: pod labels are empty.*use Peer\.namespaces\(namespaceLabels\)\./],
    ['Peer.podsInNamespaces(labels, {})', () => Peer.podsInNamespaces({ app: 'x' }, {}), /^Peer\.podsInNamespaces: namespace labels are empty.*use Peer\.podsInAllNamespaces\(podLabels\)\./],
    ['Peer.podsInNamespaces({}, {})', () => Peer.podsInNamespaces({}, {}), /^Peer\.podsInNamespaces: pod labels are empty/],
    ['Peer.podsInAllNamespaces({})', () => Peer.podsInAllNamespaces({}), /^Peer\.podsInAllNamespaces: pod labels are empty.*use Peer\.allPods\(\)\./],
    ['Peer.podsMatching({})', () => Peer.podsMatching({}), /^Peer\.podsMatching: the pod selector is empty \(it would select every pod\) \(\{\}\)\. .*Peer\.namespaces\(labels\)/],
    ['Peer.podsMatching with only empty parts', () => Peer.podsMatching({ matchLabels: {}, matchExpressions: [] }), /^Peer\.podsMatching: the pod selector is empty \(it would select every pod\) \(\{"matchLabels":\{\},"matchExpressions":\[\]\}\)/],
    ['Peer.podsMatching(x, {})', () => Peer.podsMatching({ matchLabels: { app: 'x' } }, {}), /^Peer\.podsMatching: the namespace selector is empty \(it would select every namespace\) \(\{\}\)\. .*allNamespaces: true/],
    ['Peer.podsMatching({}, x)', () => Peer.podsMatching({}, { matchLabels: { team: 'a' } }), /^Peer\.podsMatching: the pod selector is empty/],
    ['Peer.clusterDns({ podLabels: {} })', () => Peer.clusterDns({ podLabels: {} }), /^Peer\.clusterDns: DNS pod labels are empty \(they would select every pod of the namespace\) \(\{\}\)\. .*leave podLabels out/],
    ['fromConfig with an empty pod selector', () => Peer.fromConfig({ podSelector: {}, namespace: 'shop' }), /^Peer\.fromConfig: the pod selector is empty.*leave podSelector out/],
    ['fromConfig with an empty namespace selector', () => Peer.fromConfig({ namespaceSelector: { matchLabels: {} } }), /^Peer\.fromConfig: the namespace selector is empty.*set allNamespaces: true/],
    ['fromConfig with only an empty pod selector', () => Peer.fromConfig({ podSelector: { matchExpressions: [] } }), /^Peer\.fromConfig: the pod selector is empty/],
  ])('%s is refused with the explicit factory in the fix', (_name, make, message) => {
    expect(make).toThrow(message);
  });

  test('every-pod selection is written on purpose, and renders exactly that', () => {
    expect(renderPeer(Peer.podsInAllNamespaces({ app: 'probe' }).toPeerConfig(), 'shop', false))
      .toEqual({ namespaceSelector: {}, podSelector: { matchLabels: { app: 'probe' } } });
    expect(Peer.podsInAllNamespaces({ app: 'probe' }).toString()).toBe('pods app=probe in all namespaces');
    expect(renderPeer(Peer.allPods().toPeerConfig(), 'shop', false)).toEqual({ namespaceSelector: {} });
    expect(Peer.fromConfig({ namespace: 'shop' }).toPeerConfig()).toEqual({ namespace: 'shop' });
    expect(Peer.fromConfig({ allNamespaces: true }).toPeerConfig()).toEqual({ allNamespaces: true });
  });

  test('Peer.podsInAllNamespaces admits the labelled pods of every namespace and no other pod (Reachability)', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
    api.allowFrom(Peer.podsInAllNamespaces({ app: 'probe' }), Port.tcp(9090));
    const objects = synthValid(chart);
    const pod = (namespace: string, name: string, labels: { [k: string]: string }) =>
      ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    const r = Reachability.fromManifests([...objects,
      pod('shop', 'api', { app: 'api' }), pod('ops', 'probe', { app: 'probe' }), pod('shop', 'probe', { app: 'probe' }),
      pod('ops', 'other', { app: 'other' })]);
    const at = (namespace: string, name: string) => ({ namespace, pod: name });
    expect(r.isAllowed(at('ops', 'probe'), at('shop', 'api'), Port.tcp(9090))).toBe(true);
    expect(r.isAllowed(at('shop', 'probe'), at('shop', 'api'), Port.tcp(9090))).toBe(true);
    expect(r.isAllowed(at('ops', 'other'), at('shop', 'api'), Port.tcp(9090))).toBe(false);
    expect(r.isAllowed(at('ops', 'probe'), at('shop', 'api'), Port.tcp(9091))).toBe(false);
  });
});

describe('label maps from plain JavaScript', () => {
  test.each([
    ['a string (its characters would read as keys)', 'web', /^Peer\.pods: a label map must be a plain object \("web"\)\. Write labels as an object/],
    ['an array', ['app', 'web'], /a label map must be a plain object \(\["app","web"\]\)/],
    ['a Map', new Map([['app', 'web']]), /a label map must be a plain object \("a Map of 1"\)/],
    ['undefined', undefined, /a label map must be a plain object \(undefined\)/],
    ['null', null, /a label map must be a plain object \(null\)/],
    ['a number', 5, /a label map must be a plain object \(5\)/],
    ['an object whose labels are inherited', Object.create({ app: 'web' }), /a label map must be a plain object \("an object inheriting the keys \[\\"app\\"\]"\)/],
    ['an object literal with __proto__', { __proto__: { app: 'web' }, tier: 'a' }, /a label map must be a plain object/],
    ['a class instance', new (class Labels { public app = 'web'; })(), /a label map must be a plain object \("an object inheriting from Labels"\)/],
  ])('refuses %s', (_name, labels, message) => {
    expect(() => Peer.pods(labels as any)).toThrow(message);
  });

  test('a parsed "__proto__" key is an invalid label key, not a prototype', () => {
    const parsed = JSON.parse('{"__proto__": {"app": "web"}}');
    expect(() => Peer.pods(parsed)).toThrow(/^Peer\.pods: label key has a name that is not alphanumeric.*\("__proto__"\)/);
  });

  test('keys named like Object members are ordinary labels, kept as own fields, and synthesize', () => {
    const labels = { toString: 'y', hasOwnProperty: 'z', valueOf: 'v' };
    const config = Peer.pods(labels).toPeerConfig();
    expect(Object.keys(config.podSelector!.matchLabels!)).toEqual(['hasOwnProperty', 'toString', 'valueOf']);
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(80)] });
    api.allowFrom(Peer.pods(labels), Port.tcp(80));
    const policy = synthValid(chart).find((o) => o.kind === 'NetworkPolicy');
    expect(policy.spec.ingress[0].from).toEqual([{ podSelector: { matchLabels: { hasOwnProperty: 'z', toString: 'y', valueOf: 'v' } } }]);
  });

  test('the key "constructor" is refused at the call: cdk8s cannot emit it', () => {
    expect(() => Peer.pods({ constructor: 'x' } as any))
      .toThrow('Peer.pods: label key "constructor" cannot be emitted by cdk8s (it reads the field as the object\'s class) ("constructor"). Use another key, or a prefixed one such as "example.com/constructor".');
    expect(Peer.pods({ 'example.com/constructor': 'x' }).toPeerConfig().podSelector).toEqual({ matchLabels: { 'example.com/constructor': 'x' } });
  });

  test('a prototype-less map is accepted', () => {
    const labels = Object.assign(Object.create(null), { app: 'web' });
    expect(Peer.pods(labels).toPeerConfig().podSelector).toEqual({ matchLabels: { app: 'web' } });
  });

  test('ipBlock refuses an except list that is not a list', () => {
    expect(() => Peer.ipBlock('10.0.0.0/8', '10.1.0.0/16' as any)).toThrow(/^Peer\.ipBlock: excluded blocks must be a list of CIDRs \("10\.1\.0\.0\/16"\)\. Pass an array/);
    expect(() => Peer.ipBlock(undefined as any)).toThrow(/^Peer\.ipBlock: cidr is not in CIDR notation.*\(undefined\)/);
  });

  test('peers cannot be changed after they were checked: callers get copies of the config', () => {
    const peer = Peer.pods({ app: 'web' }, 'shop');
    delete (peer.toPeerConfig().podSelector as any).matchLabels;
    (peer.toPeerConfig() as any).allNamespaces = true;
    const block = Peer.ipBlock('10.0.0.0/8', ['10.1.0.0/16']);
    block.toPeerConfig().ipBlock!.excluded!.pop();
    expect(peer.toPeerConfig()).toEqual({ podSelector: { matchLabels: { app: 'web' } }, namespace: 'shop' });
    expect(block.toPeerConfig()).toEqual({ ipBlock: { cidr: '10.0.0.0/8', excluded: ['10.1.0.0/16'] } });
    expect(peer.toString()).toBe('pods app=web in namespace shop');
    expect(block.toString()).toBe('10.0.0.0/8 except 10.1.0.0/16');
  });
});

describe('Peer.fromConfig from plain JavaScript', () => {
  test.each([
    ['a misspelt field', { podSelector: { matchLabels: { app: 'x' } }, namespce: 'other' }, /a peer config has unknown fields \(namespce\)/],
    ['a misspelt selector field', { podSelector: { matchLabel: { app: 'x' } } }, /a label selector has unknown fields \(matchLabel\); known fields are matchLabels, matchExpressions/],
    ['a misspelt ipBlock field', { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }, /ipBlock has unknown fields \(except\); known fields are cidr, excluded/],
    ['allNamespaces as a string', { podSelector: { matchLabels: { app: 'x' } }, allNamespaces: 'false' }, /allNamespaces must be true or false \("false"\)/],
    ['a null pod selector', { podSelector: null, namespace: 'x' }, /a label selector must be a plain object \(null\)/],
    ['a null namespace', { podSelector: { matchLabels: { app: 'x' } }, namespace: null }, /namespace name must be a string \(null\)/],
    ['an ipBlock string', { ipBlock: '10.0.0.0/8' }, /ipBlock must be a plain object \("10\.0\.0\.0\/8"\)/],
    ['an ipBlock beside a selector', { ipBlock: { cidr: '10.0.0.0/8' }, podSelector: { matchLabels: { a: 'b' } } }, /an IP block peer cannot also select pods or namespaces/],
    ['expressions that are not a list', { podSelector: { matchExpressions: { key: 'a' } } }, /matchExpressions must be a list/],
    ['an expression with a numeric key', { podSelector: { matchExpressions: [{ key: 5, operator: 'Exists' }] } }, /selector expression key must be a string \(5\)/],
    ['expression values that are not a list', { podSelector: { matchExpressions: [{ key: 'a', operator: 'In', values: 'x' }] } }, /selector values for "a" must be a list \("x"\)/],
    ['an expression value that is a number', { podSelector: { matchExpressions: [{ key: 'a', operator: 'In', values: [1] }] } }, /selector value for "a" must be a string \(1\)/],
    ['a config that is a string', 'pods', /a peer config must be a plain object \("pods"\)/],
    ['undefined', undefined, /a peer config must be a plain object \(undefined\)/],
  ])('refuses %s', (_name, config, message) => {
    expect(() => Peer.fromConfig(config as any)).toThrow(new RegExp(`^Peer\\.fromConfig: ${message.source}`));
  });
});

describe('resolvePeer: every peer is checked at the call, whoever wrote it', () => {
  const userPeer = (config: unknown) => ({ toPeerConfig: () => config, toString: () => 'user peer' }) as any;

  test.each([
    ['undefined', undefined, '(undefined)'],
    ['null', null, '(null)'],
    ['a number', 5, '(5)'],
    ['a CIDR string', '10.0.0.0/8', '("10.0.0.0/8")'],
    ['an object without toPeerConfig', { cidr: '10.0.0.0/8' }, '({"cidr":"10.0.0.0/8"})'],
  ])('refuses %s', (_name, value, shown) => {
    expect(() => resolvePeer('shop/api', value as any)).toThrow(`shop/api: expected a peer ${shown}. Pass a Peer, an IsolatedTier or a NamespaceIsolation.`);
  });

  test.each([
    ['a bad CIDR', { ipBlock: { cidr: '10.0.0.1/8' } }, /^shop\/api: cidr has host bits set/],
    ['an except outside the cidr', { ipBlock: { cidr: '10.0.0.0/16', excluded: ['10.9.0.0/24'] } }, /^shop\/api: excluded block is not strictly inside 10\.0\.0\.0\/16/],
    ['an empty peer', {}, /^shop\/api: a peer selects nothing \(\{\}\)/],
    ['an invalid label key', { podSelector: { matchLabels: { 'bad key': 'x' } } }, /^shop\/api: label key has a name/],
    ['several namespace fields', { namespace: 'a', allNamespaces: true }, /^shop\/api: a peer names its namespaces in more than one way/],
    ['an ipBlock with selectors', { ipBlock: { cidr: '10.0.0.0/8' }, namespace: 'a' }, /^shop\/api: an IP block peer cannot also select pods or namespaces/],
    ['an empty pod selector', { podSelector: {} }, /^shop\/api: the pod selector is empty/],
    ['an empty namespace selector', { namespaceSelector: {} }, /^shop\/api: the namespace selector is empty/],
    ['a config that is not an object', 'all', /^shop\/api: a peer config must be a plain object \("all"\)/],
  ])('refuses a user-written peer with %s', (_name, config, message) => {
    expect(() => resolvePeer('shop/api', userPeer(config))).toThrow(message);
  });

  test('a valid user-written peer becomes a normalized copy the caller cannot change; toPeerConfig is called once', () => {
    const toPeerConfig = jest.fn(() => ({ podSelector: { matchLabels: { tier: 'b', app: 'a' } }, namespace: 'ops' }));
    const resolved = resolvePeer('x', { toPeerConfig, toString: () => 'mine' });
    expect(toPeerConfig).toHaveBeenCalledTimes(1);
    expect(resolved.toPeerConfig()).toEqual({ podSelector: { matchLabels: { app: 'a', tier: 'b' } }, namespace: 'ops' });
    expect(Object.keys(resolved.toPeerConfig().podSelector!.matchLabels!)).toEqual(['app', 'tier']);
    resolved.toPeerConfig().podSelector!.matchLabels!.app = 'other';
    expect(resolved.toPeerConfig().podSelector!.matchLabels!.app).toBe('a');
    expect(resolved.toString()).toBe('pods app=a,tier=b in namespace ops');
    const block = resolvePeer('x', userPeer({ ipBlock: { cidr: '10.0.0.0/8', excluded: ['10.2.0.0/16', '10.1.0.0/16'] } }));
    expect(block.toPeerConfig()).toEqual({ ipBlock: { cidr: '10.0.0.0/8', excluded: ['10.1.0.0/16', '10.2.0.0/16'] } });
  });

  test('library peers, tiers and namespace isolations are kept as they are', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const tier = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' } });
    const baseline = new NamespaceIsolation(chart, 'baseline');
    const peer = Peer.pods({ app: 'x' });
    expect(resolvePeer(chart, tier)).toBe(tier);
    expect(resolvePeer(chart, baseline)).toBe(baseline);
    expect(resolvePeer(chart, peer)).toBe(peer);
    expect(() => resolvePeer(chart, undefined as any)).toThrow(/^shop: expected a peer \(undefined\)/);
  });
});

describe('checkPortsTowards: named ports cannot match an address block', () => {
  test('refuses a named port towards an ipBlock, with the number as the fix', () => {
    expect(() => checkPortsTowards('shop/api', Peer.ipBlock('203.0.113.0/24').toPeerConfig(), [Port.tcp(80), Port.named('https')]))
      .toThrow('shop/api: a named port towards the address block 203.0.113.0/24 can never match (an address has no pod spec to name ports) ("TCP https"). Use the port number, e.g. Port.tcp(443).');
  });

  test('accepts numbers and whole protocols towards blocks, and named ports towards pods', () => {
    expect(() => checkPortsTowards('x', Peer.ipBlock('203.0.113.0/24').toPeerConfig(), [Port.tcp(443), Port.allUdp(), Port.tcpRange(1, 9)])).not.toThrow();
    expect(() => checkPortsTowards('x', Peer.pods({ app: 'web' }).toPeerConfig(), [Port.named('http')])).not.toThrow();
  });

  test('allowTo refuses it at the call, and the analyzer agrees such a rule never matches', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
    expect(() => api.allowTo(Peer.ipBlock('203.0.113.0/24'), Port.named('https')))
      .toThrow('shop/api: a named port towards the address block 203.0.113.0/24 can never match (an address has no pod spec to name ports) ("TCP https"). Use the port number, e.g. Port.tcp(443).');
    // The same rule written by hand, to show why the check exists.
    const policy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'api', namespace: 'shop' },
      spec: { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ protocol: 'TCP', port: 'https' }] }] },
    };
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'api', namespace: 'shop', labels: { app: 'api' } }, spec: { containers: [{ name: 'c', image: 'x' }] } };
    const r = Reachability.fromManifests([policy, pod]);
    expect(r.isAllowed({ namespace: 'shop', pod: 'api' }, { ip: '203.0.113.5' }, Port.named('https'))).toBe(false);
    expect(r.isAllowed({ namespace: 'shop', pod: 'api' }, { ip: '203.0.113.5' }, Port.tcp(443))).toBe(false);
  });
});

describe('guardMetadataEndpoints', () => {
  const fix = 'Use ClusterDns.metadataServer().';

  test.each(['169.254.169.254/32', 'fd00:ec2::254/128', '168.63.129.16/32', '100.100.100.200/32', 'fd20:ce::254/128', 'fd00:a9fe:a9fe::1/128'])('refuses the endpoint %s itself', (cidr) => {
    expect(() => guardMetadataEndpoints('ClusterDns.custom', Peer.ipBlock(cidr), fix))
      .toThrow(`ClusterDns.custom: the block opens the cloud metadata endpoint ${cidr}, where node credentials live ("${cidr}"). ${fix}`);
  });

  test('excludes the endpoints from wider blocks, keeping what was excluded already', () => {
    expect(guardMetadataEndpoints('x', Peer.ipBlock('169.254.0.0/16'), fix).toPeerConfig())
      .toEqual({ ipBlock: { cidr: '169.254.0.0/16', excluded: ['169.254.169.254/32'] } });
    expect(guardMetadataEndpoints('x', Peer.ipBlock('fd00::/8', ['fd00:1::/32']), fix).toPeerConfig())
      .toEqual({ ipBlock: { cidr: 'fd00::/8', excluded: ['fd00:1::/32', 'fd00:a9fe:a9fe::1/128', 'fd00:ec2::254/128', 'fd20:ce::254/128'] } });
    const covered = Peer.ipBlock('169.254.0.0/16', ['169.254.169.0/24']);
    expect(guardMetadataEndpoints('x', covered, fix)).toBe(covered);
    const other = Peer.ipBlock('10.0.0.0/8');
    expect(guardMetadataEndpoints('x', other, fix)).toBe(other);
    const pods = Peer.pods({ app: 'x' });
    expect(guardMetadataEndpoints('x', pods, fix)).toBe(pods);
  });
});

describe('every metadata endpoint stays out of the blocks a tier opens, judged by Reachability', () => {
  const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
  const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' } });
  web.allowTo(Peer.ipBlock('168.0.0.0/8'), Port.tcp(80), Port.tcp(32526));
  web.allowTo(Peer.anyIpv4(), Port.tcp(443));
  web.allowTo(Peer.anyIpv6(), Port.tcp(443));
  web.allowTo(Peer.ipBlock('100.64.0.0/10'), Port.tcp(80));
  web.allowTo(Peer.ipBlock('fd00::/8'), Port.tcp(80));
  const objects = synthValid(chart);
  const r = Reachability.fromChart(chart);
  const from = { namespace: 'shop', pod: 'web' };

  test('Peer.ipBlock("168.0.0.0/8") excludes Azure\'s WireServer, on its agent ports too, and nothing else', () => {
    expect(findObject(objects, 'NetworkPolicy', 'web').spec.egress).toContainEqual({
      to: [{ ipBlock: { cidr: '168.0.0.0/8', except: ['168.63.129.16/32'] } }], ports: [{ port: 80, protocol: 'TCP' }, { port: 32526, protocol: 'TCP' }],
    });
    expect(r.isAllowed(from, { ip: '168.63.129.16' }, Port.tcp(80))).toBe(false);
    expect(r.isAllowed(from, { ip: '168.63.129.16' }, Port.tcp(32526))).toBe(false);
    expect(r.isAllowed(from, { ip: '168.63.129.17' }, Port.tcp(80))).toBe(true);
  });

  test('Peer.anyIpv4() and Peer.anyIpv6() exclude every metadata address of their family', () => {
    for (const ip of ['169.254.169.254', '168.63.129.16', '100.100.100.200', 'fd00:ec2::254', 'fd20:ce::254', 'fd00:a9fe:a9fe::1']) {
      expect([ip, r.isAllowed(from, { ip }, Port.tcp(443))]).toEqual([ip, false]);
    }
    for (const ip of ['169.254.169.253', '168.63.129.15', '100.100.100.201', 'fd00:ec2::253', 'fd20:ce::255', '2001:db8::1']) {
      expect([ip, r.isAllowed(from, { ip }, Port.tcp(443))]).toEqual([ip, true]);
    }
  });

  test('the shared address space and the unique-local range keep Alibaba\'s, GCP\'s, AWS\'s and Akamai\'s endpoints out', () => {
    for (const ip of ['100.100.100.200', 'fd00:ec2::254', 'fd20:ce::254', 'fd00:a9fe:a9fe::1']) {
      expect([ip, r.isAllowed(from, { ip }, Port.tcp(80))]).toEqual([ip, false]);
    }
    expect(r.isAllowed(from, { ip: '100.100.100.199' }, Port.tcp(80))).toBe(true);
    expect(r.isAllowed(from, { ip: 'fd20:ce::1' }, Port.tcp(80))).toBe(true);
  });
});

test('the namespace name label has one value, also visible to jsii languages as Peer.NAMESPACE_NAME_LABEL', () => {
  expect(Peer.NAMESPACE_NAME_LABEL).toBe('kubernetes.io/metadata.name');
  expect(Peer.NAMESPACE_NAME_LABEL).toBe(NAMESPACE_NAME_LABEL);
});

describe('peers are read once, at the call', () => {
  /** A user-written peer that is a construct, whose labels or block can change after the call. */
  class TeamPods extends Construct implements IPeer {
    public labels: { [key: string]: string } = { app: 'x' };
    public cidr?: string;
    public toPeerConfig(): PeerConfig {
      return this.cidr ? { ipBlock: { cidr: this.cidr } } : { podSelector: { matchLabels: this.labels }, namespace: 'shop' };
    }
    public toString(): string {
      return 'team pods';
    }
  }
  const pod = (name: string, labels: { [key: string]: string }) =>
    ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop', labels }, spec: { containers: [{ name: 'c', image: 'i' }] } });

  test('a construct peer emptied after allowFrom still admits only the pods it named at the call', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
    const team = new TeamPods(chart, 'team');
    web.allowFrom(team, Port.tcp(8080));
    team.labels = {};
    const objects = synthValid(chart);
    expect(findObject(objects, 'NetworkPolicy', 'web', 'shop').spec.ingress)
      .toEqual([{ from: [{ podSelector: { matchLabels: { app: 'x' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }]);
    const r = Reachability.fromManifests([...objects, pod('w', { app: 'web' }), pod('x', { app: 'x' }), pod('y', { app: 'y' })]);
    expect(r.isAllowed({ namespace: 'shop', pod: 'x' }, { namespace: 'shop', pod: 'w' }, Port.tcp(8080))).toBe(true);
    expect(r.isAllowed({ namespace: 'shop', pod: 'y' }, { namespace: 'shop', pod: 'w' }, Port.tcp(8080))).toBe(false);
  });

  test('a construct peer whose block turns invalid after allowTo keeps the block checked at the call', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
    const team = new TeamPods(chart, 'team');
    team.cidr = '203.0.113.0/24';
    web.allowTo(team, Port.tcp(443));
    team.cidr = '203.0.113.0/33';
    const objects = synthValid(chart);
    const egress = findObject(objects, 'NetworkPolicy', 'web', 'shop').spec.egress;
    expect(egress).toContainEqual({ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 443, protocol: 'TCP' }] });
    const r = Reachability.fromManifests([...objects, pod('w', { app: 'web' })]);
    expect(r.isAllowed({ namespace: 'shop', pod: 'w' }, { ip: '203.0.113.9' }, Port.tcp(443))).toBe(true);
    expect(r.isAllowed({ namespace: 'shop', pod: 'w' }, { ip: '198.51.100.9' }, Port.tcp(443))).toBe(false);
  });

  test('from plain JavaScript: a config whose getters answer differently on each read is recorded as first read', () => {
    let reads = 0;
    const config = {
      get podSelector() {
        reads++;
        return reads === 1 ? { matchLabels: { app: 'x' } } : {};
      },
      namespace: 'shop',
    };
    const fickle: any = { toPeerConfig: () => config, toString: () => 'fickle' };
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
    web.allowFrom(fickle, Port.tcp(8080));
    expect(reads).toBe(1);
    const objects = synthValid(chart);
    expect(findObject(objects, 'NetworkPolicy', 'web', 'shop').spec.ingress[0].from).toEqual([{ podSelector: { matchLabels: { app: 'x' } } }]);
    let blockReads = 0;
    const block = Peer.fromConfig({ get ipBlock() { blockReads++; return { cidr: blockReads === 1 ? '10.0.0.0/8' : '0.0.0.0/0' }; } } as any);
    expect(blockReads).toBe(1);
    expect(block.toPeerConfig()).toEqual({ ipBlock: { cidr: '10.0.0.0/8' } });
  });

  test('a construct peer in a Destination and a port exception is snapshotted too', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const team = new TeamPods(chart, 'team');
    const destination = Destination.peer(team, Port.tcp(80));
    team.labels = {};
    expect(destination._networkPeer!.toPeerConfig()).toEqual({ podSelector: { matchLabels: { app: 'x' } }, namespace: 'shop' });
  });

  test('a tier\'s labels cannot be changed from JavaScript after it is built', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' } });
    expect(() => { (web.podLabels as any).app = 'other'; }).toThrow(TypeError);
    expect(web.toPeerConfig().podSelector).toEqual({ matchLabels: { app: 'web' } });
  });
});
