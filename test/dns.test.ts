import { ClusterDns, Peer } from '../src';

describe('ClusterDns', () => {
  test('kubeDns allows UDP and TCP on each DNS port to the DNS pods', () => {
    const [dest] = ClusterDns.kubeDns({ ports: [5353, 53, 53] }).destinations;
    expect(dest.peer.toPeerConfig()).toEqual({ podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } }, namespace: 'kube-system' });
    expect(dest.ports.map(String)).toEqual(['UDP 53', 'TCP 53', 'UDP 5353', 'TCP 5353']);
  });

  test('nodeLocalCache adds the link-local cache before the upstream DNS pods', () => {
    const destinations = ClusterDns.nodeLocalCache({ address: '169.254.25.10' }).destinations;
    expect(destinations.map((d) => d.peer.toString())).toEqual(['169.254.25.10/32', 'pods k8s-app=kube-dns in namespace kube-system']);
  });

  test('metadataServer opens only port 53 on 169.254.169.254', () => {
    const [dest] = ClusterDns.metadataServer().destinations;
    expect(dest.peer.toPeerConfig()).toEqual({ ipBlock: { cidr: '169.254.169.254/32' } });
    expect(dest.ports.map(String)).toEqual(['UDP 53', 'TCP 53']);
  });

  test('custom and disabled', () => {
    expect(ClusterDns.custom([Peer.ipBlock('10.0.0.10/32')], [53]).destinations).toHaveLength(1);
    expect(ClusterDns.disabled().destinations).toEqual([]);
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
