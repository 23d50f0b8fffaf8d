import { Chart, Testing } from 'cdk8s';
import { AppProtocol, IsolatedTier, Peer, Port, Reachability } from '../../src';
import { normalizePorts } from '../../src/render/network-policy';
import { findObject, synthValid } from '../util';

/*
 * The NetworkPolicy renderer as speed work left it: rendered peers are kept per app and reused between
 * policies, and normalized ports reuse the ports given. Each reuse must give what rendering afresh would.
 */

const at = (namespace: string, pod: string) => ({ namespace, pod });

describe('normalizePorts reuses what it can, and only that', () => {
  test('ports that are already normal come back as themselves; merged ranges are new ports', () => {
    const [http, https, dns] = [Port.tcp(8080), Port.tcp(8443), Port.udp(53)];
    const out = normalizePorts([dns, https, http]);
    expect(out.map(String)).toEqual(['TCP 8080', 'TCP 8443', 'UDP 53']);
    expect(out[0]).toBe(http);
    expect(out[1]).toBe(https);
    expect(out[2]).toBe(dns);
    expect(normalizePorts([http])[0]).toBe(http);
    const merged = normalizePorts([Port.tcp(81), Port.tcp(80)]);
    expect(merged.map(String)).toEqual(['TCP 80-81']);
    const wider = normalizePorts([Port.tcp(80), Port.tcpRange(80, 90)]);
    expect(wider.map(String)).toEqual(['TCP 80-90']);
    expect(wider[0].endPort).toBe(90);
  });

  test('a port that carries an application protocol is rendered as a plain port, never returned as given', () => {
    const grpc = Port.tcp(9090).withAppProtocol(AppProtocol.GRPC);
    const [alone] = normalizePorts([grpc]);
    expect(alone).not.toBe(grpc);
    expect(alone.appProtocol).toBeUndefined();
    expect(String(alone)).toBe('TCP 9090');
    const named = Port.named('grpc').withAppProtocol(AppProtocol.GRPC);
    const out = normalizePorts([named, Port.named('grpc')]);
    expect(out.map(String)).toEqual(['TCP grpc']);
    expect(out[0].appProtocol).toBeUndefined();
  });
});

describe('a peer rendered once serves every policy that names it, as each would render it', () => {
  test('a tier named in its own namespace has no namespace selector; in another namespace it is one AND peer', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
    const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
    const db = new IsolatedTier(chart, 'db', { podLabels: { app: 'db' }, namespace: 'data', ports: [Port.tcp(5432)] });
    api.allowFrom(web);
    db.allowFrom(web);
    const objects = synthValid(chart);
    expect(findObject(objects, 'NetworkPolicy', 'api', 'shop').spec.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 9090, protocol: 'TCP' }] },
    ]);
    expect(findObject(objects, 'NetworkPolicy', 'db', 'data').spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { app: 'web' } } }],
      ports: [{ port: 5432, protocol: 'TCP' }],
    }]);
    const r = Reachability.fromChart(chart);
    expect(r.isAllowed(at('shop', 'web'), at('data', 'db'), Port.tcp(5432))).toBe(true);
    expect(r.isAllowed(at('shop', 'web'), at('shop', 'api'), Port.tcp(9090))).toBe(true);
    expect(r.isAllowed(at('shop', 'api'), at('data', 'db'), Port.tcp(5432))).toBe(false);
  });

  test('one address block keeps the metadata endpoint out in egress only, whichever direction renders first', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const anywhere = Peer.ipBlock('0.0.0.0/0');
    const edge = new IsolatedTier(chart, 'edge', { podLabels: { app: 'edge' }, ports: [Port.tcp(443)] });
    const fetcher = new IsolatedTier(chart, 'fetcher', { podLabels: { app: 'fetcher' } });
    edge.allowFrom(anywhere, Port.tcp(443));
    fetcher.allowTo(anywhere, Port.tcp(443));
    const objects = synthValid(chart);
    expect(findObject(objects, 'NetworkPolicy', 'edge', 'shop').spec.ingress).toEqual([
      { from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443, protocol: 'TCP' }] },
    ]);
    const egress = findObject(objects, 'NetworkPolicy', 'fetcher', 'shop').spec.egress;
    const block = egress.flatMap((rule: any) => rule.to ?? []).find((peer: any) => peer.ipBlock !== undefined);
    expect(block.ipBlock.cidr).toBe('0.0.0.0/0');
    expect(block.ipBlock.except).toContain('169.254.169.254/32');
    const r = Reachability.fromChart(chart);
    expect(r.isAllowed(at('shop', 'fetcher'), { ip: '169.254.169.254' }, Port.tcp(443))).toBe(false);
    expect(r.isAllowed(at('shop', 'fetcher'), { ip: '203.0.113.7' }, Port.tcp(443))).toBe(true);
    expect(r.isAllowed({ ip: '169.254.169.254' }, at('shop', 'edge'), Port.tcp(443))).toBe(true);
  });
});
