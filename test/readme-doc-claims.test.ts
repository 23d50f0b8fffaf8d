import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { GatewayImplementation, IsolatedTier, MeshMtls, MtlsMode, Port, SecureGateway, SecureIngress } from '../src';

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

describe('docs/validation-plugin.md', () => {
  test('names no version of the package that does not exist: only the package.json version, for a local path', () => {
    const version = JSON.parse(read('package.json')).version;
    const written = [...read('docs/validation-plugin.md').matchAll(/version: *([0-9][^\s#]*)/g)].map(m => m[1]);
    expect(written.length).toBeGreaterThan(0);
    expect(written.every(v => v === version)).toBe(true);
    expect(read('docs/validation-plugin.md')).not.toMatch(new RegExp(`cdk8s-netsec@(?!${version.replace(/\./g, '\\.')})\\d`));
  });
});
