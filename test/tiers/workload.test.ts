/*
 * cdk8s-plus workloads and Services from any cdk8s-plus line: the peer line (28) and the line current
 * cdk8s app templates use (33) give the same tier, the same backend, the same YAML.
 */
import { App, Chart, Testing } from 'cdk8s';
import * as plus28 from 'cdk8s-plus-28';
import * as plus33 from 'cdk8s-plus-33';
import { Construct } from 'constructs';
import { IsolatedTier, Port, Reachability } from '../../src';
import { isPlusService, isPlusWorkload, readWorkload } from '../../src/tiers/workload';
import { NGINX_PEER, secure, setup } from '../ingress-fixtures';
import { findObject, synthValid } from '../util';

type Line = typeof plus28 | typeof plus33;
const LINES: [string, Line][] = [['cdk8s-plus-28', plus28], ['cdk8s-plus-33', plus33]];

function shop(): Chart {
  return new Chart(Testing.app(), 'shop', { namespace: 'shop' });
}

/** An API Deployment of `line`: namespace backend, service account api-sa, TCP 9090 and UDP 9091. */
function apiDeployment(line: Line, scope: Construct): plus28.Deployment | plus33.Deployment {
  const sa = new line.ServiceAccount(scope, 'sa', { metadata: { name: 'api-sa' } });
  return new line.Deployment(scope, 'api-deployment', {
    metadata: { namespace: 'backend' },
    serviceAccount: sa,
    containers: [
      { image: 'api:1', portNumber: 9090, securityContext: { ensureNonRoot: false } },
      { image: 'metrics:1', ports: [{ number: 9091, protocol: line.Protocol.UDP }, { number: 9090 }], securityContext: { ensureNonRoot: false } },
    ],
  });
}

describe.each(LINES)('IsolatedTier.fromWorkload with %s', (_name, line) => {
  test('reads selector labels, namespace, service account and distinct container ports', () => {
    const chart = shop();
    const deployment = apiDeployment(line, chart);
    const tier = IsolatedTier.fromWorkload(chart, 'api', deployment);
    expect(Object.keys(deployment.matchLabels)).toEqual(['cdk8s.io/metadata.addr']);
    expect(tier.podLabels).toEqual(deployment.matchLabels);
    expect(tier.namespace).toBe('backend');
    expect(tier.serviceAccountName).toBe('api-sa');
    expect(tier.ports.map(String)).toEqual(['TCP 9090', 'UDP 9091']);
    const policy = findObject(synthValid(chart), 'NetworkPolicy', 'api', 'backend');
    expect(policy.spec.podSelector).toEqual({ matchLabels: deployment.matchLabels });
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
  });

  test('options override what the workload says', () => {
    const chart = shop();
    const deployment = apiDeployment(line, chart);
    const tier = IsolatedTier.fromWorkload(chart, 'api', deployment, { namespace: 'other', serviceAccountName: 'x', ports: [Port.tcp(1)] });
    expect([tier.namespace, tier.serviceAccountName, tier.ports.map(String)]).toEqual(['other', 'x', ['TCP 1']]);
  });

  test('a workload without a namespace is in its own chart\'s namespace, not the tier\'s', () => {
    const app = Testing.app();
    const workloads = new Chart(app, 'workloads', { namespace: 'apps' });
    const policies = new Chart(app, 'policies', { namespace: 'shop' });
    const deployment = new line.Deployment(workloads, 'web', { containers: [{ image: 'web:1', portNumber: 8080 }] });
    expect(IsolatedTier.fromWorkload(policies, 'web', deployment).namespace).toBe('apps');
  });

  test('every kind of workload that selects its pods: StatefulSet, DaemonSet', () => {
    const chart = shop();
    const container = { image: 'x:1', portNumber: 7000 };
    const service = new line.Service(chart, 'headless', { ports: [{ port: 7000 }] });
    const workloads = [
      new line.StatefulSet(chart, 'sts', { containers: [container], service: service as any }),
      new line.DaemonSet(chart, 'ds', { containers: [container] }),
    ];
    for (const w of workloads) {
      expect(isPlusWorkload(w)).toBe(true);
      const tier = IsolatedTier.fromWorkload(chart, `${w.node.id}-tier`, w);
      expect([tier.podLabels, tier.ports.map(String)]).toEqual([w.matchLabels, ['TCP 7000']]);
    }
    expect(isPlusWorkload(new line.Job(chart, 'job', { containers: [container] }))).toBe(true);
    expect(isPlusWorkload(service)).toBe(false);
    expect(isPlusService(service)).toBe(true);
  });

  test('the tier made from the workload admits exactly the declared flow (reachability)', () => {
    const chart = shop();
    const web = new line.Deployment(chart, 'web', { containers: [{ image: 'web:1', portNumber: 8080 }] });
    const api = new line.Deployment(chart, 'api', { containers: [{ image: 'api:1', portNumber: 9090 }] });
    const webTier = IsolatedTier.fromWorkload(chart, 'web-tier', web);
    const apiTier = IsolatedTier.fromWorkload(chart, 'api-tier', api);
    apiTier.allowFrom(webTier, Port.tcp(9090));
    synthValid(chart);
    const reach = Reachability.fromChart(chart);
    const from = { namespace: 'shop', pod: 'web-tier' };
    const to = { namespace: 'shop', pod: 'api-tier' };
    expect(reach.isAllowed(from, to, Port.tcp(9090))).toBe(true);
    expect(reach.isAllowed(from, to, Port.tcp(9091))).toBe(false);
    expect(reach.isAllowed(to, from, Port.tcp(8080))).toBe(false);
  });
});

