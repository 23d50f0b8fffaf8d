import { Chart, Testing } from 'cdk8s';
import { IsolatedTier, NamespaceIsolation, Peer, Port } from '../../src';
import { MeshMtls, MeshMtlsProps } from '../../src/mesh/mesh-mtls';
import { MtlsMode } from '../../src/mesh/mesh-peer-authentication';
import { MAX_AUTHORIZED_RANGE } from '../../src/render/authorization-policy';
import { checkIstioRules, istioAllows } from '../istio-rules';
import { findObject, objectsOfKind, synthValid } from '../util';

function shop(): Chart {
  return new Chart(Testing.app(), 'shop', { namespace: 'shop' });
}

function tier(chart: Chart, id: string, ports: Port[], options: { namespace?: string; serviceAccountName?: string } = {}): IsolatedTier {
  return new IsolatedTier(chart, id, { podLabels: { app: id }, ports, serviceAccountName: id, ...options });
}

function synth(chart: Chart): any[] {
  const objects = synthValid(chart);
  objects.filter((o) => o.apiVersion.includes('istio.io')).forEach(checkIstioRules);
  return objects;
}

/** The AuthorizationPolicy of `name` in shop after adding a MeshMtls with `props`. */
function policyOf(chart: Chart, name: string, props: MeshMtlsProps = {}): any {
  new MeshMtls(chart, 'mesh', props);
  return findObject(synth(chart), 'AuthorizationPolicy', name, 'shop').spec;
}

