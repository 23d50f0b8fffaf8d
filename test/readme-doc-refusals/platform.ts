import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Claim, cliRefuses, egress, guarded, POLICY, shop, synthGuarded } from './scenarios';
import {
  ClusterDns, ClusterIsolation, Destination, FqdnEnforcement, GatewayImplementation, IsolatedTier, MeshInjection, MeshMtls,
  MetadataEndpointAccess, MtlsMode, NamespaceExemption, Peer, Port, RestrictedEgress, SecureGateway, SecureIngress,
} from '../../src';
import { NetsecValidation } from '../../src/validation';

/** The refusals that cilium.md, cli.md, cluster-guardrails.md, python.md and validation-plugin.md document, each proven. */
export const PLATFORM_CLAIMS: Claim[] = [
  // ---- docs/cilium.md
  {
    doc: 'cilium.md',
    quote: '`Destination.fqdn()` already refuses malformed names',
    refusals: [
      ['upper case', 'API.stripe.com'], ['a trailing dot', 'api.stripe.com.'], ['an underscore', 'api_v1.stripe.com'],
      ['a * not the whole left-most label', 'api.*.stripe.com'], ['an over-long label', `${'a'.repeat(64)}.example.com`],
      ['an IP address', '203.0.113.7'], ['a cluster.local name', 'api.shop.svc.cluster.local'],
    ].map(([what, name]) => ({ case: `${what}: ${name}`, run: () => Destination.fqdn(name, Port.tcp(443)), error: /^Destination\.fqdn: hostname / })),
  },
  {
    doc: 'cilium.md',
    quote: 'Named ports are refused: an address outside the cluster has no container port names',
    refusals: [{ case: 'a named port towards a name under Cilium', run: egress(() => [Destination.fqdn('api.stripe.com', Port.named('https'))], { fqdnEnforcement: FqdnEnforcement.CILIUM }), error: /a named port towards api\.stripe\.com can never match/ }],
  },
  // ---- docs/cli.md
  {
    doc: 'cli.md',
    quote: 'What the API server would refuse is refused, naming the file and document',
    refusals: [
      { case: 'two NetworkPolicies with one namespace and name', run: cliRefuses(['analyze', '-'], `${POLICY}---\n${POLICY}`), error: /NetworkPolicy shop\/web: is defined twice/ },
      { case: 'a NetworkPolicy with an invalid field (a /33 mask)', run: cliRefuses(['analyze', '-'], POLICY.replace('spec: { podSelector: {} }', 'spec: { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: 10.0.0.0/33 } }] }] }')), error: /ipBlock\.cidr is not a valid IPv4 or IPv6 CIDR \("10\.0\.0\.0\/33"\)/ },
    ],
  },
  {
    doc: 'cli.md',
    quote: 'A name that is not in the catalogue is an error, so a typo cannot silence nothing',
    refusals: [{ case: '--ignore with an unknown rule name', run: cliRefuses(['analyze', '--ignore', 'nodeport-servce', '-'], POLICY), error: /--ignore names no audit rule \("nodeport-servce"\)/ }],
  },
  {
    doc: 'cli.md',
    quote: 'Ranges are refused: use `--flows`',
    refusals: [{ case: '--matrix --port with a range', run: cliRefuses(['analyze', '--matrix', '--port', 'tcp/8000-8100', '-'], POLICY), error: /--port: is a range; the matrix is about one port/ }],
  },
  // ---- docs/cluster-guardrails.md
  {
    doc: 'cluster-guardrails.md',
    quote: 'A `RestrictedEgress` with `allowMetadataEndpoint` on pods of a guarded namespace that no exception covers fails at synth',
    refusals: [{
      case: 'allowMetadataEndpoint under the guardrails without an exception',
      run: synthGuarded(({ chart, api }) => new RestrictedEgress(chart, 'egress', { tier: api, allow: [], allowMetadataEndpoint: true })),
      error: /platform\/guardrails denies the cloud metadata endpoint 169\.254\.169\.254\/32 to tier shop\/api .*Add MetadataEndpointAccess\.pods/,
    }],
  },
  {
    doc: 'cluster-guardrails.md',
    quote: 'a plain name other than `kube-system` is refused, naming the fix (and a near miss such as `kube-sytem` says "did you mean")',
    refusals: [
      { case: 'exemptNamespaces: [legacy]', run: () => guarded({ exemptNamespaces: ['legacy'] }), error: /legacy is exempted without a reason.*NamespaceExemption\.of/ },
      { case: 'exemptNamespaces: [kube-sytem]', run: () => guarded({ exemptNamespaces: ['kube-sytem'] }), error: /Did you mean "kube-system"\?/ },
    ],
  },
  {
    doc: 'cluster-guardrails.md',
    quote: 'a guarded root namespace is refused; exempt it with a reason',
    refusals: [{
      case: 'ambient MeshMtls with istio-system guarded',
      run: synthGuarded(({ chart }) => new MeshMtls(chart, 'mesh', { injection: MeshInjection.ambient() }), { apiServerAddresses: ['10.0.0.1/32'] }),
      error: /namespace istio-system is guarded and runs ambient's ztunnel .*exempt it with a reason/,
    }],
  },
  {
    doc: 'cluster-guardrails.md',
    quote: '**Refused at synth**, naming the namespace, the component and the fix',
    refusals: [
      {
        case: 'istiod in a guarded istio-system without apiServerAddresses',
        run: synthGuarded(({ chart }) => new MeshMtls(chart, 'mesh', { mode: MtlsMode.STRICT })),
        error: /namespace istio-system is guarded and runs the Istio control plane .*Give apiServerAddresses/,
      },
      {
        case: 'a nginxGatewayFabric() data plane in a guarded namespace',
        run: synthGuarded(({ chart, web }) => {
          const gateway = new SecureGateway(chart, 'edge', { namespace: 'edge', gatewayClassName: 'nginx', implementation: GatewayImplementation.nginxGatewayFabric(), clusterIssuer: 'letsencrypt-prod' });
          new SecureIngress(chart, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), gateway });
        }, { apiServerAddresses: ['10.0.0.1/32'] }),
        error: /namespace edge is guarded and runs the data plane of gateway edge\/edge .*whose flows the library cannot write/,
      },
    ],
  },
  {
    doc: 'cluster-guardrails.md',
    quote: '`Destination.namespace()` to a guarded namespace is refused at synth',
    refusals: [{
      case: 'Destination.namespace("data") with data guarded',
      run: synthGuarded(({ chart, api }) => new RestrictedEgress(chart, 'egress', { tier: api, allow: [Destination.namespace('data', Port.tcp(5432))] })),
      error: /namespace data denies ingress .*Destination\.namespace\(\) would open only the egress side/,
    }],
  },
  {
    doc: 'cluster-guardrails.md',
    quote: 'Refused at construction with the path, the value and the fix, leaving nothing in the tree',
    refusals: [
      { case: 'a chart with a namespace', run: () => new ClusterIsolation(shop().chart, 'guardrails'), error: /cluster-scoped, but the chart has a namespace/ },
      { case: 'a second ClusterIsolation', run: () => new ClusterIsolation(guarded().platform, 'again'), error: /already has a ClusterIsolation at platform\/guardrails/ },
      ...([['not a list', 'kube-system'], ['an empty name', ['']], ['an invalid name', ['Kube_System']], ['a non-string name', [5]], ['a repeated name', ['kube-system', 'kube-system']],
        ['a name other than kube-system', ['legacy']]] as [string, any][]).map(([what, exemptNamespaces]) => ({
        case: `exemptNamespaces ${what}`, run: () => new ClusterIsolation(new Chart(Testing.app(), 'platform'), 'guardrails', { exemptNamespaces }), error: /^platform\/guardrails( \(exemptNamespaces\))?: (exemptNamespaces must be a list|namespace name must be|a namespace is listed twice|namespace legacy is exempted without a reason)/,
      })),
      { case: 'exemptions that are not NamespaceExemptions', run: () => new ClusterIsolation(new Chart(Testing.app(), 'platform'), 'g', { exemptions: ['legacy' as any] }), error: /not a NamespaceExemption/ },
      {
        case: 'exemptions that repeat a namespace',
        run: () => new ClusterIsolation(new Chart(Testing.app(), 'platform'), 'g', { exemptions: [NamespaceExemption.of('legacy', 'a'), NamespaceExemption.of('legacy', 'b')] }),
        error: /listed twice/,
      },
      { case: 'apiServerAddresses that are not CIDRs', run: () => new ClusterIsolation(new Chart(Testing.app(), 'platform'), 'g', { apiServerAddresses: ['api.example.com'] }), error: /not a CIDR/ },
      { case: 'a dns that is not a ClusterDns', run: () => new ClusterIsolation(new Chart(Testing.app(), 'platform'), 'g', { dns: 'kube-dns' as any }), error: /dns must be a ClusterDns/ },
      {
        case: 'DNS servers that are address blocks with excluded sub-blocks',
        run: () => new ClusterIsolation(new Chart(Testing.app(), 'platform'), 'g', { dns: ClusterDns.custom([Peer.ipBlock('10.0.0.0/24', ['10.0.0.8/29'])], [53]) }),
        error: /DNS server/,
      },
      {
        case: 'DNS servers that are pods without a namespace',
        run: () => new ClusterIsolation(new Chart(Testing.app(), 'platform'), 'g', { dns: ClusterDns.custom([Peer.pods({ app: 'dns' })], [53]) }),
        error: /DNS server/,
      },
      { case: 'an exception that is not a MetadataEndpointAccess', run: () => new ClusterIsolation(new Chart(Testing.app(), 'platform'), 'g', { metadataEndpointAccess: ['karpenter' as any] }), error: /not a MetadataEndpointAccess/ },
      {
        case: 'an exception listed twice',
        run: () => new ClusterIsolation(new Chart(Testing.app(), 'platform'), 'g', { metadataEndpointAccess: [MetadataEndpointAccess.namespace('karpenter'), MetadataEndpointAccess.namespace('karpenter')] }),
        error: /listed twice/,
      },
      { case: 'a priority that is not an integer from 0 to 999', run: () => new ClusterIsolation(new Chart(Testing.app(), 'platform'), 'g', { adminPriority: 1000 }), error: /integer from 0 to 999/ },
      { case: 'an invalid name', run: () => new ClusterIsolation(new Chart(Testing.app(), 'platform'), 'g', { name: 'Guard Rails' }), error: /^platform\/g: name must be a DNS-1123 label/ },
      {
        case: 'the refused ClusterIsolation leaves nothing in the tree, and a corrected retry with the same id works',
        run: () => {
          const platform = new Chart(Testing.app(), 'platform');
          expect(() => new ClusterIsolation(platform, 'guardrails', { exemptNamespaces: ['legacy'] })).toThrow();
          expect(platform.node.children).toEqual([]);
          new ClusterIsolation(platform, 'guardrails', { exemptions: [NamespaceExemption.of('legacy', 'vendor operator')] });
          throw new Error('refused, then retried: nothing was left behind');
        },
        error: /nothing was left behind/,
      },
    ],
  },
  {
    doc: 'cluster-guardrails.md',
    quote: 'one or two edits away from a namespace the app knows',
    refusals: [{
      case: 'Peer.namespace("botique") next to a boutique chart',
      run: synthGuarded(({ app, api }) => {
        new Chart(app, 'store', { namespace: 'boutique' });
        api.allowTo(Peer.namespace('botique'), Port.tcp(443));
      }),
      error: /namespace botique, which the app neither isolates nor declares, next to the declared namespace boutique .*Did you mean "boutique"\?/,
    }],
  },
  {
    doc: 'cluster-guardrails.md',
    quote: '`MetadataEndpointAccess.pods()` refuses an empty label map',
    refusals: [{ case: 'MetadataEndpointAccess.pods("monitoring", {})', run: () => MetadataEndpointAccess.pods('monitoring', {}), error: /podLabels is empty/ }],
  },
  // ---- docs/python.md
  {
    doc: 'python.md',
    quote: 'A workload that selects its pods with expressions, by no label (a Job) or that runs in the host network is refused, with the fix in the message.',
    refusals: ([
      ['expressions', (chart: Chart) => {
        const deployment = new kplus.Deployment(chart, 'd', { containers: [{ image: 'x:1' }] });
        deployment.select(kplus.LabelSelector.of({ expressions: [kplus.LabelExpression.in('tier', ['a'])] }));
        return deployment;
      }, /selects its pods with matchExpressions/],
      ['a Job', (chart: Chart) => new kplus.Job(chart, 'j', { containers: [{ image: 'x:1' }] }), /selects its pods by no label/],
      ['the host network', (chart: Chart) => new kplus.Deployment(chart, 'd', { hostNetwork: true, containers: [{ image: 'x:1' }] }), /runs in the host network/],
    ] as [string, (chart: Chart) => kplus.Workload, RegExp][]).map(([what, workload, error]) => ({
      case: `IsolatedTier.fromWorkload of a workload with ${what}`,
      run: () => {
        const { chart } = shop();
        IsolatedTier.fromWorkload(chart, 't', workload(chart));
      },
      error,
    })),
  },
  // ---- docs/validation-plugin.md
  ...[
    'When a finding is at least as severe as `failOn`, synthesis fails',
    'The least severity that fails synthesis: `low`, `medium`, `high` or `critical`',
  ].map((quote) => ({
    doc: 'validation-plugin.md',
    quote,
    refusals: [{
      case: 'a LoadBalancer without source ranges (NETSEC006, high) under failOn: high, but not under failOn: critical',
      run: async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsec-doc-plugin-'));
        const file = path.join(dir, 'app.k8s.yaml');
        fs.writeFileSync(file, ['apiVersion: v1', 'kind: Service', 'metadata: { name: public, namespace: shop }',
          'spec: { type: LoadBalancer, selector: { app: web }, ports: [{ port: 443 }] }', ''].join('\n'));
        const statusUnder = async (failOn: string) => {
          let status = '';
          const report = { addViolation: () => undefined, submit: (submitted: string) => status = submitted };
          const context = { manifests: [file], logger: { log: () => undefined }, report };
          await new NetsecValidation({ failOn }).validate(context as any);
          return status;
        };
        const [high, critical] = [await statusUnder('high'), await statusUnder('critical')];
        fs.rmSync(dir, { recursive: true, force: true });
        expect(critical).toBe('success');
        if (high === 'failure') throw new Error('the report fails synthesis');
      },
      error: /the report fails synthesis/,
    }],
  })),
];
