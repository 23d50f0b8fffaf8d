import { Chart, Testing, Yaml } from 'cdk8s';
import { AppProtocol } from '../../src/core/app-protocol';
import { Port } from '../../src/core/port';
import { IntentModel } from '../../src/model/intent-model';
import { ExternalTrafficPolicy, ServiceType, TierService } from '../../src/tiers/service';
import { IsolatedTier } from '../../src/tiers/tier';
import { findObject, synthValid } from '../util';

function setup(ports = [Port.tcp(8080), Port.tcp(9090)]) {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
  const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web', tier: 'frontend' }, ports });
  return { chart, web };
}

describe('TierService', () => {
  test('expose() makes a ClusterIP Service named after the tier, selecting its labels, on its ports', () => {
    const { chart, web } = setup();
    const service = web.expose();
    const objects = synthValid(chart);
    const spec = findObject(objects, 'Service', 'web', 'shop').spec;
    expect(spec.type).toBe('ClusterIP');
    expect(spec.selector).toEqual(web.podLabels);
    expect(spec.ports).toEqual([
      { name: 'tcp-8080', port: 8080, protocol: 'TCP', targetPort: 8080 },
      { name: 'tcp-9090', port: 9090, protocol: 'TCP', targetPort: 9090 },
    ]);
    expect(spec.externalTrafficPolicy).toBeUndefined();
    expect(spec.loadBalancerSourceRanges).toBeUndefined();
    // A ClusterIP Service opens nothing: the tier still admits no one.
    expect(findObject(objects, 'NetworkPolicy', 'web', 'shop').spec.ingress).toEqual([]);
    expect(IntentModel.of(chart).services).toEqual([
      { name: 'web', namespace: 'shop', backend: web, targetPorts: [Port.tcp(8080), Port.tcp(9090)], owner: service },
    ]);
    expect(Yaml.stringify(...objects)).toMatchSnapshot();
  });

  test('ports map Service ports to container ports, named ports included', () => {
    const { chart, web } = setup([Port.tcp(8080), Port.named('metrics')]);
    web.expose({ ports: [{ targetPort: Port.tcp(8080), port: 80, name: 'http' }, { targetPort: Port.named('metrics'), port: 9100 }] });
    expect(findObject(synthValid(chart), 'Service', 'web').spec.ports).toEqual([
      { name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 },
      { name: 'metrics', port: 9100, protocol: 'TCP', targetPort: 'metrics' },
    ]);
  });

  test('a LoadBalancer names its source ranges; the tier admits exactly them on the exposed ports', () => {
    const { chart, web } = setup();
    const service = web.expose({
      serviceType: ServiceType.LOAD_BALANCER,
      ports: [{ targetPort: Port.tcp(8080), port: 443, name: 'https' }],
      loadBalancerSourceRanges: ['203.0.113.0/24', '2001:db8::/32', '198.51.100.0/24'],
    });
    expect(service.name).toBe('web-loadbalancer');
    const objects = synthValid(chart);
    const spec = findObject(objects, 'Service', 'web-loadbalancer', 'shop').spec;
    expect(spec.type).toBe('LoadBalancer');
    expect(spec.externalTrafficPolicy).toBe('Local');
    expect(spec.loadBalancerSourceRanges).toEqual(['198.51.100.0/24', '2001:db8::/32', '203.0.113.0/24']);
    expect(spec.selector).toEqual({ app: 'web', tier: 'frontend' });
    expect(findObject(objects, 'NetworkPolicy', 'web', 'shop').spec.ingress).toEqual([{
      from: [
        { ipBlock: { cidr: '198.51.100.0/24' } },
        { ipBlock: { cidr: '2001:db8::/32' } },
        { ipBlock: { cidr: '203.0.113.0/24' } },
      ],
      ports: [{ port: 8080, protocol: 'TCP' }],
    }]);
    expect(Yaml.stringify(...objects)).toMatchSnapshot();
  });

  test('externalTrafficPolicy CLUSTER is available for LoadBalancer and NodePort', () => {
    const { chart, web } = setup();
    web.expose({ serviceType: ServiceType.LOAD_BALANCER, loadBalancerSourceRanges: ['0.0.0.0/0'], externalTrafficPolicy: ExternalTrafficPolicy.CLUSTER });
    expect(findObject(synthValid(chart), 'Service', 'web-loadbalancer').spec.externalTrafficPolicy).toBe('Cluster');
  });

  test('a NodePort is an explicit choice with its own source ranges, written as ipBlock rules only', () => {
    const { chart, web } = setup();
    web.expose({ serviceType: ServiceType.NODE_PORT, ports: [{ targetPort: Port.tcp(9090) }], nodePortSourceRanges: ['10.20.0.0/16'] });
    const objects = synthValid(chart);
    const spec = findObject(objects, 'Service', 'web-nodeport').spec;
    expect(spec.type).toBe('NodePort');
    expect(spec.externalTrafficPolicy).toBe('Local');
    expect(spec.loadBalancerSourceRanges).toBeUndefined();
    expect(findObject(objects, 'NetworkPolicy', 'web').spec.ingress).toEqual([
      { from: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ port: 9090, protocol: 'TCP' }] },
    ]);
  });

  test('a TierService made directly takes its name from the construct id', () => {
    const { chart, web } = setup();
    new TierService(chart, 'web-internal', { tier: web, ports: [{ targetPort: Port.tcp(9090) }] });
    expect(findObject(synthValid(chart), 'Service', 'web-internal').spec.selector).toEqual({ app: 'web', tier: 'frontend' });
  });

  test.each([
    [{ serviceType: ServiceType.LOAD_BALANCER }, /^test\/web\/Service-web-loadbalancer: a LoadBalancer Service must name the client ranges it accepts \(loadBalancerSourceRanges\) \(undefined\)\. Pass loadBalancerSourceRanges/],
    [{ serviceType: ServiceType.LOAD_BALANCER, loadBalancerSourceRanges: [] }, /must name the client ranges/],
    [{ serviceType: ServiceType.NODE_PORT }, /a NodePort Service must name the client ranges it accepts \(nodePortSourceRanges\)/],
    [{ loadBalancerSourceRanges: ['10.0.0.0/8'] }, /loadBalancerSourceRanges does not apply to a ClusterIP Service/],
    [{ serviceType: ServiceType.LOAD_BALANCER, loadBalancerSourceRanges: ['10.0.0.0/8'], nodePortSourceRanges: ['10.0.0.0/8'] }, /nodePortSourceRanges does not apply to a LoadBalancer/],
    [{ serviceType: ServiceType.LOAD_BALANCER, loadBalancerSourceRanges: ['10.0.0.1'] }, /cidr is not in CIDR notation.*write "10.0.0.1\/32"/],
    [{ externalTrafficPolicy: ExternalTrafficPolicy.LOCAL }, /externalTrafficPolicy applies only to LoadBalancer and NodePort/],
    [{ ports: [{ targetPort: Port.tcp(5432) }] }, /tier shop\/web does not serve TCP 5432 \("TCP 5432"\)\. Expose one of the ports the tier serves \(TCP 8080, TCP 9090\)/],
    [{ ports: [{ targetPort: Port.tcpRange(8080, 8081) }] }, /forwards to one port, not a range/],
    [{ ports: [{ targetPort: Port.allTcp() }] }, /forwards to one port, not a range or a whole protocol/],
    [{ ports: [{ targetPort: Port.tcp(8080), port: 0 }] }, /Service port must be an integer from 1 to 65535/],
    [{ ports: [{ targetPort: Port.tcp(8080), name: 'a' }, { targetPort: Port.tcp(9090), name: 'a' }] }, /two Service ports have the same name/],
    [{ ports: [{ targetPort: Port.tcp(8080), port: 80 }, { targetPort: Port.tcp(9090), port: 80 }] }, /two Service ports use the same port and protocol \("TCP 80"\)/],
    [{ name: '1web' }, /Service name must be a DNS-1035 label/],
  ])('rejects bad input %#', (options, message) => {
    const { web } = setup();
    expect(() => web.expose(options as any)).toThrow(message);
  });

  test('a named target port needs a Service port; a tier without single ports needs explicit ports', () => {
    expect(() => setup([Port.named('http')]).web.expose({ ports: [{ targetPort: Port.named('http') }] }))
      .toThrow(/named target port http needs a Service port number/);
    expect(() => setup([Port.named('http')]).web.expose()).toThrow(/tier shop\/web declares no single port to expose \(\["TCP http"\]\)/);
  });

  test('exposing twice under one name is an error that says how to fix it', () => {
    const { web } = setup();
    web.expose();
    expect(() => web.expose()).toThrow(/^test\/web: the tier already has a Service with this name \("web"\)\. Pass another name/);
  });
});

