/*
 * The catalogue of bad input: every public construct and factory refuses what the API server (or the
 * security intent) would not accept, with one error that names where, what, and how to fix it. Each case
 * also checks that nothing was emitted for the refused construct.
 */
import { Chart, Testing } from 'cdk8s';
import { ClusterDns, IsolatedTier, LabelOperator, NamespaceIsolation, Peer, Port, Protocol } from '../src';
import { checkPortsTowards, resolvePeer } from '../src/core/peer';
import { checkPorts } from '../src/core/port';
import { Destination } from '../src/egress/destination';

/** A peer written by hand in JavaScript, as the library cannot type-check it. */
function userPeer(config: unknown): any {
  return { toPeerConfig: () => config, toString: () => 'hand-written peer' };
}

interface Case {
  /** What is wrong. */
  readonly name: string;
  /** Builds the bad input into a fresh chart `shop` (namespace shop) that already has tiers web and api. */
  readonly make: (chart: Chart, tiers: { web: IsolatedTier; api: IsolatedTier }) => unknown;
  /** The path (or factory) the message must start with. */
  readonly where: string;
  /** The offending value as it appears in the message (inside parentheses). */
  readonly value: string;
  /** Words of the fix. */
  readonly fix: RegExp;
}

const CASES: Case[] = [
  // Ports
  { name: 'port 0', make: () => Port.tcp(0), where: 'Port.tcp', value: '0', fix: /Use a valid port number/ },
  { name: 'port above 65535', make: () => Port.udp(65536), where: 'Port.udp', value: '65536', fix: /Use a valid port number/ },
  { name: 'negative SCTP port', make: () => Port.sctp(-5), where: 'Port.sctp', value: '-5', fix: /Use a valid port number/ },
  { name: 'fractional port', make: () => Port.tcp(80.5), where: 'Port.tcp', value: '80.5', fix: /Use a valid port number/ },
  { name: 'range start above end', make: () => Port.tcpRange(9000, 8000), where: 'Port.portRange', value: '"9000-8000"', fix: /lower port first/ },
  { name: 'range end out of bounds', make: () => Port.udpRange(1000, 70000), where: 'Port.portRange', value: '70000', fix: /Use a valid port number/ },
  { name: 'named port with upper case', make: () => Port.named('HTTP'), where: 'Port.named', value: '"HTTP"', fix: /container port name/ },
  { name: 'named port too long', make: () => Port.named('a-very-long-name-here'), where: 'Port.named', value: '"a-very-long-name-here"', fix: /container port name/ },
  { name: 'named port of digits only', make: () => Port.named('8080', Protocol.TCP), where: 'Port.named', value: '"8080"', fix: /container port name/ },
  { name: 'named port with double dash', make: () => Port.named('a--b'), where: 'Port.named', value: '"a--b"', fix: /container port name/ },
  // CIDRs and except
  { name: 'address without mask', make: () => Peer.ipBlock('10.0.0.1'), where: 'Peer.ipBlock', value: '"10.0.0.1"', fix: /write "10\.0\.0\.1\/32"/ },
  { name: 'octet out of range', make: () => Peer.ipBlock('256.0.0.0/8'), where: 'Peer.ipBlock', value: '"256.0.0.0/8"', fix: /Write a CIDR/ },
  { name: 'prefix too long', make: () => Peer.ipBlock('10.0.0.0/40'), where: 'Peer.ipBlock', value: '"10.0.0.0/40"', fix: /Write a CIDR/ },
  { name: 'IPv6 prefix too long', make: () => Peer.ipBlock('2001:db8::/129'), where: 'Peer.ipBlock', value: '"2001:db8::/129"', fix: /Write a CIDR/ },
  { name: 'host bits set', make: () => Peer.ipBlock('10.1.2.3/16'), where: 'Peer.ipBlock', value: '"10.1.2.3/16"', fix: /Write a CIDR/ },
  { name: 'except outside the cidr', make: () => Peer.ipBlock('10.0.0.0/16', ['10.9.0.0/24']), where: 'Peer.ipBlock', value: '"10.9.0.0/24"', fix: /sub-blocks of 10\.0\.0\.0\/16/ },
  { name: 'except equal to the cidr', make: () => Peer.ipBlock('10.0.0.0/16', ['10.0.0.0/16']), where: 'Peer.ipBlock', value: '"10.0.0.0/16"', fix: /sub-blocks/ },
  { name: 'except of the other family', make: () => Peer.ipBlock('::/0', ['10.0.0.0/8']), where: 'Peer.ipBlock', value: '"10.0.0.0/8"', fix: /sub-blocks of ::\/0/ },
  { name: 'invalid except', make: () => Peer.ipBlock('10.0.0.0/8', ['10.0.0.0']), where: 'Peer.ipBlock', value: '"10.0.0.0"', fix: /Write a CIDR/ },
  // Labels, selectors, namespaces
  { name: 'label key with a space', make: () => Peer.pods({ 'my app': 'x' }), where: 'Peer.pods', value: '"my app"', fix: /Use a key like "app"/ },
  { name: 'label key name over 63', make: () => Peer.pods({ ['k'.repeat(64)]: 'x' }), where: 'Peer.pods', value: `"${'k'.repeat(64)}"`, fix: /Use a key like/ },
  { name: 'label prefix not DNS', make: () => Peer.namespaces({ 'Example_Com/team': 'a' }), where: 'Peer.namespaces', value: '"Example_Com/team"', fix: /Use a key like/ },
  { name: 'label value with a slash', make: () => Peer.pods({ app: 'a/b' }), where: 'Peer.pods', value: '"a/b"', fix: /Use up to 63 characters/ },
  { name: 'label value not a string', make: () => Peer.pods({ app: 1 as any }), where: 'Peer.pods', value: '1', fix: /Quote the value/ },
  { name: 'namespace with upper case', make: () => Peer.namespace('Prod'), where: 'Peer.namespace', value: '"Prod"', fix: /namespace name like/ },
  { name: 'namespace with a dot', make: () => Peer.pods({ app: 'x' }, 'a.b'), where: 'Peer.pods', value: '"a.b"', fix: /namespace name like/ },
  { name: 'In without values', make: () => Peer.podsMatching({ matchExpressions: [{ key: 'tier', operator: LabelOperator.IN, values: [] }] }), where: 'Peer.podsMatching', value: '{"key":"tier","operator":"In","values":[]}', fix: /List the values/ },
  { name: 'DoesNotExist with values', make: () => Peer.podsMatching({ matchExpressions: [{ key: 'tier', operator: LabelOperator.DOES_NOT_EXIST, values: ['a'] }] }), where: 'Peer.podsMatching', value: '{"key":"tier","operator":"DoesNotExist","values":["a"]}', fix: /Remove the values/ },
  { name: 'unknown selector operator', make: () => Peer.podsMatching({ matchExpressions: [{ key: 'tier', operator: 'Gt' as LabelOperator, values: ['1'] }] }), where: 'Peer.podsMatching', value: '"Gt"', fix: /LabelOperator\.IN/ },
  { name: 'selector value invalid', make: () => Peer.podsMatching({ matchExpressions: [{ key: 'tier', operator: LabelOperator.NOT_IN, values: ['a b'] }] }), where: 'Peer.podsMatching', value: '"a b"', fix: /valid label values/ },
  { name: 'peer config selecting nothing', make: () => Peer.fromConfig({}), where: 'Peer.fromConfig', value: '{}', fix: /Set ipBlock, podSelector/ },
  // Ports from plain JavaScript (issue 18, items 1 and 13)
  { name: 'range of an unknown protocol', make: () => Port.portRange('ICMP' as Protocol, 1, 10), where: 'Port.portRange', value: '"ICMP"', fix: /Use Protocol\.TCP, Protocol\.UDP or Protocol\.SCTP/ },
  { name: 'named port of a lower-case protocol', make: () => Port.named('http', 'tcp' as Protocol), where: 'Port.named', value: '"tcp"', fix: /Use Protocol\.TCP/ },
  { name: 'named port of a null protocol', make: () => Port.named('http', null as any), where: 'Port.named', value: 'null', fix: /Use Protocol\.TCP/ },
  { name: 'all ports of an unknown protocol', make: () => Port.allPorts('ALL' as Protocol), where: 'Port.allPorts', value: '"ALL"', fix: /Use Protocol\.TCP/ },
  { name: 'all ports of no protocol', make: () => Port.allPorts(undefined as any), where: 'Port.allPorts', value: 'undefined', fix: /Use Protocol\.TCP/ },
  { name: 'port as a string', make: () => Port.tcp('80' as any), where: 'Port.tcp', value: '"80"', fix: /Pass the number without quotes: 80\./ },
  { name: 'port NaN', make: () => Port.udp(NaN), where: 'Port.udp', value: 'NaN', fix: /Use a valid port number/ },
  { name: 'port Infinity', make: () => Port.tcp(Infinity), where: 'Port.tcp', value: 'Infinity', fix: /Use a valid port number/ },
  { name: 'port negative zero', make: () => Port.sctp(-0), where: 'Port.sctp', value: '-0', fix: /Use a valid port number/ },
  { name: 'range start undefined', make: () => Port.tcpRange(undefined as any, 90), where: 'Port.portRange', value: 'undefined', fix: /Use a valid port number/ },
  { name: 'named port not a string', make: () => Port.named(undefined as any), where: 'Port.named', value: 'undefined', fix: /container port name/ },
  { name: 'ports: a plain number', make: () => checkPorts('shop/api', [8080 as any]), where: 'shop/api', value: '8080', fix: /Use Port\.tcp\(8080\) or Port\.udp\(8080\)/ },
  { name: 'ports: a protocol/port string', make: () => checkPorts('shop/api', ['tcp/80' as any]), where: 'shop/api', value: '"tcp/80"', fix: /Use Port\.tcp\(8080\), Port\.udp\(53\) or another Port factory/ },
  { name: 'ports: undefined', make: () => checkPorts('shop/api', [undefined as any]), where: 'shop/api', value: 'undefined', fix: /Use Port\.tcp\(8080\)/ },
  { name: 'ports: an array inside the array', make: () => checkPorts('shop/api', [[Port.tcp(80)] as any]), where: 'shop/api', value: '[{"protocol":"TCP","startPort":80}]', fix: /Use Port\.tcp\(8080\)/ },
  { name: 'ports: not a list', make: () => checkPorts('shop/api', Port.tcp(80) as any), where: 'shop/api', value: '{"protocol":"TCP","startPort":80}', fix: /Use Port\.tcp\(8080\)/ },
  { name: 'ports: a forged Port', make: () => checkPorts('shop/api', [Object.create(Port.prototype)]), where: 'shop/api', value: '{}', fix: /Use Port\.tcp\(8080\)/ },
  { name: 'destination port as a number', make: () => Destination.cidr('203.0.113.0/24', 443 as any), where: 'Destination.cidr', value: '443', fix: /Use Port\.tcp\(443\) or Port\.udp\(443\)/ },
  // Empty label maps and selectors (item 5)
  { name: 'pods with empty labels', make: () => Peer.pods({}), where: 'Peer.pods', value: '{}', fix: /select every pod on purpose use Peer\.namespace\("<namespace>"\)/ },
  { name: 'namespaces with empty labels', make: () => Peer.namespaces({}), where: 'Peer.namespaces', value: '{}', fix: /select every namespace on purpose use Peer\.allPods\(\)/ },
  { name: 'podsInNamespaces with empty pod labels', make: () => Peer.podsInNamespaces({}, { team: 'a' }), where: 'Peer.podsInNamespaces', value: '{}', fix: /use Peer\.namespaces\(namespaceLabels\)/ },
  { name: 'podsInNamespaces with empty namespace labels', make: () => Peer.podsInNamespaces({ app: 'x' }, {}), where: 'Peer.podsInNamespaces', value: '{}', fix: /use Peer\.podsInAllNamespaces\(podLabels\)/ },
  { name: 'podsInAllNamespaces with empty labels', make: () => Peer.podsInAllNamespaces({}), where: 'Peer.podsInAllNamespaces', value: '{}', fix: /use Peer\.allPods\(\)/ },
  { name: 'podsMatching an empty selector', make: () => Peer.podsMatching({}), where: 'Peer.podsMatching', value: '{}', fix: /Peer\.namespaces\(labels\) or Peer\.fromConfig\(\{ namespaceSelector \}\)/ },
  { name: 'podsMatching a selector of empty parts', make: () => Peer.podsMatching({ matchLabels: {}, matchExpressions: [] }), where: 'Peer.podsMatching', value: '{"matchLabels":{},"matchExpressions":[]}', fix: /Give at least one label or expression/ },
  { name: 'podsMatching an empty namespace selector', make: () => Peer.podsMatching({ matchLabels: { app: 'x' } }, {}), where: 'Peer.podsMatching', value: '{}', fix: /Peer\.fromConfig\(\{ podSelector, allNamespaces: true \}\)/ },
  { name: 'cluster DNS with empty pod labels', make: () => Peer.clusterDns({ podLabels: {} }), where: 'Peer.clusterDns', value: '{}', fix: /leave podLabels out/ },
  { name: 'kube-dns with empty pod labels', make: () => ClusterDns.kubeDns({ podLabels: {} }), where: 'ClusterDns.kubeDns', value: '{}', fix: /leave podLabels out/ },
  { name: 'peer config with an empty pod selector', make: () => Peer.fromConfig({ podSelector: {}, namespace: 'shop' }), where: 'Peer.fromConfig', value: '{}', fix: /leave podSelector out/ },
  { name: 'peer config with an empty namespace selector', make: () => Peer.fromConfig({ namespaceSelector: { matchLabels: {} } }), where: 'Peer.fromConfig', value: '{"matchLabels":{}}', fix: /set allNamespaces: true instead/ },
  // Label maps and configs from plain JavaScript (item 13)
  { name: 'labels as a string', make: () => Peer.pods('web' as any), where: 'Peer.pods', value: '"web"', fix: /Write labels as an object/ },
  { name: 'labels as a Map', make: () => Peer.pods(new Map([['app', 'web']]) as any), where: 'Peer.pods', value: '"a Map of 1"', fix: /Write labels as an object/ },
  { name: 'labels inherited through __proto__', make: () => Peer.namespaces({ __proto__: { team: 'a' } } as any), where: 'Peer.namespaces', value: '"an object inheriting the keys [\\"team\\"]"', fix: /Write labels as an object/ },
  { name: 'a parsed __proto__ label key', make: () => Peer.pods(JSON.parse('{"__proto__":{"app":"x"}}')), where: 'Peer.pods', value: '"__proto__"', fix: /Use a key like "app"/ },
  { name: 'label key "constructor" (cdk8s cannot emit it)', make: (c) => new IsolatedTier(c, 'x', { podLabels: { constructor: 'x' } as any }), where: 'shop/x', value: '"constructor"', fix: /a prefixed one such as "example\.com\/constructor"/ },
  { name: 'selector with a misspelt field', make: () => Peer.podsMatching({ matchLabel: { app: 'x' } } as any), where: 'Peer.podsMatching', value: '{"matchLabel":{"app":"x"}}', fix: /Write a selector such as/ },
  { name: 'peer config with a misspelt field', make: () => Peer.fromConfig({ podSelector: { matchLabels: { app: 'x' } }, namespce: 'o' } as any), where: 'Peer.fromConfig', value: '{"podSelector":{"matchLabels":{"app":"x"}},"namespce":"o"}', fix: /Use the Peer factories/ },
  { name: 'peer config allNamespaces as a string', make: () => Peer.fromConfig({ podSelector: { matchLabels: { a: 'b' } }, allNamespaces: 'no' as any }), where: 'Peer.fromConfig', value: '"no"', fix: /allNamespaces: true, or leave it out/ },
  { name: 'except list as a string', make: () => Peer.ipBlock('10.0.0.0/8', '10.1.0.0/16' as any), where: 'Peer.ipBlock', value: '"10.1.0.0/16"', fix: /Pass an array/ },
  { name: 'DNS options as a string', make: () => ClusterDns.kubeDns('kube-dns' as any), where: 'ClusterDns.kubeDns', value: '"kube-dns"', fix: /Pass \{ podLabels, namespace, ports, metadataUpstream \}/ },
  { name: 'DNS port as a string', make: () => ClusterDns.kubeDns({ ports: ['53' as any] }), where: 'ClusterDns.kubeDns', value: '"53"', fix: /Pass the number without quotes: 53\./ },
  { name: 'custom DNS ports missing', make: () => ClusterDns.custom([Peer.ipBlock('10.0.0.10/32')], undefined as any), where: 'ClusterDns.custom', value: 'undefined', fix: /usually \[53\]/ },
  { name: 'NodeLocal cacheOnly as a string', make: () => ClusterDns.nodeLocalCache({ cacheOnly: 'yes' as any }), where: 'ClusterDns.nodeLocalCache', value: '"yes"', fix: /cacheOnly: true, or leave it out/ },
  // The metadata endpoint through DNS (item 6)
  { name: 'custom DNS on the metadata endpoint', make: () => ClusterDns.custom([Peer.ipBlock('169.254.169.254/32')], [80]), where: 'ClusterDns.custom', value: '"169.254.169.254/32"', fix: /use ClusterDns\.metadataServer\(\) \(GKE, 169\.254\.169\.254\) or ClusterDns\.metadataServer\("168\.63\.129\.16"\) \(Azure DNS\), which open port 53 only/ },
  { name: 'custom DNS on the IPv6 metadata endpoint', make: () => ClusterDns.custom([Peer.ipBlock('fd00:ec2::254/128')], [53]), where: 'ClusterDns.custom', value: '"fd00:ec2::254/128"', fix: /ClusterDns\.metadataServer\(\)/ },
  { name: 'NodeLocal cache on the metadata endpoint', make: () => ClusterDns.nodeLocalCache({ address: '169.254.169.254' }), where: 'ClusterDns.nodeLocalCache', value: '"169.254.169.254/32"', fix: /ClusterDns\.metadataServer\(\)/ },
  // Named ports towards addresses (item 9)
  { name: 'named port to a CIDR', make: () => Destination.cidr('203.0.113.0/24', Port.named('https')), where: 'Destination.cidr', value: '"TCP https"', fix: /Use the port number, e\.g\. Port\.tcp\(443\)/ },
  { name: 'named port to a CIDR with except', make: () => Destination.cidrExcept('10.0.0.0/8', ['10.1.0.0/16'], Port.named('https')), where: 'Destination.cidr', value: '"TCP https"', fix: /Use the port number/ },
  { name: 'named port to an ipBlock peer', make: () => Destination.peer(Peer.ipBlock('203.0.113.0/24'), Port.named('https')), where: 'Destination.peer', value: '"TCP https"', fix: /Use the port number/ },
  { name: 'named port to the internet', make: () => Destination.internet(Port.named('https')), where: 'Destination.internet', value: '"TCP https"', fix: /Use the port number/ },
  { name: 'named port to an FQDN', make: () => Destination.fqdn('api.example.com', Port.named('https')), where: 'Destination.fqdn', value: '"TCP https"', fix: /Use the port number/ },
  { name: 'named port towards a block (shared check)', make: () => checkPortsTowards('shop/api', Peer.ipBlock('203.0.113.0/24').toPeerConfig(), [Port.named('https')]), where: 'shop/api', value: '"TCP https"', fix: /Use the port number/ },
  // Peers from plain JavaScript (items 11 and 13)
  { name: 'peer undefined', make: () => resolvePeer('shop/api', undefined as any), where: 'shop/api', value: 'undefined', fix: /Pass a Peer, an IsolatedTier or a NamespaceIsolation\./ },
  { name: 'peer null', make: () => resolvePeer('shop/api', null as any), where: 'shop/api', value: 'null', fix: /Pass a Peer, an IsolatedTier or a NamespaceIsolation\./ },
  { name: 'peer as a CIDR string', make: () => Destination.peer('10.0.0.0/8' as any), where: 'Destination.peer', value: '"10.0.0.0/8"', fix: /Pass a Peer/ },
  { name: 'user peer with a bad CIDR', make: () => resolvePeer('shop/api', userPeer({ ipBlock: { cidr: '10.0.0.1/8' } })), where: 'shop/api', value: '"10.0.0.1/8"', fix: /Write a CIDR/ },
  { name: 'user peer with except outside', make: () => resolvePeer('shop/api', userPeer({ ipBlock: { cidr: '10.0.0.0/16', excluded: ['10.9.0.0/24'] } })), where: 'shop/api', value: '"10.9.0.0/24"', fix: /List only sub-blocks/ },
  { name: 'user peer selecting nothing', make: () => resolvePeer('shop/api', userPeer({})), where: 'shop/api', value: '{}', fix: /Set ipBlock, podSelector, or a namespace field/ },
  { name: 'user peer with an invalid label key', make: () => resolvePeer('shop/api', userPeer({ podSelector: { matchLabels: { 'a b': 'x' } } })), where: 'shop/api', value: '"a b"', fix: /Use a key like/ },
  { name: 'user peer with several namespace fields', make: () => resolvePeer('shop/api', userPeer({ namespace: 'a', allNamespaces: true })), where: 'shop/api', value: '{"namespace":"a","allNamespaces":true}', fix: /Set only one of/ },
  { name: 'user peer with an ipBlock and selectors', make: () => resolvePeer('shop/api', userPeer({ ipBlock: { cidr: '10.0.0.0/8' }, namespace: 'a' })), where: 'shop/api', value: '{"ipBlock":{"cidr":"10.0.0.0/8"},"namespace":"a"}', fix: /Use two peers/ },
  { name: 'user peer with an empty selector', make: () => resolvePeer('shop/api', userPeer({ podSelector: {} })), where: 'shop/api', value: '{}', fix: /leave podSelector out/ },
  { name: 'custom DNS with a user peer selecting nothing', make: () => ClusterDns.custom([userPeer({})], [53]), where: 'ClusterDns.custom', value: '{}', fix: /Set ipBlock, podSelector/ },
  // DNS
  { name: 'DNS without ports', make: () => ClusterDns.kubeDns({ ports: [] }), where: 'ClusterDns.kubeDns', value: '[]', fix: /container port, usually \[53\]/ },
  { name: 'NodeLocal cache given as a CIDR', make: () => ClusterDns.nodeLocalCache({ address: '169.254.20.10/32' }), where: 'ClusterDns.nodeLocalCache', value: '"169.254.20.10/32"', fix: /node cache address/ },
  { name: 'custom DNS without servers', make: () => ClusterDns.custom([], [53]), where: 'ClusterDns.custom', value: '[]', fix: /ClusterDns\.disabled\(\)/ },
  // IsolatedTier
  { name: 'tier without labels', make: (c) => new IsolatedTier(c, 'x', { podLabels: {} }), where: 'shop/x', value: '{}', fix: /Give the labels of the tier's pods/ },
  { name: 'tier with invalid label', make: (c) => new IsolatedTier(c, 'x', { podLabels: { 'a b': 'c' } }), where: 'shop/x', value: '"a b"', fix: /Use a key like/ },
  { name: 'tier in an invalid namespace', make: (c) => new IsolatedTier(c, 'x', { podLabels: { app: 'x' }, namespace: 'a_b' }), where: 'shop/x', value: '"a_b"', fix: /namespace name like/ },
  { name: 'tier with an invalid name', make: (c) => new IsolatedTier(c, 'x', { podLabels: { app: 'x' }, name: 'x'.repeat(64) }), where: 'shop/x', value: `"${'x'.repeat(64)}"`, fix: /Pass a name/ },
  { name: 'tier with an invalid service account', make: (c) => new IsolatedTier(c, 'x', { podLabels: { app: 'x' }, serviceAccountName: 'My SA' }), where: 'shop/x', value: '"My SA"', fix: /metadata\.name/ },
  { name: 'tier isolating nothing', make: (c) => new IsolatedTier(c, 'x', { podLabels: { app: 'x' }, isolateIngress: false, isolateEgress: false }), where: 'shop/x', value: '{"isolateIngress":false,"isolateEgress":false}', fix: /Leave isolateIngress or isolateEgress/ },
  { name: 'tier without any namespace', make: () => new IsolatedTier(new Chart(Testing.app(), 'nons'), 'x', { podLabels: { app: 'x' } }), where: 'nons/x', value: 'undefined', fix: /give the chart one/ },
  { name: 'flow on a port the server does not serve', make: (_c, t) => t.api.allowFrom(t.web, Port.tcp(1234)), where: 'shop/api', value: '"TCP 1234"', fix: /ports the tier serves \(TCP 9090\)/ },
  { name: 'flow on the right number but wrong protocol', make: (_c, t) => t.web.allowTo(t.api, Port.udp(9090)), where: 'shop/web', value: '"UDP 9090"', fix: /ports the tier serves/ },
  { name: 'flow with a plain number as port', make: (_c, t) => t.api.allowFrom(t.web, 9090 as any), where: 'shop/api', value: '9090', fix: /Use Port\.tcp\((8080|9090)\)/ },
  { name: 'flow to a tier of another app', make: (_c, t) => t.web.allowTo(new IsolatedTier(new Chart(Testing.app(), 'other', { namespace: 'o' }), 'y', { podLabels: { app: 'y' } })), where: 'shop/web', value: '"other/y"', fix: /same App/ },
  // NamespaceIsolation
  { name: 'baseline labels without the Namespace object', make: (c) => new NamespaceIsolation(c, 'b', { namespaceLabels: { team: 'a' } }), where: 'shop/b', value: '{"team":"a"}', fix: /Set createNamespace: true/ },
  { name: 'baseline with invalid namespace labels', make: (c) => new NamespaceIsolation(c, 'b', { createNamespace: true, namespaceLabels: { team: '-a' } }), where: 'shop/b', value: '"-a"', fix: /Use up to 63 characters/ },
  { name: 'baseline isolating nothing', make: (c) => new NamespaceIsolation(c, 'b', { isolateIngress: false, isolateEgress: false }), where: 'shop/b', value: '{"isolateIngress":false,"isolateEgress":false}', fix: /Leave isolateIngress or isolateEgress/ },
  { name: 'baseline with an invalid policy name', make: (c) => new NamespaceIsolation(c, 'b', { policyName: 'Default Deny' }), where: 'shop/b', value: '"Default Deny"', fix: /Pass a name/ },
];

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

describe('bad input is refused with where, what and the fix', () => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const tiers = {
      web: new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] }),
      api: new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] }),
    };
    const before = JSON.stringify(Testing.synth(chart));
    let message = '';
    try {
      c.make(chart, tiers);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(new RegExp(`^${escape(c.where)}: `));
    expect(message).toContain(`(${c.value}). `);
    expect(message).toMatch(c.fix);
    // Nothing half-built is left behind to be emitted.
    expect(JSON.stringify(Testing.synth(chart))).toBe(before);
  });
});
