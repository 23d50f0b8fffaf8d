import { LabelOperator, Peer } from '../src';
import { renderPeer } from '../src/render/network-policy';

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
    expect(() => Peer.ipBlock('10.0.0.0/16', ['10.1.0.0/24'])).toThrow(/except block is not strictly inside 10\.0\.0\.0\/16 \("10\.1\.0\.0\/24"\)\. List only sub-blocks/);
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
