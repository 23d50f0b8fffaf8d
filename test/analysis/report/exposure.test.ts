import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { exampleNames } from '../../../examples/diagrams';
import { exampleExposure, exposureBlock, readmeExposure } from '../../../examples/exposure';
import { IngressController, IsolatedTier, NamespaceIsolation, Peer, Port, Reachability, SecureIngress } from '../../../src';
import type { WorkloadExposure } from '../../../src';
import { exposureCsv, exposureMarkdown } from '../../../src/analysis/report/exposure-report';
import { cli } from '../../cli/run-cli';
import { validateAll } from '../../util';
import { namespace, pod, policy } from '../fixtures';

/*
 * Reachability.exposure(): outside address ranges, any namespace, own namespace, and the paths in.
 */

function exposureOf(objects: any[], workload: string): WorkloadExposure {
  const found = Reachability.fromManifests(validateAll(objects)).exposure().find(e => e.workload === workload);
  if (!found) throw new Error(`no exposure for ${workload}`);
  return found;
}

const ranges = (e: WorkloadExposure) => e.fromOutside.map(r => `${r.addresses} ${r.description}`);

describe('from outside the cluster: maximal ranges that share one answer', () => {
  test('a pod no policy isolates: every address, all traffic, one range per family', () => {
    const e = exposureOf([namespace('shop'), pod('shop', 'web', { labels: { app: 'web' } })], 'shop/web');
    expect(ranges(e)).toEqual(['0.0.0.0-255.255.255.255 all traffic', '::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff all traffic']);
    expect(e.fromOutside[0].cidrs).toEqual(['0.0.0.0/0']);
    expect([e.fromAnyNamespaceDescription, e.fromOwnNamespaceDescription]).toEqual(['all traffic', 'all traffic']);
  });

  test('ipBlocks with except split the space; ranges with one answer merge; ranges admitting nothing are left out', () => {
    const objects = [namespace('shop'), pod('shop', 'web', { labels: { app: 'web' } }), policy('shop', 'web', {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Ingress'],
      ingress: [
        { from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ protocol: 'TCP', port: 443 }] },
        { from: [{ ipBlock: { cidr: '10.0.0.0/9' } }, { ipBlock: { cidr: '10.128.0.0/9' } }], ports: [{ protocol: 'TCP', port: 80 }] },
      ],
    })];
    const e = exposureOf(objects, 'shop/web');
    expect(ranges(e)).toEqual([
      '10.0.0.0-10.0.255.255 TCP 80, 443',
      '10.1.0.0-10.1.255.255 TCP 80',
      '10.2.0.0-10.255.255.255 TCP 80, 443',
    ]);
    expect(e.fromOutside[2].cidrs).toEqual(['10.2.0.0/15', '10.4.0.0/14', '10.8.0.0/13', '10.16.0.0/12', '10.32.0.0/11', '10.64.0.0/10', '10.128.0.0/9']);
    expect(e.fromOutside[1].ports.map(p => p.toString())).toEqual(['TCP 80']);
    // The analyzer agrees at the edges of each range.
    const r = Reachability.fromManifests(objects);
    const web = { namespace: 'shop', pod: 'web' };
    for (const [ip, port, allowed] of [['10.0.255.255', 443, true], ['10.1.0.0', 443, false], ['10.1.255.255', 80, true],
      ['10.2.0.0', 443, true], ['9.255.255.255', 80, false], ['11.0.0.0', 80, false]] as const) {
      expect([ip, port, r.isAllowed({ ip }, web, Port.tcp(port))]).toEqual([ip, port, allowed]);
    }
  });
});

