import { Chart, Testing } from 'cdk8s';
import { ClusterDns, IsolatedTier, Peer, Port, Reachability } from '../../src';
import { synthValid } from '../util';

describe('ClusterDns', () => {
  test('kubeDns allows UDP and TCP on each DNS port to the DNS pods', () => {
    const [dest] = ClusterDns.kubeDns({ ports: [5353, 53, 53] })._destinations;
    expect(dest.peer.toPeerConfig()).toEqual({ podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } }, namespace: 'kube-system' });
    expect(dest.ports.map(String)).toEqual(['UDP 53', 'TCP 53', 'UDP 5353', 'TCP 5353']);
  });

  test('nodeLocalCache adds the link-local cache before the upstream DNS pods', () => {
    const destinations = ClusterDns.nodeLocalCache({ address: '169.254.25.10' })._destinations;
    expect(destinations.map((d) => d.peer.toString())).toEqual(['169.254.25.10/32', 'pods k8s-app=kube-dns in namespace kube-system']);
  });

  test('metadataServer opens only port 53 on 169.254.169.254', () => {
    const [dest] = ClusterDns.metadataServer()._destinations;
    expect(dest.peer.toPeerConfig()).toEqual({ ipBlock: { cidr: '169.254.169.254/32' } });
    expect(dest.ports.map(String)).toEqual(['UDP 53', 'TCP 53']);
  });

  test('custom and disabled', () => {
    expect(ClusterDns.custom([Peer.ipBlock('10.0.0.10/32')], [53])._destinations).toHaveLength(1);
    expect(ClusterDns.disabled()._destinations).toEqual([]);
  });

  test('bad input is refused with the factory, value and fix', () => {
    expect(() => ClusterDns.kubeDns({ ports: [] })).toThrow(/ClusterDns\.kubeDns: no DNS ports were given \(\[\]\)\. Give the DNS pods' container port/);
    expect(() => ClusterDns.kubeDns({ ports: [70000] })).toThrow(/port must be an integer from 1 to 65535 \(70000\)/);
    expect(() => ClusterDns.custom([], [53])).toThrow(/ClusterDns\.custom: no DNS server peers were given/);
    expect(() => ClusterDns.nodeLocalCache({ address: '169.254.20.10/32' })).toThrow(/address must be a single IP address, not a CIDR/);
    expect(() => ClusterDns.nodeLocalCache({ address: 'cache.local' })).toThrow(/ClusterDns\.nodeLocalCache: address is not an IP address \("cache\.local"\)/);
    expect(() => ClusterDns.nodeLocalCache({ cacheOnly: true, upstream: {} })).toThrow(/cacheOnly and upstream contradict each other/);
    expect(() => ClusterDns.kubeDns({ namespace: 'Kube' })).toThrow(/^ClusterDns\.kubeDns: namespace name/);
  });
});

describe('ClusterDns never opens the metadata endpoint beyond metadataServer()', () => {
  test.each([
    ['custom with the IPv4 endpoint', () => ClusterDns.custom([Peer.ipBlock('169.254.169.254/32')], [80]), 'ClusterDns.custom', '169.254.169.254/32'],
    ['custom with the IPv6 endpoint', () => ClusterDns.custom([Peer.ipBlock('fd00:ec2::254/128')], [53]), 'ClusterDns.custom', 'fd00:ec2::254/128'],
    ['nodeLocalCache on the IPv4 endpoint', () => ClusterDns.nodeLocalCache({ address: '169.254.169.254' }), 'ClusterDns.nodeLocalCache', '169.254.169.254/32'],
    ['nodeLocalCache on the IPv6 endpoint', () => ClusterDns.nodeLocalCache({ address: 'fd00:ec2::254' }), 'ClusterDns.nodeLocalCache', 'fd00:ec2::254/128'],
  ])('%s is refused, pointing at metadataServer()', (_name, make, where, cidr) => {
    expect(make).toThrow(`${where}: the block opens the cloud metadata endpoint ${cidr}, where node credentials live ("${cidr}"). For DNS served on a metadata address use ClusterDns.metadataServer() (GKE, 169.254.169.254) or `
      + 'ClusterDns.metadataServer("168.63.129.16") (Azure DNS), which open port 53 only; otherwise name the DNS server\'s own address.');
  });

  test('a user-written peer naming the endpoint is refused too', () => {
    const sneaky = { toPeerConfig: () => ({ ipBlock: { cidr: '169.254.169.254/32' } }), toString: () => 'dns' } as any;
    expect(() => ClusterDns.custom([sneaky], [80])).toThrow(/^ClusterDns\.custom: the block opens the cloud metadata endpoint 169\.254\.169\.254\/32/);
  });

  test('a wider custom block gets the endpoints excluded in the value itself', () => {
    const [v4, v6] = ClusterDns.custom([Peer.ipBlock('169.254.0.0/16'), Peer.ipBlock('fd00::/8')], [53, 80])._destinations;
    expect(v4.peer.toPeerConfig()).toEqual({ ipBlock: { cidr: '169.254.0.0/16', excluded: ['169.254.169.254/32'] } });
    expect(v6.peer.toPeerConfig()).toEqual({ ipBlock: { cidr: 'fd00::/8', excluded: ['fd00:a9fe:a9fe::1/128', 'fd00:ec2::254/128', 'fd20:ce::254/128'] } });
  });

  test('Reachability: custom DNS on a wide link-local block reaches the block but not the endpoint; metadataServer only on 53', () => {
    const reach = (dns: ClusterDns) => {
      const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
      new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, dns });
      synthValid(chart);
      const r = Reachability.fromChart(chart);
      return (ip: string, port: Port) => r.isAllowed({ namespace: 'shop', pod: 'api' }, { ip }, port);
    };
    const custom = reach(ClusterDns.custom([Peer.ipBlock('169.254.0.0/16')], [53, 80]));
    expect(custom('169.254.1.1', Port.tcp(80))).toBe(true);
    expect(custom('169.254.169.254', Port.tcp(80))).toBe(false);
    expect(custom('169.254.169.254', Port.udp(53))).toBe(false);
    const gke = reach(ClusterDns.metadataServer());
    expect(gke('169.254.169.254', Port.udp(53))).toBe(true);
    expect(gke('169.254.169.254', Port.tcp(80))).toBe(false);
  });
});

