import { Reachability } from '../../../src/analysis';
import { Port } from '../../../src/core/port';
import { pod, rawPolicy } from '../fixtures';

/** Reading one NetworkPolicy in namespace x named p, next to one pod. */
const read = (spec: any) => () => Reachability.fromManifests([pod('x', 'a'), rawPolicy('x', 'p', spec)]);
const ingressFrom = (peer: any) => ({ podSelector: {}, ingress: [{ from: [peer] }] });

describe('a NetworkPolicy the API server would reject is an error naming the object, the value and the fix', () => {
  test('a CIDR without prefix suggests the /32', () => {
    expect(read(ingressFrom({ ipBlock: { cidr: '10.0.0.1' } })))
      .toThrow('NetworkPolicy x/p: spec.ingress[0].from[0].ipBlock.cidr is not in CIDR notation (missing the "/prefix") ("10.0.0.1"). '
        + 'Write a CIDR such as "10.0.0.0/16" or "2001:db8::/64". For one address write "10.0.0.1/32".');
  });

  test('a malformed CIDR', () => {
    expect(read(ingressFrom({ ipBlock: { cidr: '10.0.0.0/33' } }))).toThrow(/ipBlock.cidr is not a valid IPv4 or IPv6 CIDR \("10.0.0.0\/33"\)/);
  });

  test('a CIDR with host bits is accepted, as the API server does, and modelled as its network', () => {
    const r = read(ingressFrom({ ipBlock: { cidr: '10.0.0.1/8' } }))();
    expect(r.isAllowed({ ip: '10.200.0.9' }, { namespace: 'x', pod: 'a' }, Port.tcp(80))).toBe(true);
    expect(r.isAllowed({ ip: '11.0.0.1' }, { namespace: 'x', pod: 'a' }, Port.tcp(80))).toBe(false);
  });

  test('an except block outside the cidr, or as large as it', () => {
    expect(read(ingressFrom({ ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24'] } })))
      .toThrow(/NetworkPolicy x\/p: spec.ingress\[0\].from\[0\].ipBlock.except\[0\] is not strictly inside 10.0.0.0\/16 \("10.1.0.0\/24"\)/);
    expect(read(ingressFrom({ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.0.0/16'] } }))).toThrow(/not strictly inside/);
    expect(read(ingressFrom({ ipBlock: { cidr: '10.0.0.0/16', except: ['fd00::/64'] } }))).toThrow(/not strictly inside/);
  });

  test('an ipBlock combined with a selector in one peer', () => {
    expect(read(ingressFrom({ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }))).toThrow(/combines ipBlock with a selector.*Split it into two peers/);
  });

  test('a peer that selects nothing', () => {
    expect(read(ingressFrom({}))).toThrow(/spec.ingress\[0\].from\[0\] selects nothing \(\{\}\)/);
  });

  test('an unknown selector operator, or values that do not fit the operator', () => {
    expect(read(ingressFrom({ podSelector: { matchExpressions: [{ key: 'app', operator: 'in', values: ['a'] }] } })))
      .toThrow('NetworkPolicy x/p: spec.ingress[0].from[0].podSelector.matchExpressions[0].operator is not a label selector operator ("in"). '
        + 'Use one of In, NotIn, Exists, DoesNotExist (case-sensitive).');
    expect(read({ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: [] }] } }))
      .toThrow(/spec.podSelector.matchExpressions\[0\].values is empty for operator In/);
    expect(read({ podSelector: { matchExpressions: [{ key: 'app', operator: 'Exists', values: ['a'] }] } }))
      .toThrow(/values must be empty for operator Exists/);
    expect(read(ingressFrom({ namespaceSelector: { matchLabels: { 'bad key!': 'x' } } }))).toThrow(/namespaceSelector.matchLabels has an invalid label key/);
    expect(read({ podSelector: { matchLabels: { app: 7 } } })).toThrow(/spec.podSelector.matchLabels\["app"\] is not a valid label value \(7\)/);
  });

  test('bad ports: protocol, numbers, names, ranges', () => {
    const ports = (entry: any) => read({ podSelector: {}, ingress: [{ ports: [entry] }] });
    expect(ports({ protocol: 'ICMP', port: 1 })).toThrow(/spec.ingress\[0\].ports\[0\].protocol is not TCP, UDP or SCTP \("ICMP"\)/);
    expect(ports({ port: 0 })).toThrow(/ports\[0\].port is not a port number \(0\)/);
    expect(ports({ port: 70000 })).toThrow(/is not a port number \(70000\)/);
    expect(ports({ port: '8080' })).toThrow(/neither a port number nor a valid port name.*Write the number without quotes: port: 8080\./);
    expect(ports({ port: 'Web_Port' })).toThrow(/neither a port number nor a valid port name/);
    expect(ports({ port: 'http', endPort: 90 })).toThrow(/endPort cannot be used with a named port/);
    expect(ports({ port: 100, endPort: 90 })).toThrow(/endPort is lower than port 100 \(90\)/);
    expect(ports({ endPort: 90 })).toThrow(/endPort is set without port/);
  });

  test('bad policyTypes, rule lists and names', () => {
    expect(read({ podSelector: {}, policyTypes: ['ingress'] })).toThrow(/spec.policyTypes has an unknown type \("ingress"\)/);
    expect(read({ podSelector: {}, ingress: {} })).toThrow(/spec.ingress is not a list of rules/);
    expect(read({ podSelector: {}, egress: [{ to: {} }] })).toThrow(/spec.egress\[0\].to is not a list/);
    expect(() => Reachability.fromManifests([{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: 'x' }, spec: {} }]))
      .toThrow(/NetworkPolicy x\/<unnamed>: has no metadata.name/);
  });

  test('two NetworkPolicies with the same namespace and name', () => {
    expect(() => Reachability.fromManifests([rawPolicy('x', 'p', {}), rawPolicy('x', 'p', { podSelector: {} })]))
      .toThrow('NetworkPolicy x/p: is defined twice (first at Reachability.fromManifests[0]); the API server keeps one object per kind, namespace and name ("x/p"). Remove one of the two, or merge their labels and rules into one object.');
  });

  test('valid edge cases read fine: endPort equal to port, absent podSelector (all pods), IPv6 except', () => {
    expect(read({ ingress: [{ ports: [{ port: 80, endPort: 80 }] }] })).not.toThrow();
    expect(read(ingressFrom({ ipBlock: { cidr: '2001:db8::/32', except: ['2001:db8::/48'] } }))).not.toThrow();
  });
});

describe('a pod or workload that cannot be read is an error naming it', () => {
  test('bad container ports and pod IPs', () => {
    const withPort = (port: any) => () => Reachability.fromManifests([{
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'x' }, spec: { containers: [{ name: 'c', ports: [port] }] },
    }]);
    expect(withPort({ containerPort: 'http' })).toThrow('Pod x/a: containers[0].ports[0].containerPort is not a port number ("http"). Use an integer from 1 to 65535.');
    expect(withPort({ containerPort: 80, protocol: 'tcp' })).toThrow(/containers\[0\].ports\[0\].protocol is not TCP, UDP or SCTP \("tcp"\)/);
    expect(() => Reachability.fromManifests([{ ...pod('x', 'a'), status: { podIP: 'not-an-ip' } }]))
      .toThrow(/Pod x\/a: has a status pod IP that is not an IP address \("not-an-ip"\)/);
  });
});
