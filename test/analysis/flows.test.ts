import { pod, policy } from './fixtures';
import { Reachability } from '../../src/analysis';

const app = (name: string) => ({ matchLabels: { app: name } });
const inNamespace = (ns: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': ns } });

function shop(): Reachability {
  return Reachability.fromManifests([
    pod('shop', 'web', { labels: { app: 'web' }, ports: [['http', 8080]] }),
    pod('shop', 'api', { labels: { app: 'api' }, ports: [['grpc', 9090]] }),
    pod('data', 'db', { labels: { app: 'db' }, ports: [['pg', 5432]] }),
    pod('tools', 'a'),
    pod('tools', 'b'),
    policy('shop', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    policy('data', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    policy('shop', 'web', {
      podSelector: app('web'),
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: app('api') }], ports: [{ port: 9090 }, { port: 8000, endPort: 8100 }] }],
    }),
    policy('shop', 'api', {
      podSelector: app('api'),
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: app('web') }], ports: [{ port: 'grpc' }, { port: 8000, endPort: 8100 }] }],
      egress: [
        { to: [{ namespaceSelector: inNamespace('data'), podSelector: app('db') }], ports: [{ port: 5432 }] },
        { to: [{ namespaceSelector: inNamespace('tools') }], ports: [{ protocol: 'UDP' }] },
      ],
    }),
    policy('data', 'db', {
      podSelector: app('db'),
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: inNamespace('shop'), podSelector: app('api') }], ports: [{ port: 'pg' }] }],
    }),
  ]);
}

describe('flows', () => {
  test('lists every allowed pair of distinct pods with its ports merged into ranges', () => {
    expect(shop().flows().map(f => `${f.source} -> ${f.destination}: ${f.description}`)).toEqual([
      'shop/api -> data/db: TCP 5432',
      'shop/api -> tools/a: all UDP',
      'shop/api -> tools/b: all UDP',
      'shop/web -> shop/api: TCP 8000-8100, 9090',
      'tools/a -> tools/b: all traffic',
      'tools/b -> tools/a: all traffic',
    ]);
  });

  test('ports are Port values: single ports, ranges and whole protocols', () => {
    const flows = shop().flows();
    expect(flows[3].ports.map(p => p.toString())).toEqual(['TCP 8000-8100', 'TCP 9090']);
    expect(flows[1].ports.map(p => [p.protocol, p.isAllPorts])).toEqual([['UDP', true]]);
    expect(flows[4].ports.map(p => p.toString())).toEqual(['TCP all ports', 'UDP all ports', 'SCTP all ports']);
  });

  test('a range that stops short of the whole protocol stays a range, per protocol', () => {
    const r = Reachability.fromManifests([
      pod('x', 'a'), pod('x', 'b', { labels: { app: 'b' } }),
      policy('x', 'b', { podSelector: app('b'), ingress: [{ ports: [{ port: 1, endPort: 65534 }, { port: 65535, protocol: 'UDP' }] }] }),
    ]);
    expect(r.flows().map(f => f.description)).toEqual(['TCP 1-65534; UDP 65535', 'all traffic']);
  });
});

describe('toMermaid', () => {
  test('draws one node per pod grouped per namespace and one labelled edge per flow, deterministically', () => {
    const expected = [
      'flowchart LR',
      '  subgraph ns0["namespace data"]',
      '    p0["db"]',
      '  end',
      '  subgraph ns1["namespace shop"]',
      '    p1["api"]',
      '    p2["web"]',
      '  end',
      '  subgraph ns2["namespace tools"]',
      '    p3["a"]',
      '    p4["b"]',
      '  end',
      '  p1 -->|"TCP 5432"| p0',
      '  p1 -->|"all UDP"| p3',
      '  p1 -->|"all UDP"| p4',
      '  p2 -->|"TCP 8000-8100, 9090"| p1',
      '  p3 -->|"all traffic"| p4',
      '  p4 -->|"all traffic"| p3',
      '',
    ].join('\n');
    expect(shop().toMermaid()).toBe(expected);
    expect(shop().toMermaid()).toBe(shop().toMermaid());
  });

  test('an empty model is an empty chart', () => {
    expect(Reachability.fromManifests([]).toMermaid()).toBe('flowchart LR\n');
  });
});
