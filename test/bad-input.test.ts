/*
 * The catalogue of bad input: every public construct and factory refuses what the API server (or the
 * security intent) would not accept, with one error that names where, what, and how to fix it. Each case
 * also checks that nothing was emitted for the refused construct.
 */
import { Chart, Testing } from 'cdk8s';
import { ClusterDns, IsolatedTier, LabelOperator, NamespaceIsolation, Peer, Port, Protocol } from '../src';

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
  { name: 'flow with a plain number as port', make: (_c, t) => t.api.allowFrom(t.web, 9090 as any), where: 'shop/api', value: '9090', fix: /Use the Port factories, e\.g\. Port\.tcp\(9090\)/ },
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
