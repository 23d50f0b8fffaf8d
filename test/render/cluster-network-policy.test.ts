import { Port, Protocol } from '../../src/core/port';
import {
  ClusterAction, clusterPeerOf, clusterPeerProblem, ClusterTier, namespacesExcept, renderClusterPolicy,
} from '../../src/render/cluster-network-policy';
import { validateAll } from '../util';

const base = { name: 'p', tier: ClusterTier.ADMIN, priority: 10, subject: { namespaces: namespacesExcept(['b', 'a']) } };

describe('renderClusterPolicy', () => {
  test('rules keep their order (it is their precedence); ports become protocols, merged and sorted; schema-valid', () => {
    const policy = renderClusterPolicy({
      ...base,
      egress: [
        { name: 'first', action: ClusterAction.PASS, peers: [{ networks: ['10.0.0.0/8'] }], ports: [Port.tcp(443), Port.tcp(444), Port.udp(53)] },
        { name: 'second', action: ClusterAction.DENY, peers: [{ namespaces: {} }, { networks: ['0.0.0.0/0', '::/0'] }] },
      ],
      ingress: [{ name: 'named', action: ClusterAction.ACCEPT, peers: [{ namespaces: {} }], ports: [Port.named('metrics'), Port.allPorts(Protocol.SCTP)] }],
    });
    validateAll([policy]);
    expect(policy).toEqual({
      apiVersion: 'policy.networking.k8s.io/v1alpha2',
      kind: 'ClusterNetworkPolicy',
      metadata: { name: 'p' },
      spec: {
        tier: 'Admin',
        priority: 10,
        subject: { namespaces: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['a', 'b'] }] } },
        ingress: [{
          name: 'named',
          action: 'Accept',
          from: [{ namespaces: {} }],
          protocols: [{ destinationNamedPort: 'metrics' }, { sctp: { destinationPort: { range: { start: 1, end: 65535 } } } }],
        }],
        egress: [
          {
            name: 'first',
            action: 'Pass',
            to: [{ networks: ['10.0.0.0/8'] }],
            protocols: [{ tcp: { destinationPort: { range: { start: 443, end: 444 } } } }, { udp: { destinationPort: { number: 53 } } }],
          },
          { name: 'second', action: 'Deny', to: [{ namespaces: {} }, { networks: ['0.0.0.0/0', '::/0'] }] },
        ],
      },
    });
  });

  test('a rule without ports has no protocols field: every port and protocol', () => {
    const policy = renderClusterPolicy({ ...base, egress: [{ name: 'x', action: ClusterAction.DENY, peers: [{ networks: ['169.254.169.254/32'] }] }] });
    validateAll([policy]);
    expect('protocols' in policy.spec.egress[0]).toBe(false);
  });

  test('namespacesExcept([]) selects every namespace', () => {
    expect(namespacesExcept([])).toEqual({});
  });
});

describe('library peers as ClusterNetworkPolicy peers', () => {
  test.each([
    [{ namespace: 'kube-system', podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } },
      { pods: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } } }],
    [{ namespace: 'kube-system' }, { namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
    [{ namespaceSelector: { matchLabels: { team: 'x' } }, podSelector: { matchLabels: { app: 'y' } } },
      { pods: { namespaceSelector: { matchLabels: { team: 'x' } }, podSelector: { matchLabels: { app: 'y' } } } }],
    [{ allNamespaces: true, podSelector: { matchLabels: { app: 'y' } } }, { pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: 'y' } } } }],
    [{ ipBlock: { cidr: '169.254.20.10/32' } }, { networks: ['169.254.20.10/32'] }],
  ])('%j', (peer, expected) => {
    expect(clusterPeerProblem(peer, true)).toBeUndefined();
    expect(clusterPeerOf(peer)).toEqual(expected);
  });

  test.each([
    [{ ipBlock: { cidr: '10.0.0.0/8' } }, false, 'is an address block, which ClusterNetworkPolicy ingress rules cannot name'],
    [{ ipBlock: { cidr: '10.0.0.0/8', excluded: ['10.1.0.0/16'] } }, true, 'excludes sub-blocks, which ClusterNetworkPolicy networks cannot express'],
    [{ podSelector: { matchLabels: { app: 'y' } } }, true, 'names no namespace, which a cluster-wide policy needs'],
  ])('refused: %j', (peer, egress, problem) => {
    expect(clusterPeerProblem(peer, egress)).toBe(problem);
  });
});