describe('TierService: all or nothing', () => {
  test('a refused expose() leaves nothing in the tree, and the corrected retry with the same name works', () => {
    const { web } = setup();
    const before = web.node.children.map((c) => c.node.id);
    expect(() => web.expose({ serviceType: ServiceType.LOAD_BALANCER })).toThrow(/must name the client ranges/);
    expect(web.node.children.map((c) => c.node.id)).toEqual(before);
    const service = web.expose({ serviceType: ServiceType.LOAD_BALANCER, loadBalancerSourceRanges: ['203.0.113.0/24'] });
    expect(service.node.path).toBe('test/web/Service-web-loadbalancer');
    expect(web.node.children.map((c) => c.node.id)).toEqual([...before, 'Service-web-loadbalancer']);
  });

  test('refusals from plain JavaScript leave the tree as it was', () => {
    const { web } = setup();
    const before = web.node.findAll().map((c) => c.node.path);
    for (const options of [{ serviceType: 'Headless' }, { name: 'Web_1' }, { ports: [{ targetPort: 8080 }] }, { externalTrafficPolicy: 'Local' }]) {
      expect(() => web.expose(options as any)).toThrow(/^test\/web\/Service-/);
      expect(web.node.findAll().map((c) => c.node.path)).toEqual(before);
    }
  });
});