describe('from any namespace and from the own namespace', () => {
  const objects = () => [namespace('shop'), namespace('ops', { team: 'ops' }),
    pod('shop', 'web', { labels: { app: 'web' }, ports: [['http', 8080]] }),
    policy('shop', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    policy('shop', 'web', {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Ingress'],
      ingress: [
        { from: [{ namespaceSelector: {} }], ports: [{ protocol: 'TCP', port: 'http' }] },
        { from: [{ namespaceSelector: { matchLabels: { team: 'ops' } } }], ports: [{ protocol: 'TCP', port: 9100 }] },
        { from: [{ podSelector: {} }], ports: [{ protocol: 'TCP', port: 9200 }] },
      ],
    })];

  test('an unknown namespace satisfies only selectors a namespace with its name label alone satisfies', () => {
    const e = exposureOf(objects(), 'shop/web');
    expect(e.fromAnyNamespaceDescription).toBe('TCP 8080');
    expect(ranges(e)).toEqual([]);
  });

  test('a new pod of the own namespace needs its egress too: the namespace default deny stops it', () => {
    expect(exposureOf(objects(), 'shop/web').fromOwnNamespaceDescription).toBe('nothing');
    const openEgress = objects().filter(o => o.metadata.name !== 'deny');
    expect(exposureOf(openEgress, 'shop/web').fromOwnNamespaceDescription).toBe('TCP 8080, 9200');
  });
});

describe('paths into the cluster', () => {
  test('a LoadBalancer Service with source ranges, an Ingress and a Gateway route, with what the policies admit', () => {
    const objects = [namespace('shop'), namespace('edge'), namespace('ingress-nginx'),
      pod('shop', 'web', { labels: { app: 'web' }, ports: [['http', 8080]] }),
      policy('shop', 'web', {
        podSelector: { matchLabels: { app: 'web' } },
        policyTypes: ['Ingress'],
        ingress: [
          { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ protocol: 'TCP', port: 8080 }] },
          { from: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ protocol: 'TCP', port: 8080 }] },
        ],
      }),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] } },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web-lb', namespace: 'shop' },
        spec: { type: 'LoadBalancer', selector: { app: 'web' }, loadBalancerSourceRanges: ['203.0.113.0/24'], ports: [{ port: 443, targetPort: 8080 }] },
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'web', namespace: 'shop' },
        spec: {
          ingressClassName: 'nginx',
          tls: [{ hosts: ['shop.example.com'], secretName: 'tls' }],
          rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }],
        },
      },
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: { name: 'edge', namespace: 'edge' },
        spec: {
          gatewayClassName: 'eg',
          listeners: [{
            name: 'https',
            protocol: 'HTTPS',
            port: 443,
            hostname: 'api.example.com',
            tls: { certificateRefs: [{ name: 'tls' }] },
            allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } } },
          }],
        },
      },
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'web', namespace: 'shop' },
        spec: {
          parentRefs: [{ name: 'edge', namespace: 'edge', sectionName: 'https' }],
          hostnames: ['api.example.com'],
          rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/v1' } }], backendRefs: [{ name: 'web', port: 80 }] }],
        },
      }];
    const e = exposureOf(objects, 'shop/web');
    expect(e.paths.map(p => [p.kind, p.resource, p.description, p.targetPorts.map(t => t.toString()), p.admittedFrom, p.reachable])).toEqual([
      ['Service', 'Service shop/web-lb', 'LoadBalancer TCP 443 -> TCP 8080, source ranges 203.0.113.0/24', ['TCP 8080'],
        ['203.0.113.0-203.0.113.255 (TCP 8080)'], true],
      ['Ingress', 'Ingress shop/web', 'host shop.example.com path / (Prefix) via the ingress controller of nginx (TLS), Service web:80 -> TCP 8080', ['TCP 8080'],
        ['all pods of namespaces {kubernetes.io/metadata.name=ingress-nginx} (shop/web)'], true],
      ['HTTPRoute', 'HTTPRoute shop/web', 'hostnames api.example.com path /v1 via Gateway edge/edge listener https (HTTPS 443 api.example.com), Service web:80 -> TCP 8080',
        ['TCP 8080'], ['all pods of namespaces {kubernetes.io/metadata.name=ingress-nginx} (shop/web)'], true],
    ]);
  });
});

