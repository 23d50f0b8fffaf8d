import { Chart, Testing } from 'cdk8s';
import { Destination, IsolatedTier, NamespaceIsolation, Port, Reachability, RestrictedEgress } from '../../src';

/*
 * Red-team attacks on tiers and egress from plain JavaScript: each synthesized app must allow exactly the
 * declared flows (proved with the analyzer), and what would widen them is refused at the call with the
 * construct path, leaving the tree as it was.
 */

const at = (namespace: string, pod: string) => ({ namespace, pod });

function app() {
  const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
  const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
  const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
  // A pod elsewhere, so the analyzer models a namespace no flow names.
  new IsolatedTier(chart, 'evil', { podLabels: { app: 'evil' }, namespace: 'evil', ports: [Port.tcp(1)] });
  return { chart, web, api };
}

/** The declared web -> api flow is allowed, and nothing from elsewhere reaches api or leaves web for it. */
function expectOnlyWebToApi(chart: Chart): void {
  const r = Reachability.fromChart(chart);
  expect(r.isAllowed(at('shop', 'web'), at('shop', 'api'), Port.tcp(9090))).toBe(true);
  expect(r.isAllowed(at('evil', 'evil'), at('shop', 'api'), Port.tcp(9090))).toBe(false);
  expect(r.isAllowed(at('shop', 'web'), at('evil', 'evil'), Port.tcp(9090))).toBe(false);
}

describe('an object that only inherits from a tier is not a tier', () => {
  /** A tier look-alike: the real tier's prototype chain, with its own answer to toPeerConfig. */
  function forged(tier: IsolatedTier): any {
    // defineProperty, not assignment: the tier's own members are read-only, which assignment respects.
    return Object.create(tier, {
      toPeerConfig: { value: () => ({ allNamespaces: true }) },
      isolatesEgress: { value: true },
    });
  }

  test('allowTo called on it is refused, and nothing is recorded', () => {
    const { chart, web, api } = app();
    const fake = forged(web);
    expect(() => fake.allowTo(api, Port.tcp(9090))).toThrow(/shop\/web: allowTo was called on an object that is not an IsolatedTier or NamespaceIsolation the library built/);
    expect(() => IsolatedTier.prototype.allowFrom.call(forged(api), web, Port.tcp(9090))).toThrow(/allowFrom was called on an object that is not/);
    api.allowFrom(web, Port.tcp(9090));
    const ingress = Testing.synth(chart).find((o: any) => o.kind === 'NetworkPolicy' && o.metadata.name === 'api').spec.ingress;
    expect(ingress).toEqual([{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 9090, protocol: 'TCP' }] }]);
    expectOnlyWebToApi(chart);
  });

  test('it passes no instanceof test and no isIsolatedTier test', () => {
    const { web } = app();
    const fake = forged(web);
    expect(fake instanceof IsolatedTier).toBe(false);
    expect(IsolatedTier.isIsolatedTier(fake)).toBe(false);
    expect(web instanceof IsolatedTier).toBe(true);
    expect(IsolatedTier.isIsolatedTier(web)).toBe(true);
    expect(web instanceof NamespaceIsolation).toBe(false);
  });

  test('as a RestrictedEgress target it is refused before the construct joins the tree', () => {
    const { chart, web, api } = app();
    expect(() => new RestrictedEgress(chart, 'egress', { tier: forged(web), allow: [Destination.tier(api, Port.tcp(9090))] }))
      .toThrow(/shop\/egress: the target is not an IsolatedTier or NamespaceIsolation/);
    expect(chart.node.tryFindChild('egress')).toBeUndefined();
    new RestrictedEgress(chart, 'egress', { tier: web, allow: [Destination.tier(api, Port.tcp(9090))] });
    expectOnlyWebToApi(chart);
  });

  test('as Destination.tier it is refused', () => {
    const { api } = app();
    expect(() => Destination.tier(forged(api), Port.tcp(9090))).toThrow(/Destination.tier: is not an IsolatedTier/);
  });
});

describe('a tier cannot be changed after it is built', () => {
  test('its namespace, labels, ports and isolation stay as built; the synthesized rules do not move', () => {
    const { chart, web, api } = app();
    api.allowFrom(web, Port.tcp(9090));
    const js = web as any;
    // Plain JavaScript ignores a write to a read-only property outside strict mode; in strict mode (as here) it throws.
    expect(() => { js.namespace = 'evil'; }).toThrow(TypeError);
    expect(() => { (api as any).isolatesIngress = false; }).toThrow(TypeError);
    expect(() => { (api.ports as any).push(Port.allTraffic()); }).toThrow(TypeError);
    expect(() => { (web.podLabels as any).app = 'evil'; }).toThrow(TypeError);
    expect(() => { js.name = 'other'; }).toThrow(TypeError);
    expect([web.namespace, api.isolatesIngress, api.ports.length, web.podLabels.app]).toEqual(['shop', true, 1, 'web']);
    expectOnlyWebToApi(chart);
  });

  test('its own answer to toPeerConfig and _podScope cannot be replaced after a flow names it', () => {
    const { chart, web, api } = app();
    api.allowFrom(web, Port.tcp(9090));
    const js = web as any;
    expect(() => { js.toPeerConfig = () => ({ allNamespaces: true }); }).toThrow(TypeError);
    expect(() => { js._podScope = () => ({ namespace: 'evil', podLabels: {} }); }).toThrow(TypeError);
    expect(() => Object.defineProperty(web, 'toPeerConfig', { value: () => ({ allNamespaces: true }) })).toThrow(TypeError);
    expect(() => Object.defineProperty(api, 'declaredPorts', { get: () => [Port.allTraffic()] })).toThrow(TypeError);
    const ingress = Testing.synth(chart).find((o: any) => o.kind === 'NetworkPolicy' && o.metadata.name === 'api').spec.ingress;
    expect(ingress).toEqual([{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 9090, protocol: 'TCP' }] }]);
    expectOnlyWebToApi(chart);
  });

  test('a namespace isolation keeps its namespace and labels', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const isolation = new NamespaceIsolation(chart, 'baseline', { createNamespace: true, namespaceLabels: { team: 'shop' } });
    expect(() => { (isolation as any).namespace = 'evil'; }).toThrow(TypeError);
    expect(() => { (isolation.namespaceLabels as any).team = 'evil'; }).toThrow(TypeError);
    expect(() => { (isolation as any).toPeerConfig = () => ({ allNamespaces: true }); }).toThrow(TypeError);
    expect(isolation.toPeerConfig()).toEqual({ namespace: 'shop' });
  });
});

test('a tier\'s DNS cannot be swapped by assignment for an object that opens more', () => {
  const { chart, web, api } = app();
  api.allowFrom(web, Port.tcp(9090));
  const wide = { _destinations: [{ peer: { toPeerConfig: () => ({ allNamespaces: true }) }, ports: [] }], _metadataUpstreams: [] };
  expect(() => { (web as any).dns = wide; }).toThrow(TypeError);
  expectOnlyWebToApi(chart);
});