describe('ClusterDns from plain JavaScript', () => {
  test.each([
    ['kubeDns with empty pod labels', () => ClusterDns.kubeDns({ podLabels: {} }), /^ClusterDns\.kubeDns: DNS pod labels are empty \(they would select every pod of the namespace\) \(\{\}\)/],
    ['nodeLocalCache with empty upstream pod labels', () => ClusterDns.nodeLocalCache({ upstream: { podLabels: {} } }), /^ClusterDns\.nodeLocalCache: DNS pod labels are empty/],
    ['kubeDns with options that are a string', () => ClusterDns.kubeDns('kube-dns' as any), /^ClusterDns\.kubeDns: the options must be a plain object \("kube-dns"\)/],
    ['kubeDns with a misspelt option', () => ClusterDns.kubeDns({ podLabel: { app: 'dns' } } as any), /^ClusterDns\.kubeDns: the options has unknown fields \(podLabel\)/],
    ['kubeDns with a port string', () => ClusterDns.kubeDns({ ports: ['53'] as any }), /^ClusterDns\.kubeDns: port must be an integer from 1 to 65535 \("53"\)\. .*Pass the number without quotes: 53\./],
    ['kubeDns with ports that are not a list', () => ClusterDns.kubeDns({ ports: 53 as any }), /^ClusterDns\.kubeDns: no DNS ports were given \(53\)/],
    ['kubeDns with a NaN port', () => ClusterDns.kubeDns({ ports: [NaN] }), /^ClusterDns\.kubeDns: port must be an integer from 1 to 65535 \(NaN\)/],
    ['custom with peers that are not a list', () => ClusterDns.custom(Peer.ipBlock('10.0.0.10/32') as any, [53]), /^ClusterDns\.custom: no DNS server peers were given/],
    ['custom with an undefined peer', () => ClusterDns.custom([undefined as any], [53]), /^ClusterDns\.custom: expected a peer \(undefined\)\. Pass a Peer/],
    ['custom with a CIDR string', () => ClusterDns.custom(['10.0.0.10/32' as any], [53]), /^ClusterDns\.custom: expected a peer \("10\.0\.0\.10\/32"\)/],
    ['custom with an empty user-written peer', () => ClusterDns.custom([{ toPeerConfig: () => ({}) } as any], [53]), /^ClusterDns\.custom: a peer selects nothing/],
    ['custom with undefined ports', () => ClusterDns.custom([Peer.ipBlock('10.0.0.10/32')], undefined as any), /^ClusterDns\.custom: no DNS ports were given \(undefined\)/],
    ['nodeLocalCache with a numeric address', () => ClusterDns.nodeLocalCache({ address: 1 as any }), /^ClusterDns\.nodeLocalCache: address must be a string \(1\)/],
    ['nodeLocalCache with cacheOnly as a string', () => ClusterDns.nodeLocalCache({ cacheOnly: 'true' as any }), /^ClusterDns\.nodeLocalCache: cacheOnly must be true or false \("true"\)/],
    ['nodeLocalCache with an IPv4-mapped address', () => ClusterDns.nodeLocalCache({ address: '::ffff:169.254.169.254' }), /IPv4-mapped/],
  ])('%s is refused at the call', (_name, make, message) => {
    expect(make).toThrow(message);
  });

  test('null options mean the defaults, as undefined does', () => {
    expect(ClusterDns.kubeDns(null as any)._destinations[0].peer.toString()).toBe('pods k8s-app=kube-dns in namespace kube-system');
    expect(ClusterDns.nodeLocalCache(null as any)._destinations.map((d) => String(d.peer))).toEqual(['169.254.20.10/32', 'pods k8s-app=kube-dns in namespace kube-system']);
    expect(Peer.clusterDns(null as any).toString()).toBe('pods k8s-app=kube-dns in namespace kube-system');
  });

  test('custom keeps a valid user-written peer as a normalized copy', () => {
    const [dest] = ClusterDns.custom([{ toPeerConfig: () => ({ podSelector: { matchLabels: { app: 'dns' } }, namespace: 'dns' }) } as any], [53])._destinations;
    expect(dest.peer.toPeerConfig()).toEqual({ podSelector: { matchLabels: { app: 'dns' } }, namespace: 'dns' });
    delete (dest.peer.toPeerConfig() as any).podSelector;
    expect(dest.peer.toPeerConfig()).toEqual({ podSelector: { matchLabels: { app: 'dns' } }, namespace: 'dns' });
  });
});
