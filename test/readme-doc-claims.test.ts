import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { ClusterIsolation, GatewayImplementation, IsolatedTier, MeshMtls, MtlsMode, Port, Reachability, SecureGateway, SecureIngress } from '../src';

/*
 * Claims the docs make that code can check (issue 23 item 3): each documented behaviour is the behaviour.
 */

const read = (file: string) => fs.readFileSync(path.join(__dirname, '..', file), 'utf8');

function edge(implementation: GatewayImplementation, gatewayClassName: string) {
  const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
  const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)], serviceAccountName: 'web' });
  const gateway = new SecureGateway(chart, 'edge', { namespace: 'edge', gatewayClassName, implementation, clusterIssuer: 'letsencrypt-prod' });
  new SecureIngress(chart, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), gateway });
  return chart;
}

describe('docs/gateway.md', () => {
  test('GatewayImplementation.cilium() renders: a CiliumNetworkPolicy admits the ingress identity on the backend port', () => {
    expect(read('docs/gateway.md')).not.toMatch(/cilium\(\)`[^\n]*always an error/);
    const objects = Testing.synth(edge(GatewayImplementation.cilium(), 'cilium'));
    const backend = objects.find((o: any) => o.kind === 'CiliumNetworkPolicy' && o.spec?.endpointSelector?.matchLabels?.app === 'web');
    expect(backend.spec.ingress).toEqual([{ fromEntities: ['ingress'], toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }] }] }]);
  });

  test('MeshMtls refuses a backend served by Envoy Gateway until its service account is named, as documented', () => {
    expect(read('docs/gateway.md')).toMatch(/`MeshMtls` refuses the backend until you name the data plane's service account/);
    const chart = edge(GatewayImplementation.envoyGateway(), 'eg');
    new MeshMtls(chart, 'mesh', { mode: MtlsMode.STRICT });
    expect(() => Testing.synth(chart)).toThrow(/mesh authorization can name them only by their service account/);
  });
});

describe.each(['docs/validation-plugin.md', 'docs/python.md', 'README.md'])('%s', (doc) => {
  test('names no version of the package that does not exist: only the package.json version, for a local path', () => {
    const version = JSON.parse(read('package.json')).version;
    const written = [...read(doc).matchAll(/version: *([0-9][^\s#]*)/g)].map(m => m[1]);
    expect(written.length).toBeGreaterThan(0);
    expect(written.every(v => v === version)).toBe(true);
    expect(read(doc)).not.toMatch(new RegExp(`cdk8s-netsec@(?!${version.replace(/\./g, '\\.')})\\d`));
  });
});

describe('docs/validation-plugin.md, the sample report', () => {
  const sample = read('docs/validation-plugin.md').match(/```text\n\$ npx cdk8s synth\n([\s\S]*?)```/)![1];
  const row = (name: string) => sample.match(new RegExp(`║ ${name} +│ (.*?) +║`))![1];

  test('names the plugin and version as cdk8s-cli does: the version of cdk8s.yaml, a local package by its absolute path', () => {
    // cdk8s-cli (lib/plugins/_manager.js, validation.js) titles the report `<plugin>@<version>` and prints
    // the same two in the summary; a local package's plugin name is its resolved absolute path.
    const version = JSON.parse(read('package.json')).version;
    const [, plugin, titled] = sample.match(/^Validation Report \((.*)@(.*)\)$/m)!;
    expect({ plugin: row('Plugin'), version: row('Version') }).toEqual({ plugin, version: titled });
    expect(titled).toBe(version);
    expect(path.isAbsolute(plugin)).toBe(true);
    expect(plugin).toMatch(/\/node_modules\/cdk8s-netsec$/);
    const title = sample.match(/^Validation Report .*$/m)![0];
    expect(sample).toContain(`${title}\n${'-'.repeat(title.length)}\n`);
  });

  test('its finding is what the audit reports for the fixture it names', () => {
    expect(read('docs/validation-plugin.md')).toContain('(the fixture `test/fixtures/validation/violating`)');
    expect(row('Findings')).toBe('1 (1 high)');
    expect(sample).toContain('NETSEC006 load-balancer-without-source-ranges (1 occurrences)');
  });
});

describe('docs/cluster-guardrails.md', () => {
  test('says the analyzer reads ClusterNetworkPolicy, and it does: the Baseline deny decides for pods no NetworkPolicy selects', () => {
    const doc = read('docs/cluster-guardrails.md').replace(/\s+/g, ' ');
    expect(doc).toContain('`Reachability` reads ClusterNetworkPolicy (Admin tier, then NetworkPolicies, then Baseline)');
    expect(doc).not.toMatch(/(analyzer|Reachability)[^.]*(ignores|does not read|cannot read)[^.]*ClusterNetworkPolicy/);

    const app = Testing.app();
    new ClusterIsolation(new Chart(app, 'platform'), 'guardrails', { exemptNamespaces: ['kube-system'] });
    const guardrails = Testing.synth(app.charts[0]);
    expect(guardrails.map((o: any) => o.kind)).toEqual(['ClusterNetworkPolicy', 'ClusterNetworkPolicy']);
    const pod = (namespace: string, name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels: { app: name } }, spec: { containers: [] } });
    const pods = [pod('legacy', 'client'), pod('billing', 'server'), pod('kube-system', 'agent'), pod('kube-system', 'metrics')];
    const [client, server] = [{ namespace: 'legacy', pod: 'client' }, { namespace: 'billing', pod: 'server' }];
    const [agent, metrics] = [{ namespace: 'kube-system', pod: 'agent' }, { namespace: 'kube-system', pod: 'metrics' }];
    const withGuardrails = Reachability.fromManifests([...guardrails, ...pods]);
    const without = Reachability.fromManifests(pods);
    expect([without.isAllowed(client, server, Port.tcp(80)), withGuardrails.isAllowed(client, server, Port.tcp(80))]).toEqual([true, false]);
    // kube-system is exempt from the Baseline, so traffic between its pods is still allowed.
    expect(withGuardrails.isAllowed(agent, metrics, Port.tcp(80))).toBe(true);
  });
});

describe('README.md', () => {
  test('links every guide in docs/, docs/exposure.md and docs/reachability.md among them', () => {
    const readme = read('README.md');
    const guides = fs.readdirSync(path.join(__dirname, '..', 'docs')).filter((f) => f.endsWith('.md')).sort();
    expect(guides).toEqual(expect.arrayContaining(['exposure.md', 'reachability.md']));
    expect(guides.filter((guide) => !readme.includes(`](docs/${guide})`))).toEqual([]);
  });
});

describe('docs/python.md', () => {
  const doc = read('docs/python.md');

  test('the CLI it describes is the package\'s bin, which jsii-pacmak makes a script of the wheel', () => {
    const bin = JSON.parse(read('package.json')).bin;
    expect(bin).toEqual({ 'cdk8s-netsec': 'lib/cli/main.js' });
    expect(doc).toContain('its `cdk8s-netsec` bin, `lib/cli/main.js`');
    expect(doc).toContain('cdk8s-netsec analyze dist/');
  });

  test('the error it shows is the one a Python caller gets', () => {
    const shown = doc.match(/name the API as Python spells it[\s\S]*?```\n(.*)\n```/)![1];
    const before = process.env.JSII_AGENT;
    process.env.JSII_AGENT = 'Python/3.12.3';
    try {
      expect(() => new IsolatedTier(new Chart(Testing.app(), 'shop', { namespace: 'shop' }), 'api', { podLabels: {} })).toThrow(shown);
    } finally {
      if (before === undefined) delete process.env.JSII_AGENT;
      else process.env.JSII_AGENT = before;
    }
    expect(shown).toMatch(/^shop\/api: pod_labels is empty/);
  });
});

describe('what installing the package brings (issue 23 item 2)', () => {
  const pkg = JSON.parse(read('package.json'));
  const docs = ['README.md', 'docs/python.md', ...fs.readdirSync(path.join(__dirname, '..', 'docs')).map(f => `docs/${f}`)];

  test('package.json has no cdk8s-plus line among its dependencies or peers', () => {
    const needed = { ...pkg.dependencies, ...pkg.peerDependencies };
    expect(Object.keys(needed).filter(name => name.startsWith('cdk8s-plus'))).toEqual([]);
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(['cdk8s', 'constructs']);
  });

  test.each([...new Set(docs)])('%s does not say a cdk8s-plus line comes with the package or must be installed for it', (doc) => {
    const text = read(doc);
    expect(text).not.toMatch(/npm install cdk8s-netsec[^\n]*cdk8s-plus/);
    expect(text).not.toMatch(/cdk8s-plus-\d+[^\n|]*\|[^\n]*peer dependency/);
    expect(text).not.toMatch(/(depends on|peer,?|dependency on) `?cdk8s-plus-\d+/);
    expect(text).not.toMatch(/come from the `k8s` export of `cdk8s-plus/);
  });

  test('the README names the peer floors package.json declares', () => {
    const row = read('README.md').split('\n').find(line => line.startsWith('| cdk8s / constructs |'))!;
    expect(row).toContain(`${pkg.peerDependencies.cdk8s.replace(/^\^/, '')}+ / ${pkg.peerDependencies.constructs.replace(/^\^/, '').replace(/\.0$/, '')}+`);
  });
});
