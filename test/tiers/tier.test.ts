import { ApiObject, App, Chart, Testing } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ClusterDns, ClusterIsolation, IsolatedTier, MetadataEndpointAccess, NamespaceExemption, NamespaceIsolation, Peer, Port, Protocol, Reachability } from '../../src';
import { IntentModel } from '../../src/model/intent-model';
import { findObject, synthValid } from '../util';

const DNS_RULE = {
  to: [{
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
    podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
  }],
  ports: [{ port: 53, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }],
};

function shop(): { app: App; chart: Chart } {
  const app = Testing.app();
  return { app, chart: new Chart(app, 'shop', { namespace: 'shop' }) };
}

function tiers(chart: Chart) {
  const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)], serviceAccountName: 'web' });
  const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)], serviceAccountName: 'api' });
  const db = new IsolatedTier(chart, 'db', { podLabels: { app: 'db' }, namespace: 'data', ports: [Port.tcp(5432)], serviceAccountName: 'db' });
  return { web, api, db };
}

describe('IsolatedTier', () => {
  test('a tier alone is isolated both ways and may only resolve DNS', () => {
    const { chart } = shop();
    new IsolatedTier(chart, 'web', { podLabels: { app: 'web' } });
    const policy = findObject(synthValid(chart), 'NetworkPolicy', 'web', 'shop');
    expect(policy.spec.podSelector).toEqual({ matchLabels: { app: 'web' } });
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.ingress).toEqual([]);
    expect(policy.spec.egress).toEqual([DNS_RULE]);
  });

  test('allowFrom between tiers writes the egress rule on the client and the ingress rule on the server', () => {
    const { chart } = shop();
    const { web, api } = tiers(chart);
    api.allowFrom(web, Port.tcp(9090));
    const objects = synthValid(chart);
    const webPolicy = findObject(objects, 'NetworkPolicy', 'web', 'shop');
    const apiPolicy = findObject(objects, 'NetworkPolicy', 'api', 'shop');
    expect(webPolicy.spec.egress).toContainEqual({ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 9090, protocol: 'TCP' }] });
    expect(apiPolicy.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 9090, protocol: 'TCP' }] }]);
    expect(webPolicy.spec.ingress).toEqual([]);
    expect(apiPolicy.spec.egress).toEqual([DNS_RULE]);
  });

  test('allowTo writes the same two rules as allowFrom from the other side', () => {
    const a = shop();
    const ta = tiers(a.chart);
    ta.api.allowFrom(ta.web, Port.tcp(9090));
    const b = shop();
    const tb = tiers(b.chart);
    tb.web.allowTo(tb.api, Port.tcp(9090));
    expect(Testing.synth(b.chart)).toEqual(Testing.synth(a.chart));
  });

  test('allowFrom across namespaces writes one AND peer on each side, each policy in its own namespace', () => {
    const { chart } = shop();
    const { api, db } = tiers(chart);
    db.allowFrom(api, Port.tcp(5432));
    const objects = synthValid(chart);
    const dbPolicy = findObject(objects, 'NetworkPolicy', 'db', 'data');
    expect(dbPolicy.spec.ingress).toEqual([{
      from: [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } },
        podSelector: { matchLabels: { app: 'api' } },
      }],
      ports: [{ port: 5432, protocol: 'TCP' }],
    }]);
    const apiPolicy = findObject(objects, 'NetworkPolicy', 'api', 'shop');
    expect(apiPolicy.spec.egress).toContainEqual({
      to: [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } },
        podSelector: { matchLabels: { app: 'db' } },
      }],
      ports: [{ port: 5432, protocol: 'TCP' }],
    });
  });

  test('Port.allTraffic() opens every port on purpose: the rule has no ports field', () => {
    const { chart } = shop();
    const { web, api } = tiers(chart);
    api.allowFrom(web, Port.allTraffic());
    const apiPolicy = findObject(synthValid(chart), 'NetworkPolicy', 'api', 'shop');
    expect(apiPolicy.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }]);
  });

  test('no ports means the destination tier\'s declared ports, on both sides, never every port', () => {
    const { chart } = shop();
    const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
    const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090), Port.udp(9091)] });
    api.allowFrom(web);
    web.allowTo(api);
    const objects = synthValid(chart);
    const ports = [{ port: 9090, protocol: 'TCP' }, { port: 9091, protocol: 'UDP' }];
    expect(findObject(objects, 'NetworkPolicy', 'api').spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports }]);
    expect(findObject(objects, 'NetworkPolicy', 'web').spec.egress).toContainEqual({ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports });
    const r = Reachability.fromChart(chart);
    expect(r.isAllowed({ namespace: 'shop', pod: 'web' }, { namespace: 'shop', pod: 'api' }, Port.tcp(9090))).toBe(true);
    expect(r.isAllowed({ namespace: 'shop', pod: 'web' }, { namespace: 'shop', pod: 'api' }, Port.tcp(22))).toBe(false);
  });

  test('a flow without ports to something that declares none is refused at the call, naming the fix', () => {
    const { chart } = shop();
    const { web, api } = tiers(chart);
    const undeclared = new IsolatedTier(chart, 'undeclared', { podLabels: { app: 'undeclared' } });
    expect(() => undeclared.allowFrom(web)).toThrow(/^shop\/undeclared: allowFrom names no ports, and tier shop\/undeclared declares none to default to \("tier shop\/undeclared"\)\. Name the ports, e\.g\. Port\.tcp\(8080\).*Port\.allTraffic\(\)/);
    expect(() => api.allowTo(Peer.ipBlock('203.0.113.0/24'))).toThrow(/^shop\/api: allowTo names no ports, and 203\.0\.113\.0\/24 declares none/);
    expect(() => api.allowTo(Peer.pods({ app: 'x' }))).toThrow(/allowTo names no ports/);
    // Nothing was recorded by the refused calls.
    expect(findObject(synthValid(chart), 'NetworkPolicy', 'undeclared').spec.ingress).toEqual([]);
  });

  test('rules are merged: ports unioned per peer, peers with equal ports share a rule, all-ports absorbs ports', () => {
    const { chart } = shop();
    const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' } });
    api.allowFrom(Peer.pods({ app: 'b' }), Port.tcp(81));
    api.allowFrom(Peer.pods({ app: 'a' }), Port.tcp(80), Port.tcp(81));
    api.allowFrom(Peer.pods({ app: 'b' }), Port.tcp(80));
    api.allowFrom(Peer.pods({ app: 'c' }), Port.tcp(80));
    api.allowFrom(Peer.pods({ app: 'c' }), Port.allTraffic());
    const ingress = findObject(synthValid(chart), 'NetworkPolicy', 'api').spec.ingress;
    expect(ingress).toEqual([
      { from: [{ podSelector: { matchLabels: { app: 'c' } } }] },
      {
        from: [{ podSelector: { matchLabels: { app: 'a' } } }, { podSelector: { matchLabels: { app: 'b' } } }],
        ports: [{ port: 80, protocol: 'TCP', endPort: 81 }],
      },
    ]);
  });

  test('declaration order does not change the output', () => {
    const build = (reverse: boolean) => {
      const { chart } = shop();
      const { web, api, db } = tiers(chart);
      const steps = [
        () => api.allowFrom(web, Port.tcp(9090)),
        () => db.allowFrom(api, Port.tcp(5432)),
        () => api.allowTo(Peer.ipBlock('203.0.113.0/24'), Port.tcp(443)),
        () => web.allowFrom(Peer.namespace('ingress-nginx'), Port.tcp(8080)),
      ];
      (reverse ? steps.reverse() : steps).forEach((s) => s());
      return Testing.synth(chart);
    };
    expect(build(true)).toEqual(build(false));
  });

  test('egress to a block containing the metadata endpoint excludes it; the endpoint itself can be named', () => {
    const { chart } = shop();
    const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' } });
    api.allowTo(Peer.anyIpv4(), Port.tcp(443));
    api.allowTo(Peer.anyIpv6(), Port.tcp(443));
    api.allowTo(Peer.ipBlock('10.0.0.0/8'), Port.tcp(5432));
    const egress = findObject(synthValid(chart), 'NetworkPolicy', 'api').spec.egress;
    const blocks = egress.flatMap((r: any) => r.to).filter((p: any) => p.ipBlock).map((p: any) => p.ipBlock);
    expect(blocks).toEqual([
      { cidr: '0.0.0.0/0', except: ['100.100.100.200/32', '168.63.129.16/32', '169.254.169.254/32'] },
      { cidr: '::/0', except: ['fd00:a9fe:a9fe::1/128', 'fd00:ec2::254/128', 'fd20:ce::254/128'] },
      { cidr: '10.0.0.0/8' },
    ]);

    const other = shop();
    const meta = new IsolatedTier(other.chart, 'meta', { podLabels: { app: 'meta' } });
    meta.allowTo(Peer.ipBlock('169.254.169.254/32'), Port.tcp(80));
    const explicit = findObject(synthValid(other.chart), 'NetworkPolicy', 'meta').spec.egress;
    expect(explicit).toContainEqual({ to: [{ ipBlock: { cidr: '169.254.169.254/32' } }], ports: [{ port: 80, protocol: 'TCP' }] });
  });

  test('ingress ipBlocks are not altered by the metadata guard', () => {
    const { chart } = shop();
    const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' } });
    api.allowFrom(Peer.anyIpv4(), Port.tcp(443));
    expect(findObject(synthValid(chart), 'NetworkPolicy', 'api').spec.ingress)
      .toEqual([{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443, protocol: 'TCP' }] }]);
  });

  test('isolation can be limited to one direction', () => {
    const { chart } = shop();
    const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, isolateEgress: false });
    const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, isolateIngress: false });
    api.allowFrom(web, Port.tcp(9090));
    const objects = synthValid(chart);
    const webPolicy = findObject(objects, 'NetworkPolicy', 'web');
    expect(webPolicy.spec.policyTypes).toEqual(['Ingress']);
    expect(webPolicy.spec.egress).toBeUndefined();
    const apiPolicy = findObject(objects, 'NetworkPolicy', 'api');
    expect(apiPolicy.spec.policyTypes).toEqual(['Egress']);
    expect(apiPolicy.spec.ingress).toBeUndefined();
  });

  test('a tier that does not isolate egress still gets its declared egress when a namespace baseline isolates it', () => {
    const { chart } = shop();
    const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, isolateEgress: false });
    const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' } });
    api.allowFrom(web, Port.tcp(9090));
    new NamespaceIsolation(chart, 'baseline');
    const webPolicy = findObject(synthValid(chart), 'NetworkPolicy', 'web');
    expect(web.isEgressIsolated()).toBe(true);
    expect(webPolicy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(webPolicy.spec.egress).toContainEqual({ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 9090, protocol: 'TCP' }] });
  });

  test('DNS is configurable: OpenShift port 5353, NodeLocal DNSCache, metadata server, or off', () => {
    const egressOf = (dns: ClusterDns) => {
      const { chart } = shop();
      new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, dns });
      return findObject(synthValid(chart), 'NetworkPolicy', 'web').spec.egress;
    };
    expect(egressOf(ClusterDns.kubeDns({ namespace: 'openshift-dns', podLabels: { 'dns.operator.openshift.io/daemonset-dns': 'default' }, ports: [5353] })))
      .toEqual([{
        to: [{
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'openshift-dns' } },
          podSelector: { matchLabels: { 'dns.operator.openshift.io/daemonset-dns': 'default' } },
        }],
        ports: [{ port: 5353, protocol: 'TCP' }, { port: 5353, protocol: 'UDP' }],
      }]);
    expect(egressOf(ClusterDns.nodeLocalCache())).toEqual([{ to: [{ ipBlock: { cidr: '169.254.20.10/32' } }, ...DNS_RULE.to], ports: DNS_RULE.ports }]);
    expect(egressOf(ClusterDns.nodeLocalCache({ cacheOnly: true }))).toEqual([{ to: [{ ipBlock: { cidr: '169.254.20.10/32' } }], ports: DNS_RULE.ports }]);
    expect(egressOf(ClusterDns.metadataServer())).toEqual([{ to: [{ ipBlock: { cidr: '169.254.169.254/32' } }], ports: DNS_RULE.ports }]);
    expect(egressOf(ClusterDns.disabled())).toEqual([]);
  });

  test('a tier can be made from a cdk8s-plus workload: selector labels, namespace, service account, ports', () => {
    const { chart } = shop();
    const sa = new plus.ServiceAccount(chart, 'sa', { metadata: { name: 'api-sa' } });
    const deployment = new plus.Deployment(chart, 'api-deployment', {
      metadata: { namespace: 'backend' },
      serviceAccount: sa,
      containers: [{ image: 'api:1', portNumber: 9090, securityContext: { ensureNonRoot: false } }],
    });
    const tier = IsolatedTier.fromWorkload(chart, 'api', deployment);
    expect(tier.podLabels).toEqual(deployment.matchLabels);
    expect(tier.namespace).toBe('backend');
    expect(tier.serviceAccountName).toBe('api-sa');
    expect(tier.ports.map(String)).toEqual(['TCP 9090']);
    const policy = findObject(Testing.synth(chart), 'NetworkPolicy', 'api', 'backend');
    expect(policy.spec.podSelector).toEqual({ matchLabels: deployment.matchLabels });
  });

  test('a tier is a peer: its pod labels in its namespace', () => {
    const { chart } = shop();
    const { db } = tiers(chart);
    expect(db.toPeerConfig()).toEqual({ podSelector: { matchLabels: { app: 'db' } }, namespace: 'data' });
    expect(db.toString()).toBe('tier data/db');
    expect(IsolatedTier.isIsolatedTier(db)).toBe(true);
    expect(IsolatedTier.isIsolatedTier(Peer.pods({ app: 'db' }))).toBe(false);
  });

  const FOREIGN_SPEC = { podSelector: { matchLabels: { app: 'legacy' } }, policyTypes: ['Ingress'] };
  test('a tier is its own NetworkPolicy object: one construct, no policy child; instanceof stays exact', () => {
    const { chart } = shop();
    const { web, api, db } = tiers(chart);
    const deny = new NamespaceIsolation(chart, 'deny', { namespace: 'shop' });
    const foreign = new ApiObject(chart, 'foreign', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'foreign' }, spec: FOREIGN_SPEC });
    expect(web.policy).toBe(web);
    expect(ApiObject.of(web)).toBe(web);
    expect(web.name).toBe('web');
    expect(web.kind).toBe('NetworkPolicy');
    expect(web.node.children.filter((c) => ApiObject.isApiObject(c) && (c as ApiObject).kind === 'NetworkPolicy')).toEqual([]);
    // ApiObject answers instanceof for any ApiObject; the groups answer it by their own class only.
    expect(web instanceof ApiObject).toBe(true);
    expect(foreign instanceof IsolatedTier).toBe(false);
    expect(foreign instanceof NamespaceIsolation).toBe(false);
    expect(deny instanceof IsolatedTier).toBe(false);
    expect(web instanceof NamespaceIsolation).toBe(false);
    expect(web instanceof IsolatedTier).toBe(true);
    expect(deny instanceof NamespaceIsolation).toBe(true);
    // The user's own NetworkPolicy is not taken for an isolated group: it gets no flows, and its spec stays.
    expect(IntentModel.of(chart).isolatedGroups).toEqual([web, api, db, deny]);
    const objects = synthValid(chart);
    const policies = objects.filter((o: any) => o.kind === 'NetworkPolicy').map((o: any) => o.metadata.name);
    expect(policies).toEqual(['web', 'api', 'db', 'deny', 'foreign']);
    expect(findObject(objects, 'NetworkPolicy', 'foreign').spec).toEqual(FOREIGN_SPEC);
  });

  test('a flow between two tiers is recorded once in the intent model', () => {
    const { chart } = shop();
    const { web, api } = tiers(chart);
    api.allowFrom(web, Port.tcp(9090));
    const flows = IntentModel.of(chart).flows;
    expect(flows).toHaveLength(1);
    expect(flows[0].source).toBe(web);
    expect(flows[0].destination).toBe(api);
    expect(flows[0].ports.map(String)).toEqual(['TCP 9090']);
  });
});

