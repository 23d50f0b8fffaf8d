import { App, Chart } from 'cdk8s';
import { ClusterIsolation, Destination, IsolatedTier, Peer, Port, Reachability, RestrictedEgress } from '../../src';
import { inCallerSpelling, netsecError, validationProblem } from '../../src/core/errors';
import { KEYWORD_METHODS, PYTHON_NAMES } from '../../src/core/python-names';
import { callerIsPython, toPythonSpelling } from '../../src/core/python-spelling';

/*
 * A Python app reaches the library through jsii, whose Python runtime starts the Node process with
 * JSII_AGENT=Python/<python version> (aws/jsii, packages/@jsii/python-runtime/src/jsii/_kernel/providers/
 * process.py: `environ["JSII_AGENT"] = f"Python/{platform.python_version()}"`). Under that agent the
 * library's errors name its API as Python spells it; under any other (or none) they are unchanged.
 */

const PYTHON = 'Python/3.11.7';

function withAgent<T>(agent: string | undefined, run: () => T): T {
  const before = process.env.JSII_AGENT;
  if (agent === undefined) delete process.env.JSII_AGENT;
  else process.env.JSII_AGENT = agent;
  try {
    return run();
  } finally {
    if (before === undefined) delete process.env.JSII_AGENT;
    else process.env.JSII_AGENT = before;
  }
}