describe('mesh authorization', () => {
  test('callers with the same ports share a rule; each set of ports has its own rule', () => {
    const chart = shop();
    const api = tier(chart, 'api', [Port.tcp(9090), Port.tcp(9443)]);
    const web = tier(chart, 'web', [Port.tcp(8080)]);
    const admin = tier(chart, 'admin', [Port.tcp(8080)], { serviceAccountName: 'ops' });
    const worker = tier(chart, 'worker', [Port.tcp(8080)], { namespace: 'jobs' });
    api.allowFrom(web, Port.tcp(9090));
    api.allowFrom(worker, Port.tcp(9090));
    api.allowFrom(admin, Port.tcp(9443), Port.tcp(9090));
    const spec = policyOf(chart, 'api');
    expect(spec.selector).toEqual({ matchLabels: { app: 'api' } });
    expect(spec.rules).toEqual([
      {
        from: [{ source: { principals: ['cluster.local/ns/jobs/sa/worker', 'cluster.local/ns/shop/sa/web'] } }],
        to: [{ operation: { ports: ['9090'] } }],
      },
      {
        from: [{ source: { principals: ['cluster.local/ns/shop/sa/ops'] } }],
        to: [{ operation: { ports: ['9090', '9443'] } }],
      },
    ]);
    expect(spec).toMatchSnapshot();
  });

  test('a flow on every port has no operation, and absorbs the same caller\'s port-specific flows', () => {
    const chart = shop();
    const api = tier(chart, 'api', []);
    const web = tier(chart, 'web', []);
    api.allowFrom(web, Port.tcp(9090));
    api.allowFrom(web, Port.allTraffic());
    expect(policyOf(chart, 'api').rules).toEqual([{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }] }]);
  });

  test('ports: ranges are expanded, every TCP port means no operation, UDP-only flows add no rule', () => {
    const chart = shop();
    const api = tier(chart, 'api', []);
    api.allowFrom(tier(chart, 'a', []), Port.tcpRange(8000, 8002), Port.udp(53));
    api.allowFrom(tier(chart, 'b', []), Port.allTcp());
    api.allowFrom(tier(chart, 'c', []), Port.udp(514));
    expect(policyOf(chart, 'api').rules).toEqual([
      { from: [{ source: { principals: ['cluster.local/ns/shop/sa/b'] } }] },
      {
        from: [{ source: { principals: ['cluster.local/ns/shop/sa/a'] } }],
        to: [{ operation: { ports: ['8000', '8001', '8002'] } }],
      },
    ]);
  });

  test('non-tier callers map exactly: whole namespaces to namespaces, labelled pods to their identity, and ipBlocks', () => {
    const chart = shop();
    const api = tier(chart, 'api', [Port.tcp(9090)]);
    const monitoring = new NamespaceIsolation(chart, 'monitoring', { namespace: 'monitoring' });
    const batch = Peer.pods({ app: 'batch' }, 'jobs');
    api.allowFrom(Peer.namespace('ops'), Port.tcp(9090));
    api.allowFrom(batch, Port.tcp(9090));
    api.allowFrom(monitoring, Port.tcp(9090));
    api.allowFrom(Peer.allPods(), Port.tcp(9090));
    api.allowFrom(Peer.ipBlock('10.1.0.0/16'), Port.tcp(9090));
    api.allowFrom(Peer.ipBlock('10.0.0.0/8', ['10.9.0.0/16']), Port.tcp(9090));
    // ipBlocks are plaintext callers, which STRICT mode refuses; PERMISSIVE lets them in.
    const spec = policyOf(chart, 'api', { mode: MtlsMode.PERMISSIVE, allowPlaintext: true, identities: [{ peer: batch, serviceAccountName: 'batch' }] });
    expect(spec.rules).toEqual([{
      from: [
        { source: { principals: ['cluster.local/ns/jobs/sa/batch'] } },
        { source: { namespaces: ['*', 'monitoring', 'ops'] } },
        { source: { ipBlocks: ['10.1.0.0/16'] } },
        { source: { ipBlocks: ['10.0.0.0/8'], notIpBlocks: ['10.9.0.0/16'] } },
      ],
      to: [{ operation: { ports: ['9090'] } }],
    }]);
  });

  test('configured identities name non-tier callers by principal, in the configured trust domain', () => {
    const chart = shop();
    const web = tier(chart, 'web', [Port.tcp(8080)]);
    const controller = Peer.pods({ 'app.kubernetes.io/name': 'ingress-nginx' }, 'ingress-nginx');
    web.allowFrom(Peer.pods({ 'app.kubernetes.io/name': 'ingress-nginx' }, 'ingress-nginx'), Port.tcp(8080));
    web.allowFrom(tier(chart, 'api', []), Port.tcp(8080));
    const spec = policyOf(chart, 'web', { trustDomain: 'prod.example.com', identities: [{ peer: controller, serviceAccountName: 'ingress-nginx' }] });
    expect(spec.rules).toEqual([{
      from: [{ source: { principals: ['prod.example.com/ns/ingress-nginx/sa/ingress-nginx', 'prod.example.com/ns/shop/sa/api'] } }],
      to: [{ operation: { ports: ['8080'] } }],
    }]);
  });

  test('labelled pods without a known identity are refused, never widened to their namespace', () => {
    for (const peer of [Peer.pods({ app: 'other' }, 'ingress-nginx'), Peer.pods({ app: 'sidekick' }),
      Peer.podsMatching({ matchLabels: { app: 'x' } })]) {
      const chart = shop();
      const web = tier(chart, 'web', [Port.tcp(8080)]);
      web.allowFrom(peer, Port.tcp(8080));
      new MeshMtls(chart, 'mesh');
      expect(() => Testing.synth(chart)).toThrow(/shop\/web: pods app=\w+ .*selects pods by label, and mesh authorization can name them only by their service account, which the app does not know .*Make the callers a tier with serviceAccountName, or give their service account in MeshMtls identities/);
    }
  });

  test('two meshed tiers of one namespace sharing a service account are refused: one identity cannot tell them apart', () => {
    const chart = shop();
    const api = tier(chart, 'api', [Port.tcp(9090)], { serviceAccountName: 'shared' });
    const web = tier(chart, 'web', [Port.tcp(8080)], { serviceAccountName: 'shared' });
    api.allowFrom(web, Port.tcp(9090));
    new MeshMtls(chart, 'mesh');
    expect(() => Testing.synth(chart)).toThrow(/shop\/web: tier shop\/api and tier shop\/web run as one service account, so mesh authorization cannot tell them apart: .*\("shop\/shared"\)\. Give each tier its own service account/);
  });

  test('identities must be labelled pods in a named namespace, and not tiers', () => {
    const chart = shop();
    const api = tier(chart, 'api', []);
    expect(() => new MeshMtls(chart, 'a', { identities: [{ peer: Peer.pods({ app: 'x' }), serviceAccountName: 'x' }] }))
      .toThrow('shop/a: a workload identity must select pods by labels in one named namespace ("pods app=x in the same namespace"). Use Peer.pods');
    expect(() => new MeshMtls(chart, 'b', { identities: [{ peer: api, serviceAccountName: 'x' }] }))
      .toThrow('shop/b: a workload identity names a tier ("tier shop/api"). Set serviceAccountName on the tier itself');
    expect(() => new MeshMtls(chart, 'c', { identities: [{ peer: Peer.pods({ app: 'x' }, 'ns'), serviceAccountName: 'X_Y' }] }))
      .toThrow('shop/c: serviceAccountName must be a DNS-1123 subdomain');
  });

  test('a namespace-wide destination gets an ALLOW policy without selector', () => {
    const chart = shop();
    const baseline = new NamespaceIsolation(chart, 'baseline');
    baseline.allowFrom(Peer.namespace('monitoring'), Port.tcp(9102));
    const spec = policyOf(chart, 'baseline');
    expect(spec).toEqual({
      action: 'ALLOW',
      rules: [{ from: [{ source: { namespaces: ['monitoring'] } }], to: [{ operation: { ports: ['9102'] } }] }],
    });
  });

  test('on a plaintext exception port, only callers without an identity are let in by port alone; identities and addresses stay exact', () => {
    const chart = shop();
    const api = tier(chart, 'api', [Port.tcp(9090), Port.tcp(9102)]);
    api.allowFrom(Peer.namespaces({ team: 'observability' }), Port.tcp(9102));
    api.allowFrom(tier(chart, 'web', []), Port.tcp(9090), Port.tcp(9102));
    api.allowFrom(Peer.ipBlock('192.0.2.0/24'), Port.tcp(9102));
    const spec = policyOf(chart, 'api', { portExceptions: [{ workload: api, ports: [Port.tcp(9102)] }] });
    expect(spec.rules).toEqual([
      { from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }], to: [{ operation: { ports: ['9090', '9102'] } }] },
      { from: [{ source: { ipBlocks: ['192.0.2.0/24'] } }], to: [{ operation: { ports: ['9102'] } }] },
      { to: [{ operation: { ports: ['9102'] } }] },
    ]);
    // Without a caller that lacks an identity, no port-only rule is written at all.
    const exact = shop();
    const api2 = tier(exact, 'api', [Port.tcp(9090), Port.tcp(9102)]);
    api2.allowFrom(tier(exact, 'web', []), Port.tcp(9102));
    const spec2 = policyOf(exact, 'api', { portExceptions: [{ workload: api2, ports: [Port.tcp(9102)] }] });
    expect(spec2.rules).toEqual([{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }], to: [{ operation: { ports: ['9102'] } }] }]);
  });

  test('declaration order does not change the policy', () => {
    const build = (reverse: boolean) => {
      const chart = shop();
      const api = tier(chart, 'api', []);
      const callers = [tier(chart, 'web', []), tier(chart, 'cron', []), tier(chart, 'admin', [])];
      const ports = [Port.tcp(1), Port.tcp(2), Port.tcp(1)];
      const order = reverse ? [2, 1, 0] : [0, 1, 2];
      order.forEach((i) => api.allowFrom(callers[i], ports[i]));
      return policyOf(chart, 'api');
    };
    expect(build(true)).toEqual(build(false));
  });

  test('authorization: false emits no AuthorizationPolicy and needs no service accounts', () => {
    const chart = shop();
    const api = tier(chart, 'api', [], { serviceAccountName: undefined });
    api.allowFrom(tier(chart, 'web', [], { serviceAccountName: undefined }), Port.allTraffic());
    new MeshMtls(chart, 'mesh', { authorization: false });
    expect(objectsOfKind(synth(chart), 'AuthorizationPolicy')).toHaveLength(0);
  });

  test('a tier in mesh flows without a service account is an error naming the tier and the fix', () => {
    const chart = shop();
    const api = tier(chart, 'api', [], { serviceAccountName: undefined });
    const web = tier(chart, 'web', [], { serviceAccountName: undefined });
    api.allowFrom(web, Port.allTraffic());
    new MeshMtls(chart, 'mesh');
    expect(() => Testing.synth(chart)).toThrow(
      'shop/web: tier shop/web has no service account, so mesh authorization cannot name it (undefined). Set serviceAccountName on the tier to the service account its pods run as (e.g. "web").');
    expect(() => Testing.synth(chart)).toThrow('shop/api: tier shop/api has no service account');
  });

  test('callers and ports Istio cannot express are errors naming the flow and the fix', () => {
    const expectError = (declare: (api: IsolatedTier) => void, message: string) => {
      const chart = shop();
      declare(tier(chart, 'api', []));
      new MeshMtls(chart, 'mesh');
      expect(() => Testing.synth(chart)).toThrow(message);
    };
    expectError((api) => api.allowFrom(Peer.namespaces({ team: 'a' }), Port.tcp(1)),
      'shop/api: all pods in namespaces team=a selects namespaces by label, which Istio authorization cannot see ("all pods in namespaces team=a"). Name the namespaces with Peer.namespace("name")');
    expectError((api) => api.allowFrom(Peer.podsInNamespaces({ app: 'x' }, { team: 'a' }), Port.tcp(1)),
      'selects namespaces by label');
    expectError((api) => api.allowFrom(Peer.fromConfig({ podSelector: { matchLabels: { app: 'x' } }, allNamespaces: true }), Port.tcp(1)),
      'shop/api: pods app=x in all namespaces selects pods by label in every namespace');
    expectError((api) => api.allowFrom(Peer.namespace('ops'), Port.named('http')),
      'shop/api: AuthorizationPolicy ports are numbers, and the named port TCP http has no number here ("TCP http"). Allow the container port by number');
    expectError((api) => api.allowFrom(Peer.namespace('ops'), Port.tcpRange(1000, 1000 + MAX_AUTHORIZED_RANGE)),
      `shop/api: AuthorizationPolicy ports cannot express ranges, and TCP 1000-${1000 + MAX_AUTHORIZED_RANGE} is wider than ${MAX_AUTHORIZED_RANGE} ports`);
    expectError((api) => api.allowFrom(Peer.ipBlock('192.0.2.0/24'), Port.tcp(443)),
      'shop/api: flow from 192.0.2.0/24 into tier shop/api cannot work under STRICT mTLS: callers outside the mesh send plaintext (["TCP 443"]). Declare a port exception');
  });

  test('the policies allow exactly the declared callers on the declared ports', () => {
    const chart = shop();
    const api = tier(chart, 'api', [Port.tcp(9090), Port.tcp(9443)]);
    const web = tier(chart, 'web', [Port.tcp(8080)]);
    tier(chart, 'cron', []);
    api.allowFrom(web, Port.tcp(9090));
    api.allowFrom(Peer.namespace('ops'), Port.tcp(9443));
    new MeshMtls(chart, 'mesh');
    const objects = synth(chart);
    const toApi = (principal: string, port: number) => istioAllows(objects, { principal, namespace: 'shop', podLabels: { app: 'api' }, port });
    expect(toApi('cluster.local/ns/shop/sa/web', 9090)).toBe(true);
    expect(toApi('cluster.local/ns/shop/sa/web', 9443)).toBe(false);
    expect(toApi('cluster.local/ns/shop/sa/cron', 9090)).toBe(false);
    expect(toApi('cluster.local/ns/ops/sa/anyone', 9443)).toBe(true);
    expect(toApi('cluster.local/ns/ops/sa/anyone', 9090)).toBe(false);
    // web itself receives no flow: the namespace default deny refuses everyone.
    expect(istioAllows(objects, { principal: 'cluster.local/ns/shop/sa/api', namespace: 'shop', podLabels: { app: 'web' }, port: 8080 })).toBe(false);
  });
});