describe.each(LINES)('SecureIngress backends from %s', (_name, line) => {
  test('a Deployment becomes an ingress-only tier admitting the controller', () => {
    const { chart } = setup();
    const deployment = new line.Deployment(chart, 'shopfront', { containers: [{ image: 'shopfront:1.0', portNumber: 8080 }] });
    const ingress = secure(chart, { backend: deployment });
    const policy = findObject(synthValid(chart), 'NetworkPolicy', 'public-backend', 'shop');
    expect(policy.spec).toEqual({
      podSelector: { matchLabels: deployment.matchLabels },
      policyTypes: ['Ingress'],
      ingress: [{ from: [NGINX_PEER], ports: [{ port: 8080, protocol: 'TCP' }] }],
    });
    expect(ingress.backendTier.isolatesEgress).toBe(false);
  });

  test('a Service is used as it is, the rule on the tier its selector names', () => {
    const { chart, web } = setup();
    const service = new line.Service(chart, 'web-svc', { metadata: { name: 'web-svc' }, ports: [{ port: 80, targetPort: 8080 }] });
    service.selectLabel('app', 'web');
    const ingress = secure(chart, { backend: service });
    expect(ingress.backendTier).toBe(web);
    const objects = synthValid(chart);
    expect(findObject(objects, 'Ingress', 'public').spec.rules[0].http.paths[0].backend).toEqual({ service: { name: 'web-svc', port: { number: 80 } } });
    expect(findObject(objects, 'NetworkPolicy', 'web').spec.ingress).toEqual([{ from: [NGINX_PEER], ports: [{ port: 8080, protocol: 'TCP' }] }]);
  });
});

describe('the two lines give the same YAML', () => {
  test('one app per line, same manifests', () => {
    const emitted = LINES.map(([, line]) => {
      const app = new App({ outdir: '/dev/null' });
      const chart = new Chart(app, 'shop', { namespace: 'shop' });
      const tier = IsolatedTier.fromWorkload(chart, 'api', apiDeployment(line, new Construct(chart, 'workloads')));
      tier.expose();
      // The workloads themselves differ between the lines (newer defaults); what the library writes may not.
      return chart.toJson().filter((o) => o.kind !== 'Deployment' && o.kind !== 'ServiceAccount');
    });
    expect(emitted[1]).toEqual(emitted[0]);
    expect(emitted[0].map((o) => `${o.kind} ${o.metadata.name}`)).toEqual(['NetworkPolicy api', 'Service api']);
  });
});