describe('IsolatedTier names', () => {
  test('names come from construct ids below the chart', () => {
    const { chart } = shop();
    const team = new Construct(chart, 'Payments');
    const tier = new IsolatedTier(team, 'Api_V2', { podLabels: { app: 'api' } });
    expect(tier.name).toBe('payments-api-v2');
  });

  test('long and unicode ids give valid, distinct names', () => {
    const { chart } = shop();
    const a = new IsolatedTier(chart, 'x'.repeat(100) + 'a', { podLabels: { app: 'a' } });
    const b = new IsolatedTier(chart, 'x'.repeat(100) + 'b', { podLabels: { app: 'b' } });
    const c = new IsolatedTier(chart, 'Zürich', { podLabels: { app: 'c' } });
    const d = new IsolatedTier(chart, 'Zurich', { podLabels: { app: 'd' } });
    for (const t of [a, b, c, d]) expect(t.name).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
    expect(new Set([a.name, b.name, c.name, d.name]).size).toBe(4);
    synthValid(chart);
  });

  test('two tiers with the same name in one namespace fail synthesis naming both paths', () => {
    const app = Testing.app();
    const one = new Chart(app, 'one', { namespace: 'shop' });
    const two = new Chart(app, 'two', { namespace: 'shop' });
    new IsolatedTier(one, 'web', { podLabels: { app: 'web' } });
    new IsolatedTier(two, 'web', { podLabels: { app: 'web2' } });
    expect(() => app.synth()).toThrow(/two\/web: NetworkPolicy name is already used in namespace shop by one\/web \("web"\)\. Give one of them a different id or an explicit name/);
  });
});