/**
 * Istio's protocol selection for a Service port, as its documentation states it: `appProtocol` first,
 * else the name `<protocol>` or `<protocol>-<suffix>`; anything else is sniffed or, here, taken as TCP.
 */
function istioProtocolOf(port: any): string {
  const known: { [value: string]: string } = { 'http': 'HTTP', 'http2': 'HTTP2', 'kubernetes.io/h2c': 'HTTP2', 'grpc': 'GRPC', 'tcp': 'TCP' };
  if (port.appProtocol !== undefined) return known[port.appProtocol] ?? 'UNKNOWN';
  return known[String(port.name).split('-')[0]] ?? 'TCP';
}

describe('TierService: application protocols', () => {
  test('ports declared HTTP, HTTP/2 and gRPC are named <protocol>-<port> and carry appProtocol; plain TCP stays tcp-<port>', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const api = new IsolatedTier(chart, 'api', {
      podLabels: { app: 'api' },
      ports: [Port.tcp(8080).withAppProtocol(AppProtocol.HTTP), Port.tcp(8081).withAppProtocol(AppProtocol.HTTP2),
        Port.tcp(9090).withAppProtocol(AppProtocol.GRPC), Port.tcp(5000)],
    });
    api.expose();
    const ports = findObject(synthValid(chart), 'Service', 'api', 'shop').spec.ports;
    expect(ports).toEqual([
      { name: 'http-8080', appProtocol: 'http', port: 8080, protocol: 'TCP', targetPort: 8080 },
      { name: 'http2-8081', appProtocol: 'kubernetes.io/h2c', port: 8081, protocol: 'TCP', targetPort: 8081 },
      { name: 'grpc-9090', appProtocol: 'grpc', port: 9090, protocol: 'TCP', targetPort: 9090 },
      { name: 'tcp-5000', port: 5000, protocol: 'TCP', targetPort: 5000 },
    ]);
    expect(ports.map(istioProtocolOf)).toEqual(['HTTP', 'HTTP2', 'GRPC', 'TCP']);
  });

  test('an explicit Service port takes the protocol the tier declared for its target; the NetworkPolicy is unchanged', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(8080).withAppProtocol(AppProtocol.HTTP)] });
    const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' } });
    api.allowFrom(web);
    api.expose({ ports: [{ targetPort: Port.tcp(8080), port: 80 }] });
    const objects = synthValid(chart);
    expect(istioProtocolOf(findObject(objects, 'Service', 'api', 'shop').spec.ports[0])).toBe('HTTP');
    expect(findObject(objects, 'Service', 'api', 'shop').spec.ports[0].name).toBe('http-80');
    expect(findObject(objects, 'NetworkPolicy', 'api', 'shop').spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }]);
  });

  test('only a single TCP port carries an application protocol; unknown values from JavaScript are refused', () => {
    expect(() => Port.udp(53).withAppProtocol(AppProtocol.HTTP)).toThrow('Port.withAppProtocol: only a single TCP port carries an application protocol ("UDP 53"). Declare it on a port such as Port.tcp(8080) or Port.named("http").');
    expect(() => Port.tcpRange(1, 2).withAppProtocol(AppProtocol.HTTP)).toThrow(/only a single TCP port/);
    expect(() => Port.allTraffic().withAppProtocol(AppProtocol.HTTP)).toThrow(/only a single TCP port/);
    expect(() => Port.tcp(80).withAppProtocol('http' as any)).toThrow('Port.withAppProtocol: is not an application protocol ("http"). Use AppProtocol.HTTP, HTTP2, GRPC or TCP.');
    expect(Port.tcp(80).withAppProtocol(AppProtocol.GRPC).toString()).toBe('TCP 80');
  });
});
