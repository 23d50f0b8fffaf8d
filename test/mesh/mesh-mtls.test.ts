import { Chart, Testing } from 'cdk8s';
import { GatewayImplementation, IsolatedTier, MeshInjection, MeshMtls, MtlsMode, NamespaceIsolation, Peer, Port, Reachability, SecureGateway, SecureIngress } from '../../src';
import { IntentModel } from '../../src/model/intent-model';
import { checkIstioRules } from '../istio-rules';
import { findObject, objectsOfKind, synthValid } from '../util';

/** Synthesizes, validates every object, and checks the Istio CRD rules the schemas leave out. */
function synth(chart: Chart): any[] {
  const objects = synthValid(chart);
  objects.filter((o) => o.apiVersion.includes('istio.io')).forEach(checkIstioRules);
  return objects;
}

function shop(): Chart {
  return new Chart(Testing.app(), 'shop', { namespace: 'shop' });
}

function tier(chart: Chart, id: string, port: number, options: { namespace?: string; serviceAccountName?: string } = {}): IsolatedTier {
  return new IsolatedTier(chart, id, {
    podLabels: { app: id }, ports: [Port.tcp(port)], serviceAccountName: id, ...options,
  });
}

/** Records a Service the way the library's Service constructs do. */
function addService(chart: Chart, backend: IsolatedTier, name: string): void {
  IntentModel.of(chart).addService({ name, namespace: backend.namespace, backend, targetPorts: backend.ports, owner: backend });
}