describe('IsolatedTier bad input', () => {
  test('a tier needs a namespace from props or the chart', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'nons');
    expect(() => new IsolatedTier(chart, 'web', { podLabels: { app: 'web' } }))
      .toThrow(/nons\/web: no namespace is set \(undefined\)\. Pass namespace in the props, or give the chart one/);
  });

  test('a tier needs pod labels', () => {
    const { chart } = shop();
    expect(() => new IsolatedTier(chart, 'web', { podLabels: {} }))
      .toThrow(/shop\/web: podLabels is empty, so the tier would select every pod of its namespace \(\{\}\)\. Give the labels/);
  });

  test('invalid labels, namespace, name and service account name are refused with the path', () => {
    const { chart } = shop();
    expect(() => new IsolatedTier(chart, 'a', { podLabels: { 'app name': 'x' } })).toThrow(/shop\/a: label key/);
    expect(() => new IsolatedTier(chart, 'b', { podLabels: { app: 'x' }, namespace: 'Data' })).toThrow(/shop\/b: namespace name must be a DNS-1123 label.*\("Data"\)/);
    expect(() => new IsolatedTier(chart, 'c', { podLabels: { app: 'x' }, name: 'Web_1' })).toThrow(/shop\/c: NetworkPolicy name must be a DNS-1123 label.*\("Web_1"\)/);
    expect(() => new IsolatedTier(chart, 'd', { podLabels: { app: 'x' }, serviceAccountName: 'SA' })).toThrow(/shop\/d: serviceAccountName must be a DNS-1123 subdomain.*\("SA"\)/);
  });

  test('a tier that isolates nothing is refused', () => {
    const { chart } = shop();
    expect(() => new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, isolateIngress: false, isolateEgress: false }))
      .toThrow(/shop\/web: isolation must cover ingress, egress or both/);
  });

  test('a flow on a port the server tier does not serve is refused, naming the served ports', () => {
    const { chart } = shop();
    const { web, api } = tiers(chart);
    expect(() => api.allowFrom(web, Port.tcp(8080)))
      .toThrow(/shop\/api: tier shop\/api does not serve TCP 8080 \("TCP 8080"\)\. Allow one of the ports the tier serves \(TCP 9090\)/);
    expect(() => web.allowTo(api, Port.udp(9090))).toThrow(/does not serve UDP 9090/);
    expect(() => api.allowFrom(web, Port.named('grpc', Protocol.TCP))).not.toThrow();
  });

  test('ports must be Port values (a number slipping past the types is refused)', () => {
    const { chart } = shop();
    const { web, api } = tiers(chart);
    expect(() => api.allowFrom(web, 9090 as any)).toThrow(/shop\/api: ports must be Port values \(9090\)\. Use Port\.tcp\(9090\) or Port\.udp\(9090\)/);
  });

  test('a peer tier from another app is refused', () => {
    const { chart } = shop();
    const other = shop();
    const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' } });
    const foreign = new IsolatedTier(other.chart, 'api', { podLabels: { app: 'api' } });
    expect(() => web.allowTo(foreign)).toThrow(/shop\/web: the peer belongs to another cdk8s app/);
  });
});