describe('determinism', () => {
  test('the input order of the objects does not change the exposure', () => {
    const objects = [namespace('shop'), pod('shop', 'web', { labels: { app: 'web' } }),
      ...['b', 'a', 'c'].map(name => ({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace: 'shop' },
        spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
      })),
      policy('shop', 'web', {
        podSelector: { matchLabels: { app: 'web' } },
        policyTypes: ['Ingress'],
        ingress: [
          { from: [{ ipBlock: { cidr: '192.0.2.0/24' } }, { ipBlock: { cidr: '198.51.100.0/24' } }], ports: [{ protocol: 'TCP', port: 8080 }] },
        ],
      })];
    const forward = Reachability.fromManifests(objects).exposure();
    expect(forward[0].paths.map(p => p.resource)).toEqual(['Service shop/a', 'Service shop/b', 'Service shop/c']);
    expect(Reachability.fromManifests([...objects].reverse()).exposure()).toEqual(forward);
  });
});

describe('constructs', () => {
  test('a tier behind SecureIngress: reachable only through the ingress controller, from nothing outside or unknown', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    new NamespaceIsolation(chart, 'baseline');
    const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
    const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
    api.allowFrom(web, Port.tcp(9090));
    api.allowFrom(Peer.ipBlock('198.51.100.0/24'), Port.tcp(9090));
    new SecureIngress(chart, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), clusterIssuer: 'le', controller: IngressController.ingressNginx() });
    const exposure = Reachability.fromChart(chart).exposure();
    const webExposure = exposure.find(e => e.workload === 'shop/web')!;
    expect(ranges(webExposure)).toEqual([]);
    expect(webExposure.fromAnyNamespaceDescription).toBe('nothing');
    expect(webExposure.paths.map(p => [p.kind, p.reachable])).toEqual([['Ingress', true]]);
    expect(webExposure.paths[0].admittedFrom).toEqual([expect.stringMatching(/ingress-nginx/)]);
    const apiExposure = exposure.find(e => e.workload === 'shop/api')!;
    expect(ranges(apiExposure)).toEqual(['198.51.100.0-198.51.100.255 TCP 9090']);
    expect(apiExposure.paths).toEqual([]);
  });
});

describe('cdk8s-netsec analyze --exposure and the report formats', () => {
  const yaml = [namespace('shop'), pod('shop', 'web', { labels: { app: 'web' } }), policy('shop', 'web', {
    podSelector: { matchLabels: { app: 'web' } },
    policyTypes: ['Ingress'],
    ingress: [{ from: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ protocol: 'TCP', port: 443 }] }],
  })].map(o => YAML.stringify(o)).join('---\n');

  test('text', () => {
    const run = cli(['analyze', '--exposure', '--fail-on', 'none', '-'], { stdin: yaml });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain([
      'Exposure (what can reach each workload):',
      '',
      'shop/web (Pod)',
      '  from outside the cluster:',
      '    203.0.113.0-203.0.113.255: TCP 443',
      '  from any namespace: nothing',
      '  from its own namespace: nothing',
      '  from the ingress controller (as a pod of any namespace): nothing',
      '  paths in: none',
    ].join('\n'));
  });

  test('JSON', () => {
    const document = JSON.parse(cli(['analyze', '--exposure', '--json', '--fail-on', 'none', '-'], { stdin: yaml }).stdout);
    expect(document.exposure).toEqual([{
      workload: 'shop/web',
      kind: 'Pod',
      fromOutside: [{ addresses: '203.0.113.0-203.0.113.255', cidrs: ['203.0.113.0/24'], ports: [{ protocol: 'TCP', port: 443 }], description: 'TCP 443' }],
      fromAnyNamespace: { ports: [], description: 'nothing' },
      fromOwnNamespace: { ports: [], description: 'nothing' },
      fromIngressController: { ports: [], description: 'nothing' },
      paths: [],
    }]);
    expect(JSON.parse(cli(['analyze', '--json', '--fail-on', 'none', '-'], { stdin: yaml }).stdout)).not.toHaveProperty('exposure');
  });

  test('Markdown and CSV', () => {
    const exposure = Reachability.fromManifests(YAML.parseAllDocuments(yaml).map(d => d.toJSON())).exposure();
    expect(exposureMarkdown(exposure)).toBe([
      '| Workload | From outside the cluster | From any namespace | From its own namespace | Paths in |',
      '| --- | --- | --- | --- | --- |',
      '| shop/web (Pod) | 203.0.113.0-203.0.113.255: TCP 443 | nothing | nothing | none |',
      '',
    ].join('\n'));
    expect(exposureCsv(exposure)).toBe([
      'workload,kind,source,detail,ports,reachable',
      'shop/web,Pod,outside,203.0.113.0-203.0.113.255,TCP 443,true',
      'shop/web,Pod,any-namespace,,nothing,false',
      'shop/web,Pod,own-namespace,,nothing,false',
      'shop/web,Pod,ingress-controller,,nothing,false',
      '',
    ].join('\n'));
  });
});

