import { Chart, Testing } from 'cdk8s';
import { IsolatedTier, NamespaceIsolation, Peer, Port, Protocol } from '../../src';
import { Destination, DestinationKind } from '../../src/egress/destination';

describe('Destination', () => {
  test('cidr keeps the canonical block and the ports', () => {
    const d = Destination.cidr('203.0.113.0/24', Port.tcp(443), Port.udp(53));
    expect(d._kind).toBe(DestinationKind.CIDR);
    expect(d._networkPeer!.toPeerConfig()).toEqual({ ipBlock: { cidr: '203.0.113.0/24' } });
    expect(d.ports.map(String)).toEqual(['TCP 443', 'UDP 53']);
    expect(d.toString()).toBe('203.0.113.0/24 on TCP 443, UDP 53');
    expect(Destination.cidr('2001:db8::/32', Port.allTraffic()).toString()).toBe('2001:db8::/32 on all traffic');
  });

  test('cidrExcept keeps the except list sorted and deduplicated', () => {
    const d = Destination.cidrExcept('10.0.0.0/8', ['10.2.0.0/16', '10.1.0.0/16', '10.2.0.0/16'], Port.tcp(5432));
    expect(d._networkPeer!.toPeerConfig()).toEqual({ ipBlock: { cidr: '10.0.0.0/8', excluded: ['10.1.0.0/16', '10.2.0.0/16'] } });
  });

  test('an invalid CIDR or except is refused, naming the factory, the value and the fix', () => {
    expect(() => Destination.cidr('10.0.0.300/8')).toThrow(/^Destination\.cidr: cidr is not a valid IPv4 or IPv6 CIDR \("10\.0\.0\.300\/8"\)\. Write a CIDR/);
    expect(() => Destination.cidr('203.0.113.7')).toThrow(/Destination\.cidr: cidr is not in CIDR notation .*\("203\.0\.113\.7"\)\..*write "203\.0\.113\.7\/32"/);
    expect(() => Destination.cidr('10.0.0.1/8')).toThrow(/has host bits set; the network address is 10\.0\.0\.0\/8/);
    expect(() => Destination.cidrExcept('10.0.0.0/8', ['bogus'])).toThrow(/Destination\.cidr: excluded block is not in CIDR notation/);
  });

  test('an except block outside the cidr (or equal to it) is refused', () => {
    expect(() => Destination.cidrExcept('10.0.0.0/8', ['192.168.0.0/16']))
      .toThrow(/^Destination\.cidr: excluded block is not strictly inside 10\.0\.0\.0\/8 \("192\.168\.0\.0\/16"\)\. List only sub-blocks/);
    expect(() => Destination.cidrExcept('10.0.0.0/8', ['10.0.0.0/8'])).toThrow(/not strictly inside 10\.0\.0\.0\/8 \("10\.0\.0\.0\/8"\)/);
    expect(() => Destination.cidrExcept('10.0.0.0/8', ['fd00::/8'])).toThrow(/not strictly inside/);
  });

  test('internet needs explicit ports', () => {
    expect(Destination.internet(Port.tcp(443))._kind).toBe(DestinationKind.INTERNET);
    expect(Destination.internet(Port.tcp(443)).toString()).toBe('the internet on TCP 443');
    expect(() => Destination.internet()).toThrow(/^Destination\.internet: internet egress needs at least one port \(\[\]\)\. Name the ports, .*Port\.allTcp\(\)/);
  });

  test('fqdn accepts fully qualified names and left-most wildcards', () => {
    for (const name of ['api.stripe.com', '*.googleapis.com', 'a-1.b2.example.co.uk', 'xn--bcher-kva.example']) {
      const d = Destination.fqdn(name, Port.tcp(443));
      expect(d._kind).toBe(DestinationKind.FQDN);
      expect(d.hostname).toBe(name);
      expect(d._networkPeer).toBeUndefined();
    }
    expect(Destination.fqdn('api.stripe.com', Port.tcp(443)).toString()).toBe('api.stripe.com on TCP 443');
  });

  test.each([
    ['API.stripe.com', /hostname must be lower case \("API\.stripe\.com"\)\. Write a fully qualified name/],
    ['api.stripe.com.', /hostname must not end with "\." /],
    ['*foo.example.com', /hostname may contain "\*" only as the whole leftmost label/],
    ['api.*.example.com', /hostname may contain "\*" only as the whole leftmost label/],
    ['*', /hostname must name a domain after the wildcard/],
    ['*.com', /hostname puts a wildcard directly over a top-level domain \("\*\.com"\)\. Name the domain/],
    ['localhost', /hostname is a single label, not a fully qualified name \("localhost"\)\. Give the full name.*Destination\.tier\(\)/],
    ['10.0.0.1', /hostname is an IP address, not a name \("10\.0\.0\.1"\)\. Use Destination\.cidr\("10\.0\.0\.1\/32"\)/],
    ['2001:db8::1', /hostname is an IP address, not a name \("2001:db8::1"\)\. Use Destination\.cidr\("2001:db8::1\/128"\)/],
    ['api.example.123', /hostname has an all-numeric top-level label/],
    ['api.shop.svc.cluster.local', /hostname is an in-cluster name .*Use Destination\.tier\(\) or Destination\.namespace\(\)/],
    ['under_score.example.com', /hostname has a label that is not letters, digits and "-".*\("under_score"\)/],
    ['-api.example.com', /has a label that is not letters/],
    ['a..example.com', /hostname must not contain an empty label/],
    [`${'a'.repeat(64)}.example.com`, /hostname has a label longer than 63 characters/],
    [`${'a.'.repeat(130)}com`, /hostname must be at most 253 characters/],
    ['', /hostname must be a non-empty string \(""\)/],
  ])('fqdn refuses %j', (name, message) => {
    expect(() => Destination.fqdn(name, Port.tcp(443))).toThrow(/^Destination\.fqdn: /);
    expect(() => Destination.fqdn(name, Port.tcp(443))).toThrow(message);
  });

  test('fqdn needs at least one port', () => {
    expect(() => Destination.fqdn('api.example.com'))
      .toThrow(/^Destination\.fqdn: an FQDN destination needs at least one port \("api\.example\.com"\)\. Name the ports/);
  });

  test('ports outside 1-65535 are refused by the Port factories, and non-Port values by every Destination factory', () => {
    expect(() => Destination.fqdn('api.example.com', Port.tcp(70000))).toThrow(/^Port\.tcp: port must be an integer from 1 to 65535 \(70000\)/);
    expect(() => Destination.cidr('10.0.0.0/8', Port.tcp(0))).toThrow(/^Port\.tcp: port must be an integer from 1 to 65535 \(0\)/);
    expect(() => Destination.cidr('10.0.0.0/8', 443 as any)).toThrow(/^Destination\.cidr: ports must be Port values \(443\)\. Use Port\.tcp\(443\)/);
    expect(() => Destination.fqdn('api.example.com', 443 as any)).toThrow(/^Destination\.fqdn: ports must be Port values/);
    expect(() => Destination.internet('443' as any)).toThrow(/^Destination\.internet: ports must be Port values \("443"\)/);
  });

  test('tier, namespace and peer name in-cluster pods', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'shop' });
    const db = new IsolatedTier(chart, 'db', { podLabels: { app: 'db' }, namespace: 'data', ports: [Port.tcp(5432)] });
    const baseline = new NamespaceIsolation(chart, 'baseline');
    expect(Destination.tier(db, Port.tcp(5432))._networkPeer).toBe(db);
    expect(Destination.tier(db)._kind).toBe(DestinationKind.TIER);
    expect(Destination.namespace('monitoring', Port.tcp(9090))._networkPeer!.toPeerConfig()).toEqual({ namespace: 'monitoring' });
    expect(Destination.peer(db)._kind).toBe(DestinationKind.TIER);
    expect(Destination.peer(baseline, Port.tcp(80))._kind).toBe(DestinationKind.PEER);
    expect(Destination.peer(Peer.pods({ app: 'redis' }, 'cache'), Port.tcp(6379))._kind).toBe(DestinationKind.PEER);
    expect(Destination.peer(Peer.ipBlock('198.51.100.0/24'), Port.tcp(443))._kind).toBe(DestinationKind.CIDR);
  });

  test('no ports is the tier\'s declared ports, and an error where there is nothing to default from', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'shop' });
    const db = new IsolatedTier(chart, 'db', { podLabels: { app: 'db' }, namespace: 'data', ports: [Port.tcp(5432)] });
    const bare = new IsolatedTier(chart, 'bare', { podLabels: { app: 'bare' } });
    expect(Destination.tier(db).ports.map(String)).toEqual(['TCP 5432']);
    expect(Destination.peer(db).ports.map(String)).toEqual(['TCP 5432']);
    const fix = /Name the ports, e\.g\. Destination\.cidr\("203\.0\.113\.0\/24", Port\.tcp\(443\)\); to open every port say so with Port\.allTraffic\(\)\./;
    expect(() => Destination.cidr('10.0.0.0/8')).toThrow(/^Destination\.cidr: names no ports, and 10\.0\.0\.0\/8 declares none to default to \("10\.0\.0\.0\/8"\)/);
    expect(() => Destination.cidr('10.0.0.0/8')).toThrow(fix);
    expect(() => Destination.tier(bare)).toThrow(/^Destination\.tier: names no ports, and tier shop\/bare declares none/);
    expect(() => Destination.namespace('monitoring')).toThrow(/^Destination\.namespace: names no ports/);
    expect(() => Destination.peer(Peer.pods({ app: 'x' }))).toThrow(/^Destination\.peer: names no ports/);
  });

  test('tier, namespace and peer refuse what they cannot name', () => {
    expect(() => Destination.tier(Peer.pods({ app: 'x' }) as any)).toThrow(/^Destination\.tier: is not an IsolatedTier .*Destination\.peer\(Peer\.pods/);
    expect(() => Destination.namespace('Data')).toThrow(/^Destination\.namespace: namespace name must be a DNS-1123 label.*\("Data"\)\. Use a namespace name/);
    expect(() => Destination.peer('10.0.0.0/8' as any)).toThrow(/^Destination\.peer: expected a peer \("10\.0\.0\.0\/8"\)/);
  });

  test.each([
    ['cidr', () => Destination.cidr('203.0.113.0/24', Port.tcp(80), Port.named('https')), 'Destination.cidr', '203.0.113.0/24'],
    ['cidrExcept', () => Destination.cidrExcept('10.0.0.0/8', ['10.1.0.0/16'], Port.named('https')), 'Destination.cidr', '10.0.0.0/8'],
    ['peer with an ipBlock', () => Destination.peer(Peer.ipBlock('198.51.100.0/24'), Port.named('https', Protocol.UDP)), 'Destination.peer', '198.51.100.0/24'],
    ['internet', () => Destination.internet(Port.named('https')), 'Destination.internet', '0.0.0.0/0'],
  ])('%s refuses a named port: an address has no pod spec to name it', (_name, make, where, cidr) => {
    expect(make).toThrow(new RegExp(`^${where.replace('.', '\\.')}: a named port towards the address block ${cidr.replace(/[./]/g, '\\$&')} can never match .*\\("(TCP|UDP) https"\\)\\. Use the port number, e\\.g\\. Port\\.tcp\\(443\\)\\.`));
  });

  test('fqdn refuses a named port; pods and namespaces keep them', () => {
    expect(() => Destination.fqdn('api.example.com', Port.named('https')))
      .toThrow('Destination.fqdn: a named port towards api.example.com can never match (a host outside the cluster has no pod spec to name ports) ("TCP https"). Use the port number, e.g. Port.tcp(443).');
    expect(Destination.peer(Peer.pods({ app: 'web' }), Port.named('http')).ports.map(String)).toEqual(['TCP http']);
    expect(Destination.namespace('monitoring', Port.named('metrics')).ports.map(String)).toEqual(['TCP metrics']);
  });

  test('peer validates user-written peers at the call and keeps a normalized copy', () => {
    const user = (config: unknown) => ({ toPeerConfig: () => config, toString: () => 'user' }) as any;
    expect(() => Destination.peer(undefined as any)).toThrow('Destination.peer: expected a peer (undefined). Pass a Peer, an IsolatedTier or a NamespaceIsolation.');
    expect(() => Destination.peer(user({ ipBlock: { cidr: '10.0.0.0/16', excluded: ['10.9.0.0/24'] } }))).toThrow(/^Destination\.peer: excluded block is not strictly inside/);
    expect(() => Destination.peer(user({ podSelector: {} }))).toThrow(/^Destination\.peer: the pod selector is empty/);
    expect(() => Destination.peer(user({ ipBlock: { cidr: '203.0.113.0/24' } }), Port.named('https'))).toThrow(/^Destination\.peer: a named port towards the address block/);
    const destination = Destination.peer(user({ ipBlock: { cidr: '203.0.113.0/24' } }), Port.tcp(443));
    expect(destination._kind).toBe(DestinationKind.CIDR);
    expect(destination._networkPeer!.toPeerConfig()).toEqual({ ipBlock: { cidr: '203.0.113.0/24' } });
    // The caller gets a copy: changing it does not change the destination.
    (destination._networkPeer!.toPeerConfig().ipBlock as any).cidr = '0.0.0.0/0';
    expect(destination._networkPeer!.toPeerConfig()).toEqual({ ipBlock: { cidr: '203.0.113.0/24' } });
  });

  test('ports that are not a list of Ports are refused with the shared check', () => {
    expect(() => Destination.cidr('10.0.0.0/8', [Port.tcp(80)] as any)).toThrow(/^Destination\.cidr: ports must be Port values \(\[\{"protocol":"TCP","startPort":80\}\]\)/);
    expect(() => Destination.namespace('ops', undefined as any)).toThrow(/^Destination\.namespace: ports must be Port values \(undefined\)/);
    expect(() => Destination.tier(undefined as any)).toThrow(/^Destination\.tier: is not an IsolatedTier \(undefined\)/);
  });
});