/** The message `run` throws under `agent`. */
function errorUnder(agent: string | undefined, run: () => unknown): string {
  return withAgent(agent, () => {
    try {
      run();
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('expected an error');
  });
}

const shop = () => new Chart(new App(), 'shop', { namespace: 'shop' });

describe('errors in the caller\'s spelling', () => {
  test('the Python agent is recognised by the prefix jsii\'s Python runtime writes, and only that one', () => {
    expect(callerIsPython({ JSII_AGENT: PYTHON })).toBe(true);
    expect(callerIsPython({ JSII_AGENT: 'Python/3.13.0rc1' })).toBe(true);
    expect(callerIsPython({})).toBe(false);
    expect(callerIsPython({ JSII_AGENT: 'Java/17.0.2' })).toBe(false); // Java keeps the TypeScript names
    expect(callerIsPython({ JSII_AGENT: 'DotNet/8.0.0/.NETCoreApp,Version=v8.0/1.0.0.0' })).toBe(false);
    expect(callerIsPython({ JSII_AGENT: 'go1.22.0/linux/amd64' })).toBe(false);
  });

  describe('IsolatedTier', () => {
    const emptyLabels = () => new IsolatedTier(shop(), 'api', { podLabels: {} });
    const badAccount = () => new IsolatedTier(shop(), 'api', { podLabels: { app: 'api' }, serviceAccountName: 'Api_SA' });

    test('a bad prop is named pod_labels / service_account_name for a Python app', () => {
      expect(errorUnder(PYTHON, emptyLabels)).toBe('shop/api: pod_labels is empty, so the tier would select every pod of its namespace ({}). '
        + 'Give the labels of the tier\'s pods, e.g. { app: "web" }; use NamespaceIsolation for namespace-wide rules.');
      expect(errorUnder(PYTHON, badAccount)).toMatch(/^shop\/api: service_account_name must be a DNS-1123 subdomain: .*\("Api_SA"\)\. Use the service account's metadata\.name\.$/);
    });

    test('without an agent, or under another language\'s, the message is the TypeScript one, unchanged', () => {
      const typescript = 'shop/api: podLabels is empty, so the tier would select every pod of its namespace ({}). '
        + 'Give the labels of the tier\'s pods, e.g. { app: "web" }; use NamespaceIsolation for namespace-wide rules.';
      expect(errorUnder(undefined, emptyLabels)).toBe(typescript);
      expect(errorUnder('Java/17.0.2', emptyLabels)).toBe(typescript);
      expect(errorUnder(undefined, badAccount)).toMatch(/^shop\/api: serviceAccountName must be/);
    });

    test('a construction in a whole-app check reads as a Python call with keyword arguments', () => {
      const subset = () => {
        const app = new App();
        const chart = new Chart(app, 'shop', { namespace: 'shop' });
        new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
        new IsolatedTier(chart, 'api', { podLabels: { app: 'api' } }).allowTo(Peer.pods({ app: 'web', version: 'v2' }), Port.tcp(8080));
        app.synth();
      };
      expect(errorUnder(PYTHON, subset)).toContain('Name the pods by an IsolatedTier made for exactly them (IsolatedTier(..., pod_labels=..., namespace=...))');
      expect(errorUnder(undefined, subset)).toContain('Name the pods by an IsolatedTier made for exactly them (new IsolatedTier(..., { podLabels, namespace }))');
    });

    test('a method named in a message gets its Python name, with its arguments', () => {
      const noPorts = () => {
        const app = new App();
        const chart = new Chart(app, 'shop', { namespace: 'shop' });
        new IsolatedTier(chart, 'api', { podLabels: { app: 'api' } }).allowTo(Peer.pods({ app: 'db' }, 'shop'));
        app.synth();
      };
      const message = errorUnder(PYTHON, noPorts);
      expect(message).toMatch(/^shop\/api: allow_to names no ports/);
      expect(message).toContain('open every port on purpose with Port.all_traffic().');
    });

    test('construct ids are data: a chart named like a prop keeps its name in the path', () => {
      const message = errorUnder(PYTHON, () => new IsolatedTier(new Chart(new App(), 'podLabels', { namespace: 'shop' }), 'allowFrom', { podLabels: {} }));
      expect(message).toMatch(/^podLabels\/allowFrom: pod_labels is empty/);
    });
  });

  describe('RestrictedEgress', () => {
    const egress = (allow: Destination[]) => () => {
      const chart = shop();
      new RestrictedEgress(chart, 'egress', { tier: new IsolatedTier(chart, 'api', { podLabels: { app: 'api' } }), allow });
    };

    test('the opt-ins are named allow_internet and allow_metadata_endpoint for a Python app', () => {
      expect(errorUnder(PYTHON, egress([Destination.internet(Port.tcp(443))]))).toBe('shop/egress: internet egress needs the explicit opt-in ("the internet on TCP 443"). '
        + 'Set allow_internet: true if these pods really may reach any public address, or name the services with Destination.fqdn() or Destination.cidr().');
      expect(errorUnder(PYTHON, egress([Destination.cidr('169.254.169.254/32', Port.tcp(80))]))).toContain('Set allow_metadata_endpoint: true instead');
      expect(errorUnder(undefined, egress([Destination.internet(Port.tcp(443))]))).toContain('Set allowInternet: true if these pods');
    });

    test('an FQDN without enforcement names fqdn_enforcement; enum members keep their names', () => {
      const message = errorUnder(PYTHON, egress([Destination.fqdn('api.stripe.com', Port.tcp(443))]));
      expect(message).toContain('("api.stripe.com"). Set fqdn_enforcement to one of: FqdnEnforcement.ISTIO, FqdnEnforcement.CILIUM;');
      expect(errorUnder(undefined, egress([Destination.fqdn('api.stripe.com', Port.tcp(443))]))).toContain('Set fqdnEnforcement to one of');
    });
  });

  describe('ClusterIsolation', () => {
    const cluster = () => new Chart(new App(), 'cluster');

    test('an exemption error names exempt_namespaces, in the subject and in the fix', () => {
      const twice = () => new ClusterIsolation(cluster(), 'guardrails', { exemptNamespaces: ['kube-system', 'kube-system'] });
      expect(errorUnder(PYTHON, twice)).toBe('cluster/guardrails (exempt_namespaces): a namespace is listed twice ("kube-system"). '
        + 'List each namespace once, in exempt_namespaces or exemptions.');
      expect(errorUnder(undefined, twice)).toBe('cluster/guardrails (exemptNamespaces): a namespace is listed twice ("kube-system"). '
        + 'List each namespace once, in exemptNamespaces or exemptions.');
    });

    test('an exemption without a reason shows the Python call that gives one', () => {
      const message = errorUnder(PYTHON, () => new ClusterIsolation(cluster(), 'guardrails', { exemptNamespaces: ['legacy'] }));
      expect(message).toMatch(/^cluster\/guardrails \(exempt_namespaces\): namespace legacy is exempted without a reason/);
      expect(message).toContain('exemptions: [NamespaceExemption.of("legacy", ');
    });
  });

  test('a message about a manifest keeps the Kubernetes field names: they are YAML, not arguments', () => {
    const policy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }] },
    };
    const read = () => Reachability.fromManifests([policy]);
    expect(errorUnder(PYTHON, read)).toBe(errorUnder(undefined, read));
    expect(errorUnder(PYTHON, read)).toContain('one ipBlock, one podSelector/namespaceSelector.');
  });

  test('netsecError, validationProblem and inCallerSpelling all speak to the caller', () => {
    expect(withAgent(PYTHON, () => netsecError('Peer.podsMatching', 'matchExpressions must be a list', 5, 'Use Peer.fromConfig({ podSelector }).').message))
      .toBe('Peer.pods_matching: match_expressions must be a list (5). Use Peer.from_config(pod_selector=...).');
    expect(withAgent(PYTHON, () => validationProblem('allowMetadataEndpoint would have no effect', 'shop', 'Drop it.')))
      .toBe('allow_metadata_endpoint would have no effect ("shop"). Drop it.');
    expect(withAgent(PYTHON, () => inCallerSpelling('shop/api: use allowFrom'))).toBe('shop/api: use allow_from');
    expect(withAgent(undefined, () => inCallerSpelling('shop/api: use allowFrom'))).toBe('shop/api: use allowFrom');
    // The offending value is data: a props object keeps the keys the library received.
    expect(withAgent(PYTHON, () => netsecError('shop/api', 'props must be an object', { podLabels: 1 }, 'Pass podLabels.').message))
      .toBe('shop/api: props must be an object ({"podLabels":1}). Pass pod_labels.');
  });
});

