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
    const fake = Object.create(tier);
    fake.toPeerConfig = () => ({ allNamespaces: true });
    fake.isolatesEgress = true;
    return fake;
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