describe('the examples document their exposure', () => {
  test.each(exampleNames())('examples/%s/README.md shows the current exposure table', (example) => {
    const table = exampleExposure(example);
    expect(table).toMatch(/^\| Workload \| From outside the cluster \|/);
    // Regenerate with `npx ts-node examples/exposure.ts` when an example's exposure changes on purpose.
    expect(readmeExposure(example)).toBe(exposureBlock(table));
  });

  test('the public examples are reachable only through their Ingress, from the ingress controller\'s pods', () => {
    const table = exampleExposure('public-web');
    expect(table).toContain('| storefront/site (IsolatedTier) | nothing | nothing | nothing | Ingress storefront/public: host example.com path / (Prefix)');
    expect(table).toContain('admitted from pods {app.kubernetes.io/name=ingress-nginx} of namespaces {kubernetes.io/metadata.name=ingress-nginx}');
  });
});

describe('netpol-analyzer conformance: the {ingress-controller} lines of the ingress cases', () => {
  const ROOT = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'conformance', 'netpol-analyzer');
  const cases: { dir: string; expected: string; kind: string }[] = JSON.parse(fs.readFileSync(path.join(ROOT, 'cases.json'), 'utf8'))
    .filter((c: any) => c.kind === 'ingress');

  function files(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))
      .flatMap(d => (d.isDirectory() ? files(path.join(dir, d.name)) : /\.(ya?ml|json)$/.test(d.name) ? [path.join(dir, d.name)] : []));
  }

  /** Every object of a case; typed lists are flattened here until the manifest reader does it (analyzer branch). */
  function objectsOf(dir: string): any[] {
    const documents = files(path.join(ROOT, 'tests', dir)).flatMap(f => YAML.parseAllDocuments(fs.readFileSync(f, 'utf8')).map(d => d.toJSON()))
      .filter(d => d !== null && typeof d === 'object' && !Array.isArray(d));
    return documents.flatMap(d => (/List$/.test(d.kind ?? '') && d.kind !== 'List'
      ? (d.items ?? []).map((item: any) => ({ apiVersion: d.apiVersion, kind: d.kind.replace(/List$/, ''), ...item }))
      : [d]));
  }

  test('there are eight cases', () => expect(cases).toHaveLength(8));

  test.each(cases.map(c => [c.dir, c.expected] as const))('%s', (dir, expected) => {
    const lines = fs.readFileSync(path.join(ROOT, expected), 'utf8').split('\n').filter(l => l.startsWith('{ingress-controller}'));
    // The peer names a workload by its owner (namespace/name[Kind]); compare namespace/name and ports.
    const want = lines.map(l => l.replace(/\[[A-Za-z]+\]/, '')).filter(l => !/\/details-v1-79f774bdb9 /.test(l));
    const got = Reachability.fromManifests(objectsOf(dir)).exposure()
      .filter(e => e.fromIngressController.length > 0 && !e.workload.startsWith('default/details-v1-79f774bdb9'))
      .map(e => `{ingress-controller} => ${e.workload} : ${e.fromIngressController.map(p => p.toString()).join(',').replace(/,TCP /g, ',')}`);
    expect(got).toEqual(want);
  });

  test('the pod of a ReplicaSet owner is named by the pod today; its ports agree', () => {
    const exposure = Reachability.fromManifests(objectsOf('k8s_ingress_test')).exposure().filter(e => e.fromIngressController.length > 0);
    expect(exposure.map(e => [e.workload.replace(/-[a-z0-9]{5}$/, ''), e.fromIngressControllerDescription])).toEqual([['default/details-v1-79f774bdb9', 'TCP 9080']]);
  });
});