describe('toPythonSpelling', () => {
  test.each([
    ['a construction with shorthand props', 'new IsolatedTier(scope, id, { podLabels })', 'IsolatedTier(scope, id, pod_labels=...)'],
    ['a construction with values', 'new IsolatedTier(scope, id, { podLabels: { app: "batch" }, isolateEgress: false })',
      'IsolatedTier(scope, id, pod_labels={"app": "batch"}, isolate_egress=False)'],
    ['another library\'s construct', 'new Chart(app, "id", { namespace: "shop", disableResourceNameHashes: true })',
      'Chart(app, "id", namespace="shop", disable_resource_name_hashes=True)'],
    ['a single-quoted string', "new NamespaceIsolation(chart, 'baseline', { namespace: 'shop' })", 'NamespaceIsolation(chart, "baseline", namespace="shop")'],
    ['a factory whose trailing struct is lifted', 'IngressController.custom({ className: "traefik", namespace, podLabels })',
      'IngressController.custom(class_name="traefik", namespace=..., pod_labels=...)'],
    ['a factory that takes a label map (a dict)', 'Peer.pods({ app: "web" }, "shop")', 'Peer.pods({"app": "web"}, "shop")'],
    ['a leading-dot call continues the class before it', 'GatewayImplementation.envoyGateway(), .istio() or .custom({ namespace, podLabels })',
      'GatewayImplementation.envoy_gateway(), .istio() or .custom(namespace=..., pod_labels=...)'],
    ['a method on a value', 'tier.expose({ serviceType: ServiceType.LOAD_BALANCER, loadBalancerSourceRanges: ["203.0.113.0/24"] })',
      'tier.expose(service_type=ServiceType.LOAD_BALANCER, load_balancer_source_ranges=["203.0.113.0/24"])'],
    ['a chained call', 'Port.tcp(9090).withAppProtocol(AppProtocol.GRPC)', 'Port.tcp(9090).with_app_protocol(AppProtocol.GRPC)'],
    ['a bare prop and a method without parentheses', 'set allowInternet, or use IsolatedTier.fromWorkload', 'set allow_internet, or use IsolatedTier.from_workload'],
    ['double-quoted data', 'the value "podLabels" is not a label', 'the value "podLabels" is not a label'],
    ['field paths', 'spec.podSelector and podSelector.matchLabels and ports[0]', 'spec.podSelector and podSelector.matchLabels and ports[0]'],
    ['braces in prose (YAML)', 'Write { matchLabels: { app: web } }.', 'Write { matchLabels: { app: web } }.'],
    ['words that are no API name', 'a constructor, hasOwnProperty, new pods', 'a constructor, hasOwnProperty, new pods'],
    ['an unbalanced bracket', 'see allowFrom( and { podLabels', 'see allow_from( and { pod_labels'],
  ])('%s', (_name, typescript, python) => {
    expect(toPythonSpelling(typescript)).toBe(python);
  });

  test('is idempotent: a message spelled twice (a problem inside a problem) stays Python', () => {
    const once = toPythonSpelling('new IsolatedTier(scope, id, { podLabels: { app: "batch" } }) and Peer.pods({ app: "web" })');
    expect(toPythonSpelling(once)).toBe(once);
  });
});

describe('src/core/python-names.ts (generated from .jsii by scripts/python-names.js)', () => {
  test('holds jsii\'s Python spelling of props, struct fields, methods and parameters', () => {
    expect(PYTHON_NAMES).toMatchObject({
      podLabels: 'pod_labels',
      serviceAccountName: 'service_account_name',
      allowFrom: 'allow_from',
      exemptNamespaces: 'exempt_namespaces',
      fqdnEnforcement: 'fqdn_enforcement',
      allowInternet: 'allow_internet',
      anyIpv4: 'any_ipv4',
      acmeHttp01: 'acme_http01',
      isAllowed: 'is_allowed',
    });
    // Names Python writes the same way, and constants (UPPER_CASE in Python too), are not listed.
    expect(Object.keys(PYTHON_NAMES)).not.toEqual(expect.arrayContaining(['namespace']));
    expect(Object.keys(PYTHON_NAMES).filter((name) => /^[A-Z_]+$/.test(name))).toEqual([]);
  });

  test('knows which calls take their trailing struct as keyword arguments', () => {
    expect([...KEYWORD_METHODS]).toEqual(expect.arrayContaining(['IngressController.custom', 'TlsSource.clusterIssuer', 'IsolatedTier.expose', 'expose']));
    expect(KEYWORD_METHODS.has('Peer.pods')).toBe(false); // a label map, not a struct
    expect(KEYWORD_METHODS.has('MetadataEndpointAccess.pods')).toBe(false);
  });
});