describe('IsolatedTier: all or nothing', () => {
  test('a refused tier or flow leaves the tree and the model as they were; a retry with the same id works', () => {
    const { chart } = shop();
    const { web, api } = tiers(chart);
    const before = chart.node.findAll().map((c) => c.node.path);
    const yamlBefore = JSON.stringify(Testing.synth(chart));
    expect(() => new IsolatedTier(chart, 'cache', { podLabels: {} })).toThrow(/podLabels is empty/);
    expect(() => new IsolatedTier(chart, 'cache', { podLabels: { app: 'cache' }, ports: [6379 as any] })).toThrow(/ports must be Port values/);
    expect(() => api.allowFrom(undefined as any, Port.tcp(9090))).toThrow(/^shop\/api: expected a peer/);
    expect(() => api.allowFrom(web, 9090 as any)).toThrow(/^shop\/api: ports must be Port values/);
    expect(() => api.allowFrom({ toPeerConfig: () => ({}) } as any, Port.tcp(9090))).toThrow(/^shop\/api: /);
    expect(chart.node.findAll().map((c) => c.node.path)).toEqual(before);
    expect(JSON.stringify(Testing.synth(chart))).toBe(yamlBefore);
    const cache = new IsolatedTier(chart, 'cache', { podLabels: { app: 'cache' }, ports: [Port.tcp(6379)] });
    expect(cache.node.path).toBe('shop/cache');
  });
});