describe('MeshMtls', () => {
  test('STRICT by default: namespace PeerAuthentication, ISTIO_MUTUAL DestinationRules, default deny and per-tier ALLOW', () => {
    const chart = shop();
    new NamespaceIsolation(chart, 'baseline', { createNamespace: true });
    const web = tier(chart, 'web', 8080);
    const api = tier(chart, 'api', 9090);
    api.allowFrom(web, Port.tcp(9090));
    addService(chart, api, 'api');
    new MeshMtls(chart, 'mesh');
    const objects = synth(chart);

    const pa = findObject(objects, 'PeerAuthentication', 'mesh', 'shop');
    expect(pa.apiVersion).toBe('security.istio.io/v1');
    expect(pa.spec).toEqual({ mtls: { mode: 'STRICT' } });
    expect(findObject(objects, 'DestinationRule', 'api', 'shop').spec).toEqual({
      host: 'api.shop.svc.cluster.local',
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
    });
    expect(findObject(objects, 'AuthorizationPolicy', 'mesh-allow-nothing', 'shop').spec).toEqual({});
    expect(findObject(objects, 'AuthorizationPolicy', 'api', 'shop').spec).toEqual({
      action: 'ALLOW',
      selector: { matchLabels: { app: 'api' } },
      rules: [{
        from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }],
        to: [{ operation: { ports: ['9090'] } }],
      }],
    });
    // web receives nothing, so only the namespace default deny applies to it.
    expect(objectsOfKind(objects, 'AuthorizationPolicy').map((o) => o.metadata.name)).toEqual(['api', 'mesh-allow-nothing']);
    expect(findObject(objects, 'Namespace', 'shop').metadata.labels).toEqual({ 'istio-injection': 'enabled' });
    expect(objects).toMatchSnapshot();
  });

  test('covers flows, tiers, Services and namespaces declared after it', () => {
    const chart = shop();
    new MeshMtls(chart, 'mesh');
    const web = tier(chart, 'web', 8080);
    const api = tier(chart, 'api', 9090);
    new NamespaceIsolation(chart, 'baseline', { createNamespace: true });
    api.allowFrom(web, Port.tcp(9090));
    addService(chart, api, 'api');
    const objects = synth(chart);
    expect(findObject(objects, 'AuthorizationPolicy', 'api', 'shop').spec.rules[0].from)
      .toEqual([{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }]);
    expect(findObject(objects, 'DestinationRule', 'api', 'shop').spec.host).toBe('api.shop.svc.cluster.local');
    expect(findObject(objects, 'Namespace', 'shop').metadata.labels).toEqual({ 'istio-injection': 'enabled' });
    expect(findObject(objects, 'NetworkPolicy', 'web').spec.egress).toContainEqual({
      to: [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } },
        podSelector: { matchLabels: { app: 'istiod' } },
      }],
      ports: [{ port: 15012, protocol: 'TCP' }],
    });
  });

  test('covers only its namespace: other namespaces get no mesh objects, labels or istiod egress', () => {
    const chart = shop();
    new NamespaceIsolation(chart, 'data', { namespace: 'data', createNamespace: true });
    const db = tier(chart, 'db', 5432, { namespace: 'data' });
    const api = tier(chart, 'api', 9090);
    db.allowFrom(api, Port.tcp(5432));
    addService(chart, db, 'db');
    new MeshMtls(chart, 'mesh');
    const objects = synth(chart);
    const istio = objects.filter((o) => o.apiVersion.includes('istio.io'));
    expect(istio.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`))
      .toEqual(['PeerAuthentication shop/mesh', 'AuthorizationPolicy shop/mesh-allow-nothing']);
    expect(findObject(objects, 'Namespace', 'data').metadata.labels).toBeUndefined();
    const dbEgress = findObject(objects, 'NetworkPolicy', 'db', 'data').spec.egress;
    expect(JSON.stringify(dbEgress)).not.toContain('15012');
    expect(JSON.stringify(findObject(objects, 'NetworkPolicy', 'api', 'shop').spec.egress)).toContain('15012');
  });

  test('mesh-wide: PeerAuthentication in the root namespace, authorization in every namespace with flows', () => {
    const chart = new Chart(Testing.app(), 'c');
    const web = tier(chart, 'web', 8080, { namespace: 'shop' });
    const db = tier(chart, 'db', 5432, { namespace: 'data' });
    db.allowFrom(web, Port.tcp(5432));
    new MeshMtls(chart, 'mesh', { meshWide: true, rootNamespace: 'istio-root', trustDomain: 'prod.example.com' });
    addService(chart, db, 'db');
    const objects = synth(chart);
    expect(findObject(objects, 'PeerAuthentication', 'mesh', 'istio-root').spec).toEqual({ mtls: { mode: 'STRICT' } });
    expect(findObject(objects, 'AuthorizationPolicy', 'mesh-allow-nothing', 'data').spec).toEqual({});
    expect(findObject(objects, 'AuthorizationPolicy', 'db', 'data').spec.rules).toEqual([{
      from: [{ source: { principals: ['prod.example.com/ns/shop/sa/web'] } }],
      to: [{ operation: { ports: ['5432'] } }],
    }]);
    expect(findObject(objects, 'DestinationRule', 'db', 'data').spec.host).toBe('db.data.svc.cluster.local');
    // The istiod egress names the configured root namespace, in every namespace.
    for (const [name, ns] of [['web', 'shop'], ['db', 'data']]) {
      expect(findObject(objects, 'NetworkPolicy', name, ns).spec.egress).toContainEqual({
        to: [{
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-root' } },
          podSelector: { matchLabels: { app: 'istiod' } },
        }],
        ports: [{ port: 15012, protocol: 'TCP' }],
      });
    }
    expect(objects).toMatchSnapshot();
  });

  test('PERMISSIVE and DISABLE need allowPlaintext; DISABLE needs authorization off and disables client TLS', () => {
    const chart = shop();
    expect(() => new MeshMtls(chart, 'a', { mode: MtlsMode.PERMISSIVE }))
      .toThrow('shop/a: mode PERMISSIVE accepts plaintext connections, which carry no identity ("PERMISSIVE"). Keep MtlsMode.STRICT, or set allowPlaintext: true');
    expect(() => new MeshMtls(chart, 'b', { allowPlaintext: true }))
      .toThrow('shop/b: allowPlaintext has no effect with STRICT mTLS (true). Drop allowPlaintext');
    expect(() => new MeshMtls(chart, 'c', { mode: MtlsMode.DISABLE, allowPlaintext: true }))
      .toThrow('shop/c: identity-based authorization needs mTLS, which mode DISABLE turns off ("DISABLE"). Set authorization: false');
    expect(() => new MeshMtls(chart, 'd', { mode: 'OFF' as MtlsMode }))
      .toThrow('shop/d: mode is not an MtlsMode ("OFF")');

    const permissive = shop();
    new MeshMtls(permissive, 'mesh', { mode: MtlsMode.PERMISSIVE, allowPlaintext: true });
    expect(findObject(synth(permissive), 'PeerAuthentication', 'mesh').spec).toEqual({ mtls: { mode: 'PERMISSIVE' } });

    const disabled = shop();
    const api = tier(disabled, 'api', 9090);
    addService(disabled, api, 'api');
    new MeshMtls(disabled, 'mesh', { mode: MtlsMode.DISABLE, allowPlaintext: true, authorization: false });
    const objects = synth(disabled);
    expect(findObject(objects, 'PeerAuthentication', 'mesh').spec).toEqual({ mtls: { mode: 'DISABLE' } });
    expect(findObject(objects, 'DestinationRule', 'api').spec.trafficPolicy).toEqual({ tls: { mode: 'DISABLE' } });
    expect(objectsOfKind(objects, 'AuthorizationPolicy')).toHaveLength(0);
  });

  test('a port exception is a workload-scoped PeerAuthentication with portLevelMtls', () => {
    const chart = shop();
    const api = new IsolatedTier(chart, 'api', {
      podLabels: { app: 'api', tier: 'backend' }, ports: [Port.tcp(9090), Port.tcp(9102), Port.tcp(15090)], serviceAccountName: 'api',
    });
    new MeshMtls(chart, 'mesh', {
      portExceptions: [
        { workload: api, ports: [Port.tcp(9102)] },
        { workload: api, ports: [Port.tcp(15090), Port.tcp(9102)], mode: MtlsMode.PERMISSIVE },
        { workload: Peer.pods({ app: 'legacy' }), ports: [Port.tcp(8080)], mode: MtlsMode.DISABLE },
      ],
    });
    const objects = synth(chart);
    expect(findObject(objects, 'PeerAuthentication', 'mesh-api', 'shop').spec).toEqual({
      selector: { matchLabels: { app: 'api', tier: 'backend' } },
      mtls: { mode: 'STRICT' },
      portLevelMtls: { 9102: { mode: 'PERMISSIVE' }, 15090: { mode: 'PERMISSIVE' } },
    });
    expect(findObject(objects, 'PeerAuthentication', 'mesh-legacy-362ec648', 'shop').spec).toEqual({
      selector: { matchLabels: { app: 'legacy' } },
      mtls: { mode: 'STRICT' },
      portLevelMtls: { 8080: { mode: 'DISABLE' } },
    });
    expect(findObject(objects, 'PeerAuthentication', 'mesh', 'shop').spec).toEqual({ mtls: { mode: 'STRICT' } });
  });

  test('port exceptions refuse what PeerAuthentication cannot express', () => {
    const chart = shop();
    const api = tier(chart, 'api', 9090);
    const bad = (id: string, exception: any, props: any = {}) => () => new MeshMtls(chart, id, { ...props, portExceptions: [exception] });
    expect(bad('a', { workload: api, ports: [Port.tcpRange(9000, 9100)] }))
      .toThrow('shop/a: a port exception takes single TCP container ports ("TCP 9000-9100"). Name each port by number');
    expect(bad('b', { workload: api, ports: [Port.udp(53)] })).toThrow('("UDP 53")');
    expect(bad('c', { workload: api, ports: [Port.named('metrics')] })).toThrow('("TCP metrics")');
    expect(bad('d', { workload: api, ports: [] })).toThrow('shop/d: a port exception names no ports');
    expect(bad('e', { workload: Peer.pods({ app: 'x' }, 'other'), ports: [Port.tcp(1)] }))
      .toThrow('shop/e: a port exception is for namespace other, outside namespace shop ("pods app=x in namespace other")');
    expect(bad('f', { workload: api, ports: [Port.tcp(9090)], mode: MtlsMode.STRICT }))
      .toThrow('shop/f: a port exception must change the mesh\'s mode (STRICT) ("STRICT")');
    expect(bad('g', { workload: Peer.namespace('shop'), ports: [Port.tcp(1)] }))
      .toThrow('shop/g: a port exception must select pods by labels (Istio selectors take no expressions) ("all pods in namespace shop")');
    expect(bad('h', { workload: Peer.pods({ app: 'x' }), ports: [Port.tcp(1)] }, { meshWide: true }))
      .toThrow('shop/h: a port exception must name the namespace of its pods ("pods app=x in the same namespace")');
    expect(bad('i', { workload: api, ports: [Port.tcp(9090)], mode: MtlsMode.DISABLE }, { injection: MeshInjection.ambient() }))
      .toThrow('shop/i: the ambient data plane does not support mode DISABLE ("DISABLE")');
  });

  test('a DISABLE exception on a port a library Service forwards to fails validation', () => {
    const chart = shop();
    const api = tier(chart, 'api', 9090);
    addService(chart, api, 'api');
    new MeshMtls(chart, 'mesh', { portExceptions: [{ workload: api, ports: [Port.tcp(9090)], mode: MtlsMode.DISABLE }] });
    expect(() => Testing.synth(chart)).toThrow(
      '[shop/mesh] Service shop/api forwards to TCP 9090, where mTLS is DISABLEd, but its DestinationRule asks for ISTIO_MUTUAL ("TCP 9090"). Use MtlsMode.PERMISSIVE');
  });

  test('labels emitted Namespaces for a revision, ambient, or not at all', () => {
    const build = (injection: MeshInjection) => {
      const chart = shop();
      new NamespaceIsolation(chart, 'baseline', { createNamespace: true, namespaceLabels: { team: 'shop' } });
      new MeshMtls(chart, 'mesh', { injection });
      return findObject(synth(chart), 'Namespace', 'shop').metadata.labels;
    };
    expect(build(MeshInjection.revision('1-24-0'))).toEqual({ 'team': 'shop', 'istio.io/rev': '1-24-0' });
    expect(build(MeshInjection.ambient())).toEqual({ 'team': 'shop', 'istio.io/dataplane-mode': 'ambient' });
    expect(build(MeshInjection.unmanaged())).toEqual({ team: 'shop' });
    expect(() => MeshInjection.revision('1.24/0')).toThrow('MeshInjection.revision: revision must be empty or alphanumeric');
  });

  test('a Namespace label that contradicts the injection fails validation', () => {
    const chart = shop();
    new NamespaceIsolation(chart, 'baseline', { createNamespace: true, namespaceLabels: { 'istio-injection': 'disabled' } });
    new MeshMtls(chart, 'mesh', { injection: MeshInjection.revision('stable') });
    expect(() => Testing.synth(chart)).toThrow(
      'shop/baseline: Namespace shop carries a mesh label that contradicts injection sidecar (istio.io/rev=stable) (["istio-injection=disabled"]). Remove the label from namespaceLabels');
  });

  test('ambient: no istiod egress; HBONE 15008 between exactly the declared sides, and the probe address', () => {
    const chart = shop();
    new NamespaceIsolation(chart, 'baseline');
    const web = tier(chart, 'web', 8080);
    const api = tier(chart, 'api', 9090);
    tier(chart, 'other', 7070);
    api.allowFrom(web, Port.tcp(9090));
    new MeshMtls(chart, 'mesh', { injection: MeshInjection.ambient() });
    const objects = synth(chart);
    const policy = findObject(objects, 'NetworkPolicy', 'api').spec;
    expect(JSON.stringify(policy)).not.toContain('15012');
    expect(policy.ingress).toEqual([
      { from: [{ ipBlock: { cidr: '169.254.7.127/32' } }] },
      { from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 9090, protocol: 'TCP' }, { port: 15008, protocol: 'TCP' }] },
    ]);
    expect(findObject(objects, 'NetworkPolicy', 'web').spec.egress).toContainEqual({
      to: [{ podSelector: { matchLabels: { app: 'api' } } }],
      ports: [{ port: 9090, protocol: 'TCP' }, { port: 15008, protocol: 'TCP' }],
    });
    // Only the declared caller reaches the tunnel port: an undeclared pod of the namespace does not.
    const r = Reachability.fromChart(chart);
    expect(r.isAllowed({ namespace: 'shop', pod: 'web' }, { namespace: 'shop', pod: 'api' }, Port.tcp(15008))).toBe(true);
    expect(r.isAllowed({ namespace: 'shop', pod: 'other' }, { namespace: 'shop', pod: 'api' }, Port.tcp(15008))).toBe(false);
    expect(r.isAllowed({ namespace: 'shop', pod: 'web' }, { namespace: 'shop', pod: 'other' }, Port.tcp(15008))).toBe(false);
    expect(findObject(objects, 'AuthorizationPolicy', 'api').spec.rules[0].from)
      .toEqual([{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }]);
    expect(() => new MeshMtls(shop(), 'x', { injection: MeshInjection.ambient(), authorization: false }))
      .toThrow('shop/x: ambient mode needs authorization: NetworkPolicies only see the HBONE tunnel port 15008 (false)');
  });

  test('ambient with one MeshMtls per namespace: a declared cross-namespace flow gets 15008 on both sides', () => {
    const chart = shop();
    new NamespaceIsolation(chart, 'baseline');
    new NamespaceIsolation(chart, 'data-baseline', { namespace: 'data' });
    const api = tier(chart, 'api', 9090);
    const db = new IsolatedTier(chart, 'db', { podLabels: { app: 'db' }, namespace: 'data', ports: [Port.tcp(5432)], serviceAccountName: 'db' });
    db.allowFrom(api, Port.tcp(5432));
    new MeshMtls(chart, 'mesh', { injection: MeshInjection.ambient() });
    new MeshMtls(chart, 'data-mesh', { namespace: 'data', injection: MeshInjection.ambient() });
    const r = Reachability.fromChart(chart);
    expect(r.isAllowed({ namespace: 'shop', pod: 'api' }, { namespace: 'data', pod: 'db' }, Port.tcp(15008))).toBe(true);
    expect(r.isAllowed({ namespace: 'shop', pod: 'api' }, { namespace: 'data', pod: 'db' }, Port.tcp(5432))).toBe(true);
    expect(r.isAllowed({ namespace: 'shop', pod: 'api' }, { namespace: 'data', pod: 'db' }, Port.tcp(5433))).toBe(false);
  });

  test('swapping two allowFrom lines under MeshMtls changes no byte of the YAML', () => {
    const build = (swap: boolean) => {
      const app = Testing.app();
      const chart = new Chart(app, 'shop', { namespace: 'shop' });
      const web = tier(chart, 'web', 8080);
      const api = tier(chart, 'api', 9090);
      const db = tier(chart, 'db', 5432);
      const lines = [() => api.allowFrom(web, Port.tcp(9090)), () => db.allowFrom(api, Port.tcp(5432))];
      new MeshMtls(chart, 'mesh');
      (swap ? [...lines].reverse() : lines).forEach((line) => line());
      api.expose();
      db.expose();
      return app.synthYaml();
    };
    expect(build(true)).toBe(build(false));
  });

  test('a custom control plane is what isolated sidecars may reach on 15012', () => {
    const chart = shop();
    tier(chart, 'web', 8080);
    new MeshMtls(chart, 'mesh', { controlPlane: Peer.pods({ 'app': 'istiod', 'istio.io/rev': 'canary' }, 'istio-system') });
    expect(findObject(synth(chart), 'NetworkPolicy', 'web').spec.egress).toContainEqual({
      to: [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } },
        podSelector: { matchLabels: { 'app': 'istiod', 'istio.io/rev': 'canary' } },
      }],
      ports: [{ port: 15012, protocol: 'TCP' }],
    });
  });

  test('refuses overlapping meshes, a namespace with meshWide, and bad names', () => {
    const chart = shop();
    new MeshMtls(chart, 'one');
    new MeshMtls(chart, 'two');
    expect(() => Testing.synth(chart)).toThrow('[shop/two] it covers workloads that shop/one covers already ("shop"). Use one MeshMtls per namespace');
    expect(() => new MeshMtls(shop(), 'm', { meshWide: true, namespace: 'shop' }))
      .toThrow('shop/m: namespace and meshWide are both set ("shop"). Drop namespace');
    expect(() => new MeshMtls(shop(), 'm', { trustDomain: 'Cluster_Local' })).toThrow('shop/m: trustDomain must be a DNS-1123 subdomain');
    expect(() => new MeshMtls(shop(), 'm', { name: 'Mesh' })).toThrow('shop/m: name must be a DNS-1123 subdomain');
    expect(() => new MeshMtls(new Chart(Testing.app(), 'c'), 'm')).toThrow('c/m: no namespace is set');
    expect(() => new MeshMtls(shop(), 'm', { injection: MeshInjection.ambient(), controlPlane: Peer.pods({ app: 'istiod' }, 'istio-system') }))
      .toThrow('shop/m: controlPlane is only used by sidecars, and ambient pods have none');
  });

  test('one namespace-scoped MeshMtls per namespace can cover several namespaces', () => {
    const chart = shop();
    const api = tier(chart, 'api', 9090);
    const db = tier(chart, 'db', 5432, { namespace: 'data' });
    db.allowFrom(api, Port.tcp(5432));
    new MeshMtls(chart, 'mesh');
    new MeshMtls(chart, 'data-mesh', { namespace: 'data' });
    const objects = synth(chart);
    expect(findObject(objects, 'PeerAuthentication', 'data-mesh', 'data').spec.mtls.mode).toBe('STRICT');
    expect(findObject(objects, 'AuthorizationPolicy', 'db', 'data').spec.rules[0].from)
      .toEqual([{ source: { principals: ['cluster.local/ns/shop/sa/api'] } }]);
  });
});

describe('tiers outside the mesh', () => {
  test('get no AuthorizationPolicy, and their flows into meshed tiers are refused', () => {
    const chart = new Chart(Testing.app(), 'outside', { namespace: 'shop' });
    const legacy = new IsolatedTier(chart, 'legacy', { podLabels: { app: 'legacy' }, inMesh: false });
    const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, serviceAccountName: 'api' });
    legacy.allowFrom(api, Port.tcp(8080));
    new MeshMtls(chart, 'mesh', { mode: MtlsMode.STRICT });
    expect(objectsOfKind(synth(chart), 'AuthorizationPolicy').map((o) => o.metadata.name)).toEqual(['mesh-allow-nothing']);

    api.allowFrom(legacy, Port.tcp(9090));
    expect(() => Testing.synth(chart)).toThrow(/tier shop\/legacy runs outside the mesh, so it cannot present the mTLS identity a meshed destination requires \("outside\/legacy"\)\. Enroll its pods in the mesh/);
  });
});

describe('MeshMtls: all or nothing', () => {
  test('a refused MeshMtls leaves nothing in the tree or the model, and a corrected retry with the same id works', () => {
    const chart = shop();
    const web = tier(chart, 'web', 8080);
    const api = tier(chart, 'api', 9090);
    api.allowFrom(web, Port.tcp(9090));
    const before = chart.node.findAll().map((c) => c.node.path);
    expect(() => new MeshMtls(chart, 'mesh', { mode: MtlsMode.PERMISSIVE })).toThrow(/allowPlaintext/);
    expect(() => new MeshMtls(chart, 'mesh', { trustDomain: 'Bad Domain' })).toThrow(/^shop\/mesh: /);
    expect(() => new MeshMtls(chart, 'mesh', { portExceptions: [{ workload: api, ports: [9102 as any] }] })).toThrow(/^shop\/mesh: ports must be Port values/);
    expect(() => new MeshMtls(chart, 'mesh', { controlPlane: 'istiod' as any })).toThrow(/^shop\/mesh: expected a peer/);
    expect(chart.node.findAll().map((c) => c.node.path)).toEqual(before);
    new MeshMtls(chart, 'mesh');
    expect(objectsOfKind(synth(chart), 'PeerAuthentication')).toHaveLength(1);
  });
});

describe('MeshMtls: flows that name a tier through a selector', () => {
  test('the tier\'s ALLOW policy admits the caller by principal, exactly as its NetworkPolicy does', () => {
    const chart = shop();
    const api = tier(chart, 'api', 9090);
    tier(chart, 'db', 5432);
    tier(chart, 'web', 8080);
    api.allowTo(Peer.pods({ app: 'db' }), Port.tcp(5432));
    new MeshMtls(chart, 'mesh');
    const objects = synth(chart);
    expect(findObject(objects, 'AuthorizationPolicy', 'db', 'shop').spec).toEqual({
      action: 'ALLOW',
      selector: { matchLabels: { app: 'db' } },
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/api'] } }], to: [{ operation: { ports: ['5432'] } }] }],
    });
    expect(findObject(objects, 'NetworkPolicy', 'db', 'shop').spec.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 5432, protocol: 'TCP' }] },
    ]);
    const r = Reachability.fromChart(chart);
    expect(r.isAllowed({ namespace: 'shop', pod: 'api' }, { namespace: 'shop', pod: 'db' }, Port.tcp(5432))).toBe(true);
    expect(r.isAllowed({ namespace: 'shop', pod: 'web' }, { namespace: 'shop', pod: 'db' }, Port.tcp(5432))).toBe(false);
  });
});

/**
 * An independent reading of Istio authorization for one request (no DENY or CUSTOM policies here):
 * the ALLOW policies of the pod's namespace whose selector matches its labels apply; with none the request
 * is allowed; with some, it is allowed when a rule matches. A policy without rules matches nothing; a rule
 * without `from`/`to` matches everything; a `to` operation with ports matches only those.
 */
function istioAllows(policies: any[], namespace: string, labels: { [key: string]: string }, port: number): boolean {
  const applying = policies.filter((p) => p.metadata.namespace === namespace && (p.spec.action ?? 'ALLOW') === 'ALLOW'
    && Object.entries(p.spec.selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v));
  if (applying.length === 0) return true;
  return applying.some((p) => (p.spec.rules ?? []).some((rule: any) => rule.from === undefined
    && (rule.to === undefined || rule.to.some((t: any) => t.operation?.ports === undefined || t.operation.ports.includes(String(port))))));
}

describe('MeshMtls over the namespace of an in-mesh gateway', () => {
  test('the allow-nothing policy of the namespace does not cut the gateway off from its clients', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)], serviceAccountName: 'web' });
    const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)], serviceAccountName: 'api' });
    api.allowFrom(web);
    const gateway = new SecureGateway(chart, 'edge', { gatewayClassName: 'istio', implementation: GatewayImplementation.istio(), clusterIssuer: 'letsencrypt-prod' });
    new SecureIngress(chart, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), gateway });
    new MeshMtls(chart, 'mesh', { mode: MtlsMode.STRICT });
    const policies = objectsOfKind(synthValid(chart), 'AuthorizationPolicy');
    const gatewayPods = { 'gateway.networking.k8s.io/gateway-name': 'edge' };
    expect(istioAllows(policies, 'shop', gatewayPods, 443)).toBe(true);
    expect(istioAllows(policies, 'shop', gatewayPods, 80)).toBe(true);
    expect(istioAllows(policies, 'shop', gatewayPods, 15000)).toBe(false);
    // The tiers stay behind the default deny: only the flows' principals reach them.
    expect(istioAllows(policies, 'shop', { app: 'api' }, 9090)).toBe(false);
  });
});
