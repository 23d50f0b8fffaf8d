import { Chart, Testing } from 'cdk8s';
import { MtlsMode } from '../../src/mesh/mesh-peer-authentication';
import { renderPeerAuthentication, renderPortException } from '../../src/render/peer-authentication';
import { validateAll } from '../util';

describe('PeerAuthentication renderer', () => {
  test('namespace-wide mode, and a workload-scoped exception with its ports sorted numerically', () => {
    const chart = new Chart(Testing.app(), 'c');
    renderPeerAuthentication(chart, 'pa', 'mesh', 'shop', MtlsMode.STRICT);
    renderPortException(chart, 'ex', { namespace: 'shop', labels: { app: 'api' }, name: 'mesh-api', ports: { 9102: MtlsMode.PERMISSIVE, 15090: MtlsMode.PERMISSIVE, 8080: MtlsMode.DISABLE } }, MtlsMode.STRICT);
    const [pa, ex] = validateAll(Testing.synth(chart));
    expect(pa).toMatchObject({ kind: 'PeerAuthentication', metadata: { name: 'mesh', namespace: 'shop' }, spec: { mtls: { mode: 'STRICT' } } });
    expect(pa.spec.selector).toBeUndefined();
    expect(ex.spec.selector).toEqual({ matchLabels: { app: 'api' } });
    expect(Object.keys(ex.spec.portLevelMtls)).toEqual(['8080', '9102', '15090']);
    expect(ex.spec.portLevelMtls['8080']).toEqual({ mode: 'DISABLE' });
  });
});