describe('egress to the cloud metadata endpoint under a ClusterIsolation', () => {
  function build(access: MetadataEndpointAccess[]) {
    const app = Testing.app();
    new ClusterIsolation(new Chart(app, 'cluster'), 'guardrails', { exemptNamespaces: ['kube-system'], metadataEndpointAccess: access });
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    const agent = new IsolatedTier(chart, 'agent', { podLabels: { app: 'agent' } });
    agent.allowTo(Peer.ipBlock('169.254.169.254/32'), Port.tcp(80));
    return { app, chart };
  }

  test('without a MetadataEndpointAccess for the pods, allowTo the endpoint is refused at synth, naming the exception to add', () => {
    const { chart } = build([]);
    expect(() => Testing.synth(chart)).toThrow('shop/agent: cluster/guardrails denies the cloud metadata endpoint 169.254.169.254/32 to tier shop/agent before any NetworkPolicy, so the egress rule to it would never match ("169.254.169.254/32"). '
      + 'Add MetadataEndpointAccess.pods("shop", {"app":"agent"}) to the ClusterIsolation\'s metadataEndpointAccess, or remove the flow.');
  });

  test('an exception for other pods does not count; one for the pods makes the rule live, as the analyzer confirms', () => {
    expect(() => Testing.synth(build([MetadataEndpointAccess.pods('shop', { app: 'other' })]).chart)).toThrow(/MetadataEndpointAccess\.pods\("shop", \{"app":"agent"\}\)/);
    const { app, chart } = build([MetadataEndpointAccess.pods('shop', { app: 'agent' })]);
    synthValid(chart);
    const r = Reachability.fromApp(app);
    expect(r.isAllowed({ namespace: 'shop', pod: 'agent' }, { ip: '169.254.169.254' }, Port.tcp(80))).toBe(true);
    expect(r.isAllowed({ namespace: 'shop', pod: 'agent' }, { ip: '169.254.169.254' }, Port.tcp(443))).toBe(false);
  });

  test('an exemption lifts the default deny only: the metadata endpoint still needs MetadataEndpointAccess', () => {
    const app = Testing.app();
    new ClusterIsolation(new Chart(app, 'cluster'), 'guardrails', { exemptNamespaces: ['kube-system'], exemptions: [NamespaceExemption.of('shop', 'legacy app')] });
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    new IsolatedTier(chart, 'agent', { podLabels: { app: 'agent' } }).allowTo(Peer.ipBlock('169.254.169.254/32'), Port.tcp(80));
    expect(() => synthValid(chart)).toThrow(/MetadataEndpointAccess/);
  });
});