describe('bad input: refused before anything is made, with path, value and fix', () => {
  const fakeWorkload = (extra: object) => ({ node: { path: 'fake' }, matchLabels: { app: 'x' }, containers: [], metadata: {}, select: () => undefined, ...extra });
  const CASES: { name: string; workload: (chart: Chart) => unknown; options?: unknown; message: string }[] = [
    {
      name: 'a construct that is not a workload',
      workload: (c) => new plus33.ConfigMap(c, 'cm'),
      message: 'shop/t: workload is not a cdk8s-plus workload ("ConfigMap shop/cm"). Pass a Deployment, StatefulSet, DaemonSet or Job from cdk8s-plus (any line, e.g. cdk8s-plus-28 or cdk8s-plus-33), or make the tier with new IsolatedTier(scope, id, { podLabels }).',
    },
    {
      name: 'undefined (a plain JavaScript caller)',
      workload: () => undefined,
      message: 'shop/t: workload is not a cdk8s-plus workload (undefined). Pass a Deployment',
    },
    {
      name: 'a workload selecting with matchExpressions',
      workload: (c) => {
        const d = new plus33.Deployment(c, 'd', { containers: [{ image: 'x:1' }] });
        d.select(plus33.LabelSelector.of({ expressions: [plus33.LabelExpression.in('tier', ['a', 'b'])] }));
        return d;
      },
      message: 'shop/t: the workload selects its pods with matchExpressions, which a tier made from it would drop ([{"key":"tier","operator":"In","values":["a","b"]}]). Select the workload\'s pods with labels only',
    },
    {
      name: 'a Job (no selector labels)',
      workload: (c) => new plus33.Job(c, 'j', { containers: [{ image: 'x:1' }] }),
      message: 'shop/t: the workload selects its pods by no label (a Job, or a workload made with select: false), so a tier would select every pod of its namespace ("shop/j"). Label the pods',
    },
    {
      name: 'a host-network workload',
      workload: (c) => new plus28.Deployment(c, 'd', { hostNetwork: true, containers: [{ image: 'x:1' }] }),
      message: 'shop/t: the workload runs in the host network, where NetworkPolicy does not isolate its pods ("shop/d"). Run the workload without hostNetwork',
    },
    {
      name: 'a container port with an unknown protocol',
      workload: () => fakeWorkload({ containers: [{ ports: [{ number: 80, protocol: 'ICMP' }] }] }),
      message: 'shop/t: a container port of the workload has a protocol the library does not know ("ICMP"). Use one of TCP, UDP, SCTP, or pass ports in the options.',
    },
    {
      name: 'options that are not an object',
      workload: (c) => new plus33.Deployment(c, 'd', { containers: [{ image: 'x:1' }] }),
      options: null,
      message: 'shop/t: options must be an object (null). Pass the IsolatedTierOptions as an object',
    },
  ];

  test.each(CASES)('$name', ({ workload, options, message }) => {
    const chart = shop();
    const w = workload(chart);
    const before = chart.node.children.length;
    expect(() => IsolatedTier.fromWorkload(chart, 't', w as any, options as any)).toThrow(message);
    expect(chart.node.children.length).toBe(before);
    expect(chart.node.tryFindChild('t')).toBeUndefined();
    // The same id works once the input is right.
    const good = new plus33.Deployment(chart, 'good', { containers: [{ image: 'x:1', portNumber: 80 }] });
    expect(IsolatedTier.fromWorkload(chart, 't', good).ports.map(String)).toEqual(['TCP 80']);
  });

  test('anything shaped like a workload is read by its shape, containers without ports included', () => {
    expect(readWorkload('p', fakeWorkload({ containers: [{ ports: [{ number: 80 }] }, {}] })).ports.map(String)).toEqual(['TCP 80']);
  });
});
